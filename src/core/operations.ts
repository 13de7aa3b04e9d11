/**
 * The use cases the outside world calls (Slack's listeners), bound to what they need: one object
 * per process, built by the composition root. A decision that changes a request wakes the worker,
 * so that what follows (the card, the execution, the thread) starts at once.
 */
import type { ApprovalPolicy } from './approval/approval-policy.ts';
import { approveRequest, cancelRequest, checkDecider, rejectRequest } from './approval/decide-request.ts';
import { currentFreeze, type Freeze, switchFreeze } from './approval/freeze.ts';
import type { Counterparty, PayeeList } from './approval/payees.ts';
import type { CardUpdates } from './delivery/card-updates.ts';
import type { Checkpoint, Clock, Directory, Logger, PaymentsGateway, RequestStore } from './ports.ts';
import { attachFeeEstimate } from './request/fee-estimate.ts';
import type { MoneyRequest } from './request/request.ts';
import { requestMoney, type RequestMoneyInput } from './request/request-money.ts';
import { requestStatus } from './request/request-status.ts';
import { visibleHistory } from './request/request-history.ts';
import { lineRequestId } from './request/transitions.ts';
import type { RequestWorker } from './request-worker.ts';
import type { Result } from './result.ts';

export interface OperationsDeps {
  store: RequestStore;
  gateway: PaymentsGateway;
  clock: Clock;
  policy: ApprovalPolicy;
  directory: Directory;
  cards: CardUpdates;
  worker: RequestWorker;
  logger: Logger;
  payoutsConfigured: boolean;
  transfersConfigured: boolean;
  admins: readonly string[];
  requestsPerMinute: number;
  checkpoint: (name: Checkpoint) => void;
}

export interface Operations {
  /** False: payout requests are refused (no passcode configured). */
  readonly payoutsConfigured: boolean;
  /** False: transfer requests are refused (no source wallet, or no counterparties in the policy). */
  readonly transfersConfigured: boolean;
  /** The named payees, for the payout form; undefined without a list. */
  readonly payees: PayeeList | undefined;
  /** The named counterparties, for the transfer form. */
  readonly counterparties: readonly Counterparty[];
  /** Checks and stores a new request; `publish` then posts its card. */
  requestMoney(input: RequestMoneyInput): Promise<Result<MoneyRequest>>;
  /** Adds Dollr's fee estimate (payouts) and posts the card; resolves once the card is out (or failed). */
  publish(request: MoneyRequest): Promise<void>;
  /** Whether the user may decide on the request now, before they are asked for a comment or a reason. */
  checkDecider(requestId: string, userId: string): Promise<Result<MoneyRequest>>;
  approve(requestId: string, userId: string, comment?: string): Promise<Result<MoneyRequest>>;
  reject(requestId: string, userId: string, reason: string): Promise<Result<MoneyRequest>>;
  cancel(requestId: string, userId: string): Promise<Result<MoneyRequest>>;
  /** A request by ID or Dollr reference, refreshed when not final; undefined unless the user may see it. */
  status(idOrReference: string, userId: string): Promise<MoneyRequest | undefined>;
  /** The lines of a batch, each a refund request, in the batch's order (a line not made yet is left out). */
  batchLines(batch: MoneyRequest): Promise<MoneyRequest[]>;
  /** The latest requests the user may see, newest first. */
  history(count: number, userId: string): Promise<MoneyRequest[]>;
  switchFreeze(userId: string, on: boolean): Promise<Result<'frozen' | 'unfrozen'>>;
  /** The freeze switch as it stands (undefined: executions run). */
  freeze(): Promise<Freeze | undefined>;
  /** Whether this person is one of ADMINS. */
  isAdmin(userId: string): boolean;
}

export function createOperations(deps: OperationsDeps): Operations {
  const { worker, logger } = deps;
  /** Wakes the worker after a decision was stored; the claim of an approval is a crash test's checkpoint. */
  const decided = (outcome: Result<MoneyRequest>, what: string, userId: string): Result<MoneyRequest> => {
    if (!outcome.ok) return outcome;
    logger.info(`${what} recorded`, { requestId: outcome.value.id, by: userId, state: outcome.value.state });
    if (outcome.value.state === 'approved') deps.checkpoint('after_claim');
    void worker.kick(outcome.value.id);
    return outcome;
  };

  return {
    payoutsConfigured: deps.payoutsConfigured,
    transfersConfigured: deps.transfersConfigured,
    payees: deps.policy.payees,
    counterparties: deps.policy.counterparties,
    requestMoney: (input) => requestMoney(deps, input),
    async publish(request) {
      await attachFeeEstimate(deps, request);
      await worker.kick(request.id);
    },
    checkDecider: (requestId, userId) => checkDecider(deps, requestId, userId),
    approve: async (requestId, userId, comment) =>
      decided(await approveRequest(deps, requestId, userId, comment), 'approval', userId),
    reject: async (requestId, userId, reason) =>
      decided(await rejectRequest(deps, requestId, userId, reason), 'rejection', userId),
    cancel: async (requestId, userId) => decided(await cancelRequest(deps, requestId, userId), 'cancellation', userId),
    status: (idOrReference, userId) =>
      requestStatus({ ...deps, announce: (id) => void worker.kick(id) }, idOrReference, userId),
    history: (count, userId) => visibleHistory(deps, count, userId),
    async batchLines(batch) {
      if (batch.details.kind !== 'refund_batch') return [];
      const ids = batch.details.lines.map((line) => lineRequestId(batch.id, line.line));
      const lines = await Promise.all(ids.map((id) => deps.store.get(id)));
      return lines.filter((line): line is MoneyRequest => line !== undefined);
    },
    switchFreeze: (userId, on) => switchFreeze(deps, userId, on),
    freeze: () => currentFreeze(deps.store),
    isAdmin: (userId) => deps.admins.includes(userId),
  };
}
