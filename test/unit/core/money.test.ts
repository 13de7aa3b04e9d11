import { describe, expect, it } from 'vitest';
import { amountField, displayAmount, parseAmount, toMinor } from '../../../src/core/request/money.ts';

describe('parseAmount', () => {
  it.each([
    ['25.5', '25.50'],
    ['25.50', '25.50'],
    [' 25 ', '25.00'],
    ['1,250.05', '1250.05'],
    ['1,234', '1234.00'],
    ['12,345,678.90', '12345678.90'],
    ['0.01', '0.01'],
  ])('reads %j as %j', (text, expected) => {
    expect(parseAmount(text)).toBe(expected);
  });

  it.each(['0', '0.00', '-5', '1.234', 'abc', '', '1e3', '12.', '.5', '1000000000000'])('refuses %j', (text) => {
    expect(parseAmount(text)).toBeUndefined();
  });

  it.each(['25,50', '1,2,3,4', '1234,56', ',100', '100,', '1,23', '12,3456.00', '1,234,5'])(
    'refuses a comma that is not a thousands separator: %j',
    (text) => {
      expect(parseAmount(text)).toBeUndefined();
      const parsed = amountField.safeParse(text);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toBe(
        'Use a dot for decimals: 25.50 (a comma only between thousands, as in 1,234.56).',
      );
    },
  );

  it('converts to minor units without float error', () => {
    expect(toMinor('0.29')).toBe(29);
    expect(toMinor('1250.05')).toBe(125005);
  });

  it('groups thousands for display', () => {
    expect(displayAmount('1250000.50')).toBe('1,250,000.50');
    expect(displayAmount('25.00')).toBe('25.00');
  });
});
