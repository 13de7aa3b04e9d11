/**
 * Moves the money of an approved request, at most once, and follows it to a final state.
 *
 * Every step is written to the store before the next call, so `run` can start from any stored
 * state (after a crash, a restart, or on another replica) and continue where the record says:
 *   approved              -> mint the reference (stored before any Dollr call)
 *   reference, no session -> create the session (harmless to repeat: no money moves)
 *   session, no answer    -> execute; if a body may have reached Dollr before, ask Dollr first
 *   PENDING / PROCESSING  -> `run` returns what `poll` needs; the worker polls until COMPLETED or FAILED
 *
 * One reference per request, never replaced. Before each execute the lease is confirmed (it will
 * outlast the call) and the send is counted in the record; every write carries the lease's fence,
 * so a holder that lost its lease in a stall can neither write nor send. Once a body may have
 * reached Dollr, only Dollr's status FAILED makes the request failed: any other answer, including a
 * refused resend (a stricter Dollr refuses a replay, or the first send used the session up), is
 * unclear, and is followed by status queries with the same reference until Dollr knows it.
 */
import { isDollrError, type DollrError } from './dollr-error.ts';
import type { PollScheduler } from './poll-scheduler.ts';
import type { Checkpoint, Clock, Fence, IdGenerator, Logger, PaymentsGateway, RequestStore } from '../ports.ts';
import {
  isFinal,
  type ExecutionSnapshot,
  type ExecutionStatus,
  type MoneyRequest,
  type Operation,
  type RequestDetails,
} from '../request/request.ts';
import { retryDelayMs, type Backoff } from './retry-policy.ts';
import { FencedWriteError } from '../store-refusals.ts';
import {
  approvedAt,
  recordAttention,
  recordExecution,
  recordFailure,
  recordReference,
  recordSend,
  recordSession,
  recordUnanswered,
} from '../request/transitions.ts';
import { updateRequest } from '../request/update-request.ts';
import { plural } from '../plural.ts';

/** A batch moves no money itself: its lines do, each a refund request (see batch/run-batch.ts). */
const NOT_A_MOVEMENT = 'a batch has no Dollr session of its own: its lines do';

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
  /**
   * Sends of the one execute body (counted across restarts), and rounds of asking after Dollr
   * refused a resend, before the request needs attention; it is asked about ever after, never sent.
   */
  maxSends?: number;
  /** Backoff between tries of a failed call. */
  retryBackoff?: Backoff;
  /** Lifetime we give refund and transfer sessions (Dollr wants expires_at from us for those). */
  sessionTtlMs?: number;
  /** After this long since approval without a final status, the request needs attention. */
  attentionAfterMs?: number;
  /** Test seam: named points between durable steps. */
  checkpoint?: (name: Checkpoint) => void;
}

/** The lease a run holds on its request (see request-worker.ts). */
export interface HeldLease {
  /** Carried by every write of the request's steps: refused by the store once the lease is lost. */
  fence: Fence;
  /**
   * Renews the lease right before an execute; resolves the time (ms) by which the call must start
   * for the lease to outlast it. Rejects with FencedWriteError when the lease is lost.
   */
  confirm(): Promise<number>;
}

/**
 * What following a request needs between polls: a few fields, not the record (a thousand requests
 * followed at once would otherwise hold a thousand records, each with its whole trail).
 */
export interface Following {
  id: string;
  kind: Operation;
  referenceId: string;
  /** The lease the run took: every write while following carries it. */
  fence: Fence;
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
   * its next wait when signal aborts; rejects with FencedWriteError when the lease is lost.
   */
  run(requestId: string, lease: HeldLease, signal?: AbortSignal): Promise<Following | undefined>;
  /**
   * Asks Dollr the status of a followed request once and stores any news; updates `following` for
   * the next poll. True once final.
   */
  poll(following: Following): Promise<boolean>;
}

/** Dollr's view of a reference: its snapshot, 'unknown' (not found, perhaps not yet), or unclear (asking failed). */
type Known = ExecutionSnapshot | 'unknown' | { unclear: DollrError };

/** How one execute went: Dollr's answer, a refusal, or no clear answer. */
type Sent = { answer: ExecutionSnapshot } | { refused: DollrError } | { unclear: DollrError };

