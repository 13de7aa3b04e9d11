/**
 * Sends bursts of signed Slack requests from a worker thread, so that response times are taken on an
 * event loop that does nothing else: the fakes, which serve the app's own Slack and Dollr calls
 * during its burst, run on the main thread. The thread signs and posts ready-made form bodies exactly
 * as src/fakes/slack-sender.ts does (plain JavaScript, so the worker thread loads it as it is).
 *
 * Every burst opens its own connections and closes them at the end (an undici Agent per burst), so
 * that no process under measurement gets a burst over connections a previous burst left open: an
 * app that works after its acks is measured after a wait, when kept-alive sockets would have been
 * closed by the server, while back-to-back bursts to the baseline would have reused them.
 */
import { createRequire } from 'node:module';
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
const { parentPort, workerData } = require('node:worker_threads');
const { createHmac } = require('node:crypto');
const { performance } = require('node:perf_hooks');
const { Agent, fetch } = require(workerData.undici);
parentPort.on('message', async ({ id, url, secret, bodies }) => {
  const dispatcher = new Agent();
  const answers = await Promise.all(bodies.map(async (body) => {
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = 'v0=' + createHmac('sha256', secret).update('v0:' + timestamp + ':' + body).digest('hex');
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    };
    const started = performance.now();
    try {
      const response = await fetch(url, { method: 'POST', headers, body, dispatcher });
      await response.text();
      return { status: response.status, elapsedMs: performance.now() - started };
    } catch {
      return { status: 0, elapsedMs: NaN };
    }
  }));
  await dispatcher.close();
  parentPort.postMessage({ id, answers });
});
`;

const bodyOf = (item: BurstItem): string =>
  'command' in item
    ? new URLSearchParams(commandPayload(item.command)).toString()
    : new URLSearchParams({ payload: JSON.stringify(item.interaction) }).toString();

export function startBurstSender(signingSecret = SIGNING_SECRET): BurstSender {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { undici: createRequire(import.meta.url).resolve('undici') },
  });
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
