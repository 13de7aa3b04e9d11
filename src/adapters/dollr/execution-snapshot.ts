/**
 * Dollr's ExecutionResponse as the core sees it. Dollr sends amounts as JSON numbers in major units;
 * the core keeps amounts as text with two decimals, so that what is stored is what is shown.
 */
import type { ExecutionSnapshot } from '../../core/request/request.ts';
import type { ExecutionResponse } from './dollr-schemas.ts';

/** 25.5 -> "25.50". Rounded to cents: Dollr's currencies have two decimals. */
const twoDecimals = (amount: number): string => amount.toFixed(2);

export function toExecutionSnapshot(response: ExecutionResponse): ExecutionSnapshot {
  return {
    referenceId: response.reference_id,
    status: response.status,
    payerAmount: twoDecimals(response.payer_amount),
    payerCurrency: response.payer_currency,
    payeeAmount: twoDecimals(response.payee_amount),
    payeeCurrency: response.payee_currency,
    gatewayMessage: response.gateway_message ?? null,
    walletMessage: response.wallet_message ?? null,
  };
}
