/** The ephemeral answer to `/dollr`, `/dollr help` and any unknown subcommand. */
import { code } from '../mrkdwn.ts';

/** `/dollr help` is answered in the ack, often in bursts: its text is the same each time, so made once. */
let plainHelp: string | undefined;

export function helpText(unknownWord?: string): string {
  if (unknownWord !== undefined) return helpLines(unknownWord);
  plainHelp ??= helpLines();
  return plainHelp;
}

function helpLines(unknownWord?: string): string {
  const lines = [
    ...(unknownWord
      ? [`I don't know ${code(unknownWord.slice(0, 40))}. Here is what I can do:`]
      : ['*Dollr from Slack*: refunds, payouts and transfers behind an approval.']),
    '• `/dollr refund [payment ID] [amount] [reason]`: ask for a refund of a completed Dollr payment',
    '• `/dollr refund batch [reason]`: ask for up to 100 refunds at once, one per line, approved together',
    '• `/dollr payout [payout account ID] [amount] [USD|LRD|RWF] [reason]`: ask for a payout',
    "• `/dollr transfer [counterparty ID] [amount] [reason]`: ask for a transfer to a counterparty's Dollr wallet",
    `• ${code('/dollr status <request ID or reference ID>')}: where a request stands, with its trail`,
    '• `/dollr history [n]`: the last n requests (10 unless you say)',
    '• `/dollr freeze` and `/dollr unfreeze`: stop or restart new executions (admins only)',
    '• `/dollr help`: this text',
    'Each request opens a form to check, then waits on its card for an approver: nothing moves until someone ' +
      'other than you presses Approve.',
  ];
  return lines.join('\n');
}
