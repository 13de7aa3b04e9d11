/**
 * The composition root: builds every collaborator from the configuration and wires them together.
 * Tests call createApp with overrides (a memory store, a fast clock); main.ts calls it with none.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import { createDollrClient } from './adapters/dollr/dollr-client.ts';
import { toSlackLogger } from './adapters/log/bolt-logger.ts';
import { createJsonLogger, type JsonLogger } from './adapters/log/json-logger.ts';
import { registerListeners } from './adapters/slack/register-listeners.ts';
import type { SlackServices } from './adapters/slack/services.ts';
import { createSlackNotifier } from './adapters/slack/slack-notifier.ts';
import { createStore } from './adapters/store/create-store.ts';
import { secretsOf, type Config } from './config.ts';
import { createExecutor } from './core/execute-request.ts';
import { createOutbox } from './core/outbox.ts';
import { approverListPolicy } from './core/policy.ts';
import type { Clock, IdGenerator, RequestStore } from './core/ports.ts';
import type { Backoff } from './core/retry-policy.ts';

export interface AppOverrides {
  store?: RequestStore;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: JsonLogger;
  /** Host to listen on in HTTP mode (tests: 127.0.0.1). */
  host?: string;
  /** Backoff between retries of Dollr calls (tests shorten it). */
  retryBackoff?: Backoff;
  /** Delay before retrying a failed Slack delivery (tests shorten it). */
  slackRetryDelayMs?: number;
}

export interface RunningApp {
  /** The HTTP port in HTTP mode (useful with PORT=0). */
  port?: number;
  stop(): Promise<void>;
}

export interface DollrSlackApp {
  start(): Promise<RunningApp>;
  services: SlackServices;
}

const realClock: Clock = { now: () => new Date(), sleep: (ms) => sleep(ms) };
const randomIds: IdGenerator = { referenceId: () => randomUUID() };

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<DollrSlackApp> {
  const logger = overrides.logger ?? createJsonLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const clock = overrides.clock ?? realClock;
  const store = overrides.store ?? (await createStore(config.storeUrl, { logger: logger.child({ component: 'store' }) }));
  const gateway = createDollrClient({
    baseUrl: config.dollr.apiUrl,
    clientId: config.dollr.clientId,
    clientSecret: config.dollr.clientSecret,
    timeoutMs: config.dollr.timeoutMs,
    payoutPasscode: config.dollr.payoutPasscode,
    logger: logger.child({ component: 'dollr' }),
  });

  // Slack calls are retried by our outbox, which keeps the order of a thread; web-api's own
  // retries are kept short so that one stuck call does not hold a thread for half an hour.
  const clientOptions: WebClientOptions = {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
  };
  const slackLogger = toSlackLogger(logger);
  const receiver: Receiver & { start(...args: unknown[]): Promise<unknown> } = config.slack.appToken
    ? // A copy: the Socket Mode client writes its own retry settings into the object it is given.
      new SocketModeReceiver({ appToken: config.slack.appToken, logger: slackLogger, installerOptions: { clientOptions: { ...clientOptions } } })
    : new HTTPReceiver({ signingSecret: config.slack.signingSecret!, endpoints: '/slack/events', logger: slackLogger });
  // Initialisation (auth.test) waits for start(), so that a bad token stops the start with a clear error.
  const app = new App({ token: config.slack.botToken, receiver, logger: slackLogger, clientOptions, deferInitialization: true });

  const background = (label: string, work: () => Promise<void>) => {
    work().catch((error) => logger.error(`background work failed: ${label}`, { error }));
  };
  const outbox = createOutbox({
    store,
    notifier: createSlackNotifier(app.client),
    clock,
    logger,
    retryDelayMs: overrides.slackRetryDelayMs,
  });
  const executor = createExecutor({
    store,
    gateway,
    clock,
    ids: overrides.ids ?? randomIds,
    logger,
    announce: (id) => background(`slack update for ${id}`, () => outbox.flush(id)),
    pollIntervalMs: config.dollr.pollIntervalMs,
    retryBackoff: overrides.retryBackoff,
  });
  const services: SlackServices = {
    store,
    gateway,
    clock,
    policy: approverListPolicy(config.approvers),
    executor,
    outbox,
    logger,
    payoutsConfigured: config.dollr.payoutPasscode !== undefined,
    approvalChannel: config.approvalChannel,
    background,
  };
  registerListeners(app, services);
  app.error(async (error) => {
    logger.error('unhandled error in a Slack listener', { error });
  });

  async function resumeUnfinished(): Promise<void> {
    for (const request of await store.listWithWorkLeft()) {
      background(`resume slack updates of ${request.id}`, () => outbox.flush(request.id));
      if (request.state !== 'awaiting_approval') background(`resume ${request.id}`, () => executor.run(request.id));
    }
  }

  return {
    services,
    async start() {
      try {
        await app.init();
      } catch (error) {
        const code = (error as { data?: { error?: string } }).data?.error ?? (error instanceof Error ? error.message : String(error));
        throw new Error(`Slack did not accept SLACK_BOT_TOKEN (auth.test: ${code}). Check the token and SLACK_API_URL.`);
      }
      const server = config.slack.appToken
        ? await app.start()
        : await app.start({ port: config.port, ...(overrides.host ? { host: overrides.host } : {}) });
      const address = (server as { address?: () => AddressInfo | string | null } | undefined)?.address?.();
      const port = typeof address === 'object' && address ? address.port : undefined;
      logger.info('dollr-slack started', { mode: config.slack.appToken ? 'socket' : 'http', port });
      await resumeUnfinished();
      return {
        port,
        async stop() {
          await app.stop();
          await gateway.close();
          await store.close();
        },
      };
    },
  };
}
