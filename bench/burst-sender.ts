/**
 * Sends bursts of signed Slack requests from a worker thread, so that response times are taken on an
 * event loop that does nothing else: the fakes, which serve the app's own Slack and Dollr calls
 * during its burst, run on the main thread. The thread signs the form bodies exactly as
 * src/fakes/slack-sender.ts does and writes each request, whole, on a plain TCP connection: an HTTP
 * client (undici's fetch, before) cost the sender more CPU per burst than the server under
 * measurement spent, on the same two cores, and spread the burst's arrivals with it.
 *
 * Every request has its own connection (Connection: close), so that no process under measurement gets
 * a burst over connections a previous burst left open: an app that works after its acks is measured
 * after a wait, when kept-alive sockets would have been closed by the server, while back-to-back
 * bursts to the baseline would have reused them. The response time runs from the connect to the
 * server's close, which follows the whole answer.
 */
import { Worker } from 'node:worker_threads';
import { commandPayload, type CommandFields } from '../src/fakes/slack-sender.ts';

export const SIGNING_SECRET = 'bench-signing-secret-0123456789';

export type BurstItem = { command: CommandFields } | { interaction: object };
export type BurstAnswer = { status: number; elapsedMs: number };

export interface BurstSender {
  /** Sends every request at once to `url`; resolves with each one's status (0: no answer) and response time. */
  send(url: string, requests: readonly BurstItem[]): Promise<BurstAnswer[]>;
  close(): Promise<void>;
}

const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createHmac } = require('node:crypto');
const { connect } = require('node:net');
const { performance } = require('node:perf_hooks');
parentPort.on('message', async ({ id, url, secret, bodies }) => {
  const { hostname, port, pathname } = new URL(url);
  // Every request is written out (signed, headers and body in one buffer) before the first is sent.
  const timestamp = Math.floor(Date.now() / 1000);
  const requests = bodies.map((body) => {
    const signature = 'v0=' + createHmac('sha256', secret).update('v0:' + timestamp + ':' + body).digest('hex');
    return Buffer.from(
      'POST ' + pathname + ' HTTP/1.1\\r\\nHost: ' + hostname + ':' + port + '\\r\\n' +
        'Content-Type: application/x-www-form-urlencoded\\r\\n' +
        'Content-Length: ' + Buffer.byteLength(body) + '\\r\\n' +
        'X-Slack-Request-Timestamp: ' + timestamp + '\\r\\nX-Slack-Signature: ' + signature + '\\r\\n' +
        'User-Agent: Slackbot 1.0 (+https://api.slack.com/robots)\\r\\nConnection: close\\r\\n\\r\\n' + body,
    );
  });
  const answers = await Promise.all(requests.map((request) => new Promise((resolve) => {
    const started = performance.now();
    let head = '';
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(request));
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => { if (head.length < 16) head += chunk; });
    socket.on('error', () => resolve({ status: 0, elapsedMs: NaN }));
    // The server closes the connection once the answer is whole (Connection: close).
    socket.on('end', () => {
      const status = Number(/^HTTP\\/1\\.1 (\\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, elapsedMs: performance.now() - started });
    });
  })));
  parentPort.postMessage({ id, answers });
});
`;

const bodyOf = (item: BurstItem): string =>
  'command' in item
    ? new URLSearchParams(commandPayload(item.command)).toString()
    : new URLSearchParams({ payload: JSON.stringify(item.interaction) }).toString();

export function startBurstSender(signingSecret = SIGNING_SECRET): BurstSender {
  const worker = new Worker(WORKER, { eval: true });
  let nextId = 1;
  let failure: Error | undefined;
  const waiting = new Map<number, { resolve: (answers: BurstAnswer[]) => void; reject: (error: Error) => void }>();
  worker.on('message', (result: { id: number; answers: BurstAnswer[] }) => {
    waiting.get(result.id)?.resolve(result.answers);
    waiting.delete(result.id);
  });
  worker.on('error', (error) => {
    failure = error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  });
  return {
    send(url, requests) {
      return new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        const id = nextId++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error('a burst did not finish within 60 s'));
        }, 60_000);
        waiting.set(id, {
          resolve: (answers) => {
            clearTimeout(timer);
            resolve(answers);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        worker.postMessage({ id, url, secret: signingSecret, bodies: requests.map(bodyOf) });
      });
    },
    close: async () => void (await worker.terminate()),
  };
}
