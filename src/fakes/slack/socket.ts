/**
 * Socket Mode, Slack's side: one-time WebSocket URLs from apps.connections.open, a `hello` on
 * connect, envelopes out, acknowledgements back (`{envelope_id, payload?}`), `disconnect` on request.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { EnvelopeAck, EnvelopeType } from './types.ts';

const SOCKET_PATH = '/socket';
/** Slack expects an acknowledgement within 3 seconds. */
const ACK_TIMEOUT_MS = 3000;

export interface EnvelopeOptions {
  timeoutMs?: number;
  /** For redelivery tests: Slack counts retries from 0. */
  retryAttempt?: number;
  retryReason?: string;
}

interface PendingAck {
  resolve: (ack: EnvelopeAck) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export function createSocketHub(wsBase: () => string, appId: string, onChange: () => void) {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const tickets = new Set<string>();
  const clients: WebSocket[] = [];
  const pending = new Map<string, PendingAck>();
  let acks: EnvelopeAck[] = [];

  wss.on('connection', (ws: WebSocket) => {
    clients.push(ws);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: Partial<EnvelopeAck>;
      try {
        message = JSON.parse(data.toString()) as Partial<EnvelopeAck>;
      } catch {
        return;
      }
      if (typeof message.envelope_id !== 'string') return;
      const ack: EnvelopeAck = { envelope_id: message.envelope_id };
      if (message.payload !== undefined) ack.payload = message.payload;
      acks.push(ack);
      const waiting = pending.get(ack.envelope_id);
      if (waiting !== undefined) {
        pending.delete(ack.envelope_id);
        clearTimeout(waiting.timer);
        waiting.resolve(ack);
      }
      onChange();
    });
    ws.on('close', () => {
      clients.splice(clients.indexOf(ws), 1);
      onChange();
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: clients.length,
        debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: appId },
      }),
    );
    onChange();
  });

  return {
    /** A one-time WebSocket URL, as apps.connections.open returns. */
    issueUrl(): string {
      const ticket = randomBytes(16).toString('hex');
      tickets.add(ticket);
      return `${wsBase()}${SOCKET_PATH}?ticket=${ticket}&app_id=${appId}`;
    },

    /** Accepts an upgrade on the socket path carrying an unused ticket; refuses anything else. */
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      const url = new URL(req.url ?? '/', 'http://fake');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== SOCKET_PATH || !tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },

    /** Sends an envelope to the newest connection and resolves with its acknowledgement. */
    sendEnvelope(type: EnvelopeType, payload: unknown, options: EnvelopeOptions = {}): Promise<EnvelopeAck> {
      const ws = clients.at(-1);
      if (ws === undefined)
        return Promise.reject(new Error(`sendEnvelope(${type}): no Socket Mode client is connected`));
      const envelopeId = randomUUID();
      const timeoutMs = options.timeoutMs ?? ACK_TIMEOUT_MS;
      const acked = new Promise<EnvelopeAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(envelopeId);
          reject(new Error(`sendEnvelope(${type}): no ack for envelope ${envelopeId} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(envelopeId, { resolve, reject, timer });
      });
      ws.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          // Slack takes a response payload with the ack for commands and interactions, not for events.
          accepts_response_payload: type !== 'events_api',
          retry_attempt: options.retryAttempt ?? 0,
          retry_reason: options.retryReason ?? '',
        }),
      );
      return acked;
    },

    /** Asks every connected client to reconnect, as Slack does when it recycles a connection. */
    requestReconnect(reason = 'refresh_requested'): void {
      const message = JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake' } });
      for (const ws of clients) ws.send(message);
    },

    connectedCount: (): number => clients.length,
    acks: (): EnvelopeAck[] => structuredClone(acks),
    resetAcks(): void {
      acks = [];
    },

    close(): void {
      for (const [id, waiting] of pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new Error(`fake Slack closed before envelope ${id} was acknowledged`));
      }
      pending.clear();
      for (const ws of [...clients]) ws.terminate();
      wss.close();
    },
  };
}
