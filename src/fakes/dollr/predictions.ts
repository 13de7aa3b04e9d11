/**
 * `GET /v1/predictions/amount-and-fees` (dollr-api.md §8): Dollr's estimate of amounts and fees.
 * Query parameters are validated as FastAPI would, every problem at once, 422 on `query.<name>`;
 * amounts and fees come back as STRINGS with two decimals.
 *
 * The fake's prices: a platform fee (`predictionFee`, default "1.00"), a gateway fee of 0.50 and no
 * FX fee, all in the base currency. The fake has no exchange rates: base and target currency must be
 * the same (422 on `query.target_currency` otherwise). With `predictionsAvailable: false` it answers
 * 503, as a Dollr whose pricing service is down.
 */
import { formatMinor } from '../../core/request/money.ts';
import type { FakeState } from './state.ts';
import { reply, type Reply } from './types.ts';
import { SUPPORTED_CURRENCIES, validationError, type ValidationIssue } from './validation.ts';

/** The markets / methods / providers table: each method and its one provider. */
const PROVIDER_OF_METHOD: Record<string, string> = {
  MTN_MOMO_LBR: 'PAWAPAY',
  ORANGE_MONEY_LBR: 'PAWAPAY',
  AIRTEL_RWA: 'PAWAPAY',
  MTN_MOMO_RWA: 'PAWAPAY',
  ORANGE_MONEY_RWA: 'PAWAPAY',
  CREDIT_CARD: 'STRIPE',
  WALLET: 'PLATFORM',
};
const METHODS = Object.keys(PROVIDER_OF_METHOD);
const PROVIDERS = [...new Set(Object.values(PROVIDER_OF_METHOD))];
const OPERATION_TYPES = ['COLLECTION', 'PAYOUT', 'TRANSFER', 'REFUND'];
const FEE_BEARERS = ['PAYER', 'PAYEE'];
const OWNER_TYPES = ['USER', 'MICRO_ORGANIZATION', 'ORGANIZATION'];
const CURRENCY_PATTERN = '^[A-Z]{3}$';
const GATEWAY_FEE_MINOR = 50;
const FLOAT = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Reads query parameters pydantic-v1 style, collecting every issue. */
class QueryReader {
  readonly issues: ValidationIssue[] = [];
  private readonly query: Record<string, string>;
  constructor(query: Record<string, string>) {
    this.query = query;
  }

  /** A required (or optional) text parameter; undefined when missing. */
  text(name: string, optional = false): string | undefined {
    const value = this.query[name];
    if (value === undefined && !optional)
      this.issues.push({ loc: ['query', name], msg: 'field required', type: 'value_error.missing' });
    return value;
  }

  /** Major units, ≥ 0.01; in minor units, 0 when wrong. */
  amountMinor(name: string): number {
    const value = this.text(name);
    if (value === undefined) return 0;
    const n = FLOAT.test(value) ? Number(value) : Number.NaN;
    if (!Number.isFinite(n)) {
      this.issues.push({ loc: ['query', name], msg: 'value is not a valid float', type: 'type_error.float' });
      return 0;
    }
    if (n < 0.01) {
      this.issues.push({
        loc: ['query', name],
        msg: 'ensure this value is greater than or equal to 0.01',
        type: 'value_error.number.not_ge',
        ctx: { limit_value: 0.01 },
      });
      return 0;
    }
    return Math.round(n * 100);
  }

  /** `^[A-Z]{3}$` (OAS), then one of the currencies the fake supports. */
  currency(name: string): string | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (!new RegExp(CURRENCY_PATTERN).test(value)) {
      this.issues.push({
        loc: ['query', name],
        msg: `string does not match regex "${CURRENCY_PATTERN}"`,
        type: 'value_error.str.regex',
        ctx: { pattern: CURRENCY_PATTERN },
      });
      return undefined;
    }
    if (!(SUPPORTED_CURRENCIES as readonly string[]).includes(value)) {
      const permitted = SUPPORTED_CURRENCIES.map((c) => `'${c}'`).join(', ');
      this.issues.push({
        loc: ['query', name],
        msg: `unsupported currency; permitted: ${permitted}`,
        type: 'value_error.const',
        ctx: { given: value },
      });
      return undefined;
    }
    return value;
  }

  /** One of `allowed`; undefined when missing or not a member. */
  member(name: string, allowed: readonly string[], optional = false): string | undefined {
    const value = this.text(name, optional);
    if (value === undefined) return undefined;
    if (allowed.includes(value)) return value;
    this.issues.push({
      loc: ['query', name],
      msg: `value is not a valid enumeration member; permitted: ${allowed.map((v) => `'${v}'`).join(', ')}`,
      type: 'type_error.enum',
      ctx: { enum_values: [...allowed] },
    });
    return undefined;
  }

  optionalInteger(name: string): void {
    const value = this.text(name, true);
    if (value !== undefined && !/^\s*[+-]?\d+\s*$/.test(value)) {
      this.issues.push({ loc: ['query', name], msg: 'value is not a valid integer', type: 'type_error.integer' });
    }
  }
}

export function predictAmountAndFees(state: FakeState, query: Record<string, string>): Reply {
  if (!state.config.predictionsAvailable) return reply(503, { detail: 'Service Unavailable' });

  const read = new QueryReader(query);
  const amountMinor = read.amountMinor('base_amount');
  const baseCurrency = read.currency('base_currency');
  const targetCurrency = read.currency('target_currency');
  const method = read.member('payment_method', METHODS);
  read.member('operation_type', OPERATION_TYPES);
  const provider = read.member('provider', PROVIDERS);
  const bearer = read.member('fee_bearer', FEE_BEARERS);
  read.member('owner_type', OWNER_TYPES, true);
  read.optionalInteger('owner_id');
  if (read.issues.length > 0) return validationError(read.issues);

  // The types are right; now the rules that need several parameters.
  if (PROVIDER_OF_METHOD[method!] !== provider) {
    return validationError([
      {
        loc: ['query', 'provider'],
        msg: `invalid combination: ${method} is served by ${PROVIDER_OF_METHOD[method!]}`,
        type: 'value_error',
      },
    ]);
  }
  if (baseCurrency !== targetCurrency) {
    return validationError([
      {
        loc: ['query', 'target_currency'],
        msg: `conversion from ${baseCurrency} to ${targetCurrency} is not supported`,
        type: 'value_error',
      },
    ]);
  }
  const platformFeeMinor = state.config.predictionFeeMinor;
  const feesMinor = platformFeeMinor + GATEWAY_FEE_MINOR;
  if (bearer === 'PAYEE' && amountMinor <= feesMinor) {
    return validationError([
      { loc: ['query', 'base_amount'], msg: 'amount does not cover the fees', type: 'value_error' },
    ]);
  }
  // PAYER: the payer is charged amount + fees and the payee receives the amount; PAYEE: the fees come off the amount.
  return reply(200, {
    payer_amount: formatMinor(bearer === 'PAYER' ? amountMinor + feesMinor : amountMinor),
    payer_currency: baseCurrency,
    payee_amount: formatMinor(bearer === 'PAYER' ? amountMinor : amountMinor - feesMinor),
    payee_currency: targetCurrency,
    platform_fee: formatMinor(platformFeeMinor),
    platform_currency: baseCurrency,
    fx_fee: '0.00',
    gateway_fee: formatMinor(GATEWAY_FEE_MINOR),
    gateway_currency: baseCurrency,
  });
}
