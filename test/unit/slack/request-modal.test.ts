import { describe, expect, it } from 'vitest';
import { FIELD_ACTION, FIELDS } from '../../../src/adapters/slack/ids.ts';
import { parseModalContext, parseRequestModal, requestModal } from '../../../src/adapters/slack/views/request-modal.ts';

const text = (value: string | null) => ({ [FIELD_ACTION]: { type: 'plain_text_input', value } });

describe('refund modal', () => {
  it('prefills what the command said, says where the card goes and keeps the context', () => {
    const context = { channelId: 'C123', cardChannelId: 'C999' };
    const view = requestModal('refund', { id: '4411', amount: '25.50', reason: 'dup' }, context);
    expect(JSON.stringify(view.blocks)).toContain('"initial_value":"4411"');
    expect(JSON.stringify(view.blocks)).toContain('The approval card goes to <#C999>');
    expect(parseModalContext(view.private_metadata!)).toEqual({ channelId: 'C123' });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
  });

  it('parses valid fields into the domain shape', () => {
    const parsed = parseRequestModal('refund', {
      [FIELDS.originalPaymentIntentId]: text('4411'),
      [FIELDS.amount]: text('25.5'),
      [FIELDS.reason]: text('  duplicate charge '),
    });
    expect(parsed).toEqual({
      ok: true,
      details: { kind: 'refund', originalPaymentIntentId: 4411, amount: '25.50', reason: 'duplicate charge' },
    });
  });

  it('puts each problem next to its field', () => {
    const parsed = parseRequestModal('refund', {
      [FIELDS.originalPaymentIntentId]: text('-3'),
      [FIELDS.amount]: text('1.234'),
      [FIELDS.reason]: text('x'.repeat(501)),
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors[FIELDS.originalPaymentIntentId]).toMatch(/positive whole number/);
    expect(parsed.errors[FIELDS.amount]).toMatch(/at most 2 decimals/);
    expect(parsed.errors[FIELDS.reason]).toMatch(/500 characters/);
  });

  it('says the upper bound of an amount that is too large', () => {
    const parsed = parseRequestModal('refund', {
      [FIELDS.originalPaymentIntentId]: text('1'),
      [FIELDS.amount]: text('99999999999'),
      [FIELDS.reason]: text('x'),
    });
    expect(parsed.ok || parsed.errors[FIELDS.amount]).toBe('Enter an amount of at most 100,000,000.00.');
  });

  it('asks for missing fields', () => {
    const parsed = parseRequestModal('refund', {});
    expect(parsed.ok || Object.keys(parsed.errors).sort()).toEqual(
      [FIELDS.amount, FIELDS.originalPaymentIntentId, FIELDS.reason].sort(),
    );
  });
});

describe('payout modal', () => {
  it('requires a supported currency', () => {
    const parsed = parseRequestModal('payout', {
      [FIELDS.payoutAccountId]: text('7'),
      [FIELDS.amount]: text('100'),
      [FIELDS.currency]: { [FIELD_ACTION]: { type: 'static_select', selected_option: { value: 'EUR' } } },
      [FIELDS.reason]: text('salary'),
    });
    expect(parsed.ok || parsed.errors[FIELDS.currency]).toMatch(/USD, LRD, RWF/);
  });

  it('refuses a forged context', () => {
    expect(parseModalContext('not json')).toBeUndefined();
    expect(parseModalContext('{"channelId":"<!channel>"}')).toBeUndefined();
  });
});
