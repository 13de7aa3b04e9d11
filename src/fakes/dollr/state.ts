/**
 * Everything the fake Dollr remembers, in one plain object, and how to put it back to its start.
 * Route handlers read and change it; tests read it through the public API in fake-dollr.ts.
 */
import type {
  ExecutionRecord,
  FakeDollrOptions,
  FakePasscode,
  FaultRule,
  Progression,
  RecordedCall,
  SessionRecord,
  SettleOutcome,
  StrictMode,
} from './types.ts';

export interface Collection {
  id: number;
  amountMinor: number;
  currency: string;
}

const DEFAULT_COLLECTIONS: readonly Collection[] = [
  { id: 4411, amountMinor: 100_00, currency: 'USD' },
  { id: 4412, amountMinor: 1000_00, currency: 'LRD' },
  { id: 4413, amountMinor: 50_00, currency: 'USD' },
];
const DEFAULT_PAYOUT_ACCOUNTS: readonly number[] = [7, 8, 9];
/** The merchant's counterparties that transfers may go to. */
const DEFAULT_COUNTERPARTIES: readonly number[] = [21, 22, 23];
const DEFAULT_BALANCE_MINOR = 1_000_000_00;
/**
 * The merchant's wallet per currency, as payout sessions report it in `wallet_id` and transfer
 * sessions name it in `from_wallet_id`. Fixed: the wallets are the merchant's, not test data.
 */
export const WALLET_IDS: Record<string, number> = { USD: 501, LRD: 502, RWF: 503 };

/** The currency of one of the merchant's wallets; undefined for a wallet the merchant does not have. */
export const walletCurrency = (walletId: number): string | undefined =>
  Object.keys(WALLET_IDS).find((currency) => WALLET_IDS[currency] === walletId);

interface FakeConfig {
  clientId: string;
  clientSecret: string;
  passcode: FakePasscode;
  tokenLifetimeMinutes: number;
  verified: boolean;
  sessionLifetimeMs: number;
  latencyMs: number;
  progression: Progression;
  pollsPerStep: number;
  feeMinor: number;
  predictionFeeMinor: number;
  predictionsAvailable: boolean;
  strict: StrictMode;
}

export interface FakeState {
  config: FakeConfig;
  now(): Date;
  clockOffsetMs: number;
  /** Issued tokens -> expiry (ms since epoch on the fake's clock). */
  tokens: Map<string, number>;
  sessions: Map<number, SessionRecord>;
  nextSessionId: number;
  collections: Map<number, Collection>;
  payoutAccounts: Set<number>;
  counterparties: Set<number>;
  balances: Map<string, number>;
  executions: Map<string, ExecutionRecord>;
  /** Per reference: execute POSTs received, status GETs received, debits made. */
  executeRequests: Map<string, number>;
  statusRequests: Map<string, number>;
  debits: Map<string, number>;
  nextTransaction: number;
  calls: RecordedCall[];
  faults: FaultRule[];
  /** Applies to the next new execution only. */
  next: { fail?: SettleOutcome; hold?: boolean };
}

function configFrom(options: FakeDollrOptions): FakeConfig {
  return {
    clientId: options.clientId ?? 'test-client',
    clientSecret: options.clientSecret ?? 'test-secret',
    passcode: options.passcode ?? { code: '123456', phone: '231771234567' },
    tokenLifetimeMinutes: options.tokenLifetimeMinutes ?? 60,
    verified: options.verified ?? true,
    sessionLifetimeMs: options.sessionLifetimeMs ?? 15 * 60_000,
    latencyMs: options.latencyMs ?? 0,
    progression: options.progression ?? 'auto',
    pollsPerStep: options.pollsPerStep ?? 1,
    feeMinor: Math.round(Number(options.fee ?? '0') * 100),
    predictionFeeMinor: Math.round(Number(options.predictionFee ?? '1.00') * 100),
    predictionsAvailable: options.predictionsAvailable ?? true,
    strict: { replays: options.strict?.replays ?? 'replay', statusLag: options.strict?.statusLag ?? 0 },
  };
}

export function createState(options: FakeDollrOptions): FakeState {
  const baseNow = options.now ?? (() => new Date());
  const state: FakeState = {
    config: configFrom(options),
    now: () => new Date(baseNow().getTime() + state.clockOffsetMs),
    clockOffsetMs: 0,
    tokens: new Map(),
    sessions: new Map(),
    nextSessionId: 1001,
    collections: new Map(),
    payoutAccounts: new Set(),
    counterparties: new Set(),
    balances: new Map(),
    executions: new Map(),
    executeRequests: new Map(),
    statusRequests: new Map(),
    debits: new Map(),
    nextTransaction: 1,
    calls: [],
    faults: [],
    next: {},
  };
  resetState(state, options);
  return state;
}

/**
 * Back to the start: no calls, faults, sessions or executions; default seeds, balances and settings.
 * Issued tokens stay valid, so that a running app does not notice a reset between tests.
 */
export function resetState(state: FakeState, options: FakeDollrOptions): void {
  state.config = configFrom(options);
  state.clockOffsetMs = 0;
  state.sessions.clear();
  state.collections = new Map(DEFAULT_COLLECTIONS.map((c) => [c.id, { ...c }]));
  state.payoutAccounts = new Set(DEFAULT_PAYOUT_ACCOUNTS);
  state.counterparties = new Set(DEFAULT_COUNTERPARTIES);
  state.balances = new Map(Object.keys(WALLET_IDS).map((currency) => [currency, DEFAULT_BALANCE_MINOR]));
  state.executions.clear();
  state.executeRequests.clear();
  state.statusRequests.clear();
  state.debits.clear();
  state.calls.length = 0;
  state.faults.length = 0;
  state.next = {};
}

export const bump = (counter: Map<string, number>, key: string): void => {
  counter.set(key, (counter.get(key) ?? 0) + 1);
};

/** What is left to refund of a collection: its amount minus refunds that have not failed. */
export function refundableMinor(state: FakeState, collection: Collection): number {
  let refunded = 0;
  for (const execution of state.executions.values()) {
    if (
      execution.operation === 'refund' &&
      execution.originalPaymentIntentId === collection.id &&
      execution.status !== 'FAILED'
    ) {
      refunded += execution.payeeMinor;
    }
  }
  return collection.amountMinor - refunded;
}
