/**
 * What every scenario starts with: a fresh fake Slack and fake Dollr in this process, the app (or the
 * baseline) in a child process, a signed-request sender, and the index of what the fake Slack received.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeDollr, type FakeDollr } from '../src/fakes/fake-dollr.ts';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from '../src/fakes/fake-slack.ts';
import { createSlackSender, type SlackSender } from '../src/fakes/slack-sender.ts';
import { startAppProcess, type AppProcess } from './app-process.ts';
import type { ChildKind } from './app-protocol.ts';
import { SIGNING_SECRET } from './burst-sender.ts';
import { indexSlack, type SlackIndex } from './slack-index.ts';
import { DOLLR_CLIENT_SECRET, fakesEnv } from '../test/support/system.ts';
export const CHANNEL = 'CBENCH0001';
// The people of the tests' fakes: APPROVER is among the APPROVERS that fakesEnv sets.
export { APPROVER, REQUESTER } from '../test/support/system.ts';

/**
 * Card updates unpaced, for the scenarios that do not measure Slack's limits (the fake enforces none
 * there): at Slack's Tier 3 pace (50 a minute for the workspace) the cards of 200 approvals take 4
 * minutes to update, which is scenario 3's subject, not theirs.
 */
export const UNPACED_CARD_UPDATES = { SLACK_UPDATES_PER_MINUTE: '60000' } as const;

/** The app's default store, SQLite, in a fresh temporary directory: its STORE_URL, and removal of the directory. */
export function temporarySqliteStore(): { env: { STORE_URL: string }; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dollr-bench-'));
  return {
    env: { STORE_URL: `sqlite://${join(dir, 'store.sqlite')}` },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The app's environment against these fakes; `extra` wins. */
function appEnv(slack: FakeSlack, dollr: FakeDollr, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...fakesEnv(slack, dollr, SIGNING_SECRET),
    LOG_LEVEL: 'warn',
    // A batch comes from few people: the per-person request limit (default 5 a minute) is not what is measured.
    REQUESTS_PER_MINUTE: '1000000',
    ...extra,
  };
}

export interface Rig {
  slack: FakeSlack;
  dollr: FakeDollr;
  index: SlackIndex;
  /** Replaced by `restart`. */
  app: AppProcess;
  sender: SlackSender;
  /** Stops the app process and starts a new one against the same fakes, with `env` over the rig's. */
  restart(env: Record<string, string>): Promise<void>;
  /** Stops the app (killed after `graceMs`, default 25 s) and the fakes. */
  close(graceMs?: number): Promise<void>;
}

export interface RigOptions {
  kind?: ChildKind;
  env?: Record<string, string>;
  slack?: FakeSlackOptions;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const slack = await startFakeSlack(options.slack);
  const dollr = await startFakeDollr({
    passcode: { code: '123456', phone: '231771234567' },
    clientSecret: DOLLR_CLIENT_SECRET,
  });
  const index = indexSlack(slack);
  let app: AppProcess;
  try {
    app = await startAppProcess(options.kind ?? 'app', appEnv(slack, dollr, options.env));
  } catch (error) {
    index.close();
    await Promise.all([slack.close(), dollr.close()]);
    throw error;
  }
  const senderFor = (process: AppProcess) =>
    createSlackSender({ appUrl: process.eventsUrl, signingSecret: SIGNING_SECRET });
  const rig: Rig = {
    slack,
    dollr,
    index,
    app,
    sender: senderFor(app),
    async restart(env) {
      await rig.app.stop();
      rig.app = await startAppProcess(options.kind ?? 'app', appEnv(slack, dollr, { ...options.env, ...env }));
      rig.sender = senderFor(rig.app);
    },
    async close(graceMs) {
      await rig.app.stop(graceMs);
      index.close();
      await Promise.all([slack.close(), dollr.close()]);
    },
  };
  return rig;
}

/** A second process (a baseline Bolt app) against the same fakes. */
export async function startBaselineBeside(
  rig: Rig,
  kind: 'baseline' | 'baseline-modal' = 'baseline',
): Promise<{ app: AppProcess; sender: SlackSender }> {
  const app = await startAppProcess(kind, appEnv(rig.slack, rig.dollr));
  return { app, sender: createSlackSender({ appUrl: app.eventsUrl, signingSecret: SIGNING_SECRET }) };
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  });
  await Promise.all(runners);
  return results;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
