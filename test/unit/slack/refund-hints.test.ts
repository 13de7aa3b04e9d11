import { describe, expect, it } from 'vitest';
import { refundHints } from '../../../src/adapters/slack/shortcuts/refund-hints.ts';

describe('refund hints from a message', () => {
  it('takes the one payment ID and the one amount a message names', () => {
    expect(refundHints('Customer was charged twice for payment 4411, $25.50 each time')).toEqual({
      paymentId: '4411',
      amount: '25.50',
    });
    expect(refundHints('payment ID: 0912 — please refund 1,250.00 USD')).toEqual({
      paymentId: '912',
      amount: '1250.00',
    });
    expect(refundHints('Refund payment_intent #77 (LRD 300)')).toEqual({ paymentId: '77', amount: '300.00' });
  });

  it('takes nothing that is ambiguous: two payments, two different amounts', () => {
    expect(refundHints('payments 4411 and payment 4412, 10.00 and 12.00')).toEqual({});
    expect(refundHints('payment 4411 charged 10.00; payment 4411 again 10.00')).toEqual({
      paymentId: '4411',
      amount: '10.00',
    });
  });

  it('does not read times, dates, mentions or links as money or payments', () => {
    expect(refundHints('<@U0123> at 12:30 on 2026-12-04, see <https://x.test/p/123.45|ticket 99>')).toEqual({});
    expect(refundHints('order 5521 is late')).toEqual({});
  });
});
