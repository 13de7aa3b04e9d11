/**
 * Runs an approved batch of refunds. A batch moves no money itself: once approved, each of its lines
 * becomes a refund request of its own (made idempotently, with an ID derived from the batch's, so a
 * crash between two lines makes neither twice), which the executor runs like any other: its own
 * reference, stored before its call, its own lease and fencing. The batch's run makes the next lines
 * as earlier ones end, counts where they stand and records it on the batch, for its card and its
 * thread; it runs again whenever a line changes (see `batchIdOf`) and on every sweep until every
 * line has ended.
 */
import type { Clock, Fence, RequestStore } from '../ports.ts';
import {
  IN_FLIGHT_STATES,
  isFinal,
  type BatchProgress,
  type MoneyRequest,
  type RefundBatchDetails,
} from '../request/request.ts';
import { lineRequest, lineRequestId, recordBatchProgress, recordBatchStarted } from '../request/transitions.ts';
import { updateRequest } from '../request/update-request.ts';

export interface BatchRunDeps {
  store: RequestStore;
  clock: Clock;
  /** Starts work on a line now (the worker's kick). */
  kick(requestId: string): void;
  /** Called after the batch's trail grew: Slack is told. */
  announce(requestId: string): void;
  /** Called after the count of its lines changed without news for the thread: the card shows it. */
  refreshCard(requestId: string): void;
}

const LINE_ID = /^(R[2-9A-HJ-NP-Z]{9})-(\d{1,3})$/;
/** Lines of one batch on their way at Dollr at once; the next line starts as one ends. */
const LINES_MOVING_AT_ONCE = 10;
const isMoving = (state: MoneyRequest['state']) => IN_FLIGHT_STATES.includes(state) && state !== 'needs_attention';

/** The batch a line's request belongs to, read from its ID; undefined for any other request. */
export function batchIdOf(requestId: string): string | undefined {
  return LINE_ID.exec(requestId)?.[1];
}

export async function runBatch(deps: BatchRunDeps, id: string, fence: Fence): Promise<void> {
  const { store, clock } = deps;
  const batch = await store.get(id);
  if (batch?.details.kind !== 'refund_batch' || isFinal(batch.state)) return;
  const details = batch.details;
  const lineIds = details.lines.map((line) => lineRequestId(id, line.line));

  // The batch as this run last wrote or read it.
  let known = batch;
  if (batch.state === 'approved') {
    const started = (current: MoneyRequest) =>
      current.state === 'approved' ? recordBatchStarted(current, tally(details, []), clock.now()) : undefined;
    known = await updateRequest(store, id, started, fence);
    deps.announce(id);
  }

  // Lines are made a wave at a time (at most LINES_MOVING_AT_ONCE on their way), so that a batch of
  // a hundred does not send Dollr a hundred calls at once. `insert` refuses a line that exists: a
  // run after a crash makes only the ones still missing.
  const lineRequests = await Promise.all(lineIds.map((lineId) => store.get(lineId)));
  let room = LINES_MOVING_AT_ONCE - lineRequests.filter((line) => line && isMoving(line.state)).length;
  for (const [index, line] of details.lines.entries()) {
    if (room <= 0) break;
    if (lineRequests[index]) continue;
    const made = lineRequest(batch, line, clock.now());
    // Made meanwhile by another run: count it as it stands.
    lineRequests[index] = (await store.insert(made)) ? made : await store.get(made.id);
    deps.kick(made.id);
    room--;
  }

  const progress = tally(details, lineRequests);
  const after = await updateRequest(store, id, (current) => recordBatchProgress(current, progress, clock.now()), fence);
  if (after.version === known.version) return;
  if (after.events.length > known.events.length) deps.announce(id);
  else deps.refreshCard(id);
}

/** Where each line stands; a line not made yet counts as moving (it is about to be). */
function tally(details: RefundBatchDetails, lineRequests: readonly (MoneyRequest | undefined)[]): BatchProgress {
  const progress: BatchProgress = {
    completed: 0,
    failed: 0,
    moving: 0,
    attention: 0,
    failedLines: [],
    attentionLines: [],
  };
  details.lines.forEach((line, index) => {
    const state = lineRequests[index]?.state;
    if (state === 'completed') progress.completed++;
    else if (state === 'failed') {
      progress.failed++;
      progress.failedLines.push(line.line);
    } else if (state === 'needs_attention') {
      progress.attention++;
      progress.attentionLines.push(line.line);
    } else progress.moving++;
  });
  return progress;
}
