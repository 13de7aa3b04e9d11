/**
 * What must hold after any schedule, checked against the fakes' ground truth (the fake Dollr's
 * executions and money movements, the fake Slack's threads and cards) and the store:
 * 1. at most one execution per request, money moved at most once, one reference per request;
 * 2. a request reported failed has no completed execution, and one reported with "no money moved"
 *    has no execution at all;
 * 3. every approved request ends in the state Dollr knows, or needs attention; none executes unapproved;
 * 4. each state change is reported once in its thread, and the card shows the final state;
 * 5. a daily limit (USD payouts, USD transfers) is never exceeded.
 */
import type { Store } from '../../src/adapters/store/create-store.ts';
import type { MoneyRequest } from '../../src/core/request/request.ts';
import type { FakeDollr } from '../../src/fakes/fake-dollr.ts';
import type { FakeSlack } from '../../src/fakes/fake-slack.ts';
import { targetOf } from '../support/fault-audit.ts';
import type { Card } from '../support/system.ts';
import type { RequestPlan } from './plan.ts';

export interface TrackedRequest extends RequestPlan {
  /** A line of the batch with this request ID: it has no card or thread of its own. */
  lineOf?: string;
  /** As Dollr shows it: "25.50". */
  amount: string;
  /** The original payment (refund), the payout account (payout) or the counterparty (transfer). */
  target: number;
  card: Card;
}

const IN_FLIGHT = ['approved', 'executing', 'pending', 'processing'];
const REPLIES: Array<[string, RegExp]> = [
  ['approved', /Approved by/g],
  ['PENDING', /\*PENDING\*/g],
  ['PROCESSING', /\*PROCESSING\*/g],
  ['COMPLETED', /\*COMPLETED\*/g],
  ['FAILED', /\*FAILED\*/g],
  ['needs attention', /\*Needs attention\*/g],
];

/**
 * A batch: it ends as its lines did (completed only when every line completed, failed only when
 * every line failed), never before them; its thread says so once; its card shows it.
 */
function batchProblems(
  batch: MoneyRequest,
  lines: readonly (MoneyRequest | undefined)[],
  thread: readonly string[],
  card: string,
): string[] {
  const problems: string[] = [];
  if (batch.state === 'awaiting_approval') return lines.some(Boolean) ? ['lines were made before approval'] : [];
  if (lines.some((line) => !line))
    return [`not every line was made (${lines.filter(Boolean).length} of ${lines.length})`];
  const states = lines.map((line) => line!.state);
  const all = (state: string) => states.every((s) => s === state);
  const expected = all('completed')
    ? 'completed'
    : all('failed')
      ? 'failed'
      : states.every((s) => s === 'completed' || s === 'failed')
        ? 'partly_completed'
        : undefined;
  if (batch.state !== expected)
    problems.push(`the batch is ${batch.state}, its lines are ${[...new Set(states)].join(', ')}`);
  const ended = thread.filter((t) => t.includes('*Batch ended*')).length;
  if (expected && ended !== 1) problems.push(`${ended} "Batch ended" replies in the thread`);
  if (expected === 'completed' && !card.includes('Completed:')) problems.push('the card does not show Completed');
  if (expected === 'partly_completed' && !card.includes('Partly completed:'))
    problems.push('the card does not show Partly completed');
  return problems;
}