export function createExecutor(options: ExecutorOptions): Executor {
  const { store, gateway, clock, ids, logger, announce, scheduler } = options;
  const maxSessionTries = options.maxSessionTries ?? 5;
  const maxSends = options.maxSends ?? 10;
  const backoff = options.retryBackoff ?? { initialMs: 1000, maxMs: 30_000 };
  const maxPollMs = options.maxPollIntervalMs ?? 60_000;
  const sessionTtlMs = options.sessionTtlMs ?? 10 * 60_000;
  const attentionAfterMs = options.attentionAfterMs ?? 24 * 60 * 60_000;
  const checkpoint = options.checkpoint ?? (() => {});

  async function save(
    id: string,
    fence: Fence,
    change: (r: MoneyRequest) => MoneyRequest | undefined,
  ): Promise<MoneyRequest> {
    const next = await updateRequest(store, id, change, fence);
    if (isFinal(next.state)) checkpoint('after_final_stored');
    announce(id);
    return next;
  }

  const fail = (id: string, fence: Fence, message: string, executeSent = false) =>
    save(id, fence, (r) => (isFinal(r.state) ? undefined : recordFailure(r, message, clock.now(), executeSent)));

  const recordAnswer = (id: string, fence: Fence, execution: ExecutionSnapshot) =>
    save(id, fence, (r) => (isFinal(r.state) ? undefined : recordExecution(r, execution, clock.now())));

  const markAttention = (id: string, fence: Fence, why: string) =>
    save(id, fence, (r) =>
      r.state === 'needs_attention' || isFinal(r.state) ? undefined : recordAttention(r, why, clock.now()),
    );

  /** When the request will need attention; undefined when it already does, is final, or was never approved. */
  function attentionDeadline(request: MoneyRequest): number | undefined {
    const since = approvedAt(request);
    if (request.state === 'needs_attention' || isFinal(request.state) || !since) return undefined;
    return since.getTime() + attentionAfterMs;
  }

  /** Marks the request needs_attention once its time is up; it stays followed all the same. */
  async function attentionIfOverdue(request: MoneyRequest, fence: Fence, why: string): Promise<MoneyRequest> {
    const due = attentionDeadline(request);
    if (due === undefined || clock.now().getTime() < due) return request;
    logger.error('request needs attention', { requestId: request.id, why });
    return markAttention(request.id, fence, why);
  }

  /** Dollr's session for the request; the client picks the expiry of refund and transfer sessions. */
  function openSession(details: RequestDetails): Promise<{ sessionId: string }> {
    const expiresAt = new Date(clock.now().getTime() + sessionTtlMs);
    const { amount } = details;
    switch (details.kind) {
      case 'refund':
        return gateway.createRefundSession({
          originalPaymentIntentId: details.originalPaymentIntentId,
          amount,
          reason: details.reason,
          expiresAt,
        });
      case 'payout':
        return gateway.createPayoutSession({
          payoutAccountId: details.payoutAccountId,
          amount,
          currency: details.currency,
        });
      case 'transfer':
        return gateway.createTransferSession({
          counterpartyId: details.counterpartyId,
          amount,
          currency: details.currency,
          expiresAt,
        });
      case 'refund_batch':
        throw new Error(NOT_A_MOVEMENT);
    }
  }

  function callExecute(details: RequestDetails, sessionId: string, referenceId: string): Promise<ExecutionSnapshot> {
    switch (details.kind) {
      case 'refund':
        return gateway.executeRefund({ sessionId, referenceId });
      case 'payout':
        return gateway.executePayout({ sessionId, payoutAccountId: details.payoutAccountId, referenceId });
      case 'transfer':
        return gateway.executeTransfer({ sessionId, referenceId });
      case 'refund_batch':
        throw new Error(NOT_A_MOVEMENT);
    }
  }

  async function createSession(request: MoneyRequest, fence: Fence, signal?: AbortSignal): Promise<MoneyRequest> {
    const { details } = request;
    for (let tries = 1; ; tries++) {
      try {
        const { sessionId } = await openSession(details);
        const next = await save(request.id, fence, (r) =>
          r.attempt?.sessionId ? undefined : recordSession(r, sessionId, clock.now()),
        );
        checkpoint('after_session');
        return next;
      } catch (error) {
        // No money moves when a session is created, so an unclear answer is simply asked again.
        if (isDollrError(error) && error.transient && tries < maxSessionTries) {
          await scheduler.sleep(retryDelayMs(tries, error, backoff, clock.random), signal);
          continue;
        }
        if (!isDollrError(error)) throw error;
        return fail(request.id, fence, `Dollr did not create the session: ${error.message}`);
      }
    }
  }

  async function ask(request: MoneyRequest): Promise<Known> {
    try {
      return (
        (await scheduler.limit(() => gateway.getStatus(request.details.kind, request.attempt!.referenceId))) ??
        'unknown'
      );
    } catch (error) {
      if (!isDollrError(error)) throw error;
      return { unclear: error };
    }
  }

  /**
   * One execute: confirm the lease (it outlasts the call), count the send in the record (fenced),
   * then send. Returns the request as stored with the send counted.
   */
  async function send(request: MoneyRequest, lease: HeldLease): Promise<{ request: MoneyRequest; sent: Sent }> {
    const { details } = request;
    const { referenceId, sessionId } = request.attempt as { referenceId: string; sessionId: string };
    const startBy = await lease.confirm();
    request = await updateRequest(store, request.id, (r) => recordSend(r), lease.fence);
    // The store or the event loop stalled after the renewal: the lease may not outlast the call.
    if (clock.now().getTime() > startBy) throw new FencedWriteError(lease.fence.lease);
    try {
      const answer = await callExecute(details, sessionId, referenceId);
      checkpoint('after_execute_answer');
      return { request, sent: { answer } };
    } catch (error) {
      if (!isDollrError(error)) throw error;
      return { request, sent: error.transient ? { unclear: error } : { refused: error } };
    }
  }

  /**
   * Sends execute until Dollr has it, asking first whenever a body may have reached Dollr. A
   * refusal of the very first body is final (Dollr refused it: nothing executed); a refusal of a
   * resend is unclear, and from then on the reference is only asked about.
   */
  async function execute(request: MoneyRequest, lease: HeldLease, signal?: AbortSignal): Promise<MoneyRequest> {
    const { id } = request;
    const { fence } = lease;
    const referenceId = request.attempt!.referenceId;
    let maybeSent = request.attempt!.sends !== 0;
    let refusedResend: DollrError | undefined;
    let roundsSinceRefusal = 0;
    for (let round = 1; ; round++) {
      let lastError: unknown;
      const known: Known = maybeSent ? await ask(request) : 'unknown';
      if (typeof known === 'object' && 'status' in known) return recordAnswer(id, fence, known);
      if (known !== 'unknown') {
        lastError = known.unclear; // Could not ask: never send blind, ask again later.
      } else if (refusedResend || (request.attempt!.sends ?? 0) >= maxSends) {
        if (refusedResend) roundsSinceRefusal++;
        if (!refusedResend || roundsSinceRefusal >= maxSends)
          request = await markUnconfirmed(request, fence, refusedResend);
      } else {
        const sendsBefore = request.attempt!.sends ?? 0;
        if (maybeSent)
          logger.info('dollr does not know the reference; sending the same body again', {
            requestId: id,
            referenceId,
            sends: sendsBefore,
          });
        const outcome = await send(request, lease);
        request = outcome.request;
        const { sent } = outcome;
        if ('answer' in sent) return recordAnswer(id, fence, sent.answer);
        if ('refused' in sent && sendsBefore === 0) {
          // The first body this reference ever carried, refused: Dollr executed nothing.
          return fail(id, fence, `Dollr refused the ${request.details.kind}: ${sent.refused.message}`, true);
        }
        if ('refused' in sent) {
          refusedResend = sent.refused;
          logger.warn(
            'dollr refused to take the reference again; an earlier send may have reached it: asking, never resending',
            {
              requestId: id,
              referenceId,
              refusal: sent.refused.refusal ?? sent.refused.code,
            },
          );
        } else {
          logger.warn('execute outcome unclear; will ask dollr with the same reference', {
            requestId: id,
            referenceId,
            code: sent.unclear.code,
          });
          const { code } = sent.unclear;
          request = await save(id, fence, (r) =>
            isFinal(r.state) ? undefined : recordUnanswered(r, code, clock.now()),
          );
        }
        lastError = 'refused' in sent ? sent.refused : sent.unclear;
        maybeSent = true;
      }
      await scheduler.sleep(retryDelayMs(round, lastError, backoff, clock.random), signal);
      request = await attentionIfOverdue(
        request,
        fence,
        `Dollr has not confirmed reference ${referenceId} since the approval.`,
      );
    }
  }

  /** Dollr has not confirmed the reference and no more bodies will be sent: people must look. */
  async function markUnconfirmed(
    request: MoneyRequest,
    fence: Fence,
    refusal: DollrError | undefined,
  ): Promise<MoneyRequest> {
    if (request.state === 'needs_attention') return request;
    const referenceId = request.attempt?.referenceId;
    const why = refusal
      ? `Dollr refused to take reference ${referenceId} again (${refusal.message}) and does not show it yet: ` +
        'the first send may have moved ' +
        'money. Do not ask for this again until Dollr shows what happened; I keep asking, but will not send it again.'
      : `Dollr did not confirm reference ${referenceId} after ${plural(request.attempt?.sends ?? 0, 'send')}; ` +
        'I keep asking, but will not send it again.';
    return markAttention(request.id, fence, why);
  }

  /**
   * One status poll. An answer that repeats the status last stored changes nothing and is not
   * compared against the store, which a thousand requests polled together would otherwise read
   * hundreds of times a second. Never gives up on a request whose money may be moving.
   */
  async function poll(following: Following): Promise<boolean> {
    const { id, kind, referenceId, fence } = following;
    let final = false;
    try {
      const status = await scheduler.limit(() => gateway.getStatus(kind, referenceId));
      checkpoint('while_polling');
      following.failures = 0;
      if (status && status.status !== following.status) {
        const recorded = await recordAnswer(id, fence, status);
        following.status = recorded.attempt?.execution?.status;
        final = isFinal(recorded.state);
      }
      // Back off while Dollr works on it (doubling, capped), jittered so that a batch approved
      // together does not poll in step.
      following.waitMs = Math.min(Math.round(following.waitMs * (1.6 + clock.random() * 0.4)), maxPollMs);
    } catch (error) {
      if (!isDollrError(error)) throw error;
      const failures = ++following.failures;
      following.waitMs = Math.max(
        Math.min(retryDelayMs(failures, error, backoff, clock.random), maxPollMs),
        error.options.retryAfterMs ?? 0,
      );
      logger.warn('status poll failed; backing off', {
        requestId: id,
        referenceId,
        code: error.code,
        retryInMs: following.waitMs,
      });
    }
    if (!final && following.attentionAt !== undefined && clock.now().getTime() >= following.attentionAt) {
      const current = (await store.get(id))!;
      final = isFinal(
        (await attentionIfOverdue(current, fence, `No final status from Dollr for reference ${referenceId}.`)).state,
      );
      following.attentionAt = undefined;
    }
    return final;
  }

  async function run(id: string, lease: HeldLease, signal?: AbortSignal): Promise<Following | undefined> {
    const { fence } = lease;
    let request = await store.get(id);
    if (!request) throw new Error(`Request ${id} is not in the store`);
    if (request.state === 'approved' && !request.attempt) {
      const referenceId = ids.referenceId();
      request = await save(id, fence, (r) =>
        r.state === 'approved' && !r.attempt ? recordReference(r, referenceId, clock.now()) : undefined,
      );
      checkpoint('after_reference');
    }
    if (isFinal(request.state) || !request.attempt) return undefined;
    const { referenceId } = request.attempt; // Never replaced.
    if (!request.attempt.sessionId) {
      request = await createSession(request, fence, signal);
      if (isFinal(request.state)) return undefined;
    }
    if (!request.attempt?.execution) request = await execute(request, lease, signal);
    if (isFinal(request.state)) return undefined;
    return {
      id,
      kind: request.details.kind,
      referenceId,
      fence,
      attentionAt: attentionDeadline(request),
      status: request.attempt?.execution?.status,
      waitMs: options.pollIntervalMs,
      failures: 0,
    };
  }

  return { run, poll };
}
