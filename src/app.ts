/**
 * The composition root: builds every collaborator from the configuration and wires them together.
 * Tests call createApp with overrides (a fast clock, a captured logger); main.ts calls it with none.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import { createDollrClient } from './adapters/dollr/dollr-client.ts';
import { healthRoutes, startHealthServer } from './adapters/http/health.ts';
import { toSlackLogger } from './adapters/log/bolt-logger.ts';
import { createJsonLogger, type JsonLogger } from './adapters/log/json-logger.ts';
import { registerListeners } from './adapters/slack/register-listeners.ts';
import type { SlackServices } from './adapters/slack/services.ts';
import { createAckPriority } from './adapters/slack/after-ack.ts';
import { createSlackQueues } from './adapters/slack/slack-queues.ts';
import { slackAgent } from './adapters/slack/slack-agent.ts';
import { createSlackNotifier } from './adapters/slack/slack-notifier.ts';
import { createStore, type Store } from './adapters/store/create-store.ts';
import { secretsOf, type Config } from './config.ts';
import { createExecutor } from './core/execution/executor.ts';
import { createOutbox } from './core/delivery/outbox.ts';
import { currentFreeze } from './core/approval/freeze.ts';
import type { Checkpoint, Clock, IdGenerator } from './core/ports.ts';
import { createPollScheduler } from './core/execution/poll-scheduler.ts';
import { createRequestWorker } from './core/request-worker.ts';
import { watchIsDue, watchPending } from './core/approval/watch-pending.ts';
import { loadApprovalPolicy } from './adapters/policy/load-policy.ts';
import { createUserDirectory } from './adapters/slack/user-directory.ts';
import type { Backoff } from './core/execution/retry-policy.ts';

export interface AppOverrides {
  store?: Store;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: JsonLogger;
  /** Host to listen on (tests: 127.0.0.1). Default: every interface. */
  host?: string;
  /** Backoff between retries of Dollr calls (tests shorten it). */
  retryBackoff?: Backoff;
  /** Delay before retrying a failed Slack delivery (tests shorten it). */
  slackRetryDelayMs?: number;
  /** What reaching a checkpoint does; by default, with DOLLR_SLACK_CRASH_AT, the process kills itself. */
  checkpoint?: (name: Checkpoint) => void;
}

export interface RunningApp {
  /** The HTTP port (useful with PORT=0): Bolt's in HTTP mode, the health server's in Socket Mode. */
  port?: number;
  /** Stops taking requests, lets calls under way finish and be stored (bounded), releases leases. */
  stop(): Promise<void>;
}

export interface DollrSlackApp {
  start(): Promise<RunningApp>;
  services: SlackServices;
}

/** Status polls in flight at once, for every followed request together (the Dollr Agent keeps 16 connections). */
const DOLLR_CALLS_IN_FLIGHT = 16;

