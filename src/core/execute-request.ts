/**
 * Moves the money of an approved request, at most once, and follows it to a final state.
 *
 * Every step is written to the store before the next call, so `run` can start from any stored
 * state (after a crash, a restart, or on another replica) and continue where the record says:
 *   approved              -> mint the reference (stored before any Dollr call)
 *   reference, no session -> create the session (harmless to repeat: no money moves)
 *   session, no answer    -> execute; if it may have been sent before, ask Dollr first
 *   PENDING / PROCESSING  -> `run` returns what `poll` needs; the worker polls until COMPLETED or FAILED
 * One reference per request, never replaced: an unclear answer is followed by a status query
 * with the same reference, and only a reference Dollr does not know is sent again, unchanged.
 */
import { isDollrError, type DollrError } from './dollr-error.ts';
import type { PollScheduler } from './poll-scheduler.ts';
import type { Checkpoint, Clock, IdGenerator, Logger, PaymentsGateway, RequestStore } from './ports.ts';
import { isFinal, type ExecutionSnapshot, type ExecutionStatus, type MoneyRequest, type Operation } from './request.ts';
import { retryDelayMs, type Backoff } from './retry-policy.ts';
import { approvedAt, recordAttention, recordExecution, recordFailure, recordReference, recordSession } from './transitions.ts';
import { updateRequest } from './update-request.ts';

export interface ExecutorOptions {
  store: RequestStore;
  gateway: PaymentsGateway;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** Called after every stored change, so that Slack is told. */
  announce: (requestId: string) => void;
  /** The shared timer and the limit on Dollr calls in flight for every followed request. */
  scheduler: PollScheduler;
  /** First status poll after execute; later polls back off while PROCESSING. */
  pollIntervalMs: number;
  maxPollIntervalMs?: number;
  /** Session creations tried before the request fails (no money has moved then). */
  maxSessionTries?: number;
  /** Sends of the one execute body before the app stops sending and only asks. */
  maxSends?: number;
  /** Backoff between tries of a failed call. */
  retryBackoff?: Backoff;
  /** Lifetime we give a refund session (Dollr wants expires_at from us). */
  refundSessionTtlMs?: number;
  /** After this long since approval without a final status, the request needs attention. */
  attentionAfterMs?: number;
  /** Test seam: named points between durable steps. */
  checkpoint?: (name: Checkpoint) => void;
}

/**
 * What following a request needs between polls: a few fields, not the record (a thousand requests
 * followed at once would otherwise hold a thousand records, each with its whole trail).
 */
export interface Following {
  id: string;
  kind: Operation;
  referenceId: string;
  /** When the request needs attention; undefined when it already does. */
  attentionAt: number | undefined;
  /** The last status stored. */
  status: ExecutionStatus | undefined;
  /** How long to wait before the next poll. */
  waitMs: number;
  /** Polls failed in a row. */
  failures: number;
}

export interface Executor {
  /**
   * Drives the request until Dollr has its execution, resuming from its stored step; returns what
   * following it needs while its money may still be moving, undefined once it is final. Stops at
   * its next wait when signal aborts.
   */
  run(requestId: string, signal?: AbortSignal): Promise<Following | undefined>;
  /** Asks Dollr the status of a followed request once and stores any news; updates `following` for the next poll. True once final. */
  poll(following: Following): Promise<boolean>;
}

