/**
 * A followed request costs a few fields while it waits for its next poll, not its record, and a poll
 * that brings no news costs no store read: a thousand followed at once must hold neither a thousand
 * records (each with its whole trail of events) nor the store busy.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, expect, it } from 'vitest';
import { createStore } from '../../src/adapters/store/create-store.ts';
import type { MoneyRequest } from '../../src/core/request.ts';
import { APPROVER, person, REQUESTER, startSystem, waitForThread, type System } from '../support/system.ts';

// A full GC on demand, without starting the test process with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let system: System | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

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
  system = await startSystem({ overrides: { store } });
  system.dollr.holdNext();
  const card = await person(system, REQUESTER).request('refund 4411 10 held');
  await person(system, APPROVER).press(card, 'approve');
  await waitForThread(system, card, /PROCESSING/);
  const polls = () => system!.dollr.calls.filter((c) => c.path.startsWith('/v1/status/')).length;
  const before = polls();
  // Every record read so far (for the card, the approval, the execution) is done with by now.
  await system.dollr.waitFor(() => polls() >= before + 3 || undefined);
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
  system = await startSystem({ overrides: { store } });
  system.dollr.holdNext();
  const card = await person(system, REQUESTER).request('refund 4411 10 held');
  await person(system, APPROVER).press(card, 'approve');
  await waitForThread(system, card, /PROCESSING/);
  const polls = () => system!.dollr.calls.filter((c) => c.path.startsWith('/v1/status/')).length;
  await system.dollr.waitFor(() => polls() >= 2 || undefined);
  const [readsBefore, pollsBefore] = [reads, polls()];
  await system.dollr.waitFor(() => polls() >= pollsBefore + 3 || undefined);
  expect(reads - readsBefore).toBe(0);
  // A change is still stored and told.
  system.dollr.settle(system.dollr.executions()[0]!.referenceId, 'COMPLETED');
  await waitForThread(system, card, /COMPLETED/);
});
