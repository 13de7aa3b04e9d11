/**
 * POST /v1/executions/{refund|payout|transfer} and GET /v1/status/{operation}/{reference_id}.
 *
 * Idempotency as our fake chooses it: the same reference_id with the same payment (operation,
 * session, payout account) replays the stored answer and moves no money; with another payment it
 * is a 422 duplicate. Replays are recognised before the session is checked, because the first
 * execution used the session up. In strict mode a replay is refused with a 422 instead (either
 * reading the docs allow), and status queries lag behind a new execution (404 for a while).
 */
import { bump, refundableMinor, type FakeState } from './state.ts';
import { createExecution, executionResponse, pollExecution } from './executions.ts';
import { isReply, NOT_VERIFIED, usableSession } from './sessions.ts';
import { reply, type ExecutionRecord, type FakeOperation, type Reply, type SessionRecord } from './types.ts';
import { BodyReader, fieldError, validationError } from './validation.ts';

const DEVICE_FIELDS = ['name', 'type', 'platform', 'user_agent', 'client_ip'] as const;
const ok = (record: ExecutionRecord): Reply => reply(200, executionResponse(record));

export const executeRefund = (state: FakeState, body: unknown): Reply =>
  executeSession(state, body, 'refund', (session) => {
    const collection = state.collections.get(session.originalPaymentIntentId ?? -1);
    // Two sessions may each fit the cap but not together: the cap is checked again when money moves.
    if (!collection || refundableMinor(state, collection) < session.amountMinor) {
      return fieldError('session_id', 'refund amount exceeds the refundable amount of the original payment');
    }
    return undefined;
  });

/**
 * Shaped like a refund (no passcode, no fee). The wallet of the session's currency pays; a short one
 * makes the execution FAILED, as for payouts (see createExecution).
 */
export const executeTransfer = (state: FakeState, body: unknown): Reply => executeSession(state, body, 'transfer');

/**
 * An execute whose body is the session and the reference only (refunds, transfers): checked, a
 * replay recognised, the session used up. `refuse` may still say no once the session is known.
 */
function executeSession(
  state: FakeState,
  body: unknown,
  operation: 'refund' | 'transfer',
  refuse: (session: SessionRecord) => Reply | undefined = () => undefined,
): Reply {
  const fields = new BodyReader(body);
  const sessionId = fields.string('session_id');
  const referenceId = fields.uuid4('reference_id');
  if (fields.issues.length > 0) return validationError(fields.issues);
  if (!state.config.verified) return NOT_VERIFIED;

  const fingerprint = JSON.stringify([operation, sessionId]);
  const replayed = replay(state, referenceId, fingerprint);
  if (replayed) return replayed;
  const session = usableSession(state, sessionId, operation);
  if (isReply(session)) return session;
  return refuse(session) ?? ok(consume(state, session, referenceId, fingerprint, 0));
}

export function executePayout(state: FakeState, body: unknown): Reply {
  const fields = new BodyReader(body);
  const sessionId = fields.string('session_id');
  const accountId = fields.string('payout_account_id');
  const referenceId = fields.uuid4('reference_id');
  const passcode = fields.object('passcode');
  const token = passcode.object('token');
  const code = token.string('code');
  const phone = token.string('phone', { optional: true, nullable: true });
  const userId = token.string('user_id', { optional: true, nullable: true });
  token.exactlyOne('phone', 'user_id');
  const device = passcode.object('device');
  for (const name of DEVICE_FIELDS) device.string(name);
  if (fields.issues.length > 0) return validationError(fields.issues);
  if (!state.config.verified) return NOT_VERIFIED;

  const expected = state.config.passcode;
  const holderMatches = phone ? phone === expected.phone : userId === expected.userId;
  if (code !== expected.code || !holderMatches) return reply(403, { detail: 'Invalid passcode' });

  const fingerprint = JSON.stringify(['payout', sessionId, accountId]);
  const replayed = replay(state, referenceId, fingerprint);
  if (replayed) return replayed;
  const session = usableSession(state, sessionId, 'payout');
  if (isReply(session)) return session;
  if (accountId.trim() !== String(session.payoutAccountId)) {
    return fieldError('payout_account_id', 'payout account does not match the session');
  }
  return ok(consume(state, session, referenceId, fingerprint, state.config.feeMinor));
}

/** A status poll; also advances the execution one step in auto mode. */
export function executionStatus(state: FakeState, operation: string, referenceId: string): Reply {
  const record = state.executions.get(referenceId);
  if (!record || record.operation !== operation) return reply(404, { detail: 'Not found' });
  if (record.lagLeft > 0) {
    record.lagLeft -= 1;
    return reply(404, { detail: 'Not found' });
  }
  pollExecution(state, record);
  return ok(record);
}

const DUPLICATE = () => fieldError('reference_id', 'reference_id already exists', 'value_error.duplicate');

function replay(state: FakeState, referenceId: string, fingerprint: string): Reply | undefined {
  const existing = state.executions.get(referenceId);
  if (!existing) return undefined;
  if (existing.fingerprint !== fingerprint) return DUPLICATE();
  switch (state.config.strict.replays) {
    case 'duplicate':
      return DUPLICATE();
    case 'session_used':
      return fieldError('session_id', 'session is not active');
    case 'replay':
      return ok(existing);
  }
}

/** Uses the session up and records the execution; the payer (our wallet) also pays the fee. */
function consume(
  state: FakeState,
  session: SessionRecord,
  referenceId: string,
  fingerprint: string,
  feeMinor: number,
): ExecutionRecord {
  session.status = 'USED';
  session.updatedAt = state.now();
  return createExecution(state, {
    referenceId,
    operation: session.operation as FakeOperation,
    sessionId: String(session.id),
    fingerprint,
    payerMinor: session.amountMinor + feeMinor,
    payeeMinor: session.amountMinor,
    currency: session.currency,
    debitMinor: session.amountMinor + feeMinor,
    ...(session.originalPaymentIntentId === undefined
      ? {}
      : { originalPaymentIntentId: session.originalPaymentIntentId }),
    ...(session.payoutAccountId === undefined ? {} : { payoutAccountId: session.payoutAccountId }),
    ...(session.counterpartyId === undefined ? {} : { counterpartyId: session.counterpartyId }),
  });
}

/** Counts requests as they arrive, before auth or faults, so tests see every attempt. */
export function countArrival(state: FakeState, route: 'execute' | 'status', referenceId: string | undefined): void {
  if (referenceId) bump(route === 'execute' ? state.executeRequests : state.statusRequests, referenceId);
}
