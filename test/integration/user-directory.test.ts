/**
 * The user directory against the fake Slack, through a real WebClient: group members from
 * usergroups.users.list, the cache and its expiry, one request in flight, and Slack failures.
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createUserDirectory,
  UserGroupUnavailableError,
  type UserDirectoryOptions,
} from '../../src/adapters/slack/user-directory.ts';
import type { Logger } from '../../src/core/ports.ts';
import { FAKE_BOT_TOKEN, type FakeSlack, startFakeSlack } from '../../src/fakes/fake-slack.ts';
import { silentLogger } from '../support/silent-logger.ts';

const TTL_MS = 60_000;
const MAX_AGE_MS = 5 * 60_000;
const FINANCE = { users: [], groups: ['S0FINANCE'] };

let fake: FakeSlack;
let client: WebClient;
let clock: number;
let warnings: { message: string; fields?: Record<string, unknown> }[];

const logger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message, fields) => warnings.push({ message, fields }),
  error: () => {},
};

const directory = (options: Partial<UserDirectoryOptions> = {}) =>
  createUserDirectory({ client, logger, now: () => clock, ...options });
const lookups = () => fake.calls.filter((c) => c.method === 'usergroups.users.list');
const failNextLookup = (times = 1) =>
  fake.inject({ method: 'usergroups.users.list', times, fault: { kind: 'error', error: 'internal_error' } });

beforeAll(async () => {
  fake = await startFakeSlack({ usergroups: { S0FINANCE: ['U1', 'U2'], S0OTHER: ['U3'] } });
  // No retries: a failure must reach the directory at once.
  client = new WebClient(FAKE_BOT_TOKEN, {
    slackApiUrl: fake.apiUrl,
    logger: silentLogger,
    retryConfig: { retries: 0 },
  });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  clock = Date.parse('2026-03-02T09:00:00Z');
  warnings = [];
});

describe('the user directory', () => {
  it('resolves the members of a user group', async () => {
    const users = directory();
    expect(await users.membersOf('S0FINANCE')).toEqual(['U1', 'U2']);
    expect(lookups()[0]?.args).toMatchObject({ usergroup: 'S0FINANCE' });
    expect(await users.isIn('U2', FINANCE)).toBe(true);
    expect(await users.isIn('U3', FINANCE)).toBe(false);
    expect(await users.expand({ users: ['U9', 'U1'], groups: ['S0FINANCE', 'S0OTHER'] })).toEqual([
      'U9',
      'U1',
      'U2',
      'U3',
    ]);
  });

  it('does not ask Slack about a user named directly', async () => {
    expect(await directory().isIn('U7', { users: ['U7'], groups: ['S0FINANCE'] })).toBe(true);
    expect(lookups()).toHaveLength(0);
  });

  it('caches members, with one request in flight per group', async () => {
    fake.inject({ method: 'usergroups.users.list', fault: { kind: 'delay', ms: 50 } });
    const users = directory();
    const answers = await Promise.all([
      users.membersOf('S0FINANCE'),
      users.isIn('U1', FINANCE),
      users.isIn('U5', FINANCE),
      users.membersOf('S0FINANCE'),
    ]);
    expect(answers).toEqual([['U1', 'U2'], true, false, ['U1', 'U2']]);
    clock += TTL_MS - 1;
    expect(await users.isIn('U2', FINANCE)).toBe(true);
    expect(lookups()).toHaveLength(1);
    // Each group has its own entry.
    expect(await users.membersOf('S0OTHER')).toEqual(['U3']);
    expect(lookups()).toHaveLength(2);
  });

  it('reads a group again once its members are older than the ttl', async () => {
    const users = directory({ ttlMs: 60_000 });
    await users.membersOf('S0FINANCE');
    clock += 60_000;
    await users.membersOf('S0FINANCE');
    await users.membersOf('S0FINANCE');
    expect(lookups()).toHaveLength(2);
  });

  it('hands out copies: a caller cannot change the cache', async () => {
    const users = directory();
    (await users.membersOf('S0FINANCE')).push('U666');
    expect(await users.isIn('U666', FINANCE)).toBe(false);
  });
});

describe('when Slack fails', () => {
  it('uses the members last read, even expired, with a warning, and asks Slack again a little later', async () => {
    const users = directory({ retryAfterFailureMs: 30_000 });
    await users.membersOf('S0FINANCE');
    clock += TTL_MS + 1;
    failNextLookup();
    expect(await users.isIn('U1', FINANCE)).toBe(true);
    expect(lookups().map((c) => c.result.ok)).toEqual([true, false]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      message: expect.stringMatching(/not refreshed; using the members last read/),
      fields: { groupId: 'S0FINANCE' },
    });

    // Not on every click during an outage: the next attempt waits a little.
    clock += 29_999;
    expect(await users.isIn('U2', FINANCE)).toBe(true);
    expect(lookups()).toHaveLength(2);
    clock += 1;
    expect(await users.isIn('U2', FINANCE)).toBe(true);
    expect(lookups()).toHaveLength(3);
    expect(warnings).toHaveLength(1);
  });

  it('refuses once the members it could not refresh are older than their maximum age, and says so', async () => {
    const users = directory({ retryAfterFailureMs: 30_000 });
    await users.membersOf('S0FINANCE');
    failNextLookup(100);
    clock += MAX_AGE_MS; // The oldest still used.
    expect(await users.isIn('U1', FINANCE)).toBe(true);
    clock += 30_001; // Past the maximum age, and time to ask Slack again.
    const failure = await users.isIn('U1', FINANCE).then(
      () => expect.unreachable('stale members must not decide'),
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(UserGroupUnavailableError);
    expect(failure).toMatchObject({
      message: expect.stringMatching(/last read 5 min ago, too long to trust.*Nothing was changed/),
    });
    // Not served from the cache either, before the next attempt.
    clock += 1;
    await expect(users.isIn('U2', FINANCE)).rejects.toBeInstanceOf(UserGroupUnavailableError);
  });

  it('refuses to guess when it never read the group', async () => {
    const users = directory();
    failNextLookup();
    const failure = await users.isIn('U1', FINANCE).then(
      () => expect.unreachable('the lookup should have failed'),
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(UserGroupUnavailableError);
    expect(failure).toMatchObject({
      groupId: 'S0FINANCE',
      message: expect.stringMatching(/^The members of Slack user group S0FINANCE could not be read/),
    });
    // Nothing bad was cached: the next lookup asks Slack and succeeds.
    expect(await users.isIn('U1', FINANCE)).toBe(true);
  });

  it('refuses for a group Slack does not know', async () => {
    await expect(directory().membersOf('S0GONE')).rejects.toThrow(UserGroupUnavailableError);
  });

  it('still finds a user in a group it can read when another group of the set fails', async () => {
    const users = directory();
    const both = { users: [], groups: ['S0GONE', 'S0FINANCE'] };
    expect(await users.isIn('U1', both)).toBe(true);
    await expect(users.isIn('U3', both)).rejects.toThrow(/S0GONE could not be read/);
  });
});
