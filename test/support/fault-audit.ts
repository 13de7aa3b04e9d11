/**
 * What a fault-injection case proves, read from the fakes' own records: for every approved request,
 * how many executions the fake Dollr holds for it and how often money moved, and what the card and
 * its thread in the fake Slack say. One summary line per case.
 */
import type { ExecutionView, FakeDollr } from '../../src/fakes/fake-dollr.ts';
import type { FakeSlack } from '../../src/fakes/fake-slack.ts';
import type { Card } from './system.ts';

export type FinalStatus = 'COMPLETED' | 'FAILED';

/** An approved request as the test made it, and how it must end. */
export interface TrackedRequest {
  card: Card;
  kind: 'refund' | 'payout' | 'transfer';
  /** The original payment (refund), the payout account (payout) or the counterparty (transfer). */
  target: number;
  /** The amount as Dollr shows it, "10.25". Unique per target within a case, so that executions map to requests. */
  amount: string;
  final: FinalStatus;
}

interface RequestAudit {
  requestId: string;
  /** The one reference the thread names, if any. */
  referenceId?: string;
  /** Executions at the fake Dollr that carry this request's payment. */
  executions: ExecutionView[];
  /** Times money moved for the reference (the fake's debit counter). */
  moneyMoved: number;
  /** Thread replies per status (Approved, PENDING, PROCESSING, COMPLETED, FAILED). */
  replies: Record<string, number>;
  cardFinal: boolean;
  problems: string[];
}

export interface AuditResult {
  requests: number;
  /** Executions at the fake for these requests (plus any that belong to none). */
  executions: number;
  /** Requests that did not end as expected in Dollr and in Slack. */
  lost: number;
  /** Executions or money movements beyond one per request, executions of no request, repeated thread replies. */
  duplicated: number;
  perRequest: RequestAudit[];
  /** Fake executions that belong to none of the requests. */
  strays: ExecutionView[];
  problems: string[];
}

const REPLY_KINDS: Array<[string, RegExp]> = [
  ['Approved', /^:white_check_mark: Approved by/],
  ['PENDING', /\*PENDING\*/],
  ['PROCESSING', /\*PROCESSING\*/],
  ['COMPLETED', /\*COMPLETED\*/],
  ['FAILED', /\*FAILED\*/],
];

const executionKey = (kind: string, target: number | undefined, amount: string) => `${kind}:${target}:${amount}`;
/** What an execution pays: the original payment refunded, the payout account, or the counterparty. */
export const targetOf = (e: ExecutionView): number | undefined =>
  e.operation === 'refund'
    ? e.originalPaymentIntentId
    : e.operation === 'payout'
      ? e.payoutAccountId
      : e.counterpartyId;
const keyOf = (e: ExecutionView) => executionKey(e.operation, targetOf(e), e.payeeAmount);

export function threadTextsOf(slack: FakeSlack, card: Card): string[] {
  return slack.thread(card.channel, card.ts).map((m) => m.text ?? '');
}

function cardTextOf(slack: FakeSlack, card: Card): string {
  return JSON.stringify(slack.message(card.channel, card.ts)?.blocks ?? []);
}

/** True once the thread has the expected final reply and the card shows it. */
function isSettledInSlack(slack: FakeSlack, request: TrackedRequest): boolean {
  const final = threadTextsOf(slack, request.card).some((t) => t.includes(`*${request.final}*`));
  return final && cardShowsFinal(cardTextOf(slack, request.card), request.final);
}

const cardShowsFinal = (card: string, final: FinalStatus) =>
  final === 'COMPLETED' ? card.includes('Completed.') : card.includes('Failed:');

/** Waits until every request's thread and card show its final state (then audit). */
export async function waitForFinalStates(
  slack: FakeSlack,
  requests: TrackedRequest[],
  timeoutMs = 20_000,
): Promise<void> {
  try {
    await slack.waitFor((s) => requests.every((r) => isSettledInSlack(s, r)) || undefined, timeoutMs, 'final states');
  } catch (error) {
    // Where each unfinished request stands now, by the first line of each thread reply.
    const unfinished = requests
      .filter((r) => !isSettledInSlack(slack, r))
      .map(
        (r) =>
          `  ${r.card.requestId} (expected ${r.final}): ` +
          `${JSON.stringify(threadTextsOf(slack, r.card).map((t) => t.split('\n')[0]))}`,
      );
    throw new Error(`not every request reached its final state within ${timeoutMs} ms:\n${unfinished.join('\n')}`, {
      cause: error,
    });
  }
}

