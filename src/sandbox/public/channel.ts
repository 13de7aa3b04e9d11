/** The channel as HTML: the app's messages with their threads expanded, and this person's ephemerals. */
import type { ChannelItem } from '../snapshot.ts';
import { renderMessageBody } from './blocks.ts';
import { escapeHtml } from './escape-html.ts';
import type { RenderContext } from './mrkdwn.ts';

const time = (iso: string): string => new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

const fileSize = (bytes: number): string => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);

function renderItem(item: ChannelItem, ctx: RenderContext): string {
  const ephemeral = item.kind === 'ephemeral';
  const slackbot = item.from === 'slackbot';
  const classes = ['msg', ephemeral ? 'ephemeral' : '', slackbot ? 'from-slackbot' : ''].filter(Boolean).join(' ');
  const ts = item.ts === undefined ? '' : ` data-ts="${escapeHtml(item.ts)}"`;
  const note = ephemeral ? '<div class="only-you">Only visible to you</div>' : '';
  const edited = item.edited ? '<span class="edited" data-testid="edited">(edited)</span>' : '';
  const name = item.author ?? (slackbot ? 'Slackbot' : 'Dollr');
  const avatar = item.author ? escapeHtml(item.author.slice(0, 1)) : slackbot ? 'S' : 'D';
  // Slack offers message shortcuts on every message, in its "More actions" menu.
  const shortcut = ephemeral
    ? ''
    : '<button type="button" class="msg-shortcut" data-shortcut="refund-from-message" ' +
      'data-testid="refund-from-message" title="Refund from this message">\u26A1 Refund from this message</button>';
  const replies =
    item.replies.length === 0
      ? ''
      : '<div class="thread" data-testid="thread">' +
        `<div class="thread-count">${item.replies.length} ${item.replies.length === 1 ? 'reply' : 'replies'}</div>` +
        item.replies.map((reply) => renderItem(reply, ctx)).join('') +
        '</div>';
  return (
    `<div class="${classes}" data-testid="${ephemeral ? 'ephemeral' : 'message'}"${ts} ` +
    `data-key="${escapeHtml(item.key)}">` +
    note +
    `<div class="msg-row"><div class="avatar${slackbot ? ' avatar-slackbot' : ''}" aria-hidden="true">` +
    `${avatar}</div>` +
    '<div class="msg-main">' +
    `<div class="msg-head"><span class="name">${escapeHtml(name)}</span>` +
    `${slackbot || item.author ? '' : '<span class="app-badge">APP</span>'}` +
    `<span class="time">${time(item.at)}</span>${edited}${shortcut}</div>` +
    `<div class="msg-body">${renderMessageBody(item.text, item.blocks, ctx)}</div>` +
    (item.files ?? [])
      .map(
        (file) =>
          `<div class="msg-file" data-testid="shared-file">\u{1F4CE} <span class="file-name">` +
          `${escapeHtml(file.name)}</span> <span class="file-size">${fileSize(file.size)}</span></div>`,
      )
      .join('') +
    replies +
    '</div></div></div>'
  );
}

export function renderChannel(items: ChannelItem[], channelName: string, ctx: RenderContext): string {
  if (items.length === 0) {
    return (
      '<div class="empty" data-testid="channel-empty">' +
      `<h3>This is the very beginning of #${escapeHtml(channelName)}</h3>` +
      '<p>Try <code>/dollr refund 4411 25.50 duplicate charge</code>, ' +
      '<code>/dollr payout 7 100 USD salary advance</code> ' +
      '<code>/dollr transfer 21 250 March freight</code> ' +
      'or <code>/dollr refund batch incident 7</code> (payments 4420 to 4439 hold 50.00 each) below. ' +
      'Requests go to an approval card; switch to Kofi or Esi to approve.</p></div>'
    );
  }
  return items.map((item) => renderItem(item, ctx)).join('');
}
