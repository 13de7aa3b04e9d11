import { describe, expect, it } from 'vitest';
import { parseBatchLines } from '../../../src/core/request/batch-lines.ts';

describe('parseBatchLines', () => {
  it('reads ID, amount and reason per line, with a header, blank lines, tabs and a thousands comma', () => {
    const parsed = parseBatchLines(
      'payment_id,amount,reason\n4411, 25.50, duplicate charge\n\n4412;1,250.00\n4413\t3\tlate delivery, sorry\n',
      'incident 42',
    );
    expect(parsed).toEqual({
      ok: true,
      total: '1278.50',
      lines: [
        { line: 2, originalPaymentIntentId: 4411, amount: '25.50', reason: 'duplicate charge' },
        { line: 4, originalPaymentIntentId: 4412, amount: '1250.00', reason: 'incident 42' },
        { line: 5, originalPaymentIntentId: 4413, amount: '3.00', reason: 'late delivery, sorry' },
      ],
    });
  });

  it('reads quoted CSV fields, as a spreadsheet writes them', () => {
    const csv = '"payment","amount","reason"\n"4411","1,250.00","late, sorry ""again"""';
    expect(parseBatchLines(csv, 'r')).toEqual({
      ok: true,
      total: '1250.00',
      lines: [{ line: 2, originalPaymentIntentId: 4411, amount: '1250.00', reason: 'late, sorry "again"' }],
    });
  });

  it('names every problem with its line', () => {
    const parsed = parseBatchLines('4411, 25.505, x\nabc, 3\n4411, 2\n4414, 25,50\n4415', 'r');
    expect(parsed).toEqual({
      ok: false,
      problems: [
        'Line 1: Enter a positive amount with at most 2 decimals, for example 25.50.',
        'Line 2: the payment ID is a positive whole number, not "abc".',
        'Line 4: Use a dot for decimals: 25.50 (a comma only between thousands, as in 1,234.56).',
        'Line 5: write the payment ID, the amount and a reason, separated by commas: 4411, 25.50, duplicate',
      ],
    });
    expect(parseBatchLines('4411, 2\n4411, 3', 'r')).toEqual({
      ok: false,
      problems: ['Line 2: payment 4411 is also on line 1: one refund per payment.'],
    });
  });

  it('refuses an empty batch and one of more than 100 lines', () => {
    expect(parseBatchLines('\n \n', 'r')).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/at least one/)],
    });
    const many = Array.from({ length: 101 }, (_, i) => `${1000 + i}, 1`).join('\n');
    expect(parseBatchLines(many, 'r')).toMatchObject({ ok: false, problems: [expect.stringMatching(/at most 100/)] });
    const hundred = Array.from({ length: 100 }, (_, i) => `${1000 + i}, 1`).join('\n');
    expect(parseBatchLines(hundred, 'r')).toMatchObject({ ok: true, total: '100.00' });
  });
});
