/**
 * The words for what the core decided: every refusal (a code and its data, see core/result.ts) and
 * the freeze switch's results, as Slack shows them. One place, so that the same refusal reads the
 * same on a button, in a form and in a direct message.
 */
import type { ApproverSet } from '../../../core/approval/approval-policy.ts';
import type { Freeze } from '../../../core/approval/freeze.ts';
import { displayAmount, formatMinor, toMinor } from '../../../core/request/money.ts';
import { currencyOf, type MoneyRequest, type RequestDetails } from '../../../core/request/request.ts';
import type { Refusal } from '../../../core/result.ts';
import type { DestinationProblem } from '../card-destination.ts';
import { code, escapeMrkdwn, mention } from '../mrkdwn.ts';
import { operationName, utcMinute } from './describe-request.ts';
import { plural } from '../../../core/plural.ts';

/** Why a request cannot be made from here: its card would go where the bot cannot post or read. */
export function destinationText(problem: DestinationProblem, channelId: string, approvalChannel: boolean): string {
  if (problem === 'direct_message') {
    return (
      'Approval cards are posted in a channel, where approvers see them, not in a direct message. ' +
      `Use ${code('/dollr')} in a channel that @Dollr is in, or ask an admin to set APPROVAL_CHANNEL. ` +
      'Nothing was saved.'
    );
  }
  return approvalChannel
    ? `I cannot post approval cards in <#${channelId}> (the APPROVAL_CHANNEL): ask an admin to invite ` +
        `@Dollr there (${code('/invite @Dollr')}). Nothing was saved.`
    : `I am not in <#${channelId}>, so nobody would see your request's approval card here. Invite me ` +
        `with ${code('/invite @Dollr')}, or use ${code('/dollr')} in a channel I am in. Nothing was saved.`;
}

export function refusalText(refusal: Refusal): string {
  switch (refusal.code) {
    case 'unknown_request':
      return `There is no request ${refusal.requestId}.`;
    case 'already_decided':
      return closedText(refusal.request);
    case 'self_approval_forbidden':
      return 'You asked for this request, so someone else must approve or reject it.';
    case 'already_approved_by_you':
      return `You have already approved request ${refusal.requestId}; it needs another approver.`;
    case 'not_the_requester':
      return `Only ${mention(refusal.requesterId)}, who asked for request ${refusal.requestId}, can cancel it.`;
    case 'not_an_approver':
      return refusal.of > 1
        ? `Approval ${refusal.approval} of ${refusal.of} can only be given by ${nameSet(refusal.set)}. ` +
            'Nothing was changed.'
        : `Only ${nameSet(refusal.set)} can approve or reject this request. Nothing was changed.`;
    case 'frozen':
      return `${frozenText(refusal.freeze)} Your approval was not recorded.`;
    case 'over_maximum': {
      // A batch is refused for its total, or for one of its lines.
      const { details } = refusal;
      const line = refusal.line === undefined ? '' : `Line ${refusal.line}: `;
      const what = details.kind === 'refund_batch' ? 'Refund batches' : `${operationName(details)}s`;
      return (
        `${line}${what} above ${money(refusal.maxMinor, details)} are not allowed here ` +
        "(the approval policy's maximum); this one was not submitted. If the amount is right, ask an admin to raise " +
        'the maximum in the approval policy.'
      );
    }
    case 'over_daily_limit': {
      const { details, usedMinor, limitMinor } = refusal;
      return (
        `This ${operationName(details).toLowerCase()} of ${money(toMinor(details.amount), details)} would pass ` +
        `today's limit of ${money(limitMinor, details)} (${money(usedMinor, details)} already executed today). ` +
        'It can be approved tomorrow, or an admin can raise the limit in the approval policy.'
      );
    }
    case 'unconfirmed':
      return (
        'The store did not answer in time, so I cannot tell whether your decision was saved. If it was, the card ' +
        'shows it within a minute: look there before you press again.'
      );
    case 'duplicate_submission':
      return `Request ${refusal.requestId} was already submitted.`;
    case 'payouts_not_configured':
      return (
        'Payouts are not set up in this app yet: an admin must set DOLLR_PAYOUT_PASSCODE and DOLLR_PAYOUT_PHONE ' +
        '(or DOLLR_PAYOUT_USER_ID). Refunds work.'
      );
    case 'transfers_not_configured':
      return (
        'Transfers are not set up in this app yet: an admin must set DOLLR_TRANSFER_WALLET_ID (the wallet they are ' +
        'paid from) and name the counterparties they may go to in the approval policy. Refunds work.'
      );
    case 'too_many_requests':
      return (
        `You have made ${plural(refusal.perMinute, 'request')} in the last minute, the most allowed. ` +
        'Wait a minute and submit again.'
      );
    case 'not_an_admin':
      return 'Only the admins configured for this app (ADMINS) can freeze or unfreeze executions.';
    case 'unknown_payee':
      return (
        `Payout account ${refusal.payoutAccountId} is not on the payee list, and payouts go to listed payees only. ` +
        'Choose a payee, or ask an admin to add this account to the payee list in the approval policy.'
      );
    case 'payee_currency':
      return (
        `${escapeMrkdwn(refusal.payee.name)} (account ${refusal.payee.payoutAccountId}) is paid in ` +
        `${refusal.payee.currency}: choose ${refusal.payee.currency}, or ask an admin to correct the payee list.`
      );
    case 'unknown_counterparty':
      return (
        `Counterparty ${refusal.counterpartyId} is not on the counterparty list, and transfers go to listed ` +
        'counterparties only. Choose one from the list, or ask an admin to add it to the approval policy.'
      );
    case 'counterparty_currency':
      return (
        `${escapeMrkdwn(refusal.counterparty.name)} (counterparty ${refusal.counterparty.counterpartyId}) is paid ` +
        `in ${refusal.counterparty.currency}. Nothing was saved: open the form again.`
      );
  }
}

