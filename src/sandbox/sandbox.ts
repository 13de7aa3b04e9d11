/**
 * The sandbox: the real app in HTTP mode, wired to the in-process fake Slack and fake Dollr (the
 * ones the tests use), and a page on which a person plays every part. Nothing leaves 127.0.0.1
 * unless `host` says so.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createApp, type RunningApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { startFakeDollr, type FakeDollr } from '../fakes/fake-dollr.ts';
import { FAKE_BOT_TOKEN, type FakeSlack, startFakeSlack } from '../fakes/fake-slack.ts';
import { createSlackSender } from '../fakes/slack-sender.ts';
import { bundleBrowserScript } from './bundle.ts';
import { createDollrSwitches } from './dollr-switches.ts';
import { createAppDriver } from './drive-app.ts';
import { APPROVER_IDS, fakeSlackUsers, SANDBOX_CHANNEL } from './people.ts';
import { startPageServer, type PageServer } from './server.ts';
import { SANDBOX_STORE_URL } from './settings.ts';
import { createSnapshots } from './snapshot.ts';

export interface SandboxOptions {
  /** The page's port; 0 picks a free one. Default 3000. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The app's log level. Default `warn`. */
  logLevel?: string;
  /** The app's first Dollr status poll after execute. Default 1000 ms. */
  pollIntervalMs?: number;
  /** The app's limit on one Dollr call; a "late" answer comes a second after it. Default 3000 ms. */
  dollrTimeoutMs?: number;
}

export interface Sandbox {
  /** The page, e.g. http://127.0.0.1:3000/ */
  url: string;
  /** The app's store: always the sandbox's own, `memory://`. */
  storeUrl: string;
  slack: FakeSlack;
  dollr: FakeDollr;
  stop(): Promise<void>;
}

/** The sandbox's approval policy: named payees for accounts 7 and 8, and counterparties 21 and 22 for transfers. */
const SANDBOX_POLICY = fileURLToPath(new URL('./approval-policy.yml', import.meta.url));
const PASSCODE = { code: '123456', phone: '231771234567' };
const DOLLR_CLIENT = { id: 'sandbox-client', secret: randomBytes(16).toString('hex') };

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const dollrTimeoutMs = options.dollrTimeoutMs ?? 3000;
  const script = await bundleBrowserScript();
  const slack = await startFakeSlack({ users: fakeSlackUsers() });
  const dollr = await startFakeDollr({
    clientId: DOLLR_CLIENT.id,
    clientSecret: DOLLR_CLIENT.secret,
    passcode: PASSCODE,
  });
  // Twenty more completed payments (4420-4439, 50.00 USD each) for a batch of refunds after an incident.
  for (let id = 4420; id < 4440; id++) dollr.seedCollection({ id, amount: 50, currency: 'USD' });
  const signingSecret = randomBytes(24).toString('hex');
  const stopFakes = () => Promise.all([slack.close(), dollr.close()]);

  let running: RunningApp;
  try {
    const config = loadConfig({
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      DOLLR_API_URL: dollr.url,
      DOLLR_CLIENT_ID: DOLLR_CLIENT.id,
      DOLLR_CLIENT_SECRET: DOLLR_CLIENT.secret,
      DOLLR_PAYOUT_PASSCODE: PASSCODE.code,
      DOLLR_PAYOUT_PHONE: PASSCODE.phone,
      // The simulated merchant's USD wallet: transfers to the policy's counterparties come from it.
      DOLLR_TRANSFER_WALLET_ID: '501',
      APPROVERS: APPROVER_IDS.join(','),
      DOLLR_POLL_INTERVAL_MS: String(options.pollIntervalMs ?? 1000),
      DOLLR_TIMEOUT_MS: String(dollrTimeoutMs),
      // Always the sandbox's own store and policy: never one the environment names (settings.ts).
      STORE_URL: SANDBOX_STORE_URL,
      APPROVAL_POLICY: SANDBOX_POLICY,
      LOG_LEVEL: options.logLevel ?? 'warn',
    });
    const app = await createApp(config, { host: '127.0.0.1' });
    running = await app.start();
  } catch (error) {
    await stopFakes();
    throw error;
  }

  const sender = createSlackSender({ appUrl: `http://127.0.0.1:${running.port}/slack/events`, signingSecret });
  const driver = createAppDriver(slack, sender);
  const switches = createDollrSwitches(dollr, { lateMs: dollrTimeoutMs + 1000 });
  const snapshot = createSnapshots({ slack, driver, switches, channel: SANDBOX_CHANNEL });
  let page: PageServer;
  try {
    page = await startPageServer(
      { driver, switches, snapshot, channelId: SANDBOX_CHANNEL.id, script },
      { port: options.port ?? 3000, host: options.host ?? '127.0.0.1' },
    );
  } catch (error) {
    await running.stop();
    await stopFakes();
    throw error;
  }
  // Observed on every change, not when a page asks: a switch must see each new execution as it comes.
  const unsubscribe = [
    slack.onChange(() => {
      driver.observe();
      page.changed();
    }),
    dollr.onChange(() => {
      switches.observe();
      page.changed();
    }),
  ];

  let stopped: Promise<void> | undefined;
  return {
    url: page.url,
    storeUrl: SANDBOX_STORE_URL,
    slack,
    dollr,
    stop: () =>
      (stopped ??= (async () => {
        for (const off of unsubscribe) off();
        await page.close();
        await running.stop();
        await stopFakes();
      })()),
  };
}