/** Counts, for these requests, executions, lost ones and duplicates, from the fakes' records. */
export function audit(slack: FakeSlack, dollr: FakeDollr, requests: TrackedRequest[]): AuditResult {
  const all = dollr.executions();
  const keys = new Set(requests.map((r) => executionKey(r.kind, r.target, r.amount)));
  if (keys.size !== requests.length)
    throw new Error('two tracked requests share a payment (kind, target, amount): make the amounts unique');
  const perRequest = requests.map((request): RequestAudit => {
    const problems: string[] = [];
    const texts = threadTextsOf(slack, request.card);
    const replies = Object.fromEntries(
      REPLY_KINDS.map(([name, pattern]) => [name, texts.filter((t) => pattern.test(t)).length]),
    );
    const references = [...new Set(texts.flatMap((t) => [...t.matchAll(/Reference `([^`]+)`/g)].map((m) => m[1]!)))];
    const executions = all.filter((e) => keyOf(e) === executionKey(request.kind, request.target, request.amount));
    const referenceId = references[0];
    const moneyMoved = executions.reduce((sum, e) => sum + dollr.executionCount(e.referenceId), 0);
    const cardFinal = cardShowsFinal(cardTextOf(slack, request.card), request.final);
    if (references.length > 1)
      problems.push(`the thread names ${references.length} references: ${references.join(', ')}`);
    if (executions.length !== 1) problems.push(`${executions.length} executions at Dollr`);
    const execution = executions[0];
    if (execution && referenceId && execution.referenceId !== referenceId)
      problems.push(`Dollr executed ${execution.referenceId}, the thread says ${referenceId}`);
    if (execution && execution.status !== request.final)
      problems.push(`Dollr has it ${execution.status}, expected ${request.final}`);
    // COMPLETED: money moved once. FAILED: it never moved, or moved once and went back (Dollr's debit count stays 1).
    const movesOk = request.final === 'COMPLETED' ? moneyMoved === 1 : moneyMoved <= 1;
    if (execution && !movesOk) problems.push(`money moved ${moneyMoved} times for a ${request.final} request`);
    if (replies[request.final] !== 1) problems.push(`${replies[request.final]} ${request.final} replies in the thread`);
    const other = request.final === 'COMPLETED' ? 'FAILED' : 'COMPLETED';
    if (replies[other]! > 0) problems.push(`${replies[other]} ${other} replies in the thread`);
    for (const [name, count] of Object.entries(replies))
      if (count > 1) problems.push(`${count} "${name}" replies in the thread`);
    if (!cardFinal) problems.push(`the card does not show ${request.final}`);
    return {
      requestId: request.card.requestId,
      ...(referenceId ? { referenceId } : {}),
      executions,
      moneyMoved,
      replies,
      cardFinal,
      problems: problems.map((p) => `${request.card.requestId}: ${p}`),
    };
  });
  const strays = all.filter((e) => !keys.has(keyOf(e)));
  const lost = perRequest.filter((r, i) => {
    const request = requests[i]!;
    return (
      r.executions.length === 0 ||
      r.replies[request.final] === 0 ||
      !r.cardFinal ||
      r.executions.every((e) => e.status !== request.final)
    );
  }).length;
  const duplicated =
    perRequest.reduce(
      (sum, r) =>
        sum +
        Math.max(0, r.executions.length - 1) +
        Math.max(0, r.moneyMoved - 1) +
        Object.values(r.replies).reduce((extra, count) => extra + Math.max(0, count - 1), 0),
      0,
    ) + strays.length;
  const problems = [
    ...perRequest.flatMap((r) => r.problems),
    ...strays.map((e) => `execution ${e.referenceId} belongs to no request`),
  ];
  return {
    requests: requests.length,
    executions: perRequest.reduce((sum, r) => sum + r.executions.length, 0) + strays.length,
    lost,
    duplicated,
    perRequest,
    strays,
    problems,
  };
}

/** Prints the case's one summary line. */
export function summarise(
  caseName: string,
  counts: { faults: number; requests: number; executions: number; lost: number; duplicated: number },
): string {
  const line =
    `faults[${caseName}] faults=${counts.faults} requests=${counts.requests} executions=${counts.executions} ` +
    `lost=${counts.lost} duplicated=${counts.duplicated}`;
  console.log(line);
  return line;
}
