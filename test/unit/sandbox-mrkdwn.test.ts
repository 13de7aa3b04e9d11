import { describe, expect, it } from 'vitest';
import { renderMessageBody } from '../../src/sandbox/public/blocks.ts';
import { renderModal } from '../../src/sandbox/public/modal.ts';
import { renderMrkdwn, type RenderContext } from '../../src/sandbox/public/mrkdwn.ts';

const ctx: RenderContext = {
  userName: (id) => ({ U0SANDREQ1: 'Ama' })[id],
  channelName: (id) => ({ CSANDFIN01: 'finance-ops' })[id],
};
const md = (text: string) => renderMrkdwn(text, ctx);

describe('the sandbox mrkdwn renderer', () => {
  it('renders bold, italic, strike, code and pre', () => {
    expect(md('*Amount*\n25.50 USD')).toBe('<b>Amount</b><br>25.50 USD');
    expect(md('an _italic_ and ~struck~ word')).toBe('an <i>italic</i> and <s>struck</s> word');
    expect(md('Reference `ab_c*d`')).toBe('Reference <code>ab_c*d</code>');
    expect(md('```line 1\n*not bold*```')).toBe('<pre>line 1\n*not bold*</pre>');
  });

  it('leaves markers inside words alone', () => {
    expect(md('payout_account_id and 2*3*4')).toBe('payout_account_id and 2*3*4');
  });

  it('renders mentions, channels, broadcasts and links', () => {
    expect(md('<@U0SANDREQ1>, see <#CSANDFIN01>')).toBe(
      '<span class="mention">@Ama</span>, see <span class="mention">#finance-ops</span>',
    );
    expect(md('<@UNKNOWN1>')).toBe('<span class="mention">@UNKNOWN1</span>');
    expect(md('<!here>')).toBe('<span class="mention broadcast">@here</span>');
    expect(md('<https://docs.heydollr.app/a?b=1&amp;c=2|the docs>')).toBe(
      '<a href="https://docs.heydollr.app/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the docs</a>',
    );
    expect(md('*<@U0SANDREQ1>*')).toBe('<b><span class="mention">@Ama</span></b>');
  });

  it("undoes Slack's three escapes for display and escapes everything for HTML", () => {
    expect(md('Tom &amp; Jerry &lt;3 &gt;')).toBe('Tom &amp; Jerry &lt;3 &gt;');
    expect(md('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md('<script>alert("x")</script>')).not.toContain('<script');
    expect(md('"quoted" \'single\'')).toBe('&quot;quoted&quot; &#39;single&#39;');
    expect(md('`<img src=x onerror=alert(1)>`')).toBe('<code>&lt;img src=x onerror=alert(1)&gt;</code>');
  });

  it('never makes a javascript: link', () => {
    const html = md('<javascript:alert(1)|click me>');
    expect(html).not.toContain('<a');
    expect(html).toBe('click me');
    expect(md('<javascript:alert(1)>')).toBe('javascript:alert(1)');
  });

  it("reads Slack's control sequences as Slack does", () => {
    expect(md('&lt; &gt; &amp;')).toBe('&lt; &gt; &amp;');
    expect(md('<@U0SANDREQ1> and <@U0NOBODY>')).toBe(
      '<span class="mention">@Ama</span> and <span class="mention">@U0NOBODY</span>',
    );
    expect(md('<#C0OTHER01|general>')).toBe('<span class="mention">#general</span>');
    expect(md('<#CSANDFIN01|old-name>')).toBe('<span class="mention">#finance-ops</span>');
    for (const word of ['here', 'channel', 'everyone']) {
      expect(md(`<!${word}>`)).toBe(`<span class="mention broadcast">@${word}</span>`);
      expect(md(`<!${word}|@${word}>`)).toBe(`<span class="mention broadcast">@${word}</span>`);
    }
    expect(md('<!subteam^S0FINANCE|@finance>')).toBe('<span class="mention">@finance</span>');
    expect(md('<!subteam^S0FINANCE>')).toBe('<span class="mention">@S0FINANCE</span>');
    expect(md('since <!date^1700000000^{date_short} {time}|Nov 14, 2023 22:13 UTC>')).toBe(
      'since Nov 14, 2023 22:13 UTC',
    );
    expect(md('<!date^1700000000^{date_short}>')).toBe('2023-11-14 22:13 UTC');
    expect(md('<https://example.com/a>')).toBe(
      '<a href="https://example.com/a" target="_blank" rel="noopener noreferrer">https://example.com/a</a>',
    );
    expect(md('<mailto:ops@example.com|write to us>')).toBe(
      '<a href="mailto:ops@example.com" target="_blank" rel="noopener noreferrer">write to us</a>',
    );
    expect(md('<https://x.example/?q=&lt;b&gt;|a &amp; b>')).toBe(
      '<a href="https://x.example/?q=&lt;b&gt;" target="_blank" rel="noopener noreferrer">a &amp; b</a>',
    );
  });

  it('drops the brackets of a sequence it does not know, showing its label or what is inside', () => {
    expect(md('<!foo>')).toBe('!foo');
    expect(md('<!foo^bar|the label>')).toBe('the label');
    expect(md('a <thing> b')).toBe('a thing b');
    expect(md('<ftp://files.example|files>')).toBe('files');
    expect(md('<b onmouseover=alert(1)>x</b>')).toBe('b onmouseover=alert(1)x/b');
  });

  it('renders lines that start with > as a quote', () => {
    expect(md('Approved by <@U0SANDREQ1>.\n> looks *right*\n&gt; to me\nthanks')).toBe(
      'Approved by <span class="mention">@Ama</span>.<blockquote>looks <b>right</b><br>to me</blockquote>thanks',
    );
    expect(md('a > b')).toBe('a &gt; b');
  });

  it('maps known emoji shortcodes and leaves unknown ones as text', () => {
    const html = md(':white_check_mark: *Approved* :unknown_thing:');
    expect(html).toMatch(
      /^<svg class="emoji"[^>]*aria-label=":white_check_mark:">.*<\/svg> <b>Approved<\/b> :unknown_thing:$/,
    );
    expect(md('`:white_check_mark:`')).toBe('<code>:white_check_mark:</code>');
  });
});

describe('the sandbox block and modal renderers', () => {
  it('escapes user text in blocks and keeps button data for the page', () => {
    const html = renderMessageBody(
      '',
      [
        { type: 'header', text: { type: 'plain_text', text: '<b>Refund</b> request' } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Reason*\n&lt;script&gt;' }] },
        {
          type: 'actions',
          block_id: 'decide:R1',
          elements: [
            {
              type: 'button',
              action_id: 'dollr_approve',
              value: 'R1"><x',
              style: 'primary',
              text: { type: 'plain_text', text: 'Approve' },
            },
          ],
        },
      ],
      ctx,
    );
    expect(html).toContain('&lt;b&gt;Refund&lt;/b&gt; request');
    expect(html).toContain('<b>Reason</b><br>&lt;script&gt;');
    expect(html).toContain('data-value="R1&quot;&gt;&lt;x"');
    expect(html).toContain('class="btn btn-primary"');
    expect(html).not.toContain('<script');
  });

  it('draws inputs with initial values, options and hints', () => {
    const html = renderModal(
      {
        title: { type: 'plain_text', text: 'Request a payout' },
        submit: { type: 'plain_text', text: 'Submit' },
        blocks: [
          {
            type: 'input',
            block_id: 'amount',
            label: { type: 'plain_text', text: 'Amount' },
            hint: { type: 'plain_text', text: 'e.g. 25.50' },
            element: { type: 'plain_text_input', action_id: 'value', initial_value: '"25"' },
          },
          {
            type: 'input',
            block_id: 'currency',
            label: { type: 'plain_text', text: 'Currency' },
            element: {
              type: 'static_select',
              action_id: 'value',
              options: [
                { text: { type: 'plain_text', text: 'USD' }, value: 'USD' },
                { text: { type: 'plain_text', text: 'LRD' }, value: 'LRD' },
              ],
              initial_option: { text: { type: 'plain_text', text: 'LRD' }, value: 'LRD' },
            },
          },
        ],
      },
      ctx,
    );
    expect(html).toContain('value="&quot;25&quot;"');
    expect(html).toContain('<option value="LRD" selected>LRD</option>');
    expect(html).toMatch(/<option value="" disabled>/);
    expect(html).toContain('data-testid="error-amount"');
    expect(html).toContain('e.g. 25.50');
  });

  it('lets an optional select be emptied again', () => {
    const select = (optional: boolean) =>
      renderModal(
        {
          blocks: [
            {
              type: 'input',
              block_id: 'payout_account_id',
              optional,
              label: { type: 'plain_text', text: 'Payee' },
              element: {
                type: 'static_select',
                action_id: 'value',
                options: [{ text: { type: 'plain_text', text: 'Acme (account 7, USD)' }, value: '7' }],
                initial_option: { text: { type: 'plain_text', text: 'Acme (account 7, USD)' }, value: '7' },
              },
            },
          ],
        },
        ctx,
      );
    expect(select(true)).toContain('<option value="">');
    expect(select(false)).toContain('<option value="" disabled>');
  });
});
