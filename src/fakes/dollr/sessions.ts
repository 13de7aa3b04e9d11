/**
 * Refund, payout and transfer sessions: short-lived, single-use intents that an execution consumes.
 * Refunds and transfers take their expiry from the client (at most 24 h ahead); payouts get the
 * fake's lifetime.
 */
import { formatMinor } from '../../core/request/money.ts';
import { refundableMinor, WALLET_IDS, walletCurrency, type FakeState } from './state.ts';
import { reply, type FakeOperation, type Reply, type SessionRecord } from './types.ts';
import { BodyReader, fieldError, validationError } from './validation.ts';

const MAX_CLIENT_EXPIRY_MS = 24 * 60 * 60_000;
export const NOT_VERIFIED = reply(403, { detail: 'Merchant account is not verified' });

export function createRefundSession(state: FakeState, body: unknown): Reply {
  const fields = new BodyReader(body);
  const originalId = fields.int('original_payment_intent_id');
  const amountMinor = fields.amountMinor('amount');
  fields.string('reason', { optional: true, nullable: true });
  const expiresAt = fields.datetime('expires_at');
  if (fields.issues.length > 0) return validationError(fields.issues);
  if (!state.config.verified) return NOT_VERIFIED;

  const badExpiry = clientExpiryError(state, expiresAt);
  if (badExpiry) return badExpiry;
  const collection = state.collections.get(originalId);
  if (!collection) return fieldError('original_payment_intent_id', 'original payment not found or not completed');
  const remaining = refundableMinor(state, collection);
  if (amountMinor > remaining) {
    return fieldError(
      'amount',
      'refund amount exceeds the refundable amount of the original payment ' +
        `(${formatMinor(Math.max(0, remaining))} ${collection.currency} left)`,
    );
  }

  const session = save(state, {
    operation: 'refund',
    amountMinor,
    currency: collection.currency,
    // Optional and nullable: keep null apart from an empty text.
    reason: typeof (body as { reason?: unknown }).reason === 'string' ? (body as { reason: string }).reason : null,
    originalPaymentIntentId: originalId,
    expiresAt,
  });
  return reply(200, {
    id: session.id,
    original_payment_intent_id: originalId,
    amount: amountMinor / 100,
    reason: session.reason,
    ...timestamps(state, session),
  });
}

export function createPayoutSession(state: FakeState, body: unknown): Reply {
  const fields = new BodyReader(body);
  const accountId = fields.int('payout_account_id');
  const amountMinor = fields.amountMinor('amount');
  const currency = fields.currency('currency');
  if (fields.issues.length > 0) return validationError(fields.issues);
  if (!state.config.verified) return NOT_VERIFIED;
  if (!state.payoutAccounts.has(accountId)) return fieldError('payout_account_id', 'payout account not found');

  const session = save(state, {
    operation: 'payout',
    amountMinor,
    currency,
    payoutAccountId: accountId,
    walletId: WALLET_IDS[currency],
    expiresAt: new Date(state.now().getTime() + state.config.sessionLifetimeMs),
  });
  return reply(200, {
    id: session.id,
    wallet_id: session.walletId,
    payout_account_id: accountId,
    amount: amountMinor / 100,
    currency,
    ...timestamps(state, session),
  });
}

export function createTransferSession(state: FakeState, body: unknown): Reply {
  const fields = new BodyReader(body);
  const walletId = fields.int('from_wallet_id');
  const counterpartyId = fields.int('to_counterparty_id');
  const amountMinor = fields.amountMinor('amount');
  const currency = fields.currency('currency');
  const expiresAt = fields.datetime('expires_at');
  if (fields.issues.length > 0) return validationError(fields.issues);
  if (!state.config.verified) return NOT_VERIFIED;

  const badExpiry = clientExpiryError(state, expiresAt);
  if (badExpiry) return badExpiry;
  const fromCurrency = walletCurrency(walletId);
  if (!fromCurrency) return fieldError('from_wallet_id', 'wallet not found');
  // Strict: the docs do not say that Dollr converts a transfer into another currency than the wallet's.
  if (currency !== fromCurrency) {
    return fieldError('currency', `currency does not match the wallet (${fromCurrency})`);
  }
  if (!state.counterparties.has(counterpartyId)) return fieldError('to_counterparty_id', 'counterparty not found');

  const session = save(state, {
    operation: 'transfer',
    amountMinor,
    currency,
    counterpartyId,
    walletId,
    expiresAt,
  });
  return reply(200, {
    id: session.id,
    from_wallet_id: walletId,
    to_counterparty_id: counterpartyId,
    amount: amountMinor / 100,
    currency,
    ...timestamps(state, session),
  });
}

/**
 * The session an execution names, if it may be executed; else the 422 to answer. Unknown, expired
 * and wrong-type sessions look alike to the caller, as on Dollr.
 */
export function usableSession(state: FakeState, sessionId: string, operation: FakeOperation): SessionRecord | Reply {
  const session = /^\d+$/.test(sessionId) ? state.sessions.get(Number(sessionId)) : undefined;
  if (!session || session.operation !== operation || session.expiresAt.getTime() <= state.now().getTime()) {
    return fieldError('session_id', 'session not found or expired');
  }
  if (session.status !== 'ACTIVE') return fieldError('session_id', 'session is not active');
  return session;
}

export const isReply = (value: SessionRecord | Reply): value is Reply => 'body' in value;

/**
 * The 422 for a client-chosen `expires_at` (refund and transfer sessions) outside the next 24 hours;
 * undefined when it is fine. The docs give no bounds: these are our choice ("Where the docs are silent").
 */
function clientExpiryError(state: FakeState, expiresAt: Date): Reply | undefined {
  const now = state.now().getTime();
  if (expiresAt.getTime() <= now) return fieldError('expires_at', 'expires_at must be in the future');
  if (expiresAt.getTime() > now + MAX_CLIENT_EXPIRY_MS) {
    return fieldError('expires_at', 'expires_at must be at most 24 hours ahead');
  }
  return undefined;
}

function save(
  state: FakeState,
  fields: Omit<SessionRecord, 'id' | 'status' | 'createdAt' | 'updatedAt'>,
): SessionRecord {
  const now = state.now();
  const session: SessionRecord = {
    ...fields,
    id: state.nextSessionId++,
    status: 'ACTIVE',
    createdAt: now,
    updatedAt: now,
  };
  state.sessions.set(session.id, session);
  return session;
}

function timestamps(state: FakeState, session: SessionRecord) {
  return {
    status: sessionStatus(session, state.now()),
    expires_at: session.expiresAt.toISOString(),
    created_at: session.createdAt.toISOString(),
    updated_at: session.updatedAt.toISOString(),
  };
}

/** ACTIVE -> USED once executed, or EXPIRED once past expires_at (status values are our invention). */
const sessionStatus = (session: SessionRecord, now: Date) =>
  session.status === 'USED' ? 'USED' : session.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : 'ACTIVE';
