/**
 * Moves the money of an approved request, at most once, and follows it to a final state.
 *
 * Every step is written to the store before the next call, so `run` can start from any stored
 * state (after a crash, a restart or a lost race) and continue where the record says:
 *   approved              -> mint the reference (stored before any Dollr call)
 *   reference, no session -> create the session (harmless to repeat: no money moves)
 *   session, no answer    -> execute; if we may have sent it before, ask Dollr first
 *   PENDING / PROCESSING  -> poll until COMPLETED or FAILED
 */
import { isDollrError } from './dollr-error.ts';
import type { Clock, IdGenerator, Logger, PaymentsGateway, RequestStore } from './ports.ts';
import { isFinal, type ExecutionSnapshot, type MoneyRequest } from './request.ts';
import { retryDelayMs, type Backoff } from './retry-policy.ts';
import { recordExecution, recordFailure, recordReference, recordSession } from './transitions.ts';
import { updateRequest } from './update-request.ts';

export interface ExecutorOptions {
  store: RequestStore;
  gateway: PaymentsGateway;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** Called after every stored change, so that Slack is told. */
  announce: (requestId: string) => void;
  /** First status poll after execute; later polls back off while PROCESSING. */
  pollIntervalMs: number;
  maxPollIntervalMs?: number;
  /** How many times one call (session create, execute) is tried before giving up on it. */
  maxTries?: number;
  /** Backoff between tries of a failed call. */
  retryBackoff?: Backoff;
  /** Lifetime we give a refund session (Dollr wants expires_at from us). */
  refundSessionTtlMs?: number;
}

export interface Executor {
  /** Drives the request to a final state. Safe to call again for the same request (it resumes). */
  run(requestId: string): Promise<void>;
}

export function createExecutor(options: ExecutorOptions): Executor {
  const { store, gateway, clock, ids, logger, announce } = options;
  const maxTries = options.maxTries ?? 5;
  const backoff = options.retryBackoff ?? { initialMs: 1000, maxMs: 30_000 };
  const maxPollMs = options.maxPollIntervalMs ?? 60_000;
  const refundTtlMs = options.refundSessionTtlMs ?? 10 * 60_000;

  async function save(id: string, change: (r: MoneyRequest) => MoneyRequest | undefined): Promise<MoneyRequest> {
    const next = await updateRequest(store, id, change);
    announce(id);
    return next;
  }

  const fail = (id: string, message: string) => save(id, (r) => (isFinal(r.state) ? undefined : recordFailure(r, message, clock.now())));

  const recordAnswer = (id: string, execution: ExecutionSnapshot) =>
    save(id, (r) => (isFinal(r.state) ? undefined : recordExecution(r, execution, clock.now())));

  async function createSession(request: MoneyRequest): Promise<MoneyRequest> {
    const { details } = request;
    for (let tries = 1; ; tries++) {
      try {
        const { sessionId } =
          details.kind === 'refund'
            ? await gateway.createRefundSession({
                originalPaymentIntentId: details.originalPaymentIntentId,
                amount: details.amount,
                reason: details.reason,
                expiresAt: new Date(clock.now().getTime() + refundTtlMs),
              })
            : await gateway.createPayoutSession({
                payoutAccountId: details.payoutAccountId,
                amount: details.amount,
                currency: details.currency,
              });
        return await save(request.id, (r) => (r.attempt?.sessionId ? undefined : recordSession(r, sessionId, clock.now())));
      } catch (error) {
        // No money moves when a session is created, so an unclear answer is simply asked again.
        if (isDollrError(error) && error.transient && tries < maxTries) {
          await clock.sleep(retryDelayMs(tries, error, backoff));
          continue;
        }
        return fail(request.id, `Dollr did not create the session: ${describe(error)}`);
      }
    }
  }

  /**
   * Sends the execute call. `maybeSent` is true when an earlier send may have reached Dollr (a crash
   * or restart after the session was stored): then Dollr is asked first, with the same reference.
   */
  async function execute(request: MoneyRequest, maybeSent: boolean): Promise<MoneyRequest> {
    const { details } = request;
    const attempt = request.attempt!;
    const sessionId = attempt.sessionId!;
    let askFirst = maybeSent;
    for (let tries = 1; ; tries++) {
      try {
        if (askFirst) {
          const known = await gateway.getStatus(details.kind, attempt.referenceId);
          if (known) return await recordAnswer(request.id, known);
          logger.info('dollr does not know the reference; sending it again', { requestId: request.id, referenceId: attempt.referenceId });
        }
        const answer =
          details.kind === 'refund'
            ? await gateway.executeRefund({ sessionId, referenceId: attempt.referenceId })
            : await gateway.executePayout({ sessionId, payoutAccountId: details.payoutAccountId, referenceId: attempt.referenceId });
        return await recordAnswer(request.id, answer);
      } catch (error) {
        if (isDollrError(error) && error.transient) {
          // The send may have landed: never mint a new reference; ask Dollr about this one next time.
          askFirst = true;
          if (tries < maxTries) {
            logger.warn('execute unclear; will ask dollr with the same reference', {
              requestId: request.id,
              referenceId: attempt.referenceId,
              code: error.code,
            });
            await clock.sleep(retryDelayMs(tries, error, backoff));
            continue;
          }
          // Out of tries but the outcome is unknown: keep asking for the status instead of failing.
          logger.error('execute outcome still unknown; following the reference', { requestId: request.id, referenceId: attempt.referenceId });
          return request;
        }
        return fail(request.id, `Dollr refused the ${details.kind}: ${describe(error)}`);
      }
    }
  }

  /** Polls until a final status. Never gives up on a request whose money may be moving. */
  async function follow(request: MoneyRequest): Promise<void> {
    const { details } = request;
    const referenceId = request.attempt!.referenceId;
    let interval = options.pollIntervalMs;
    let failures = 0;
    let current = request;
    while (!isFinal(current.state)) {
      await clock.sleep(interval);
      try {
        const status = await gateway.getStatus(details.kind, referenceId);
        failures = 0;
        if (status) current = await recordAnswer(request.id, status);
        if (!status || status.status === 'PROCESSING') interval = Math.min(Math.round(interval * 1.5), maxPollMs);
      } catch (error) {
        failures++;
        interval = Math.min(Math.max(retryDelayMs(failures, error, backoff), interval), maxPollMs);
        logger.warn('status poll failed; backing off', { requestId: request.id, referenceId, error, retryInMs: interval });
        if (isDollrError(error) && error.options.retryAfterMs) interval = Math.max(interval, error.options.retryAfterMs);
      }
    }
  }

  async function drive(id: string): Promise<void> {
    let request = await store.get(id);
    if (!request) throw new Error(`Request ${id} is not in the store`);
    if (request.state === 'approved' && !request.attempt) {
      const referenceId = ids.referenceId();
      request = await save(id, (r) => (r.state === 'approved' && !r.attempt ? recordReference(r, referenceId, clock.now()) : undefined));
    }
    if (isFinal(request.state) || !request.attempt) return;
    if (!request.attempt.sessionId) {
      request = await createSession(request);
      if (isFinal(request.state)) return;
      request = await execute(request, false);
    } else if (!request.attempt.execution) {
      request = await execute(request, true);
    }
    if (!isFinal(request.state)) await follow(request);
  }

  // One run per request in this process: a second call (a retry, recovery) joins the first.
  const running = new Map<string, Promise<void>>();
  function run(id: string): Promise<void> {
    const existing = running.get(id);
    if (existing) return existing;
    const started = drive(id).finally(() => running.delete(id));
    running.set(id, started);
    return started;
  }

  return { run };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