export async function checkInvariants(world: {
  store: Store;
  slack: FakeSlack;
  dollr: FakeDollr;
  requests: TrackedRequest[];
  dailyLimitCents: number;
}): Promise<string[]> {
  const { store, slack, dollr, requests } = world;
  const executions = dollr.executions();
  const violations: string[] = [];
  for (const request of requests) {
    const id = request.card.requestId;
    const say = (what: string) => violations.push(`${id}: ${what}`);
    const record = await store.get(id);
    if (!record) {
      // A batch's lines are made once it is approved (its own check says whether they were).
      const batch = request.lineOf ? await store.get(request.lineOf) : undefined;
      if (batch?.state !== 'awaiting_approval') say('the request is not in the store');
      continue;
    }
    if (request.kind === 'refund_batch') {
      const lines = await Promise.all(requests.filter((r) => r.lineOf === id).map((r) => store.get(r.card.requestId)));
      const thread = slack.thread(request.card.channel, request.card.ts).map((m) => m.text ?? '');
      const card = JSON.stringify(slack.message(request.card.channel, request.card.ts)?.blocks ?? []);
      for (const problem of batchProblems(record, lines, thread, card)) say(problem);
      continue;
    }
    const mine = executions.filter(
      (e) => e.operation === request.kind && targetOf(e) === request.target && e.payeeAmount === request.amount,
    );
    const reference = record.attempt?.referenceId;
    const thread = slack.thread(request.card.channel, request.card.ts).map((m) => m.text ?? '');
    const card = JSON.stringify(slack.message(request.card.channel, request.card.ts)?.blocks ?? []);

    // 1. Exactly once.
    if (mine.length > 1) say(`Dollr executed it ${mine.length} times`);
    for (const e of mine) {
      if (dollr.executionCount(e.referenceId) > 1)
        say(`money moved ${dollr.executionCount(e.referenceId)} times for ${e.referenceId}`);
      if (e.referenceId !== reference)
        say(`Dollr executed ${e.referenceId}, the request holds ${reference ?? 'no reference'}`);
    }

    // 2. Failure told truthfully.
    if (record.state === 'failed' && mine.some((e) => e.status === 'COMPLETED'))
      say('reported failed, but Dollr completed it');
    const claimsNothingMoved =
      thread.some((t) => /no money moved/i.test(t)) || record.events.some((e) => e.type === 'failed' && !e.executeSent);
    if (claimsNothingMoved && mine.length > 0)
      say(`said that no money moved, but Dollr has an execution (${mine[0]!.status})`);

    // 3. The state Dollr knows.
    const approved = record.state !== 'awaiting_approval';
    if (!approved && mine.length > 0) say('executed without a completed approval');
    if (IN_FLIGHT.includes(record.state)) say(`did not end: ${record.state}`);
    if (record.state === 'completed' && !mine.some((e) => e.status === 'COMPLETED'))
      say('reported completed, but Dollr has no completed execution');
    if (record.state === 'failed' && mine.some((e) => e.status !== 'FAILED'))
      say(`reported failed, but Dollr has it ${mine.map((e) => e.status).join(', ')}`);

    if (request.lineOf) continue; // A batch's line is told on its batch's card and thread (checked above).
    // 4. Told once each, and the card shows the end.
    const counts = Object.fromEntries(
      REPLIES.map(([name, pattern]) => [name, thread.reduce((n, t) => n + (t.match(pattern)?.length ?? 0), 0)]),
    );
    for (const [name, count] of Object.entries(counts)) if (count > 1) say(`${count} "${name}" replies in the thread`);
    if (record.state === 'completed' && counts.COMPLETED !== 1) say('its COMPLETED was not reported in the thread');
    if (record.state === 'failed' && counts.FAILED !== 1) say('its failure was not reported in the thread');
    if (record.state === 'completed' && !card.includes('Completed.')) say('the card does not show Completed');
    if (record.state === 'failed' && !card.includes('Failed:')) say('the card does not show Failed');
  }

  // 5. Daily limits: the payouts, and the transfers, that moved or may move money in USD, today.
  for (const operation of ['payout', 'transfer'] as const) {
    const usd = executions.filter(
      (e) => e.operation === operation && e.payeeCurrency === 'USD' && e.status !== 'FAILED',
    );
    const movedCents = usd.reduce((sum, e) => sum + Math.round(Number(e.payeeAmount) * 100), 0);
    if (movedCents > world.dailyLimitCents) {
      violations.push(
        `${operation}s of ${movedCents / 100} USD passed the daily limit of ${world.dailyLimitCents / 100}`,
      );
    }
  }
  return violations;
}
