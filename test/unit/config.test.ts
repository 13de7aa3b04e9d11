import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOf } from '../../src/config.ts';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'signing-secret',
  DOLLR_CLIENT_ID: 'client',
  DOLLR_CLIENT_SECRET: 'secret',
  APPROVERS: 'U0FINANCE1, U0FINANCE2',
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      port: 3000,
      approvers: ['U0FINANCE1', 'U0FINANCE2'],
      dollr: { apiUrl: 'https://api.heydollr.app', pollIntervalMs: 3000, timeoutMs: 15000 },
      logLevel: 'info',
    });
    expect(config.dollr.payoutPasscode).toBeUndefined();
  });

  it('treats empty variables as unset, as in a copied .env.example', () => {
    const config = loadConfig({ ...valid, SLACK_API_URL: '', DOLLR_API_URL: '', PORT: ' ', APPROVAL_CHANNEL: '' });
    expect(config.port).toBe(3000);
    expect(config.dollr.apiUrl).toBe('https://api.heydollr.app');
  });

  it(
    'refuses a lease that would not outlast a Dollr call twice over, ' + 'in the one message with every other problem',
    () => {
      expect(() => loadConfig({ ...valid, LEASE_TTL_MS: '20000' })).toThrow(
        /LEASE_TTL_MS \(20000\) must be at least twice DOLLR_TIMEOUT_MS \(15000\)/,
      );
      expect(() => loadConfig({ ...valid, DOLLR_TIMEOUT_MS: '20000' })).toThrow(
        /LEASE_TTL_MS \(30000\) must be at least twice DOLLR_TIMEOUT_MS \(20000\)/,
      );
      expect(loadConfig({ ...valid, LEASE_TTL_MS: '30000', DOLLR_TIMEOUT_MS: '15000' }).leaseTtlMs).toBe(30000);
      const refusal = (() => {
        try {
          loadConfig({ ...valid, LEASE_TTL_MS: '100', PORT: 'x' });
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect((refusal as ConfigError).problems).toHaveLength(2);
    },
  );

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'abc', APPROVERS: 'alice', DOLLR_POLL_INTERVAL_MS: '-1' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      for (const name of [
        'SLACK_BOT_TOKEN',
        'DOLLR_CLIENT_ID',
        'DOLLR_CLIENT_SECRET',
        'APPROVERS',
        'PORT',
        'DOLLR_POLL_INTERVAL_MS',
        'SLACK_SIGNING_SECRET',
      ]) {
        expect(message).toContain(name);
      }
    }
  });

  it('needs the passcode with a phone or user ID for payouts', () => {
    expect(() => loadConfig({ ...valid, DOLLR_PAYOUT_PASSCODE: '123456' })).toThrow(
      /DOLLR_PAYOUT_PHONE or DOLLR_PAYOUT_USER_ID/,
    );
    const config = loadConfig({ ...valid, DOLLR_PAYOUT_PASSCODE: '123456', DOLLR_PAYOUT_PHONE: '231771234567' });
    expect(config.dollr.payoutPasscode).toEqual({ code: '123456', phone: '231771234567', userId: undefined });
  });

  it('uses Socket Mode without a signing secret when an app token is set', () => {
    const { SLACK_SIGNING_SECRET: _, ...rest } = valid;
    expect(loadConfig({ ...rest, SLACK_APP_TOKEN: 'xapp-1-abc' }).slack.appToken).toBe('xapp-1-abc');
  });

  it('knows every secret', () => {
    const config = loadConfig({ ...valid, DOLLR_PAYOUT_PASSCODE: '123456', DOLLR_PAYOUT_PHONE: '231771234567' });
    expect(secretsOf(config).sort()).toEqual(['123456', 'secret', 'signing-secret', 'xoxb-1-2-abc'].sort());
  });

  it('names each bad APPROVERS, ADMINS or ALLOWED_CHANNELS entry, once', () => {
    const problems = problemsOf({
      ...valid,
      APPROVERS: 'U0FINANCE1, finance-team, @kofi, finance-team',
      ADMINS: 'S0GROUP1',
      ALLOWED_CHANNELS: '#finance',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^APPROVERS: "finance-team" is not a Slack user ID such as U0123ABCD/),
      expect.stringMatching(/^APPROVERS: "@kofi" is not/),
      'ADMINS: "S0GROUP1" is not a Slack user ID such as U0123ABCD.',
      'ALLOWED_CHANNELS: "#finance" is not a channel ID such as C0123ABCD.',
    ]);
  });

  it('reads DOLLR_TRANSFER_WALLET_ID as a wallet ID, empty as no transfers, and refuses anything else', () => {
    expect(loadConfig({ ...valid, DOLLR_TRANSFER_WALLET_ID: ' 501 ' }).dollr.transferWalletId).toBe(501);
    expect(loadConfig({ ...valid, DOLLR_TRANSFER_WALLET_ID: '' }).dollr.transferWalletId).toBeUndefined();
    expect(problemsOf({ ...valid, DOLLR_TRANSFER_WALLET_ID: 'wallet-1' })).toEqual([
      expect.stringMatching(/^DOLLR_TRANSFER_WALLET_ID must be the Dollr ID of the merchant wallet/),
    ]);
  });

  it('reports a malformed STORE_URL with the other problems, before anything is opened', () => {
    const problems = problemsOf({ ...valid, STORE_URL: 'postgres://db/x', PORT: 'x' });
    expect(problems).toEqual([
      'PORT must be a port number.',
      expect.stringMatching(/^STORE_URL "postgres:\/\/db\/x" is not supported\. Use redis:\/\//),
    ]);
  });
});

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}
