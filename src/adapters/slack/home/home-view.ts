/**
 * The Home tab of one person: what waits for their decision (with the card's own buttons), their
 * own requests, and for admins the freeze switch and what needs attention. Only what that person may
 * see: every list comes from the requests visible to them.
 */
import type { HomeView, KnownBlock } from '@slack/types';
import type { Freeze } from '../../../core/approval/freeze.ts';
import type { MoneyRequest } from '../../../core/request/request.ts';
import { decisionButtons } from '../blocks/approval-card.ts';
import { amountText, operationName, STATE_LABELS, summary, utcMinute } from '../blocks/describe-request.ts';
import { frozenText } from '../blocks/outcome-text.ts';
import { ACTIONS } from '../ids.ts';
import { escapeMrkdwn, mention } from '../mrkdwn.ts';

export interface HomeContent {
  waiting: MoneyRequest[];
  own: MoneyRequest[];
  /** Set for admins only. */
  admin?: { freeze: Freeze | undefined; attention: MoneyRequest[] };
}

/** Slack's limit is 100 blocks a view: each list is bounded so that the whole always fits. */
export const HOME_LIST_MAX = { waiting: 20, own: 10, attention: 10 } as const;

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const line = (r: MoneyRequest) =>
  `• \`${r.id}\` ${utcMinute(r.createdAt)} ${operationName(r.details)} ${amountText(r)}: *${STATE_LABELS[r.state]}*`;

export function homeView(content: HomeContent): HomeView {
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Dollr' } }];
  if (content.admin) {
    const { freeze, attention } = content.admin;
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: freeze ? `:ice_cube: ${frozenText(freeze)}` : 'Executions run normally.' },
      accessory: {
        type: 'button',
        action_id: ACTIONS.homeFreeze,
        text: { type: 'plain_text', text: freeze ? 'Lift the freeze' : 'Freeze executions' },
        value: freeze ? 'off' : 'on',
        ...(freeze ? {} : { style: 'danger' as const }),
      },
    });
    if (attention.length > 0) {
      blocks.push(section(`*Needs attention (${attention.length})*\n${attention.map(line).join('\n')}`));
    }
    blocks.push({ type: 'divider' });
  }
  blocks.push(section(`*Waiting for your decision (${content.waiting.length})*`));
  if (content.waiting.length === 0) blocks.push(section('Nothing waits for you.'));
  for (const request of content.waiting) {
    blocks.push(
      section(
        `*${escapeMrkdwn(summary(request))}*\nRequested by ${mention(request.requesterId)}, ` +
          `${utcMinute(request.createdAt)} UTC · \`${request.id}\``,
      ),
      decisionButtons(request, `home:${request.id}`),
    );
  }
  blocks.push({ type: 'divider' });
  blocks.push(
    section(
      content.own.length === 0
        ? '*Your requests*\nNone yet: `/dollr refund`, `/dollr payout` or `/dollr transfer` to make one.'
        : `*Your requests*\n${content.own.map(line).join('\n')}`,
    ),
  );
  return { type: 'home', blocks };
}
