/**
 * The PaymentsGateway over Dollr's HTTP API. One attempt per call, plus exactly one retry with a
 * fresh token when Dollr says 401: retrying anything else is the core's decision, because only the
 * core knows whether money may already have moved.
 */
import { Agent, type Dispatcher } from 'undici';
import { DollrError, isDollrError } from '../../core/execution/dollr-error.ts';
import type { Logger, PaymentsGateway } from '../../core/ports.ts';
import { raceDeadline } from '../deadline.ts';
import { createAccessTokens } from './access-token.ts';
import { createDollrHttp, type DollrExchange, type DollrHttpOptions } from './dollr-http.ts';
import { executionResponseSchema, parseAnswer, sessionResponseSchema } from './dollr-schemas.ts';
import { toExecutionSnapshot } from './execution-snapshot.ts';
import {
  KNOWN_PAYOUT_METHODS,
  PREDICTION_PATH,
  predictionQuery,
  providerOfMethod,
  toFeePreview,
} from './fee-prediction.ts';
import { DEFAULT_DEVICE, USER_AGENT, passcodeBody, type DeviceInfo, type PayoutPasscode } from './payout-passcode.ts';

export interface DollrClientOptions {
  /** e.g. https://api.heydollr.app (no /v1). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Deadline for one HTTP exchange, headers and body together. */
  timeoutMs: number;
  /** Absent: payouts are refused without calling Dollr; refunds still work. */
  payoutPasscode?: PayoutPasscode;
  /** The merchant wallet transfers are paid from (DOLLR_TRANSFER_WALLET_ID). Absent: transfers are refused. */
  transferWalletId?: number;
  device?: Partial<DeviceInfo>;
  /**
   * Dollr payment method of the payout accounts (MTN_MOMO_LBR, WALLET, ...), for fee estimates; the
   * provider follows from it. Absent: no estimates, Dollr is not asked. Unknown: no estimates, one warning.
   */
  payoutMethod?: string;
  /** Deadline of a fee estimate, token included; default 3000 ms, never more than `timeoutMs`. */
  feePreviewTimeoutMs?: number;
  logger: Logger;
  now?: () => Date;
  /** Defaults to a keep-alive Agent owned (and closed) by this client. */
  dispatcher?: Dispatcher;
  /** Told of every HTTP exchange (metrics). */
  onCall?: DollrHttpOptions['onCall'];
  /** Told of each access token obtained (so that logs and Slack never show it). */
  onToken?: (token: string) => void;
  /** Applied to every error message before it leaves the client (it may be logged or shown in Slack). */
  redact?: (text: string) => string;
}

export interface DollrClient extends PaymentsGateway {
  /** Closes the connections of the Agent this client created; a passed-in dispatcher is left alone. */
  close(): Promise<void>;
  /** Asks Dollr for an access token: resolves when the credentials work, rejects with Dollr's error. */
  checkCredentials(): Promise<void>;
}

/** A fee estimate is a nicety on the card; it never holds a request up for long. */
const FEE_PREVIEW_TIMEOUT_MS = 3000;

const PAYOUTS_NOT_CONFIGURED =
  'Payouts are not configured: set DOLLR_PAYOUT_PASSCODE and DOLLR_PAYOUT_PHONE or DOLLR_PAYOUT_USER_ID.';

const TRANSFERS_NOT_CONFIGURED = 'Transfers are not configured: set DOLLR_TRANSFER_WALLET_ID.';

