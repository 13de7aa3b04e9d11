/**
 * Configuration that cannot be unsafe by accident: .env.example's placeholders refused as real
 * secrets, plain http refused for the APIs that carry tokens (except on this machine), the crash
 * switch honoured in a test run only, and a warning that memory:// keeps nothing across a restart.
 * Every refusal says why, in the one start-up message.
 */
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { startSystem } from '../support/system.ts';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'signing-secret',
  DOLLR_CLIENT_ID: 'client',
  DOLLR_CLIENT_SECRET: 'secret',
  APPROVERS: 'U0FINANCE1, U0FINANCE2',
};

describe('configuration', () => {
  it('refuses .env.example copied unfilled, naming each placeholder once and nothing else', () => {
    const example = parseEnv(readFileSync(new URL('../../.env.example', import.meta.url), 'utf8'));
    const problems = problemsOf(example);
    expect(problems.map((p) => p.split(' ')[0])).toEqual([
      'SLACK_BOT_TOKEN',
      'SLACK_APP_TOKEN',
      'DOLLR_CLIENT_ID',
      'DOLLR_CLIENT_SECRET',
      'APPROVERS',
    ]);
    for (const problem of problems) expect(problem).toContain('still holds the example from .env.example');
  });

  it('refuses plain http for the Slack and Dollr APIs except on this machine', () => {
    expect(
      problemsOf({ ...valid, SLACK_API_URL: 'http://proxy.internal/api/', DOLLR_API_URL: 'http://dollr' }),
    ).toEqual([
      'SLACK_API_URL must use https:// (plain http:// only on localhost): the app sends its tokens there.',
      'DOLLR_API_URL must use https:// (plain http:// only on localhost): the app sends its tokens there.',
    ]);
    const local = loadConfig({
      ...valid,
      SLACK_API_URL: 'http://127.0.0.1:9000/api/',
      DOLLR_API_URL: 'http://localhost:8',
    });
    expect(local.dollr.apiUrl).toBe('http://localhost:8');
  });

  it('honours the crash switch in a test run only', () => {
    expect(problemsOf({ ...valid, DOLLR_SLACK_CRASH_AT: 'after_session' })).toEqual([
      expect.stringContaining('DOLLR_SLACK_CRASH_AT makes the process kill itself, for the fault tests only'),
    ]);
    expect(loadConfig({ ...valid, DOLLR_SLACK_CRASH_AT: 'after_session', NODE_ENV: 'test' }).crashAt).toBe(
      'after_session',
    );
  });

  it('warns at start that memory:// keeps nothing across a restart', async () => {
    const system = await startSystem();
    try {
      expect(system.logLines.some((l) => l.includes('STORE_URL is memory://'))).toBe(true);
    } finally {
      await system.stop();
    }
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