const realClock: Clock = { now: () => new Date(), sleep: (ms, signal) => sleep(ms, undefined, { signal }) };
const randomIds: IdGenerator = { referenceId: () => randomUUID() };

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<DollrSlackApp> {
  const logger = overrides.logger ?? createJsonLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const clock = overrides.clock ?? realClock;
  // First: a bad policy file stops the start before anything is opened.
  const policy = loadApprovalPolicy(config.approvalPolicyFile, config.approvers);
  const store =
    overrides.store ?? (await createStore(config.storeUrl, { logger: logger.child({ component: 'store' }) }));
  const checkpoint = overrides.checkpoint ?? crashAt(config.crashAt, logger);
  const gateway = createDollrClient({
    baseUrl: config.dollr.apiUrl,
    clientId: config.dollr.clientId,
    clientSecret: config.dollr.clientSecret,
    timeoutMs: config.dollr.timeoutMs,
    payoutPasscode: config.dollr.payoutPasscode,
    payoutMethod: config.dollr.payoutMethod,
    logger: logger.child({ component: 'dollr' }),
  });

  let stopping = false;
  const health = healthRoutes(store, () => stopping);
  // Slack calls are retried by our outbox, which keeps the order of a thread; web-api's own
  // retries are kept short so that one stuck call does not hold a thread for half an hour.
  const clientOptions: WebClientOptions = {
    slackApiUrl: config.slack.apiUrl,
    agent: slackAgent(config.slack.apiUrl),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    // A 429 comes back to us: the channel queue waits out Retry-After and sends again, in order.
    rejectRateLimitedCalls: true,
  };
  const slackLogger = toSlackLogger(logger);
  const receiver = config.slack.appToken
    ? // A copy: the Socket Mode client writes its own retry settings into the object it is given.
      new SocketModeReceiver({
        appToken: config.slack.appToken,
        logger: slackLogger,
        installerOptions: { clientOptions: { ...clientOptions } },
      })
    : new HTTPReceiver({
        signingSecret: config.slack.signingSecret!,
        endpoints: '/slack/events',
        logger: slackLogger,
        customRoutes: health,
      });
  const ackPriority = createAckPriority();
  if (receiver instanceof HTTPReceiver) receiver.requestListener = ackPriority.track(receiver.requestListener);
  // Initialisation (auth.test) waits for start(), so that a bad token stops the start with a clear error.
  const app = new App({
    token: config.slack.botToken,
    receiver,
    logger: slackLogger,
    clientOptions,
    deferInitialization: true,
  });

  const directory = createUserDirectory({ client: app.client, logger });
  const queues = createSlackQueues(config.slack);
  const notifier = createSlackNotifier(app.client, queues, () => currentFreeze(store), logger);
  const outbox = createOutbox({ store, notifier, clock, logger, retryDelayMs: overrides.slackRetryDelayMs });
  const scheduler = createPollScheduler({ maxConcurrent: DOLLR_CALLS_IN_FLIGHT });
  const executor = createExecutor({
    store,
    gateway,
    clock,
    ids: overrides.ids ?? randomIds,
    logger,
    announce: (id) => void outbox.flush(id),
    scheduler,
    pollIntervalMs: config.dollr.pollIntervalMs,
    retryBackoff: overrides.retryBackoff ?? { initialMs: config.dollr.retryInitialMs, maxMs: config.dollr.retryMaxMs },
    attentionAfterMs: config.needsAttentionAfterMs,
    checkpoint,
  });
  const watch = {
    store,
    clock,
    policy,
    directory,
    logger,
    expiresAfterMs: config.pendingExpiresAfterMs,
    remindAfterMs: config.remindAfterMs,
  };
  const worker = createRequestWorker({
    store,
    leases: store,
    outbox,
    executor,
    scheduler,
    clock,
    logger,
    owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    leaseTtlMs: config.leaseTtlMs,
    callTimeoutMs: config.dollr.timeoutMs,
    sweepIntervalMs: config.sweepIntervalMs,
    watchPending: (request) => watchPending(watch, request),
    watchDue: (request) => watchIsDue(watch, request, clock.now()),
  });
  const services: SlackServices = {
    store,
    gateway,
    clock,
    policy,
    directory,
    notifier,
    worker,
    logger,
    payoutsConfigured: config.dollr.payoutPasscode !== undefined,
    approvalChannel: config.approvalChannel,
    allowedChannels: config.allowedChannels,
    admins: config.admins,
    requestsPerMinute: config.requestsPerMinute,
    checkpoint,
    afterAck: ackPriority.afterAck,
  };
  registerListeners(app, services);
  app.error(async (error) => {
    logger.error('unhandled error in a Slack listener', { error });
  });

  return {
    services,
    async start() {
      try {
        await app.init();
      } catch (error) {
        const code =
          (error as { data?: { error?: string } }).data?.error ??
          (error instanceof Error ? error.message : String(error));
        throw new Error(
          `Slack did not accept SLACK_BOT_TOKEN (auth.test: ${code}). Check the token and SLACK_API_URL.`,
        );
      }
      const listen = { port: config.port, ...(overrides.host ? { host: overrides.host } : {}) };
      let healthServer: Server | undefined;
      let port: number | undefined;
      if (config.slack.appToken) {
        await app.start();
        ({ server: healthServer, port } = await startHealthServer(health, listen.port, listen.host));
      } else {
        const server = (await app.start(listen)) as Server;
        port = (server.address() as AddressInfo).port;
      }
      logger.info('dollr-slack started', { mode: config.slack.appToken ? 'socket' : 'http', port });
      // Resume whatever a previous run (or a dead replica) left: in-flight executions, untold events.
      worker.start();
      return {
        port,
        async stop() {
          stopping = true;
          logger.info('dollr-slack stopping');
          await app.stop(); // No new requests from Slack.
          // A Dollr call under way may take DOLLR_TIMEOUT_MS; give it that long to finish and be stored.
          await worker.stop(config.dollr.timeoutMs + 5000);
          healthServer?.close();
          await gateway.close();
          await store.close();
          logger.info('dollr-slack stopped');
        },
      };
    },
  };
}

/** With DOLLR_SLACK_CRASH_AT set (tests only), the process dies at that point, as a crash would. */
function crashAt(point: Checkpoint | undefined, logger: JsonLogger): (name: Checkpoint) => void {
  if (!point) return () => {};
  return (name) => {
    if (name !== point) return;
    logger.warn('crashing on purpose (DOLLR_SLACK_CRASH_AT)', { checkpoint: name });
    process.kill(process.pid, 'SIGKILL');
  };
}
