/**
 * Amounts are kept as decimal strings with exactly two decimals ("25.50"), never as floats,
 * so that what the card shows is byte for byte what is stored and sent.
 */
import { z } from 'zod';

export const CURRENCIES = ['USD', 'LRD', 'RWF'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Largest amount we accept, in minor units (100,000,000.00): far above any real refund, far below float trouble. */
const MAX_AMOUNT_MINOR = 100_000_000_00;

const AMOUNT_PATTERN = /^(\d{1,12})(?:\.(\d{1,2}))?$/;
/** Commas only between groups of three digits before the dot: 1,234.56. "25,50" is not 2,550. */
const GROUPED_PATTERN = /^\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?$/;

/** Parses "25.5", "25.50", "1,250.00" or " 25 " into "25.50"-style text; undefined when it is not a positive amount. */
export function parseAmount(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(',') && !GROUPED_PATTERN.test(trimmed)) return undefined;
  const match = AMOUNT_PATTERN.exec(trimmed.replace(/,/g, ''));
  if (!match) return undefined;
  const minor = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (minor < 1 || minor > MAX_AMOUNT_MINOR) return undefined;
  return formatMinor(minor);
}

/** "25.50" -> 2550. The input must come from parseAmount. */
export function toMinor(amount: string): number {
  const [units = '0', cents = '00'] = amount.split('.');
  return Number(units) * 100 + Number(cents.padEnd(2, '0'));
}

export function formatMinor(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/** For display: "1,250.50". */
export function displayAmount(amount: string): string {
  const [units = '0', cents = '00'] = amount.split('.');
  return `${units.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** zod field for a user-typed amount; the message is shown next to the field. */
export const amountField = z
  .string({ error: 'Enter an amount.' })
  .trim()
  .min(1, 'Enter an amount.')
  .transform((text, ctx) => {
    const amount = parseAmount(text);
    if (amount === undefined) {
      const misplacedComma = text.includes(',') && !GROUPED_PATTERN.test(text);
      const tooLarge =
        !misplacedComma &&
        /^\d+(\.\d{1,2})?$/.test(text.replace(/,/g, '')) &&
        Number(text.replace(/,/g, '')) * 100 > MAX_AMOUNT_MINOR;
      ctx.addIssue({
        code: 'custom',
        message: misplacedComma
          ? 'Use a dot for decimals: 25.50 (a comma only between thousands, as in 1,234.56).'
          : tooLarge
            ? `Enter an amount of at most ${displayAmount(formatMinor(MAX_AMOUNT_MINOR))}.`
            : 'Enter a positive amount with at most 2 decimals, for example 25.50.',
      });
      return z.NEVER;
    }
    return amount;
  });
