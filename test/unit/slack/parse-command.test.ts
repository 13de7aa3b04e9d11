import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/adapters/slack/commands/parse-command.ts';

describe('parseCommand', () => {
  it.each(['', '   ', 'help', 'HELP'])('%j asks for help', (text) => {
    expect(parseCommand(text)).toEqual({ kind: 'help' });
  });

  it('names an unknown subcommand', () => {
    expect(parseCommand('collect 5')).toEqual({ kind: 'unknown', word: 'collect' });
  });

  it('prefills a refund', () => {
    expect(parseCommand('refund 4411 25.50 duplicate charge')).toEqual({
      kind: 'request',
      operation: 'refund',
      prefill: { id: '4411', amount: '25.50', reason: 'duplicate charge' },
    });
  });

  it('prefills a payout with and without a currency', () => {
    expect(parseCommand('payout 7 100 usd salary advance')).toMatchObject({
      prefill: { id: '7', amount: '100', currency: 'USD', reason: 'salary advance' },
    });
    expect(parseCommand('payout 7')).toMatchObject({ operation: 'payout', prefill: { id: '7' } });
  });

  it('reads a status key', () => {
    expect(parseCommand('status R234567890')).toEqual({ kind: 'status', key: 'R234567890' });
    expect(parseCommand('status')).toEqual({ kind: 'status', key: undefined });
  });
});
