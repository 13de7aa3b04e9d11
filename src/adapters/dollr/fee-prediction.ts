/**
 * Dollr's fee estimate for a payout (`GET /v1/predictions/amount-and-fees`, dollr-api.md §8), turned
 * into the card's FeePreview. Only a nicety: its absence never blocks a request (the core swallows
 * its failures), so the client gives it a short deadline.
 */
import { z } from 'zod';
import { formatMinor, type Currency } from '../../core/request/money.ts';
import type { FeePreview } from '../../core/request/request.ts';
import { parseAnswer } from './dollr-schemas.ts';

export const PREDICTION_PATH = '/v1/predictions/amount-and-fees';

/** Dollr's provider for each payment method (the markets / methods / providers table of its docs). */
const PROVIDER_OF_METHOD: ReadonlyMap<string, string> = new Map([
  // Liberia and Rwanda: mobile money goes through PawaPay.
  ['MTN_MOMO_LBR', 'PAWAPAY'],
  ['ORANGE_MONEY_LBR', 'PAWAPAY'],
  ['AIRTEL_RWA', 'PAWAPAY'],
  ['MTN_MOMO_RWA', 'PAWAPAY'],
  ['ORANGE_MONEY_RWA', 'PAWAPAY'],
  // International cards (payouts to cards "per merchant setup").
  ['CREDIT_CARD', 'STRIPE'],
  // Dollr wallet to Dollr wallet.
  ['WALLET', 'PLATFORM'],
]);

export const KNOWN_PAYOUT_METHODS: readonly string[] = [...PROVIDER_OF_METHOD.keys()];

/** The provider Dollr wants next to this payment method; undefined for a method the table does not name. */
export const providerOfMethod = (method: string): string | undefined => PROVIDER_OF_METHOD.get(method);

/** The documented query, all seven required parameters; no secrets in it (it is logged). */
export function predictionQuery(input: {
  method: string;
  provider: string;
  amount: string;
  currency: Currency;
}): Record<string, string> {
  return {
    base_amount: input.amount,
    // A payout leaves the merchant's wallet and arrives in the same currency: no FX asked for.
    base_currency: input.currency,
    target_currency: input.currency,
    payment_method: input.method,
    operation_type: 'PAYOUT',
    provider: input.provider,
    // The merchant pays the fees of its own payouts (its wallet is debited amount + fees), so the
    // payee receives the full amount and the fees show as the merchant's cost.
    fee_bearer: 'PAYER',
  };
}

/**
 * Predictions answer amounts and fees as decimal STRINGS. Dollr's rounding is not documented, so
 * any number of decimals is accepted ("1.5", "1.50", "0.15000") and kept exact until the end.
 * At most 12 digits before the point, as for our own amounts (money.ts).
 */
const FRACTION_DIGITS = 10;
const decimalText = z
  .string()
  .trim()
  .regex(
    new RegExp(`^\\d{1,12}(\\.\\d{1,${FRACTION_DIGITS}})?$`),
    'expected a non-negative amount as text, such as "1.50"',
  );
const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'expected a 3-letter currency code');

/** `AmountAndFeePredictionResponse`: only what the card uses is required (payer_* is not). */
const predictionResponseSchema = z.looseObject({
  payee_amount: decimalText,
  payee_currency: currencyCode,
  platform_fee: decimalText,
  platform_currency: currencyCode,
  fx_fee: decimalText.nullish(),
  gateway_fee: decimalText.nullish(),
  gateway_currency: currencyCode.nullish(),
});

/** "1.505" -> 1.505 × 10^FRACTION_DIGITS, exactly (no floats). */
function scaled(text: string | null | undefined): bigint {
  if (!text) return 0n;
  const [units = '0', fraction = ''] = text.split('.');
  return BigInt(units + fraction.padEnd(FRACTION_DIGITS, '0'));
}

/** Rounds half up to minor units (cents), once, after any adding. At most 10^14: a safe integer. */
function toMinorUnits(value: bigint): number {
  const perCent = 10n ** BigInt(FRACTION_DIGITS - 2);
  return Number((value + perCent / 2n) / perCent);
}

export function toFeePreview(body: unknown, what: string): FeePreview {
  const answer = parseAnswer(predictionResponseSchema, body, what);
  // platform_fee is in platform_currency; fx_fee names no currency of its own (the docs are silent),
  // and we ask for no conversion, so it is taken to be in platform_currency too. A gateway fee is added when
  // it is in the same currency (or names none); a gateway fee in another currency is left out
  // rather than added to an amount it cannot be added to: the estimate then shows the platform's fees.
  const gatewaySameCurrency = !answer.gateway_currency || answer.gateway_currency === answer.platform_currency;
  const fees =
    scaled(answer.platform_fee) + scaled(answer.fx_fee) + (gatewaySameCurrency ? scaled(answer.gateway_fee) : 0n);
  return {
    payeeAmount: formatMinor(toMinorUnits(scaled(answer.payee_amount))),
    payeeCurrency: answer.payee_currency,
    fees: formatMinor(toMinorUnits(fees)),
    feeCurrency: answer.platform_currency,
  };
}
