/**
 * Redis going away and coming back, with our own redis-server child on a free port: every operation
 * must reject with store_unavailable within the timeout (never hang, never look like a missing key),
 * and the same store object must work again once Redis is back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStore, type Store } from '../../src/adapters/store/create-store.ts';
import { aRequest, nextVersion } from '../support/request-builder.ts';

const TIMEOUT_MS = 500;
/** Slack for scheduling on a busy machine; a hang would take far longer. */
const MARGIN_MS = 400;

let port = 0;
let server: ChildProcess | undefined;
let store: Store;

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startRedis(): Promise<void> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
}

async function killRedis(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGCONT');
  child.kill('SIGKILL');
  await exited;
}

/** Resolves how long `operation` took to settle and with what error. */
async function timed(operation: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  const error = await operation().then(
    (value) => new Error(`resolved with ${JSON.stringify(value)} instead of rejecting`),
    (reason: unknown) => reason,
  );
  return { ms: performance.now() - started, error };
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  store = await createStore(`redis://127.0.0.1:${port}`, { namespace: 'outage', timeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  await store?.close();
  await killRedis();
});

describe('a Redis store during an outage', () => {
  const request = aRequest();

  it('works while Redis is up', async () => {
    expect(await store.insert(request)).toBe(true);
    expect(await store.get(request.id)).toEqual(request);
  });

  it('rejects every operation with store_unavailable, within the timeout, while Redis is down', async () => {
    await killRedis();
    const operations: Record<string, () => Promise<unknown>> = {
      get: () => store.get(request.id),
      insert: () => store.insert(aRequest()),
      replace: () => store.replace(nextVersion(request, { state: 'approved' })),
      getByReference: () => store.getByReference('ref-1'),
      listWithWorkLeft: () => store.listWithWorkLeft(),
      ping: () => store.ping(),
      acquireLease: () => store.acquireLease('sweep', 'A', 1000),
      renewLease: () => store.renewLease('sweep', 'A', 1000),
      releaseLease: () => store.releaseLease('sweep', 'A'),
    };
    for (const [name, operation] of Object.entries(operations)) {
      const { ms, error } = await timed(operation);
      expect(error, name).toMatchObject({ code: 'store_unavailable' });
      expect(ms, name).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    }
  });

  it('works again with the same store object once Redis is back', async () => {
    await startRedis();
    await vi.waitFor(() => store.ping(), { timeout: 5000, interval: 50 });
    // The new server started empty (--save ''), so the request is gone; the store must not mind.
    expect(await store.get(request.id)).toBeUndefined();
    const again = aRequest();
    expect(await store.insert(again)).toBe(true);
    expect(await store.replace(nextVersion(again, { state: 'approved' }))).toBe(true);
    expect(await store.listWithWorkLeft()).toMatchObject([{ id: again.id, version: 2 }]);
  });

  it('rejects at the timeout when Redis stops answering, and recovers when it answers again', async () => {
    server!.kill('SIGSTOP');
    const { ms, error } = await timed(() => store.get(request.id));
    server!.kill('SIGCONT');
    expect(error).toMatchObject({ code: 'store_unavailable', message: expect.stringContaining(`within ${TIMEOUT_MS} ms`) });
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    await vi.waitFor(() => store.ping(), { timeout: 5000, interval: 50 });
  });

  it('opens while Redis is down and connects once it starts', async () => {
    await killRedis();
    const started = performance.now();
    const late = await createStore(`redis://127.0.0.1:${port}`, { namespace: 'outage-late', timeoutMs: TIMEOUT_MS });
    try {
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      await expect(late.get('R1')).rejects.toMatchObject({ code: 'store_unavailable' });
      await startRedis();
      await vi.waitFor(() => late.ping(), { timeout: 5000, interval: 50 });
      expect(await late.insert(aRequest())).toBe(true);
    } finally {
      await late.close();
    }
  });
});
