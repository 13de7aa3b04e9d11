/**
 * Dollr's fee estimate for a payout (`GET /v1/predictions/amount-and-fees`), turned into the card's
 * FeePreview. Only a nicety: its absence never blocks a request, so it gets a short deadline.
 */
import { z } from 'zod';
import { formatMinor, parseAmount, toMinor, type Currency } from '../../core/money.ts';
import type { FeePreview } from '../../core/request.ts';
import { parseAnswer } from './dollr-schemas.ts';

/** Dollr's provider for each payout method (the markets table of its docs). */
const PROVIDER_OF_METHOD: Record<string, string> = {
  MTN_MOMO_LBR: 'PAWAPAY',
  ORANGE_MONEY_LBR: 'PAWAPAY',
  AIRTEL_RWA: 'PAWAPAY',
  MTN_MOMO_RWA: 'PAWAPAY',
  ORANGE_MONEY_RWA: 'PAWAPAY',
  CREDIT_CARD: 'STRIPE',
  WALLET: 'PLATFORM',
};

export const isKnownPayoutMethod = (method: string): boolean => method in PROVIDER_OF_METHOD;

/** Predictions answer amounts and fees as strings. */
const money = z.string().refine((v) => parseAmount(v) !== undefined || /^0(\.0+)?$/.test(v), 'an amount as text');
const predictionSchema = z.looseObject({
  payee_amount: money,
  payee_currency: z.string(),
  platform_fee: money,
  platform_currency: z.string(),
  fx_fee: money.nullish(),
  gateway_fee: money.nullish(),
  gateway_currency: z.string().nullish(),
});

const minorOf = (text: string | null | undefined) => (text ? toMinor(parseAmount(text) ?? '0.00') : 0);

export function predictionPath(method: string, amount: string, currency: Currency): string {
  const query = new URLSearchParams({
    base_amount: amount,
    base_currency: currency,
    target_currency: currency,
    payment_method: method,
    operation_type: 'PAYOUT',
    provider: PROVIDER_OF_METHOD[method]!,
    // The merchant pays the fees of its own payouts, so the payee gets the full amount.
    fee_bearer: 'PAYER',
  });
  return `/v1/predictions/amount-and-fees?${query}`;
}

export function toFeePreview(body: unknown, what: string): FeePreview {
  const answer = parseAnswer(predictionSchema, body, what);
  // Fees in the platform's currency are added up exactly; a gateway fee in another currency is left
  // out rather than added to something it cannot be added to.
  const gatewayMinor = !answer.gateway_currency || answer.gateway_currency === answer.platform_currency ? minorOf(answer.gateway_fee) : 0;
  return {
    payeeAmount: formatMinor(minorOf(answer.payee_amount)),
    payeeCurrency: answer.payee_currency,
    fees: formatMinor(minorOf(answer.platform_fee) + minorOf(answer.fx_fee) + gatewayMinor),
    feeCurrency: answer.platform_currency,
  };
}
