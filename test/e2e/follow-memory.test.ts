/**
 * A followed request costs a few fields while it waits for its next poll, not its record, and a poll
 * that brings no news costs no store read: a thousand followed at once must hold neither a thousand
 * records (each with its whole trail of events), nor a suspended function each, nor the store busy.
 */
import { queryObjects, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/adapters/store/create-store.ts';
import type { MoneyRequest } from '../../src/core/request/request.ts';
import { APPROVER, person, REQUESTER, startSystem, waitForThread, type System } from '../support/system.ts';

// A full GC on demand, without starting the test process with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let system: System | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

/**
 * The app on `store`, with one approved refund that Dollr holds PROCESSING and the app follows.
 * `pollsReach(n)` waits until Dollr has been asked its status n times.
 */
async function followHeldRefund(store: Store) {
  system = await startSystem({ overrides: { store } });
  const s = system;
  s.dollr.holdNext();
  const card = await person(s, REQUESTER).request('refund 4411 10 held');
  await person(s, APPROVER).press(card, 'approve');
  await waitForThread(s, card, /PROCESSING/);
  const { referenceId } = s.dollr.executions()[0]!;
  const polls = () => s.dollr.statusRequestCount(referenceId);
  const pollsReach = (n: number) => s.dollr.waitFor(() => polls() >= n || undefined);
  return { s, card, referenceId, polls, pollsReach };
}

it('keeps no record of a request alive while it waits between status polls', async () => {
  const store = await createStore('memory://');
  /** Every record read from or written to the store. */
  const seen: Array<WeakRef<MoneyRequest>> = [];
  const [get, replace] = [store.get.bind(store), store.replace.bind(store)];
  store.get = async (id) => {
    const record = await get(id);
    if (record) seen.push(new WeakRef(record));
    return record;
  };
  store.replace = (next, basedOn) => {
    seen.push(new WeakRef(next));
    return replace(next, basedOn);
  };
  const { polls, pollsReach } = await followHeldRefund(store);
  // Every record read so far (for the card, the approval, the execution) is done with by now.
  await pollsReach(polls() + 3);
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
  expect(seen.length).toBeGreaterThan(5);
  expect(seen.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
});

it('does not read the record for a poll that repeats the status it last stored', async () => {
  const store = await createStore('memory://');
  let reads = 0;
  const get = store.get.bind(store);
  store.get = (id) => {
    reads++;
    return get(id);
  };
  const { s, card, referenceId, polls, pollsReach } = await followHeldRefund(store);
  await pollsReach(2);
  const [readsBefore, pollsBefore] = [reads, polls()];
  await pollsReach(pollsBefore + 3);
  expect(reads - readsBefore).toBe(0);
  // A change is still stored and told.
  s.dollr.settle(referenceId, 'COMPLETED');
  await waitForThread(s, card, /COMPLETED/);
});

it('holds no promise or AbortController for a request waiting between status polls', async () => {
  const n = 20;
  system = await startSystem({ env: { REQUESTS_PER_MINUTE: String(n) } });
  const s = system;
  s.dollr.configure({ progression: 'manual' }); // Every execution stays PROCESSING until settled.
  const cards = [];
  for (let i = 0; i < n; i++) {
    const card = await person(s, REQUESTER).request(`refund 4412 ${10 + i} held`); // 1,000.00 LRD to refund from
    await person(s, APPROVER).press(card, 'approve');
    cards.push(card);
  }
  await s.dollr.waitFor(() => s.dollr.executions().length === n || undefined);
  const references = s.dollr.executions().map((e) => e.referenceId);
  // Polled a few times each: their polls are spaced out by now, and most waits are long.
  await s.dollr.waitFor(() => references.every((r) => s.dollr.statusRequestCount(r) >= 4) || undefined, 10_000);
  /** Objects in the heap after a full GC (queryObjects collects first). */
  const count = () => ({
    promises: queryObjects(Promise, { format: 'count' }),
    controllers: queryObjects(AbortController, { format: 'count' }),
  });
  const following = count();
  for (const referenceId of references) s.dollr.settle(referenceId, 'COMPLETED');
  for (const card of cards) await waitForThread(s, card, /COMPLETED/);
  const settled = count();
  // A poll under way at the moment of counting holds a few; a suspended follower held several each.
  expect(following.controllers - settled.controllers).toBeLessThan(5);
  expect(following.promises - settled.promises).toBeLessThan(n);
});
