/**
 * Slack reads `<…>` in mrkdwn as a control sequence (a mention, a channel, a link) and `&` as the
 * start of an entity: every `<`, `>` and `&` the app writes as text, its own words included, must be
 * escaped, and text shown as code must not end its code span early.
 */
import { describe, expect, it } from 'vitest';
import { helpText } from '../../../src/adapters/slack/blocks/help-text.ts';
import { historyAnswer } from '../../../src/adapters/slack/blocks/history-answer.ts';
import { code } from '../../../src/adapters/slack/mrkdwn.ts';
import { aRequest } from '../../support/request-builder.ts';

/** The `<…>` sequences Slack would read as controls that the app did not mean as such. */
function strayControls(text: string): string[] {
  const meant = /^<(@[UW][A-Z0-9]+|#C[A-Z0-9]+(\|[^>]*)?|!(here|channel|subteam\^S[A-Z0-9]+)|https?:\/\/[^>]+)>$/;
  return (text.match(/<[^>]*>?/g) ?? []).filter((sequence) => !meant.test(sequence));
}

const strayEntities = (text: string) => text.match(/&(?!amp;|lt;|gt;)/g) ?? [];
const backticks = (text: string) => (text.match(/`/g) ?? []).length;

describe('mrkdwn as Slack reads it', () => {
  it('the help, for anyone and after an unknown word with controls and a backtick in it', () => {
    for (const text of [helpText(), helpText('<!channel>&`oops')]) {
      expect(strayControls(text)).toEqual([]);
      expect(strayEntities(text)).toEqual([]);
      expect(backticks(text) % 2).toBe(0);
    }
    expect(helpText()).toContain('`/dollr status &lt;request ID or reference ID&gt;`');
    expect(helpText('a`b')).toContain("I don't know `a'b`.");
  });

  it('the history', () => {
    const text = historyAnswer([aRequest()]);
    expect(strayControls(text)).toEqual([]);
    expect(text).toContain('`/dollr status &lt;ID&gt;`');
  });

  it('code spans keep their text, escaped, whole', () => {
    expect(code('<@U123> & `x`')).toBe("`&lt;@U123&gt; &amp; 'x'`");
  });
});
