import { describe, expect, it } from 'vitest';
import { displayAmount, parseAmount, toMinor } from '../../../src/core/money.ts';

describe('parseAmount', () => {
  it.each([
    ['25.5', '25.50'],
    ['25.50', '25.50'],
    [' 25 ', '25.00'],
    ['1,250.05', '1250.05'],
    ['0.01', '0.01'],
  ])('reads %j as %j', (text, expected) => {
    expect(parseAmount(text)).toBe(expected);
  });

  it.each(['0', '0.00', '-5', '1.234', 'abc', '', '1e3', '12.', '.5', '1000000000000'])('refuses %j', (text) => {
    expect(parseAmount(text)).toBeUndefined();
  });

  it('converts to minor units without float error', () => {
    expect(toMinor('0.29')).toBe(29);
    expect(toMinor('1250.05')).toBe(125005);
  });

  it('groups thousands for display', () => {
    expect(displayAmount('1250000.50')).toBe('1,250,000.50');
    expect(displayAmount('25.00')).toBe('25.00');
  });
});
