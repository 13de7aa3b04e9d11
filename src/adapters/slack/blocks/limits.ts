/**
 * Slack's documented limits on what the app sends, and the one way to stay within them. Slack
 * refuses a whole message (invalid_blocks, msg_too_long) for one text over its limit, and a card it
 * refused once it refuses at every later update too: so every text is measured as sent (after
 * escaping) and shortened here, saying so. What is shortened stays whole in the request's trail.
 */
export const SECTION_TEXT_MAX = 3000;
export const CONTEXT_TEXT_MAX = 3000;
export const MESSAGE_TEXT_MAX = 40_000;

/** Where the full text of something shortened can be read: the trail, as the audit export writes it. */
const SHORTENED = '… (shortened; the audit export has it in full)';

/**
 * `text` (mrkdwn, already escaped) in at most `max` characters, ending with `note` when shortened.
 * Never cuts an escape (`&amp;`), a `<…>` sequence (a mention, a link) or a character in two.
 */
export function clip(text: string, max: number, note = SHORTENED): string {
  if (text.length <= max) return text;
  let cut = firstChars(text, Math.max(0, max - note.length));
  const entity = /&[#a-z0-9]*$/i.exec(cut);
  if (entity) cut = cut.slice(0, entity.index);
  if (cut.lastIndexOf('<') > cut.lastIndexOf('>')) cut = cut.slice(0, cut.lastIndexOf('<'));
  return `${cut}${note}`;
}

/** At most `max` UTF-16 units of `text` (Slack's and zod's measure), never half a character. */
export function firstChars(text: string, max: number): string {
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
