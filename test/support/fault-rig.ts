/**
 * The stage of a fault-injection test file: its own redis-server on a free port (the app's key
 * namespace is fixed, so files cannot share one), a fake Slack, a fake Dollr, and app children
 * started against them with a test configuration (short polls, timeouts, leases and sweeps).
 */
import { startFakeDollr, type FakeDollr } from '../../src/fakes/fake-dollr.ts';
import { startFakeSlack, type FakeSlack } from '../../src/fakes/fake-slack.ts';
import { startChildApp, type ChildApp } from './child-app.ts';
import { startRedisServer, type RedisServer } from './redis-server.ts';
import { DOLLR_CLIENT_SECRET, testEnv } from './system.ts';

const FAST_SETTINGS = {
  DOLLR_POLL_INTERVAL_MS: '50',
  DOLLR_TIMEOUT_MS: '500',
  // Backoff between retries of an unclear Dollr call: 100 ms doubling up to 400 ms.
  DOLLR_RETRY_INITIAL_MS: '100',
  DOLLR_RETRY_MAX_MS: '400',
  LEASE_TTL_MS: '1500',
  SWEEP_INTERVAL_MS: '300',
  LOG_LEVEL: 'info',
  // Cases make many requests from one requester within a minute, and post many replies into one
  // channel (the fake Slack does not rate-limit unless told to): no pacing on the app's side either.
  REQUESTS_PER_MINUTE: '1000',
  SLACK_POSTS_PER_SECOND: '1000',
  SLACK_UPDATES_PER_MINUTE: '60000',
  SLACK_POST_BURST: '1000',
  // The crash switch (DOLLR_SLACK_CRASH_AT) is honoured in a test run only.
  NODE_ENV: 'test',
} as const;

export interface Rig {
  redis: RedisServer;
  slack: FakeSlack;
  dollr: FakeDollr;
  /** The app's environment for this rig, with `extra` on top. */
  env(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
  /** Starts an app child on this rig. */
  startApp(name: string, extra?: Record<string, string | undefined>): Promise<ChildApp>;
  /** Every app child this rig started, oldest first. */
  readonly apps: readonly ChildApp[];
  /** SIGKILLs this rig's children that still run (other rigs' are left alone). */
  killApps(): Promise<void>;
  /** Between cases: kills children left running, empties Redis and forgets everything the fakes saw. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

async function startRig(options: { persistentRedis?: boolean } = {}): Promise<Rig> {
  const redis = await startRedisServer({ persistent: options.persistentRedis ?? false });
  const slack = await startFakeSlack();
  const dollr = await startFakeDollr({
    passcode: { code: '123456', phone: '231771234567' },
    clientSecret: DOLLR_CLIENT_SECRET,
  });
  const env = (extra: Record<string, string | undefined> = {}) =>
    testEnv(slack, dollr, { STORE_URL: redis.url, ...FAST_SETTINGS, ...extra });
  const apps: ChildApp[] = [];
  const killApps = async () => {
    await Promise.all(apps.map((app) => app.kill('SIGKILL')));
  };
  return {
    redis,
    slack,
    dollr,
    env,
    apps,
    async startApp(name, extra) {
      const app = await startChildApp({ name, env: env(extra) });
      apps.push(app);
      return app;
    },
    killApps,
    async reset() {
      await killApps();
      apps.length = 0;
      if (!redis.running) await redis.start();
      await redis.flushAll();
      slack.reset();
      dollr.reset();
    },
    async close() {
      await killApps();
      await Promise.allSettled([redis.close(), slack.close(), dollr.close()]);
    },
  };
}

/** The last lines of every app child of the rig, for a failure message. */
function logTail(rig: Rig, lines = 40): string {
  return rig.apps
    .map((app) => `--- ${app.name} (last ${lines} lines) ---\n${app.logs.slice(-lines).join('\n')}`)
    .join('\n');
}

/**
 * Runs `work` on a rig of its own (so that cases can run concurrently), always closing it; a
 * failure carries the last log lines of the rig's app children.
 */
export async function withRig<T>(options: { persistentRedis?: boolean }, work: (rig: Rig) => Promise<T>): Promise<T> {
  const rig = await startRig(options);
  try {
    return await work(rig);
  } catch (error) {
    if (error instanceof Error) error.message += `\n${logTail(rig)}`;
    throw error;
  } finally {
    await rig.close();
  }
}
