/**
 * `npm run sandbox` started where production's settings are set (STORE_URL on a Redis, a Dollr URL,
 * Slack's URL, a policy file) uses none of them: its store is its own memory://, it says so, and a
 * payout made through its page leaves that Redis empty. The payout offers the sandbox's named payees
 * and its card names the payee.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../support/redis-server.ts';
import { pollUntil } from '../support/within.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REQUESTER = 'U0SANDREQ1';

let redis: RedisServer;
let child: ChildProcess | undefined;
let output = '';
let url = '';

beforeAll(async () => {
  redis = await startRedisServer();
  child = spawn(process.execPath, ['src/sandbox/main.ts'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      STORE_URL: `${redis.url}/0`,
      DOLLR_API_URL: 'http://127.0.0.1:9/',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      APPROVAL_POLICY: '/nonexistent/production-policy.yml',
    },
  });
  const started = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /open (http:\/\/\S+)/.exec(output);
      if (match) {
        url = match[1]!;
        resolve();
      }
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.once('exit', (code) => reject(new Error(`the sandbox exited (${code}) before it started:\n${output}`)));
  });
  await started;
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  await redis?.close();
});

interface Option {
  text: { text: string };
  value: string;
}
interface InputBlock {
  type: string;
  block_id: string;
  element: { type: string; action_id: string; options?: Option[]; initial_option?: Option; initial_value?: string };
}
interface Snapshot {
  items: Array<{ text: string; blocks: unknown[] }>;
  modal: { id: string; view: { blocks: InputBlock[] } } | null;
}

/** The first snapshot the page's event stream sends. */
async function snapshot(user: string): Promise<Snapshot> {
  const abort = new AbortController();
  const response = await fetch(new URL(`/events?user=${user}`, url), { signal: abort.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  abort.abort();
  const data = text
    .split('\n\n')[0]!
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trim())
    .join('\n');
  return JSON.parse(data) as Snapshot;
}

async function post(path: string, body: object): Promise<void> {
  const response = await fetch(new URL(path, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

describe('the sandbox where production settings are set', () => {
  it('says it uses its own store and ignores STORE_URL and the rest', () => {
    expect(output).toContain('store memory://');
    expect(output).toMatch(/STORE_URL is set in the environment; the sandbox ignores it/);
    expect(output).toMatch(/ignores APPROVAL_POLICY, DOLLR_API_URL, SLACK_API_URL from the environment/);
  });

  it('makes a payout to a named payee, and the Redis of STORE_URL stays empty', async () => {
    await post('/api/command', { user: REQUESTER, text: '/dollr payout 7 100 USD office chairs' });
    const modal = await pollUntil(async () => (await snapshot(REQUESTER)).modal, 10_000, 'the payout form', 100);
    const payee = modal.view.blocks.find((b) => b.block_id === 'payout_account_id');
    expect(payee?.element.type).toBe('static_select');
    expect(payee?.element.options?.map((o) => o.text.text)).toEqual([
      'Acme Supplies Ltd (account 7, USD)',
      'Abena Owusu (contractor) (account 8, LRD)',
    ]);
    expect(payee?.element.initial_option?.value).toBe('7');

    // Submit the form as the page would: each input's value as it was filled in.
    const values: Record<string, Record<string, string | null>> = {};
    for (const block of modal.view.blocks) {
      if (block.type !== 'input') continue;
      const element = block.element;
      values[block.block_id] = {
        [element.action_id]: element.initial_option?.value ?? element.initial_value ?? null,
      };
    }
    await post('/api/submit', { user: REQUESTER, viewId: modal.id, values });
    const card = await pollUntil(
      async () =>
        (await snapshot(REQUESTER)).items.find((item) => JSON.stringify(item.blocks).includes('Payout request')),
      10_000,
      'the card',
      100,
    );
    expect(JSON.stringify(card.blocks)).toContain('Acme Supplies Ltd');

    expect(await redis.command('DBSIZE')).toBe(0);
    expect(await redis.command('KEYS', '*')).toEqual([]);
  }, 20_000);
});
