/**
 * A fake Dollr API: a real HTTP server on 127.0.0.1 (ephemeral port), faithful to Dollr's documented
 * API (docs.heydollr.app) and, where the docs are silent, to the choices listed below, with a strict
 * mode for the readings that could hurt a client most. Used by integration and e2e tests,
 * by fault-injection tests that run the app as a child process, and by the sandbox.
 *
 * API routes: POST /v1/jwt/client/obtain/token, POST /v1/sessions/{refund|payout|transfer},
 * POST /v1/executions/{refund|payout|transfer}, GET /v1/status/{refund|payout|collection|transfer}/{reference_id},
 * GET /v1/predictions/amount-and-fees (fault route 'prediction').
 * Transfers: the session names from_wallet_id (the merchant's wallets: USD 501, LRD 502, RWF 503),
 * to_counterparty_id, amount, currency (that of the wallet: no FX) and expires_at (at most 24 h
 * ahead, as for refunds); the execute takes session_id + reference_id, debits that wallet with no fee.
 * Predictions: Bearer auth; query base_amount, base_currency, target_currency (^[A-Z]{3}$, and only
 * USD/LRD/RWF, base = target: the fake has no FX), payment_method + provider (a pair of the markets
 * table: the five mobile-money methods -> PAWAPAY, CREDIT_CARD -> STRIPE, WALLET -> PLATFORM),
 * operation_type, fee_bearer (all required; optional owner_type, owner_id) -> 422 on query.<name>.
 * Answers strings with 2 decimals: platform_fee = predictionFee (default "1.00"), fx_fee "0.00",
 * gateway_fee "0.50", gateway_currency and platform_currency = base currency; fee_bearer PAYER:
 * payer_amount = amount + fees, payee_amount = amount; PAYEE: payer_amount = amount,
 * payee_amount = amount - fees (422 when that is not positive). predictionsAvailable: false -> 503.
 * Seeds after start and after every reset: completed collections 4411 = 100.00 USD,
 * 4412 = 1000.00 LRD, 4413 = 50.00 USD; payout accounts 7, 8, 9; counterparties 21, 22, 23;
 * 1,000,000.00 in each of USD, LRD, RWF.
 *
 * HTTP controls (JSON in and out; 400 on a bad body, 404 on an unknown control, 409 on a refused settle).
 * They are not recorded in `calls` and get no latency or faults.
 *   POST /__fake/reset                          forget calls, faults, sessions, executions; default seeds and settings
 *   POST /__fake/inject                         {route: token|session|execute|status|prediction|any, times?, fault}
 *                                               fault: {kind:'status',status,body?}
 *                                               | {kind:'rate_limit',retryAfterSeconds}
 *                                               | {kind:'delay',ms} | {kind:'late',ms} | {kind:'drop'}
 *                                               | {kind:'drop_before'}
 *   POST /__fake/settle/{reference_id}          {status: COMPLETED|FAILED, gatewayMessage?, walletMessage?}
 *                                               -> the execution
 *   POST /__fake/executions/{reference_id}/settle   same as above
 *   POST /__fake/hold-next                      the next new execution stays PROCESSING until settled
 *   POST /__fake/fail-next                      {walletMessage?, gatewayMessage?}: the next new execution
 *                                               answers FAILED
 *   POST /__fake/expire-tokens                  every issued token answers 401 "Could not validate credentials"
 *   POST /__fake/advance-clock                  {ms}: moves the fake's clock (token and session expiry)
 *   POST /__fake/seed/collection                {id, amount, currency}: a completed collection to refund
 *   POST /__fake/seed/payout-account            {id}
 *   POST /__fake/seed/counterparty              {id}: a counterparty to transfer to
 *   POST /__fake/balance                        {currency, amount}
 *   POST /__fake/config                         {verified?, progression?: auto|manual, pollsPerStep?, fee?,
 *                                                predictionFee?, predictionsAvailable?, latencyMs?,
 *                                                strict?: {replays?: replay|duplicate|session_used, statusLag?: N}}
 * Strict mode (the readings the docs leave open, at their strictest): a replayed execute is refused
 * with 422 "reference_id already exists" (duplicate) or "session is not active" (session_used), and
 * the first N status queries after an execution is recorded answer 404 (a lagging read).
 *   GET  /__fake/executions                     ExecutionView[]
 *   GET  /__fake/calls                          RecordedCall[]
 *   GET  /__fake/balances                       {USD: "1000000.00", ...}
 *   GET  /__fake/counts/{reference_id}          {executionCount, executeRequestCount, statusRequestCount}
 */
