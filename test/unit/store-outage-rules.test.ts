/**
 * The outage rules for the listing, settings and counter operations: when the backend hangs, fails
 * or cannot be reached they reject with store_unavailable within the timeout, and never resolve as
 * if nothing were there (an empty list, an unset setting).
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import type { AtomicPrimitives, Backend } from '../../src/adapters/store/backend.ts';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { createKeyvStore } from '../../src/adapters/store/keyv-store.ts';
import type { RequestStore } from '../../src/core/ports.ts';

const TIMEOUT_MS = 150;
/** Slack for scheduling on a busy machine; a hang would take far longer. */
const MARGIN_MS = 400;

/** A backend every call of which behaves like `answer` (never settling, or failing). */
function backendThat(answer: () => Promise<never>): Backend {
  const keyvStore = { get: answer, set: answer, delete: answer, clear: answer, has: answer, getMany: answer };
  const atomic = new Proxy({} as AtomicPrimitives, { get: () => answer });
  return {
    keyv: new Keyv({ store: keyvStore, namespace: undefined, useKeyPrefix: false, throwOnErrors: true }),
    atomic,
    ping: answer,
    close: async () => {},
  };
}

const operations = (store: RequestStore): Record<string, () => Promise<unknown>> => ({
  listRequestIds: () => store.listRequestIds({}),
  listRequestIdsLimited: () => store.listRequestIds({ since: new Date('2026-01-01'), limit: 10, newestFirst: true }),
  listRequestIdsFor: () => store.listRequestIdsFor('refund:4411'),
  getSetting: () => store.getSetting('freeze'),
  setSetting: () => store.setSetting('freeze', 'on'),
  clearSetting: () => store.setSetting('freeze', undefined),
  increment: () => store.increment('approvals:U1', 60_000),
});

async function expectEveryOperationUnavailable(store: RequestStore): Promise<void> {
  for (const [name, operation] of Object.entries(operations(store))) {
    const started = performance.now();
    const error = await operation().then(
      (value) => new Error(`resolved with ${JSON.stringify(value)} instead of rejecting`),
      (reason: unknown) => reason,
    );
    expect(error, name).toMatchObject({ code: 'store_unavailable' });
    expect(performance.now() - started, name).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  }
}

describe('listing, settings and counters during an outage', () => {
  it('reject at the timeout when the backend stops answering', async () => {
    const store = createKeyvStore(
      backendThat(() => new Promise<never>(() => {})),
      { namespace: 'hang', timeoutMs: TIMEOUT_MS },
    );
    await expectEveryOperationUnavailable(store);
  });

  it('reject when the backend fails', async () => {
    const store = createKeyvStore(
      backendThat(() => Promise.reject(new Error('connection reset'))),
      { namespace: 'fail', timeoutMs: TIMEOUT_MS },
    );
    await expectEveryOperationUnavailable(store);
  });

  it('reject when Redis cannot be reached', async () => {
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const address = probe.address();
    probe.close();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const store = await createStore(`redis://127.0.0.1:${address.port}`, { namespace: 'down', timeoutMs: TIMEOUT_MS });
    try {
      await expectEveryOperationUnavailable(store);
    } finally {
      await store.close();
    }
  });
});
