import { describe, expect, it } from 'vitest';
import {
  KNOWN_PAYOUT_METHODS,
  predictionQuery,
  providerOfMethod,
  toFeePreview,
} from '../../src/adapters/dollr/fee-prediction.ts';
import { DollrError } from '../../src/core/execution/dollr-error.ts';

const answer = (fields: Record<string, unknown> = {}) => ({
  payer_amount: '11.50',
  payer_currency: 'USD',
  payee_amount: '10.00',
  payee_currency: 'USD',
  platform_fee: '1.00',
  platform_currency: 'USD',
  fx_fee: '0.00',
  gateway_fee: '0.50',
  gateway_currency: 'USD',
  ...fields,
});
const preview = (fields?: Record<string, unknown>) =>
  toFeePreview(answer(fields), 'GET /v1/predictions/amount-and-fees');

describe('providerOfMethod', () => {
  it('follows the markets table', () => {
    expect(Object.fromEntries(KNOWN_PAYOUT_METHODS.map((m) => [m, providerOfMethod(m)]))).toEqual({
      MTN_MOMO_LBR: 'PAWAPAY',
      ORANGE_MONEY_LBR: 'PAWAPAY',
      AIRTEL_RWA: 'PAWAPAY',
      MTN_MOMO_RWA: 'PAWAPAY',
      ORANGE_MONEY_RWA: 'PAWAPAY',
      CREDIT_CARD: 'STRIPE',
      WALLET: 'PLATFORM',
    });
  });

  it('knows nothing else, not even what every object has', () => {
    for (const method of ['MPESA_KEN', 'PAWAPAY', 'constructor', 'toString', '__proto__', ''])
      expect(providerOfMethod(method)).toBeUndefined();
  });
});

describe('predictionQuery', () => {
  it('asks for a same-currency payout whose fees the merchant pays', () => {
    expect(
      predictionQuery({ method: 'MTN_MOMO_RWA', provider: 'PAWAPAY', amount: '5000.00', currency: 'RWF' }),
    ).toEqual({
      base_amount: '5000.00',
      base_currency: 'RWF',
      target_currency: 'RWF',
      payment_method: 'MTN_MOMO_RWA',
      operation_type: 'PAYOUT',
      provider: 'PAWAPAY',
      fee_bearer: 'PAYER',
    });
  });
});

describe('toFeePreview', () => {
  it('adds platform, FX and gateway fees in the platform currency', () => {
    expect(preview({ fx_fee: '0.25' })).toEqual({
      payeeAmount: '10.00',
      payeeCurrency: 'USD',
      fees: '1.75',
      feeCurrency: 'USD',
    });
  });

  it('adds exactly, where floats would not (0.1 + 0.2)', () => {
    expect(preview({ platform_fee: '0.1', fx_fee: '0.2', gateway_fee: '0' }).fees).toBe('0.30');
  });

  it('accepts more decimals than cents and rounds once, half up, after adding', () => {
    expect(preview({ platform_fee: '0.125', fx_fee: null, gateway_fee: '0.130' }).fees).toBe('0.26');
    expect(preview({ platform_fee: '1.50000', gateway_fee: '0.5000', payee_amount: '10.004999' })).toMatchObject({
      fees: '2.00',
      payeeAmount: '10.00',
    });
    expect(preview({ payee_amount: ' 99999999999.995 ' }).payeeAmount).toBe('100000000000.00');
  });

  it('treats null or missing FX and gateway fees as none', () => {
    expect(preview({ fx_fee: null, gateway_fee: null, gateway_currency: null }).fees).toBe('1.00');
    const { fx_fee: _fx, gateway_fee: _gateway, gateway_currency: _currency, ...bare } = answer();
    expect(toFeePreview(bare, 'x').fees).toBe('1.00');
  });

  it('counts a gateway fee without a currency as the platform’s, and leaves out one in another currency', () => {
    expect(preview({ gateway_currency: null }).fees).toBe('1.50');
    expect(preview({ gateway_fee: '75.00', gateway_currency: 'LRD' })).toMatchObject({
      fees: '1.00',
      feeCurrency: 'USD',
    });
  });

  it('reports the payee amount and currency Dollr names, which may differ from the fee currency', () => {
    expect(preview({ payee_amount: '1950.5', payee_currency: 'LRD' })).toMatchObject({
      payeeAmount: '1950.50',
      payeeCurrency: 'LRD',
      feeCurrency: 'USD',
    });
  });

  it.each([
    ['a number instead of a string', { platform_fee: 1 }, 'platform_fee:'],
    ['a negative fee', { gateway_fee: '-0.50' }, 'gateway_fee:'],
    ['an exponent', { payee_amount: '1e3' }, 'payee_amount:'],
    ['an empty amount', { payee_amount: '' }, 'payee_amount:'],
    ['a lower-case currency', { platform_currency: 'usd' }, 'platform_currency:'],
    ['a missing payee amount', { payee_amount: undefined }, 'payee_amount:'],
  ])('refuses %s as bad_response', (_what, fields, named) => {
    let error: unknown;
    try {
      preview(fields);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DollrError);
    expect(error).toMatchObject({ code: 'bad_response' });
    expect((error as Error).message).toContain(named);
  });
});