export function createExecutor(options: ExecutorOptions): Executor {
  const { store, gateway, clock, ids, logger, announce, scheduler } = options;
  const maxSessionTries = options.maxSessionTries ?? 5;
  const maxSends = options.maxSends ?? 10;
  const backoff = options.retryBackoff ?? { initialMs: 1000, maxMs: 30_000 };
  const maxPollMs = options.maxPollIntervalMs ?? 60_000;
  const refundTtlMs = options.refundSessionTtlMs ?? 10 * 60_000;
  const attentionAfterMs = options.attentionAfterMs ?? 24 * 60 * 60_000;
  const checkpoint = options.checkpoint ?? (() => {});

  async function save(id: string, change: (r: MoneyRequest) => MoneyRequest | undefined): Promise<MoneyRequest> {
    const next = await updateRequest(store, id, change);
    if (isFinal(next.state)) checkpoint('after_final_stored');
    announce(id);
    return next;
  }

  const fail = (id: string, message: string) => save(id, (r) => (isFinal(r.state) ? undefined : recordFailure(r, message, clock.now())));

  const recordAnswer = (id: string, execution: ExecutionSnapshot) =>
    save(id, (r) => (isFinal(r.state) ? undefined : recordExecution(r, execution, clock.now())));

  const markAttention = (id: string, why: string) =>
    save(id, (r) => (r.state === 'needs_attention' || isFinal(r.state) ? undefined : recordAttention(r, why, clock.now())));

  /** When the request will need attention; undefined when it already does, is final, or was never approved. */
  function attentionDeadline(request: MoneyRequest): number | undefined {
    const since = approvedAt(request);
    if (request.state === 'needs_attention' || isFinal(request.state) || !since) return undefined;
    return since.getTime() + attentionAfterMs;
  }

  /** Marks the request needs_attention once its time is up; it stays followed all the same. */
  async function attentionIfOverdue(request: MoneyRequest, why: string): Promise<MoneyRequest> {
    const due = attentionDeadline(request);
    if (due === undefined || clock.now().getTime() < due) return request;
    logger.error('request needs attention', { requestId: request.id, why });
    return markAttention(request.id, why);
  }

  async function createSession(request: MoneyRequest, signal?: AbortSignal): Promise<MoneyRequest> {
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
            : await gateway.createPayoutSession({ payoutAccountId: details.payoutAccountId, amount: details.amount, currency: details.currency });
        const next = await save(request.id, (r) => (r.attempt?.sessionId ? undefined : recordSession(r, sessionId, clock.now())));
        checkpoint('after_session');
        return next;
      } catch (error) {
        // No money moves when a session is created, so an unclear answer is simply asked again.
        if (isDollrError(error) && error.transient && tries < maxSessionTries) {
          await scheduler.sleep(retryDelayMs(tries, error, backoff), signal);
          continue;
        }
        if (!isDollrError(error)) throw error;
        return fail(request.id, `Dollr did not create the session: ${error.message}`);
      }
    }
  }

  /** A resend refused as a duplicate means an earlier send landed: ask, never fail. */
  const landedBefore = (error: DollrError, sends: number) => sends > 1 && error.code === 'rejected' && /reference_id/.test(error.message);

  /** Dollr's view of the reference: its snapshot, 'unknown' (never seen), or 'unclear' (asking failed). */
  async function ask(request: MoneyRequest): Promise<ExecutionSnapshot | 'unknown' | { unclear: unknown }> {
    try {
      return (await scheduler.limit(() => gateway.getStatus(request.details.kind, request.attempt!.referenceId))) ?? 'unknown';
    } catch (error) {
      if (!isDollrError(error)) throw error;
      return { unclear: error };
    }
  }

  /** Sends execute. `maybeSent`: an earlier send may have reached Dollr, so ask Dollr first. */
  async function execute(request: MoneyRequest, maybeSent: boolean, signal?: AbortSignal): Promise<MoneyRequest> {
    const { details } = request;
    const { referenceId, sessionId } = request.attempt as { referenceId: string; sessionId: string };
    let sends = 0;
    for (let round = 1; ; round++) {
      let lastError: unknown;
      const known = maybeSent || sends > 0 ? await ask(request) : 'unknown';
      if (typeof known === 'object' && 'status' in known) return recordAnswer(request.id, known);
      if (known !== 'unknown') {
        lastError = known.unclear; // Could not ask: never send blind, ask again later.
      } else if (sends >= maxSends) {
        request = await markUnconfirmed(request, sends);
      } else {
        sends++;
        if (sends > 1) logger.info('dollr does not know the reference; sending the same body again', { requestId: request.id, referenceId, sends });
        try {
          const answer =
            details.kind === 'refund'
              ? await gateway.executeRefund({ sessionId, referenceId })
              : await gateway.executePayout({ sessionId, payoutAccountId: details.payoutAccountId, referenceId });
          checkpoint('after_execute_answer');
          return await recordAnswer(request.id, answer);
        } catch (error) {
          if (!isDollrError(error)) throw error;
          // A refusal of the execute itself is final (nothing moved); anything unclear is asked about.
          if (!error.transient && !landedBefore(error, sends)) return fail(request.id, `Dollr refused the ${details.kind}: ${error.message}`);
          logger.warn('execute outcome unclear; will ask dollr with the same reference', { requestId: request.id, referenceId, code: error.code });
          lastError = error;
        }
      }
      await scheduler.sleep(retryDelayMs(round, lastError, backoff), signal);
      request = await attentionIfOverdue(request, `Dollr has not confirmed reference ${referenceId} since the approval.`);
    }
  }

  async function markUnconfirmed(request: MoneyRequest, sends: number): Promise<MoneyRequest> {
    if (request.state === 'needs_attention') return request;
    const why = `Dollr did not confirm reference ${request.attempt?.referenceId} after ${sends} sends; I keep asking, but will not send it again.`;
    return markAttention(request.id, why);
  }

  /**
   * One status poll. An answer that repeats the status last stored changes nothing and is not
   * compared against the store, which a thousand requests polled together would otherwise read
   * hundreds of times a second. Never gives up on a request whose money may be moving.
   */
  async function poll(following: Following): Promise<boolean> {
    const { id, kind, referenceId } = following;
    let final = false;
    try {
      const status = await scheduler.limit(() => gateway.getStatus(kind, referenceId));
      checkpoint('while_polling');
      following.failures = 0;
      if (status && status.status !== following.status) {
        const recorded = await recordAnswer(id, status);
        following.status = recorded.attempt?.execution?.status;
        final = isFinal(recorded.state);
      }
      // Back off while Dollr works on it (doubling, capped), jittered so that a batch approved
      // together does not poll in step.
      following.waitMs = Math.min(Math.round(following.waitMs * (1.6 + Math.random() * 0.4)), maxPollMs);
    } catch (error) {
      if (!isDollrError(error)) throw error;
      const failures = ++following.failures;
      following.waitMs = Math.max(Math.min(retryDelayMs(failures, error, backoff), maxPollMs), error.options.retryAfterMs ?? 0);
      logger.warn('status poll failed; backing off', { requestId: id, referenceId, code: error.code, retryInMs: following.waitMs });
    }
    if (!final && following.attentionAt !== undefined && clock.now().getTime() >= following.attentionAt) {
      final = isFinal((await attentionIfOverdue((await store.get(id))!, `No final status from Dollr for reference ${referenceId}.`)).state);
      following.attentionAt = undefined;
    }
    return final;
  }

  async function run(id: string, signal?: AbortSignal): Promise<Following | undefined> {
    let request = await store.get(id);
    if (!request) throw new Error(`Request ${id} is not in the store`);
    if (request.state === 'approved' && !request.attempt) {
      const referenceId = ids.referenceId();
      request = await save(id, (r) => (r.state === 'approved' && !r.attempt ? recordReference(r, referenceId, clock.now()) : undefined));
      checkpoint('after_reference');
    }
    if (isFinal(request.state) || !request.attempt) return undefined;
    const { referenceId } = request.attempt; // Never replaced.
    if (!request.attempt.sessionId) {
      request = await createSession(request, signal);
      if (isFinal(request.state)) return undefined;
      request = await execute(request, false, signal);
    } else if (!request.attempt.execution) {
      request = await execute(request, true, signal);
    }
    if (isFinal(request.state)) return undefined;
    return {
      id,
      kind: request.details.kind,
      referenceId,
      attentionAt: attentionDeadline(request),
      status: request.attempt?.execution?.status,
      waitMs: options.pollIntervalMs,
      failures: 0,
    };
  }

  return { run, poll };
}
