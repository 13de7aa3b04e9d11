/**
 * The one escape for text that came from a person (or from Dollr) on its way into a Slack message:
 * Slack's own three, so `<!channel>` or `<@U123>` render as text, never as a mention or a link.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Text shown as code (`like this`): escaped, and with its backticks made plain quotes, since Slack
 * has no escape for a backtick and one would end the code span early.
 */
export const code = (text: string): string => `\`${escapeMrkdwn(text).replace(/`/g, "'")}\``;

/** A mention of a user ID we know is a Slack ID (from Slack's own payload or our store). */
export const mention = (userId: string): string => `<@${userId.replace(/[^A-Z0-9]/gi, '')}>`;
