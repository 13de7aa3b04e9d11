/** Every action_id, block_id and callback_id the app uses: the contract between builders and listeners. */
import { createHash } from 'node:crypto';

export const ACTIONS = {
  approve: 'dollr_approve',
  approveWithComment: 'dollr_approve_comment',
  reject: 'dollr_reject',
  cancel: 'dollr_cancel',
  /** The freeze switch on an admin's Home tab. */
  homeFreeze: 'dollr_home_freeze',
} as const;

export const CALLBACKS = {
  refund: 'dollr_refund_request',
  payout: 'dollr_payout_request',
  transfer: 'dollr_transfer_request',
  refund_batch: 'dollr_refund_batch_request',
  reject: 'dollr_reject_reason',
  approve: 'dollr_approve_comment',
  /** The shortcuts; the manifest's callback_ids. */
  refundFromMessage: 'dollr_refund_from_message',
  newRequest: 'dollr_new_request',
  /** The global shortcut's first form: which request, and where its card goes. */
  chooseRequest: 'dollr_choose_request',
} as const;

/** Modal input blocks; each block holds one input whose action_id is `value`. */
export const FIELDS = {
  originalPaymentIntentId: 'original_payment_intent_id',
  payoutAccountId: 'payout_account_id',
  /** Beside the payee list, when the policy allows accounts not on it. */
  unnamedPayoutAccountId: 'unnamed_payout_account_id',
  counterpartyId: 'counterparty_id',
  /** A batch of refunds: one per line. */
  batchLines: 'batch_lines',
  /** Or the name of a CSV file shared in the channel, holding the lines. */
  batchFile: 'batch_file',
  amount: 'amount',
  currency: 'currency',
  reason: 'reason',
  /** The global shortcut's first form. */
  operation: 'operation',
  cardChannel: 'card_channel',
  rejectReason: 'reject_reason',
  approveComment: 'approve_comment',
} as const;
export const FIELD_ACTION = 'value';

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * Our request ID for a modal submission, derived from Slack's view ID so that a submission Slack
 * delivers twice becomes one request. Ten characters from an alphabet without look-alikes.
 */
export function requestIdFor(teamId: string, viewId: string): string {
  const digest = createHash('sha256').update(`${teamId}:${viewId}`).digest();
  let id = 'R';
  for (let i = 0; i < 9; i++) id += ALPHABET[digest[i]! % ALPHABET.length];
  return id;
}

export const REQUEST_ID_PATTERN = /^R[2-9A-HJ-NP-Z]{9}$/;
