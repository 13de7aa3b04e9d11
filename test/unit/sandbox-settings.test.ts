import { describe, expect, it } from 'vitest';
import { SANDBOX_STORE_URL, sandboxSettings, startNotice } from '../../src/sandbox/settings.ts';

describe("the sandbox's settings", () => {
  it('takes PORT, HOST and LOG_LEVEL, with defaults', () => {
    expect(sandboxSettings({})).toEqual({ port: 3000, host: '127.0.0.1', logLevel: 'warn', ignored: [] });
    expect(sandboxSettings({ PORT: '0', HOST: '0.0.0.0', LOG_LEVEL: 'info' })).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      logLevel: 'info',
    });
    expect(() => sandboxSettings({ PORT: 'eighty' })).toThrow(/PORT must be a port number/);
  });

  it("always uses its own store, and names the app's settings it ignores", () => {
    const settings = sandboxSettings({
      STORE_URL: 'redis://127.0.0.1:6379/0',
      DOLLR_API_URL: 'https://api.heydollr.app',
      DOLLR_CLIENT_SECRET: 'x',
      SLACK_BOT_TOKEN: 'xoxb-1',
      APPROVAL_POLICY: './policy.yml',
      APPROVERS: 'U1',
      HOME: '/root',
      EMPTY: '',
    });
    expect(settings.ignored).toEqual([
      'APPROVAL_POLICY',
      'APPROVERS',
      'DOLLR_API_URL',
      'DOLLR_CLIENT_SECRET',
      'SLACK_BOT_TOKEN',
      'STORE_URL',
    ]);
    expect(SANDBOX_STORE_URL).toBe('memory://');
    const notice = startNotice(settings);
    expect(notice).toContain('store memory://');
    expect(notice).toContain('STORE_URL is set in the environment; the sandbox ignores it');
    expect(notice).toContain('ignores APPROVAL_POLICY, APPROVERS, DOLLR_API_URL, DOLLR_CLIENT_SECRET, SLACK_BOT_TOKEN');
    expect(startNotice(sandboxSettings({}))).not.toContain('ignores');
  });
});
