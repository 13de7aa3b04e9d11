/**
 * `GET /v1/predictions/amount-and-fees`: Dollr's fee estimate. Query parameters are validated as
 * FastAPI would (422 on `query.<name>`); amounts and fees come back as strings. The fake's fees: a
 * platform fee of 1.00 and a gateway fee of 0.50 in the base currency, no FX.
 */
import { formatMinor } from '../../core/money.ts';
import { reply, type Reply } from './types.ts';
import { validationError } from './validation.ts';

const METHODS = ['MTN_MOMO_LBR', 'ORANGE_MONEY_LBR', 'AIRTEL_RWA', 'MTN_MOMO_RWA', 'ORANGE_MONEY_RWA', 'CREDIT_CARD', 'WALLET'];
const PROVIDERS = ['PAWAPAY', 'STRIPE', 'PLATFORM'];
const CURRENCIES = ['USD', 'LRD', 'RWF'];
const PLATFORM_FEE_MINOR = 100;
const GATEWAY_FEE_MINOR = 50;

export function predictAmountAndFees(query: Record<string, string>): Reply {
  const problems: Array<{ loc: string[]; msg: string; type: string }> = [];
  const need = (name: string, allowed?: readonly string[]) => {
    const value = query[name];
    if (value === undefined) problems.push({ loc: ['query', name], msg: 'field required', type: 'value_error.missing' });
    else if (allowed && !allowed.includes(value)) problems.push({ loc: ['query', name], msg: `value is not a valid enumeration member; permitted: ${allowed.join(', ')}`, type: 'type_error.enum' });
    return value;
  };
  const baseAmount = need('base_amount');
  const baseCurrency = need('base_currency', CURRENCIES);
  need('target_currency', CURRENCIES);
  need('payment_method', METHODS);
  need('operation_type', ['COLLECTION', 'PAYOUT', 'TRANSFER', 'REFUND']);
  need('provider', PROVIDERS);
  const bearer = need('fee_bearer', ['PAYER', 'PAYEE']);
  const minor = Math.round(Number(baseAmount) * 100);
  if (baseAmount !== undefined && !(Number.isFinite(minor) && minor >= 1)) {
    problems.push({ loc: ['query', 'base_amount'], msg: 'ensure this value is greater than or equal to 0.01', type: 'value_error.number.not_ge' });
  }
  if (problems.length > 0) return validationError(problems);
  const fees = PLATFORM_FEE_MINOR + GATEWAY_FEE_MINOR;
  return reply(200, {
    payer_amount: formatMinor(bearer === 'PAYER' ? minor + fees : minor),
    payer_currency: baseCurrency,
    payee_amount: formatMinor(bearer === 'PAYER' ? minor : Math.max(0, minor - fees)),
    payee_currency: query.target_currency,
    platform_fee: formatMinor(PLATFORM_FEE_MINOR),
    platform_currency: baseCurrency,
    fx_fee: '0.00',
    gateway_fee: formatMinor(GATEWAY_FEE_MINOR),
    gateway_currency: baseCurrency,
  });
}