import { formatMinor } from '../core/request/money.ts';
import { expireTokens } from './dollr/auth.ts';
import { createControl } from './dollr/control.ts';
import { executionView, settleExecution } from './dollr/executions.ts';
import { injectFault } from './dollr/faults.ts';
import { startServer, type FakeServer } from './dollr/server.ts';
import { createState, resetState } from './dollr/state.ts';
import type {
  ExecutionView,
  FakeDollrOptions,
  FaultRule,
  Progression,
  RecordedCall,
  SettleOutcome,
  StrictMode,
} from './dollr/types.ts';

export type {
  ExecutionView,
  FakeDollrOptions,
  Fault,
  RecordedCall,
  StrictMode,
} from './dollr/types.ts';

/** What `configure` (and POST /__fake/config) can change; each lasts until the next reset. */
interface FakeSettings {
  verified?: boolean;
  progression?: Progression;
  pollsPerStep?: number;
  /** Added to a payout's debit. */
  fee?: string | number;
  /** `platform_fee` of fee predictions. */
  predictionFee?: string | number;
  /** false: fee predictions answer 503. */
  predictionsAvailable?: boolean;
  latencyMs?: number;
  /** Stricter readings of what the docs leave open; each field kept until changed or reset. */
  strict?: Partial<StrictMode>;
}

export interface FakeDollr {
  /** Base URL, no trailing slash, e.g. http://127.0.0.1:53211. */
  readonly url: string;
  /** Every API request received (not the /__fake controls), oldest first. */
  readonly calls: readonly RecordedCall[];
  close(): Promise<void>;
  /** Forgets calls, faults, sessions and executions; back to default seeds and settings. Tokens stay valid. */
  reset(): void;

  seedCollection(collection: { id: number; amount: string | number; currency: string }): void;
  seedPayoutAccount(account: { id: number }): void;
  /** A counterparty of the merchant that transfer sessions may name in `to_counterparty_id`. */
  seedCounterparty(counterparty: { id: number }): void;
  setBalance(currency: string, amount: string | number): void;
  /** Every wallet balance as "123.45" text. */
  balances(): Record<string, string>;
  configure(settings: FakeSettings): void;

  /** How many times money moved for this reference: 0 or 1, whatever the replays. */
  executionCount(referenceId: string): number;
  /** Execute POSTs received with this reference_id (replays, faulted and refused ones included). */
  executeRequestCount(referenceId: string): number;
  /** Executions created from this session (0 or 1: sessions are single-use). */
  sessionExecutionCount(sessionId: string | number): number;
  /** Status GETs received for this reference. */
  statusRequestCount(referenceId: string): number;
  executions(): ExecutionView[];
  execution(referenceId: string): ExecutionView | undefined;

  /** The next new execution stays PROCESSING until settled. */
  holdNext(): void;
  /** Ends a PENDING/PROCESSING execution; throws for an unknown or already final one. */
  settle(referenceId: string, status: 'COMPLETED' | 'FAILED', outcome?: SettleOutcome): ExecutionView;
  /** The next new execution answers 200 FAILED with these messages, moving no money. */
  failNextWith(outcome: SettleOutcome): void;
  inject(rule: FaultRule): void;
  /** Every issued token now answers 401 "Could not validate credentials". */
  expireTokens(): void;
  advanceClock(ms: number): void;
  /** Resolves with the predicate's first truthy value, checked every 10 ms; rejects after timeoutMs. */
  waitFor<T>(predicate: (fake: FakeDollr) => T, timeoutMs?: number): Promise<NonNullable<T>>;
  /**
   * Calls `listener` after every HTTP request the fake handled (API calls and /__fake/ controls), when
   * its state may have changed; returns an unsubscribe. Calls of the methods above do not notify.
   */
  onChange(listener: () => void): () => void;
}

