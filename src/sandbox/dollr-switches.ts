/**
 * The sandbox's panel over the simulated Dollr: three one-shot switches for the next execution, a
 * Release for each execution held in PROCESSING, and one lasting setting, strict mode (the strictest
 * reading of what Dollr's docs leave open). The fake applies a one-shot switch to the next execution
 * (or execute request) it sees; this module notices that and turns the switch off again.
 */
import type { FakeDollr } from '../fakes/fake-dollr.ts';

interface ExecutionRow {
  referenceId: string;
  operation: string;
  amount: string;
  currency: string;
  status: string;
  /** Held in PROCESSING by the "stays PROCESSING" switch: the page offers Release. */
  releasable: boolean;
  message: string | null;
}

export interface DollrPanel {
  armed: { failNext: boolean; holdNext: boolean; lateNext: boolean };
  /** Replays refused with 422 and status queries lagging behind a new execution, until switched off. */
  strict: boolean;
  /** How late a "late" answer comes, in ms (the app's Dollr timeout plus a second). */
  lateMs: number;
  balances: Record<string, string>;
  /** Newest first. */
  executions: ExecutionRow[];
}

export interface DollrSwitches {
  failNext(): void;
  holdNext(): void;
  lateNext(): void;
  /** Switches strict mode on or off. */
  toggleStrict(): void;
  /** Settles a held execution COMPLETED; throws when it is not held or already final. */
  release(referenceId: string): void;
  /** Call after each change of the fake (each request it handled): turns off the switches it has used up. */
  observe(): void;
  panel(): DollrPanel;
}

const INSUFFICIENT_BALANCE = 'Insufficient wallet balance';
/** Strict mode in the sandbox: a replay refused as a duplicate, the first two status queries answered 404. */
const STRICT = { replays: 'duplicate', statusLag: 2 } as const;
const KIND = { replays: 'replay', statusLag: 0 } as const;

const isFinal = (status: string) => status === 'COMPLETED' || status === 'FAILED';
const executeCalls = (dollr: FakeDollr) => dollr.calls.filter((c) => c.path.startsWith('/v1/executions/')).length;

export function createDollrSwitches(dollr: FakeDollr, options: { lateMs: number }): DollrSwitches {
  const armed = { failNext: false, holdNext: false, lateNext: false };
  let strict = false;
  const known = new Set(dollr.executions().map((e) => e.referenceId));
  const held = new Set<string>();
  let executeCallsWhenArmed = 0;

  function observe(): void {
    for (const execution of dollr.executions()) {
      if (known.has(execution.referenceId)) continue;
      known.add(execution.referenceId);
      // The fake applies "fail" and "hold" to the next new execution, and forgets both then.
      if (armed.holdNext) held.add(execution.referenceId);
      armed.failNext = false;
      armed.holdNext = false;
    }
    // A "late" fault is used up by the next execute request, a replay included.
    if (armed.lateNext && executeCalls(dollr) > executeCallsWhenArmed) armed.lateNext = false;
  }

  return {
    observe,
    failNext() {
      observe();
      dollr.failNextWith({ walletMessage: INSUFFICIENT_BALANCE });
      armed.failNext = true;
    },
    holdNext() {
      observe();
      dollr.holdNext();
      armed.holdNext = true;
    },
    lateNext() {
      observe();
      if (armed.lateNext) return;
      executeCallsWhenArmed = executeCalls(dollr);
      dollr.inject({ route: 'execute', fault: { kind: 'late', ms: options.lateMs } });
      armed.lateNext = true;
    },
    toggleStrict() {
      strict = !strict;
      dollr.configure({ strict: strict ? STRICT : KIND });
    },
    release(referenceId) {
      const execution = dollr.execution(referenceId);
      if (!held.has(referenceId) || execution === undefined || isFinal(execution.status)) {
        throw new Error(`Execution ${referenceId} is not waiting to be released.`);
      }
      dollr.settle(referenceId, 'COMPLETED');
    },
    panel() {
      observe();
      const executions = dollr
        .executions()
        .reverse()
        .map((e) => ({
          referenceId: e.referenceId,
          operation: e.operation,
          amount: e.payeeAmount,
          currency: e.payeeCurrency,
          status: e.status,
          releasable: held.has(e.referenceId) && !isFinal(e.status),
          message: e.walletMessage ?? e.gatewayMessage,
        }));
      return { armed: { ...armed }, strict, lateMs: options.lateMs, balances: dollr.balances(), executions };
    },
  };
}
