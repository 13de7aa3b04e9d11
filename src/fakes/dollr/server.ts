/**
 * The fake's HTTP side (node:http on 127.0.0.1): reads each request, records it, applies the next
 * scripted fault and the configured latency around the route handler, and answers JSON.
 * `/__fake/...` requests go to the control handler: never recorded, faulted or delayed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi, INVALID_JSON, routeOf, statusReference } from './api-routes.ts';
import { countArrival } from './execution-routes.ts';
import { faultReply, takeFault } from './faults.ts';
import type { FakeState } from './state.ts';
import type { Reply } from './types.ts';

const MAX_BODY_BYTES = 1_000_000;
const CONTROL_PREFIX = '/__fake/';

export interface ControlRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON, undefined when empty, INVALID_JSON when not JSON. */
  body: unknown;
}

export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(options: {
  state: FakeState;
  port: number;
  control: (request: ControlRequest) => Reply | Promise<Reply>;
  /** Called after each request (API or control) has been handled, when the state may have changed. */
  onHandled?: () => void;
}): Promise<FakeServer> {
  const { state } = options;
  // Answers held back by latency or faults; cleared on close so that no timer outlives the fake.
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, work: () => void) => {
    if (ms <= 0) return work();
    const timer = setTimeout(() => {
      timers.delete(timer);
      work();
    }, ms);
    timers.add(timer);
  };

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const body = parseBody(text);
    if (path.startsWith(CONTROL_PREFIX)) return send(res, await options.control({ method, path, query, body }));

    state.calls.push({
      method,
      path,
      query,
      body: body === INVALID_JSON ? text : body,
      headers: { ...req.headers },
      at: state.now(),
    });
    const route = routeOf(path);
    if (route === 'execute') countArrival(state, 'execute', referenceOf(body));
    if (route === 'status') countArrival(state, 'status', statusReference(path));

    const fault = takeFault(state, route);
    const latency = state.config.latencyMs;
    const processRequest = () =>
      handleApi(state, { method, path, query, body, authorization: req.headers.authorization });
    switch (fault?.kind) {
      case 'drop_before':
        return void req.socket.destroy();
      case 'status':
      case 'rate_limit':
        return later(latency, () => send(res, faultReply(fault)));
      case 'delay':
        return later(fault.ms + latency, () => send(res, processRequest()));
      case 'drop':
        processRequest();
        return void req.socket.destroy();
      case 'late': {
        // Processed now (money moves); the answer leaves after the caller has most likely given up.
        const answer = processRequest();
        return later(fault.ms + latency, () => send(res, answer));
      }
      default: {
        const answer = processRequest();
        return later(latency, () => send(res, answer));
      }
    }
  }

  const server = createServer((req, res) => {
    res.on('error', () => undefined);
    onRequest(req, res)
      .catch((error: unknown) => {
        if (error instanceof BodyTooLarge)
          return send(res, { status: 413, body: { detail: 'Request Entity Too Large' } });
        send(res, { status: 500, body: { detail: 'Internal Server Error', fake: String(error) } });
      })
      .finally(() => options.onHandled?.());
  });
  // Idle connections stay open for a minute, as production front ends commonly keep them (Node's
  // default closes them after 5 s, which would make every call after a quiet spell a new connection).
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes a JSON answer unless the caller is already gone (timed out, or dropped by a fault). */
function send(res: ServerResponse, answer: Reply): void {
  if (res.destroyed || res.writableEnded || res.socket?.destroyed) return;
  const payload = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...answer.headers,
  });
  res.end(payload);
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID_JSON;
  }
}

function referenceOf(body: unknown): string | undefined {
  const value = (body as { reference_id?: unknown } | null | undefined)?.reference_id;
  return typeof value === 'string' ? value : undefined;
}