export function createDollrClient(options: DollrClientOptions): DollrClient {
  const now = options.now ?? (() => new Date());
  const ownAgent = options.dispatcher ? undefined : new Agent({ keepAliveTimeout: 10_000, connections: 16 });
  const dispatcher = options.dispatcher ?? ownAgent!;
  const device: DeviceInfo = { ...DEFAULT_DEVICE, ...options.device };
  const http = createDollrHttp({
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    dispatcher,
    logger: options.logger,
    userAgent: USER_AGENT,
    now,
    onCall: options.onCall,
    redact: options.redact,
  });
  const { clientId, clientSecret, onToken } = options;
  const tokens = createAccessTokens({ http, clientId, clientSecret, now, onToken });
  const feePreviewTimeoutMs = Math.min(options.timeoutMs, options.feePreviewTimeoutMs ?? FEE_PREVIEW_TIMEOUT_MS);
  let warnedUnknownMethod = false;

  /** An authenticated call. A 401 means the token died early: renew it and try once more. */
  async function authed(exchange: Omit<DollrExchange, 'token'>): Promise<unknown> {
    const token = await tokens.get();
    try {
      return await http({ ...exchange, token });
    } catch (error) {
      if (!isDollrError(error) || error.code !== 'unauthorized') throw error;
      options.logger.debug('dollr refused the token; renewing it once', {
        method: exchange.method,
        path: exchange.path,
      });
      tokens.invalidate(token);
      // A 401 means Dollr did not process the call, so sending it again cannot move money twice.
      return http({ ...exchange, token: await tokens.get() });
    }
  }

  async function createSession(path: string, body: unknown): Promise<{ sessionId: string }> {
    const answer = parseAnswer(sessionResponseSchema, await authed({ method: 'POST', path, body }), `POST ${path}`);
    return { sessionId: String(answer.id) };
  }

  /** An execute or status call; the answer must be about the reference we asked about. */
  async function execution(exchange: Omit<DollrExchange, 'token'>, referenceId: string) {
    const what = `${exchange.method} ${exchange.path}`;
    const answer = parseAnswer(executionResponseSchema, await authed(exchange), what);
    if (answer.reference_id !== referenceId) {
      throw new DollrError(
        'bad_response',
        `Dollr's answer to ${what} was about another reference_id (${answer.reference_id}).`,
      );
    }
    return toExecutionSnapshot(answer);
  }

  return {
    createRefundSession: ({ originalPaymentIntentId, amount, reason, expiresAt }) =>
      createSession('/v1/sessions/refund', {
        original_payment_intent_id: originalPaymentIntentId,
        // Our amounts are exact two-decimal text; Dollr wants a JSON number in major units.
        amount: Number(amount),
        reason,
        expires_at: expiresAt.toISOString(),
      }),

    createPayoutSession: ({ payoutAccountId, amount, currency }) =>
      createSession('/v1/sessions/payout', { payout_account_id: payoutAccountId, amount: Number(amount), currency }),

    createTransferSession({ counterpartyId, amount, currency, expiresAt }) {
      const fromWalletId = options.transferWalletId;
      if (fromWalletId === undefined) return Promise.reject(new DollrError('forbidden', TRANSFERS_NOT_CONFIGURED));
      return createSession('/v1/sessions/transfer', {
        from_wallet_id: fromWalletId,
        to_counterparty_id: counterpartyId,
        amount: Number(amount),
        currency,
        expires_at: expiresAt.toISOString(),
      });
    },

    // Execution ids travel as JSON strings although sessions hand them out as integers (Dollr's OAS).
    executeRefund: ({ sessionId, referenceId }) =>
      execution(
        { method: 'POST', path: '/v1/executions/refund', body: { session_id: sessionId, reference_id: referenceId } },
        referenceId,
      ),

    executeTransfer: ({ sessionId, referenceId }) =>
      execution(
        { method: 'POST', path: '/v1/executions/transfer', body: { session_id: sessionId, reference_id: referenceId } },
        referenceId,
      ),

    async executePayout({ sessionId, payoutAccountId, referenceId }) {
      if (!options.payoutPasscode) throw new DollrError('forbidden', PAYOUTS_NOT_CONFIGURED);
      const body = {
        session_id: sessionId,
        payout_account_id: String(payoutAccountId),
        reference_id: referenceId,
        passcode: passcodeBody(options.payoutPasscode, device),
      };
      return execution({ method: 'POST', path: '/v1/executions/payout', body }, referenceId);
    },

    async getStatus(operation, referenceId) {
      try {
        return await execution(
          {
            method: 'GET',
            path: `/v1/status/${operation}/${encodeURIComponent(referenceId)}`,
            route: `/v1/status/${operation}/{reference_id}`,
          },
          referenceId,
        );
      } catch (error) {
        // Dollr does not know this reference (yet): 404 as documented, or any other refusal of a
        // reference it has no record of (a 422, say). The core decides what next; a resend carries
        // the same reference, so taking a refusal for "unknown" can never move money twice.
        if (isDollrError(error) && (error.code === 'not_found' || error.code === 'rejected')) return undefined;
        throw error;
      }
    },

    async previewPayoutFees({ amount, currency }) {
      const method = options.payoutMethod;
      if (!method) return undefined;
      const provider = providerOfMethod(method);
      if (!provider) {
        if (!warnedUnknownMethod) {
          warnedUnknownMethod = true;
          options.logger.warn('unknown Dollr payout method: payout cards go out without a fee estimate', {
            method,
            known: KNOWN_PAYOUT_METHODS,
          });
        }
        return undefined;
      }
      const what = `GET ${PREDICTION_PATH}`;
      const exchange = {
        method: 'GET',
        path: PREDICTION_PATH,
        query: predictionQuery({ method, provider, amount, currency }),
        timeoutMs: feePreviewTimeoutMs,
      } as const;
      // The deadline covers the whole call: waiting for a token, the exchange, a renewal after a 401.
      const late = () => new DollrError('timeout', `Dollr did not answer ${what} within ${feePreviewTimeoutMs} ms.`);
      return toFeePreview(await raceDeadline(authed(exchange), feePreviewTimeoutMs, late), what);
    },

    async checkCredentials() {
      await tokens.get();
    },
    async close() {
      await ownAgent?.close();
    },
  };
}
