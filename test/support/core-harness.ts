/**
 * The core's ports in memory, for unit tests of the executor and the worker: the memory store,
 * a scripted Dollr (each call answered by the next scripted answer, or by a default) and a logger
 * that keeps its lines. Time is a fake clock's (fake-clock.ts).
 */
import { createStore, type Store } from '../../src/adapters/store/create-store.ts';
import { DollrError, type DollrErrorOptions } from '../../src/core/execution/dollr-error.ts';
import type { Clock, Logger, PaymentsGateway } from '../../src/core/ports.ts';
import type { ExecutionSnapshot, MoneyRequest, Operation } from '../../src/core/request/request.ts';
import { anExecution, aRequest } from './request-builder.ts';

export interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

export function capturingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

type Answer<T> = T | DollrError | (() => T | Promise<T>);
type Call = { method: string; input: unknown };

/**
 * Dollr as a script: `execute` and `status` take queued answers (a value, a DollrError to throw, or
 * a function), falling back to `otherwise`. Every call is recorded in order.
 */
export function scriptedDollr(otherwise: { status?: () => ExecutionSnapshot | undefined } = {}) {
  const calls: Call[] = [];
  const executes: Array<Answer<ExecutionSnapshot>> = [];
  const statuses: Array<Answer<ExecutionSnapshot | undefined>> = [];
  let sessions = 0;
  const answer = async <T>(queue: Array<Answer<T>>, fallback: () => T): Promise<T> => {
    const next = queue.shift();
    if (next === undefined) return fallback();
    if (next instanceof DollrError) throw next;
    return typeof next === 'function' ? await (next as () => T | Promise<T>)() : next;
  };
  const gateway: PaymentsGateway = {
    async createRefundSession(input) {
      calls.push({ method: 'createRefundSession', input });
      return { sessionId: String(9000 + ++sessions) };
    },
    async createPayoutSession(input) {
      calls.push({ method: 'createPayoutSession', input });
      return { sessionId: String(9000 + ++sessions) };
    },
    async createTransferSession(input) {
      calls.push({ method: 'createTransferSession', input });
      return { sessionId: String(9000 + ++sessions) };
    },
    async executeTransfer(input) {
      calls.push({ method: 'executeTransfer', input });
      return answer(executes, () => anExecution({ referenceId: input.referenceId, status: 'PENDING' }));
    },
    async executeRefund(input) {
      calls.push({ method: 'executeRefund', input });
      return answer(executes, () => anExecution({ referenceId: input.referenceId, status: 'PENDING' }));
    },
    async executePayout(input) {
      calls.push({ method: 'executePayout', input });
      return answer(executes, () => anExecution({ referenceId: input.referenceId, status: 'PENDING' }));
    },
    async getStatus(operation: Operation, referenceId: string) {
      calls.push({ method: 'getStatus', input: { operation, referenceId } });
      return answer(statuses, () => otherwise.status?.());
    },
    async previewPayoutFees() {
      return undefined;
    },
  };
  return {
    gateway,
    calls,
    /** Queues answers for the next execute calls. */
    onExecute: (...answers: Array<Answer<ExecutionSnapshot>>) => void executes.push(...answers),
    /** Queues answers for the next status calls (undefined: Dollr does not know the reference). */
    onStatus: (...answers: Array<Answer<ExecutionSnapshot | undefined>>) => void statuses.push(...answers),
    count: (method: string) => calls.filter((c) => c.method === method).length,
  };
}

export const dollrError = (code: DollrError['code'], message: string, options: DollrErrorOptions = {}) =>
  new DollrError(code, message, options);

/** The memory store, its leases and counters on `clock`'s time. */
export const memoryStore = (clock: Clock): Promise<Store> =>
  createStore('memory://', { now: () => clock.now().getTime() });

/** A refund approved by U_APP at `now`, stored: what the executor starts from. */
export async function anApprovedRequest(
  store: Store,
  clock: Clock,
  overrides: Partial<MoneyRequest> = {},
): Promise<MoneyRequest> {
  const now = clock.now().toISOString();
  const request = aRequest({
    createdAt: now,
    state: 'approved',
    approverId: 'U_APP',
    events: [
      { type: 'requested', by: 'U_REQ', at: now },
      { type: 'approved', by: 'U_APP', at: now },
    ],
    ...overrides,
  });
  await store.insert(request);
  return request;
}
