/** Reads the text after `/dollr` into what the person asked for. Pure; nothing here is validated
 * beyond shape: the modal shows every prefilled value for confirmation and validates it there. */
import type { Operation } from '../../../core/request/request.ts';
import type { RequestPrefill } from '../views/request-modal.ts';

export type DollrCommand =
  | { kind: 'help' }
  | { kind: 'unknown'; word: string }
  | { kind: 'request'; operation: Operation; prefill: RequestPrefill }
  | { kind: 'status'; key?: string }
  | { kind: 'history'; count: number | undefined }
  | { kind: 'freeze'; on: boolean };

const COMMAND_TEXT_MAX = 2000;

export function parseCommand(text: string): DollrCommand {
  const words = text.slice(0, COMMAND_TEXT_MAX).trim().split(/\s+/).filter(Boolean);
  const [first = '', ...rest] = words;
  switch (first.toLowerCase()) {
    case '':
    case 'help':
      return { kind: 'help' };
    case 'refund':
      if (rest[0]?.toLowerCase() === 'batch') {
        const reason = rest.slice(1).join(' ');
        return { kind: 'request', operation: 'refund_batch', prefill: reason ? { reason } : {} };
      }
      return { kind: 'request', operation: 'refund', prefill: prefillFrom('refund', rest) };
    case 'payout':
    case 'transfer':
      return {
        kind: 'request',
        operation: first.toLowerCase() as Operation,
        prefill: prefillFrom(first.toLowerCase() as Operation, rest),
      };
    case 'status':
      return { kind: 'status', key: rest[0] };
    case 'history':
      return { kind: 'history', count: rest[0] === undefined ? undefined : Number(rest[0]) };
    case 'freeze':
    case 'unfreeze':
      return { kind: 'freeze', on: first.toLowerCase() === 'freeze' };
    default:
      return { kind: 'unknown', word: first };
  }
}

/**
 * `4411 25.50 duplicate charge`, for payouts `7 100 USD salary advance`, for transfers
 * `21 250 March settlement` (the counterparty's ID); any part may be missing.
 */
function prefillFrom(operation: Operation, words: string[]): RequestPrefill {
  const [id, amount, ...rest] = words;
  const prefill: RequestPrefill = { id, amount };
  if (operation === 'payout' && rest[0] && /^[A-Za-z]{3}$/.test(rest[0])) {
    prefill.currency = rest.shift()!.toUpperCase();
  }
  if (rest.length > 0) prefill.reason = rest.join(' ');
  return prefill;
}
