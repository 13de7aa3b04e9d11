/**
 * Slack mrkdwn to HTML, for the sandbox page. Pure: a string in, an HTML string out.
 *
 * Everything that ends up in the page is HTML-escaped here, so nothing a person typed can become
 * markup: Slack's own escapes (`&amp;` `&lt;` `&gt;`) are undone for display, then the text is
 * escaped for HTML, and only the tags made below are real. Links keep http(s) and mailto only.
 */
import { emojiHtml, emojify } from './emoji.ts';
import { escapeHtml, unescapeSlack } from './escape-html.ts';

export interface RenderContext {
  /** A person's display name, for `<@U…>`. */
  userName(id: string): string | undefined;
  /** A channel's name, for `<#C…>`. */
  channelName(id: string): string | undefined;
}

/** Marks where a finished piece of HTML goes back in; these two characters are removed from input. */
const OPEN = '\u0001';
const CLOSE = '\u0002';

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/**
 * `<…>`, read as Slack reads it: `<@U…>` a person, `<#C…|name>` a channel, `<!here>` `<!channel>`
 * `<!everyone>` a broadcast, `<!subteam^S…|@team>` a group, `<!date^…|fallback>` the fallback,
 * `<https://…|label>` a link. Slack drops the brackets of a sequence it does not know and shows its
 * label, or else what is inside; so does this, as text, never as a link.
 */
function angle(inner: string, ctx: RenderContext): string {
  const [target = '', label] = splitLabel(inner);
  const shown = (text: string) => escapeHtml(unescapeSlack(text));
  const mention = (text: string, kind = 'mention') => `<span class="${kind}">${shown(text)}</span>`;
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return mention(`@${ctx.userName(id) ?? label ?? id}`);
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return mention(`#${ctx.channelName(id) ?? label ?? id}`);
  }
  if (target.startsWith('!')) {
    const [word = '', ...args] = target.slice(1).split('^');
    if (word === 'here' || word === 'channel' || word === 'everyone') return mention(`@${word}`, 'mention broadcast');
    if (word === 'subteam') return mention(label ?? `@${args[0] ?? 'group'}`);
    if (word === 'date') return shown(label ?? dateFallback(args[0]));
    return shown(label ?? target);
  }
  const url = unescapeSlack(target);
  if (SAFE_URL.test(url)) {
    return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${shown(label ?? target)}</a>`;
  }
  return shown(label ?? target);
}

/** A `<!date^…>` without a fallback (Slack requires one): the time in UTC, or the timestamp as written. */
function dateFallback(seconds: string | undefined): string {
  const date = new Date(Number(seconds) * 1000);
  if (seconds === undefined || !/^\d+$/.test(seconds) || Number.isNaN(date.getTime())) return seconds ?? '';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function splitLabel(inner: string): [string, string | undefined] {
  const bar = inner.indexOf('|');
  return bar < 0 ? [inner, undefined] : [inner.slice(0, bar), inner.slice(bar + 1)];
}

/** `*bold*`, `_italic_`, `~strike~`: a marker pair around non-space text, not inside a word. */
function styled(marker: string, tag: string): [RegExp, string] {
  const m = marker === '*' ? '\\*' : marker;
  return [
    new RegExp(`(^|[^\\p{L}\\p{N}${m}])${m}(?!\\s)([^${m}\\n]*?[^\\s${m}])${m}(?![\\p{L}\\p{N}${m}])`, 'gu'),
    `$1<${tag}>$2</${tag}>`,
  ];
}
const STYLES = [styled('*', 'b'), styled('_', 'i'), styled('~', 's')];

export function renderMrkdwn(text: string, ctx: RenderContext): string {
  const pieces: string[] = [];
  const keep = (html: string) => `${OPEN}${pieces.push(html) - 1}${CLOSE}`;

  /* biome-ignore lint/suspicious/noControlCharactersInRegex: \u0001 and \u0002 are this renderer's own placeholders;
     a text must not carry them in. */
  let rest = text.replace(/[\u0001\u0002]/g, '');
  // Code first: nothing inside it is formatted.
  rest = rest.replace(/```([\s\S]*?)```/g, (_, code: string) =>
    keep(`<pre>${escapeHtml(unescapeSlack(code.replace(/^\n/, '')))}</pre>`),
  );
  rest = rest.replace(/`([^`\n]+)`/g, (_, code: string) => keep(`<code>${escapeHtml(unescapeSlack(code))}</code>`));
  rest = rest.replace(/<([^<>\n]+)>/g, (_, inner: string) => keep(angle(inner, ctx)));
  rest = rest.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => {
    const picture = emojiHtml(name);
    return picture === undefined ? whole : keep(picture);
  });

  let html = escapeHtml(unescapeSlack(rest));
  for (const [pattern, replacement] of STYLES) html = html.replace(pattern, replacement);
  html = quotes(html);
  return html.replace(new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g'), (_, index: string) => pieces[Number(index)] ?? '');
}

/** Lines that start with `>` (escaped by now) become one quote per run; the rest keep their line breaks. */
function quotes(html: string): string {
  const out: string[] = [];
  let quoted: string[] = [];
  const flush = () => {
    if (quoted.length > 0) out.push(`<blockquote>${quoted.join('<br>')}</blockquote>`);
    quoted = [];
  };
  const lines = html.split('\n');
  lines.forEach((line, i) => {
    const quote = /^&gt; ?/.exec(line);
    if (quote) quoted.push(line.slice(quote[0].length));
    else {
      flush();
      out.push(line + (i < lines.length - 1 && !/^&gt;/.test(lines[i + 1] ?? '') ? '<br>' : ''));
    }
  });
  flush();
  return out.join('');
}

/** A plain_text object's text: Slack's escapes undone, escaped for HTML, with emoji. */
export function renderPlain(text: string): string {
  return emojify(escapeHtml(unescapeSlack(text))).replace(/\n/g, '<br>');
}