export async function startFakeDollr(options: FakeDollrOptions = {}): Promise<FakeDollr> {
  const state = createState(options);
  const toMinor = (amount: string | number): number => {
    const minor = Math.round(Number(amount) * 100);
    if (!Number.isSafeInteger(minor) || minor < 0) throw new Error(`Not an amount: ${String(amount)}`);
    return minor;
  };

  let server: FakeServer | undefined;
  const listeners = new Set<() => void>();
  const api: FakeDollr = {
    get url() {
      return server!.url;
    },
    close: () => server!.close(),
    get calls() {
      return state.calls;
    },
    reset: () => resetState(state, options),
    seedCollection: ({ id, amount, currency }) =>
      void state.collections.set(id, { id, amountMinor: toMinor(amount), currency }),
    seedPayoutAccount: ({ id }) => void state.payoutAccounts.add(id),
    seedCounterparty: ({ id }) => void state.counterparties.add(id),
    setBalance: (currency, amount) => void state.balances.set(currency, toMinor(amount)),
    balances: () => Object.fromEntries([...state.balances].map(([currency, minor]) => [currency, formatMinor(minor)])),
    configure(settings) {
      const config = state.config;
      if (settings.verified !== undefined) config.verified = settings.verified;
      if (settings.progression !== undefined) config.progression = settings.progression;
      if (settings.pollsPerStep !== undefined) config.pollsPerStep = Math.max(1, settings.pollsPerStep);
      if (settings.fee !== undefined) config.feeMinor = toMinor(settings.fee);
      if (settings.predictionFee !== undefined) config.predictionFeeMinor = toMinor(settings.predictionFee);
      if (settings.predictionsAvailable !== undefined) config.predictionsAvailable = settings.predictionsAvailable;
      if (settings.latencyMs !== undefined) config.latencyMs = settings.latencyMs;
      if (settings.strict !== undefined) config.strict = { ...config.strict, ...settings.strict };
    },

    executionCount: (referenceId) => state.debits.get(referenceId) ?? 0,
    executeRequestCount: (referenceId) => state.executeRequests.get(referenceId) ?? 0,
    sessionExecutionCount: (sessionId) =>
      [...state.executions.values()].filter((e) => e.sessionId === String(sessionId)).length,
    statusRequestCount: (referenceId) => state.statusRequests.get(referenceId) ?? 0,
    executions: () => [...state.executions.values()].map(executionView),
    execution(referenceId) {
      const record = state.executions.get(referenceId);
      return record && executionView(record);
    },

    holdNext: () => {
      state.next.hold = true;
    },
    settle(referenceId, status, outcome) {
      const settled = settleExecution(state, referenceId, status, outcome);
      if (!settled.ok) throw new Error(settled.reason);
      return executionView(settled.record);
    },
    failNextWith: (outcome) => {
      state.next.fail =
        outcome.gatewayMessage || outcome.walletMessage ? outcome : { gatewayMessage: 'Transaction failed' };
    },
    inject: (rule) => injectFault(state, rule),
    expireTokens: () => expireTokens(state),
    advanceClock: (ms) => {
      state.clockOffsetMs += ms;
    },
    waitFor: (predicate, timeoutMs = 5000) => waitFor(() => predicate(api), timeoutMs),
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };

  const onHandled = () => {
    for (const listener of [...listeners]) listener();
  };
  server = await startServer({ state, port: options.port ?? 0, control: createControl(api), onHandled });
  return api;
}

function waitFor<T>(check: () => T, timeoutMs: number): Promise<NonNullable<T>> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      let value: T;
      try {
        value = check();
      } catch (error) {
        return reject(error);
      }
      if (value) return resolve(value as NonNullable<T>);
      if (Date.now() - started >= timeoutMs)
        return reject(new Error(`fake Dollr: condition not met within ${timeoutMs} ms`));
      setTimeout(tick, 10);
    };
    tick();
  });
}
