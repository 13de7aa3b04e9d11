/**
 * What a message that reports a problem says about the refund: a payment ID and an amount, each
 * taken only when the message names exactly one (two different amounts, and the person chooses).
 * Pure; the form shows what was found for confirmation and validates it there.
 */
import { CURRENCIES } from '../../../core/request/money.ts';

export interface RefundHints {
  paymentId?: string;
  amount?: string;
}

const CODES = CURRENCIES.join('|');
/** "payment 4411", "payment ID: 4411", "payment_intent #4411", and lists: "payments 4411 and 4412". */
const PAYMENT_IDS = new RegExp(
  String.raw`\bpayments?(?:[\s_-]*(?:intents?|ids?|no\.?|numbers?))*\s*[:#]?\s*` +
    String.raw`(#?\d{1,15}(?:\s*(?:,|and|&|\/|or)\s*#?\d{1,15})*)\b`,
  'gi',
);
/** "$25.50", "25.50 USD", "USD 25.50", "1,250.00": a symbol, a code or cents mark a number as money. */
const AMOUNTS = [
  /[$€£]\s?(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,12}(?:\.\d{1,2})?)(?![\d.,])/g,
  new RegExp(`\\b(\\d{1,3}(?:,\\d{3})+(?:\\.\\d{1,2})?|\\d{1,12}(?:\\.\\d{1,2})?)\\s?(?:${CODES})\\b`, 'gi'),
  new RegExp(`\\b(?:${CODES})\\s?(\\d{1,3}(?:,\\d{3})+(?:\\.\\d{1,2})?|\\d{1,12}(?:\\.\\d{1,2})?)(?![\\d.,])`, 'gi'),
  /(?<![\d.,])(\d{1,3}(?:,\d{3})+\.\d{2}|\d{1,12}\.\d{2})(?![\d.,])/g,
];

export function refundHints(messageText: string): RefundHints {
  // Slack's own sequences (<@U123>, <https://…|…>, <!date^…>) hold digits that are not money.
  const text = messageText.slice(0, 4000).replace(/<[^>]*>/g, ' ');
  const ids = new Set(
    [...text.matchAll(PAYMENT_IDS)].flatMap((m) => [...m[1]!.matchAll(/\d+/g)].map((d) => String(Number(d[0])))),
  );
  const amounts = new Set(
    AMOUNTS.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => Number(m[1]!.replace(/,/g, '')).toFixed(2))),
  );
  const hints: RefundHints = {};
  if (ids.size === 1) hints.paymentId = [...ids][0]!;
  if (amounts.size === 1) hints.amount = [...amounts][0]!;
  return hints;
}