/** The freeze switch, as every place that mentions it says it. */
export function frozenText(freeze: Freeze): string {
  const by = freeze.by !== 'unknown' ? ` by ${mention(freeze.by)}` : '';
  const since = freeze.at ? ` since ${utcMinute(freeze.at)} UTC` : '';
  return `Executions are frozen${by}${since}: nothing new is executed. An admin lifts it with \`/dollr unfreeze\`.`;
}

/** What `/dollr freeze` and `/dollr unfreeze` answer. */
export const freezeSwitchText = (state: 'frozen' | 'unfrozen'): string =>
  state === 'frozen'
    ? ':ice_cube: Executions are frozen. Approvals that already started finish; nothing new is executed until ' +
      '`/dollr unfreeze`.'
    : ':sunny: Executions are unfrozen. Approvals work again.';

/** Why a request no longer takes decisions. */
function closedText(request: MoneyRequest): string {
  switch (request.state) {
    case 'rejected':
      return `Request ${request.id} was already rejected.`;
    case 'cancelled':
      return `Request ${request.id} was cancelled by its requester.`;
    case 'expired':
      return (
        `Request ${request.id} expired before it was approved. Nothing was sent to Dollr; ask for it again if it is ` +
        'still needed.'
      );
    default: {
      const by = request.approverId ? ` by ${mention(request.approverId)}` : '';
      return `Request ${request.id} was already approved${by}; it is ${request.state.replace('_', ' ')}.`;
    }
  }
}

/** A set of approvers as mentions: users and user groups. */
const nameSet = (set: ApproverSet): string =>
  [...set.users.map(mention), ...set.groups.map((g) => `<!subteam^${g.replace(/[^A-Z0-9]/gi, '')}>`)].join(', ') ||
  'nobody';

/** An amount in minor units with the request's currency (a refund's is the original payment's: none). */
const money = (minor: number, details: RequestDetails) => {
  const currency = currencyOf(details);
  return `${displayAmount(formatMinor(minor))}${currency ? ` ${currency}` : ''}`;
};
