/**
 * What one fault schedule does, drawn by fast-check from a seed: the requests, what Dollr does
 * wrong and how strictly it reads the docs, where the process dies, whether a second replica runs,
 * when every lease expires under its holder, when the store is unreachable. The same seed draws
 * the same schedules (what the timers then make of them may differ from run to run).
 */
import fc from 'fast-check';
import { CHECKPOINTS, type Checkpoint } from '../../src/core/ports.ts';
import type { Fault, StrictMode } from '../../src/fakes/fake-dollr.ts';

export interface RequestPlan {
  kind: 'refund' | 'payout' | 'transfer' | 'refund_batch';
  /** A batch's number of lines, each a refund of its own payment. */
  lines?: number;
  /** How the requester starts it: `/dollr`, or (refunds) the "Refund from this message" shortcut. */
  via: 'command' | 'message_shortcut';
  /** Where the approver presses Approve: on the card, or on their Home tab. */
  approveOn: 'card' | 'home';
  /** In cents, distinct within a schedule. */
  amountCents: number;
}

interface DollrFaultPlan {
  route: 'execute' | 'status' | 'session';
  fault: Fault;
  times: number;
}

export interface SchedulePlan {
  requests: RequestPlan[];
  /** Injected on the fake Dollr in order, before the approvals. */
  faults: DollrFaultPlan[];
  strict: StrictMode;
  /** The first new execution answers FAILED (moving no money). */
  firstExecutionFails: boolean;
  /** The app is killed (frozen mid-step) the first time any run reaches this checkpoint, then restarted. */
  crashAt?: Checkpoint;
  restartAfterMs: number;
  /** A second app on the same store from the start; clicks go to either. */
  secondReplica: boolean;
  /** Every lease expires under its holder this long after the approvals, and a thief holds each for a while. */
  leasesExpireAfterMs?: number;
  /** The store is unreachable for a while, from this long after the approvals. */
  storeOutage?: { afterMs: number; forMs: number };
}

/** USD payouts and USD transfers have a daily limit in the schedules' policy; requests are drawn to reach it often. */
export const DAILY_LIMIT_CENTS = 100_00;

const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom(500, 502, 503, 504) }),
  fc.record({ kind: fc.constant('rate_limit' as const), retryAfterSeconds: fc.constant(0) }),
  fc.record({ kind: fc.constant('delay' as const), ms: fc.integer({ min: 10, max: 100 }) }),
  // Processed, answered after the app gave up (its Dollr timeout is 150 ms).
  fc.record({ kind: fc.constant('late' as const), ms: fc.integer({ min: 200, max: 600 }) }),
  fc.record({ kind: fc.constant('drop' as const) }),
  fc.record({ kind: fc.constant('drop_before' as const) }),
);

const requestPlans = fc
  .uniqueArray(fc.integer({ min: 20_00, max: 60_00 }), { minLength: 1, maxLength: 3, selector: (cents) => cents })
  .chain((amounts) =>
    fc.tuple(
      ...amounts.map((amountCents) =>
        fc
          .record({
            kind: fc.constantFrom('refund' as const, 'payout' as const, 'transfer' as const),
            via: fc.constantFrom('command' as const, 'message_shortcut' as const),
            approveOn: fc.constantFrom('card' as const, 'home' as const),
            amountCents: fc.constant(amountCents),
          })
          .map((r) => (r.kind === 'refund' ? r : { ...r, via: 'command' as const })),
      ),
    ),
  );

const schedulePlans: fc.Arbitrary<SchedulePlan> = fc.record(
  {
    requests: requestPlans,
    faults: fc.array(
      fc.record({
        route: fc.constantFrom('execute' as const, 'execute' as const, 'status' as const, 'session' as const),
        fault,
        times: fc.integer({ min: 1, max: 3 }),
      }),
      { maxLength: 3 },
    ),
    strict: fc.record({
      replays: fc.constantFrom('replay' as const, 'duplicate' as const, 'session_used' as const),
      statusLag: fc.integer({ min: 0, max: 3 }),
    }),
    firstExecutionFails: fc.boolean(),
    crashAt: fc.option(fc.constantFrom<Checkpoint>(...CHECKPOINTS), { nil: undefined }),
    restartAfterMs: fc.integer({ min: 0, max: 200 }),
    secondReplica: fc.boolean(),
    leasesExpireAfterMs: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
    storeOutage: fc.option(
      fc.record({ afterMs: fc.integer({ min: 0, max: 400 }), forMs: fc.integer({ min: 50, max: 600 }) }),
      { nil: undefined },
    ),
  },
  { requiredKeys: ['requests', 'faults', 'strict', 'firstExecutionFails', 'restartAfterMs', 'secondReplica'] },
);

/** The schedules a seed draws, in order. */
export const drawSchedules = (seed: number, count: number): SchedulePlan[] =>
  fc.sample(schedulePlans, { seed, numRuns: count });

/** Schedules whose one request is a batch of `lines` refunds, under the same drawn faults. */
export const drawBatchSchedules = (seed: number, count: number, lines: number): SchedulePlan[] =>
  fc.sample(
    schedulePlans.map((plan) => ({
      ...plan,
      requests: [
        {
          kind: 'refund_batch' as const,
          lines,
          via: 'command' as const,
          approveOn: plan.requests[0]!.approveOn,
          amountCents: 0,
        },
      ],
    })),
    { seed, numRuns: count },
  );

/** How many faults a schedule injects, for the summary. */
export const faultCount = (plan: SchedulePlan): number =>
  plan.faults.reduce((sum, f) => sum + f.times, 0) +
  (plan.strict.replays === 'replay' ? 0 : 1) +
  (plan.strict.statusLag > 0 ? 1 : 0) +
  (plan.firstExecutionFails ? 1 : 0) +
  (plan.crashAt ? 1 : 0) +
  (plan.secondReplica ? 1 : 0) +
  (plan.leasesExpireAfterMs === undefined ? 0 : 1) +
  (plan.storeOutage ? 1 : 0);
