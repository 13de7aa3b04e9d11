/**
 * The composition root: builds every collaborator from the configuration and wires them together,
 * in the order a request travels: the policy and the store, Dollr, the Slack app, the work on
 * requests (outbox, executor, worker), the use cases, the listeners. Tests call createApp with
 * overrides (a captured logger, a shared store, a crash hook); main.ts calls it with none.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import { createDollrClient, type DollrClient } from './adapters/dollr/dollr-client.ts';
import { healthRoutes, startHealthServer } from './adapters/http/health.ts';
import { metricsRoute } from './adapters/http/metrics-route.ts';
import { toSlackLogger } from './adapters/log/bolt-logger.ts';
import { createJsonLogger, type JsonLogger } from './adapters/log/json-logger.ts';
import { instrumentGateway, instrumentStore } from './adapters/metrics/instrument.ts';
import { createMetrics, type Metrics } from './adapters/metrics/metrics.ts';
import { loadApprovalPolicy } from './adapters/policy/load-policy.ts';
import { createAckPriority } from './adapters/slack/after-ack.ts';
import { createSharedFiles } from './adapters/slack/shared-files.ts';
import { createCardDestinations } from './adapters/slack/card-destination.ts';
import { createHomeTabs } from './adapters/slack/home/home-tabs.ts';
import { registerListeners } from './adapters/slack/register-listeners.ts';
import { type SlackConnections, slackConnections } from './adapters/slack/slack-agent.ts';
import { observedFetch } from './adapters/slack/slack-calls.ts';
import { createMessageSender } from './adapters/slack/message-sender.ts';
import { createSlackPacing } from './adapters/slack/slack-pacing.ts';
import { createUserDirectory } from './adapters/slack/user-directory.ts';
import { createStore, type Store } from './adapters/store/create-store.ts';
import { raceDeadline } from './adapters/deadline.ts';
import { MAX_BODY_BYTES, SLOW_SENDER_LIMITS } from './adapters/http/request-limits.ts';
import { parseStoreUrl } from './adapters/store/store-url.ts';
import { systemClock } from './adapters/system-clock.ts';
import { secretsOf, type Config } from './config.ts';
import { checkDollrCredentials, checkSlackStep } from './startup-checks.ts';
import type { ApprovalPolicy } from './core/approval/approval-policy.ts';
import { currentFreeze } from './core/approval/freeze.ts';
import { recordPayeeChanges } from './core/approval/payee-changes.ts';
import { watchIsDue, watchPending } from './core/approval/watch-pending.ts';
import { createCardUpdates, type CardUpdates } from './core/delivery/card-updates.ts';
import { createOutbox } from './core/delivery/outbox.ts';
import { createExecutor } from './core/execution/executor.ts';
import { batchIdOf, runBatch } from './core/execution/run-batch.ts';
import { createPollScheduler } from './core/execution/poll-scheduler.ts';
import type { Backoff } from './core/execution/retry-policy.ts';
import { createOperations } from './core/operations.ts';
import type {
  Checkpoint,
  Clock,
  Directory,
  IdGenerator,
  Logger,
  Pacing,
  PaymentsGateway,
  Sender,
} from './core/ports.ts';
import { createRequestWorker, type RequestWorker } from './core/request-worker.ts';

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
  /** How long Slack has to answer each step of the start (auth.test, Socket Mode's connection); tests shorten it. */
  slackStartDeadlineMs?: number;
}

export interface RunningApp {
  /** The HTTP port (useful with PORT=0): Bolt's in HTTP mode, the health server's in Socket Mode. */
  port?: number;
  /** Where GET /metrics answers: METRICS_PORT's port when set, else `port`. */
  metricsPort?: number;
  /** Resolves once every Slack request taken so far has been handled, after its ack too. */
  handled(): Promise<void>;
  /**
   * Stops taking requests, finishes handling those taken (a click acked just before a deploy is
   * recorded), lets calls under way finish and be stored (bounded), releases leases.
   */
  stop(): Promise<void>;
}

export interface DollrSlackApp {
  start(): Promise<RunningApp>;
  logger: Logger;
  /** The Dollr client, for the benchmark's timing of its calls. */
  gateway: DollrClient;
}

/** Where the Web API is when SLACK_API_URL is not set. */
const SLACK_API_URL = 'https://slack.com/api/';

/** How long Slack has to answer each step of a start before the start stops saying so. */
const SLACK_START_DEADLINE_MS = 10_000;

/** Status polls in flight at once, for every followed request together (the Dollr Agent keeps 16 connections). */
const DOLLR_CALLS_IN_FLIGHT = 16;

/**
 * How long a stop waits for the work under way: a Dollr call may take DOLLR_TIMEOUT_MS, plus time to store
 * its answer. A supervisor's grace period must be longer (compose.yaml's stop_grace_period is checked against it).
 */
export const stopBudgetMs = (config: Config): number => config.dollr.timeoutMs + 5000;

const randomIds: IdGenerator = { referenceId: () => randomUUID() };

/** Transfers need both halves: a source wallet and named counterparties. Half a setup is said at start. */
function transferSetup(walletId: number | undefined, counterparties: number, logger: Logger): boolean {
  if (walletId !== undefined && counterparties === 0) {
    logger.warn('DOLLR_TRANSFER_WALLET_ID is set but the policy names no counterparties: transfers are refused');
  }
  if (walletId === undefined && counterparties > 0) {
    logger.warn('the policy names counterparties but DOLLR_TRANSFER_WALLET_ID is not set: transfers are refused');
  }
  return walletId !== undefined && counterparties > 0;
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<DollrSlackApp> {
  const logger = overrides.logger ?? createJsonLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const clock = overrides.clock ?? systemClock;
  // First: a bad policy file stops the start before anything is opened.
  const policy = loadApprovalPolicy(config.approvalPolicyFile, config.approvers);
  const transfersConfigured = transferSetup(config.dollr.transferWalletId, policy.counterparties.length, logger);
  const metrics = createMetrics();
  const store = instrumentStore(
    overrides.store ?? (await createStore(config.storeUrl, { logger: logger.child({ component: 'store' }) })),
    metrics,
  );
  metrics.watch(store, () => clock.now(), logger);
  if (parseStoreUrl(config.storeUrl).kind === 'memory') {
    logger.warn('STORE_URL is memory://: nothing the app holds (requests, references) survives a restart');
  }
  const checkpoint = overrides.checkpoint ?? crashAt(config.crashAt, logger);
  const gateway = createDollrClient({
    baseUrl: config.dollr.apiUrl,
    clientId: config.dollr.clientId,
    clientSecret: config.dollr.clientSecret,
    timeoutMs: config.dollr.timeoutMs,
    payoutPasscode: config.dollr.payoutPasscode,
    payoutMethod: config.dollr.payoutMethod,
    transferWalletId: config.dollr.transferWalletId,
    logger: logger.child({ component: 'dollr' }),
    onCall: ({ endpoint, outcome, seconds }) => metrics.dollrCall(endpoint, outcome, seconds),
    onToken: (token) => logger.redactor.add(token),
    redact: (text) => logger.redactor.text(text),
  });
  // What the core calls Dollr through: its status answers counted.
  const dollr = instrumentGateway(gateway, metrics);
  let stopping = false;
  const health = healthRoutes(store, () => stopping, logger);
  // /metrics beside the health routes, unless it has a port of its own.
  const metricsRoutes = [metricsRoute(metrics)];
  if (config.metricsPort === undefined) health.push(...metricsRoutes);
  // Every Web API call goes through one keep-alive dispatcher, timed for /metrics.
  const connections = slackConnections();
  const slack = slackApp(config, health, logger, connections, metrics);
  const directory = createUserDirectory({ client: slack.app.client, logger });
  const pacing = createSlackPacing({
    ...config.slack,
    clock,
    onWait: (lane, ms) => metrics.laneWait(lane, ms / 1000),
  });
  const sender = createMessageSender(slack.app.client, () => currentFreeze(store), logger);
  // The Home tabs follow the cards: whatever changes a card changes the tabs that show its request.
  const home = createHomeTabs({ client: slack.app.client, operations: () => operations, logger });
  const cardUpdates = createCardUpdates({ store, pacing, sender });
  const cards: CardUpdates = {
    refresh(requestId) {
      home.changed();
      return cardUpdates.refresh(requestId);
    },
  };
  const worker = requestWorker({
    config,
    overrides,
    store,
    gateway: dollr,
    metrics,
    clock,
    logger,
    pacing,
    sender,
    cards,
    policy,
    directory,
    checkpoint,
  });
  const operations = createOperations({
    store,
    gateway: dollr,
    clock,
    policy,
    directory,
    cards,
    worker,
    logger,
    payoutsConfigured: config.dollr.payoutPasscode !== undefined,
    transfersConfigured,
    admins: config.admins,
    requestsPerMinute: config.requestsPerMinute,
    checkpoint,
  });
  registerListeners(slack.app, {
    operations,
    logger,
    approvalChannel: config.approvalChannel,
    destinations: createCardDestinations(slack.app.client, logger),
    sharedFiles: createSharedFiles({
      client: slack.app.client,
      botToken: config.slack.botToken,
      apiUrl: config.slack.apiUrl,
    }),
    home,
    allowedChannels: config.allowedChannels,
    afterAck: slack.afterAck,
  });

  return {
    logger,
    gateway,
    async start() {
      const slackStep = {
        apiUrl: config.slack.apiUrl,
        deadlineMs: overrides.slackStartDeadlineMs ?? SLACK_START_DEADLINE_MS,
      };
      let listening: Awaited<ReturnType<typeof listen>>;
      try {
        // Initialisation is Bolt's auth.test with the bot token.
        await checkSlackStep({ ...slackStep, call: 'auth.test', token: 'SLACK_BOT_TOKEN' }, () => slack.app.init());
        await checkDollrCredentials(gateway, logger);
        listening = await listen(slack.app, config, health, overrides.host, slackStep);
      } catch (error) {
        // A call Slack never answered is dropped with its connection.
        await connections.close();
        throw error;
      }
      const { port, healthServer } = listening;
      const metricsServer =
        config.metricsPort === undefined
          ? undefined
          : await startHealthServer(metricsRoutes, config.metricsPort, overrides.host);
      const metricsPort = metricsServer?.port ?? port;
      logger.info('dollr-slack started', { mode: config.slack.appToken ? 'socket' : 'http', port, metricsPort });
      // Open payouts whose account the payee list now says something else of: their trails say so.
      await recordPayeeChanges({ store, policy, clock, logger }).catch((error: unknown) =>
        logger.warn('payee list changes not recorded', { error }),
      );
      // Resume whatever a previous run (or a dead replica) left: in-flight executions, untold events.
      worker.start();
      return {
        port,
        metricsPort,
        handled: slack.handled,
        async stop() {
          stopping = true;
          logger.info('dollr-slack stopping');
          await slack.app.stop(); // No new requests from Slack.
          const budgetMs = stopBudgetMs(config);
          await raceDeadline(slack.handled(), budgetMs, () => new Error('still handling')).catch(() =>
            logger.warn('stopping while Slack requests are still being handled', { budgetMs }),
          );
          await worker.stop(budgetMs);
          home.stop();
          await connections.close();
          healthServer?.close();
          metricsServer?.server.close();
          await gateway.close();
          await store.close();
          logger.info('dollr-slack stopped');
        },
      };
    },
  };
}

/**
 * The Bolt app over HTTP (with the health routes beside /slack/events) or Socket Mode, and the ack
 * priority its listeners wait on after each ack.
 */
function slackApp(
  config: Config,
  health: ReturnType<typeof healthRoutes>,
  logger: JsonLogger,
  connections: SlackConnections,
  metrics: Metrics,
) {
  const apiUrl = config.slack.apiUrl ?? SLACK_API_URL;
  // Slack calls are retried by our outbox, which keeps the order of a thread; web-api's own
  // retries are kept short so that one stuck call does not hold a thread for half an hour.
  const clientOptions: WebClientOptions = {
    slackApiUrl: apiUrl,
    fetch: observedFetch(connections.fetch, apiUrl, ({ method, outcome, seconds }) =>
      metrics.slackCall(method, outcome, seconds),
    ),
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
        // Read before the signature is checked: refused with 413 past this, before it is held whole.
        bodyLimit: MAX_BODY_BYTES,
      });
  const ackPriority = createAckPriority();
  // Acks first: Bolt's receiver gives no hook on when an HTTP answer has been sent, so its request
  // listener is wrapped to count the answers still owed; work after an ack waits for them (after-ack.ts).
  if (receiver instanceof HTTPReceiver) receiver.requestListener = ackPriority.track(receiver.requestListener);
  // Initialisation (auth.test) waits for start(), so that a bad token stops the start with a clear error.
  const app = new App({
    token: config.slack.botToken,
    receiver,
    logger: slackLogger,
    clientOptions,
    deferInitialization: true,
    // The app keeps no conversation state in Bolt: without a store, no request waits on a lookup for it.
    convoStore: false,
  });
  app.error(async (error) => {
    logger.error('unhandled error in a Slack listener', { error });
  });
  // Every request's handling, and the work its listener set off after the ack, so a stop can wait for them.
  const handling = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    handling.add(work);
    const done = () => handling.delete(work);
    work.then(done, done); // Not finally(): that would be a second, unhandled rejection.
    return work;
  };
  app.use(({ next }) => track(next()));
  const afterAck = (work: () => Promise<void>): void =>
    void track(
      ackPriority
        .afterAck()
        .then(work)
        .catch((error: unknown) => logger.error('unhandled error in a Slack listener', { error })),
    );
  const handled = async (): Promise<void> => {
    while (handling.size > 0) await Promise.allSettled([...handling]);
  };
  return { app, afterAck, handled };
}

/** Telling Slack what happened, and driving the money: the outbox, the executor and the worker that runs both. */
function requestWorker(parts: {
  config: Config;
  overrides: AppOverrides;
  store: Store;
  gateway: PaymentsGateway;
  metrics: Metrics;
  clock: Clock;
  logger: Logger;
  pacing: Pacing;
  sender: Sender;
  cards: CardUpdates;
  policy: ApprovalPolicy;
  directory: Directory;
  checkpoint: (name: Checkpoint) => void;
}): RequestWorker {
  const { config, overrides, store, gateway, clock, logger, policy, directory, checkpoint } = parts;
  const { pacing, sender, cards, metrics } = parts;
  const retryDelayMs = overrides.slackRetryDelayMs;
  const outbox = createOutbox({ store, pacing, sender, cards, clock, logger, retryDelayMs });
  const scheduler = createPollScheduler({ maxConcurrent: DOLLR_CALLS_IN_FLIGHT, clock });
  // A line of a batch changed: its batch counts again (and tells), after Slack is told of the line.
  const announce = (id: string) => {
    void outbox.flush(id);
    const batchId = batchIdOf(id);
    if (batchId) void worker.kick(batchId);
  };
  const executor = createExecutor({
    store,
    gateway,
    clock,
    ids: overrides.ids ?? randomIds,
    logger,
    announce,
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
  const batches = {
    store,
    clock,
    kick: (id: string) => void worker.kick(id),
    announce: (id: string) => void outbox.flush(id),
    refreshCard: (id: string) => void cards.refresh(id).catch(() => {}),
  };
  const worker: RequestWorker = createRequestWorker({
    store,
    leases: store,
    outbox,
    executor,
    runBatch: (id, fence) => runBatch(batches, id, fence),
    scheduler,
    clock,
    logger,
    owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    leaseTtlMs: config.leaseTtlMs,
    callTimeoutMs: config.dollr.timeoutMs,
    sweepIntervalMs: config.sweepIntervalMs,
    watchPending: (request) => watchPending(watch, request),
    watchDue: (request) => watchIsDue(watch, request, clock.now()),
    onTakeover: () => metrics.takeover(),
  });
  return worker;
}

/**
 * Starts taking Slack's requests; in Socket Mode the health routes get an HTTP server of their own,
 * and the first connection (apps.connections.open with the app token, then the WebSocket) has the
 * start's deadline.
 */
async function listen(
  app: App,
  config: Config,
  health: ReturnType<typeof healthRoutes>,
  host: string | undefined,
  slackStep: { apiUrl: string | undefined; deadlineMs: number },
): Promise<{ port: number | undefined; healthServer?: Server }> {
  if (config.slack.appToken) {
    const step = {
      ...slackStep,
      call: 'apps.connections.open',
      token: 'SLACK_APP_TOKEN' as const,
      // Stops the Socket Mode client's reconnection attempts.
      abandon: () => void app.stop().catch(() => {}),
    };
    await checkSlackStep(step, () => app.start());
    const { server, port } = await startHealthServer(health, config.port, host);
    return { port, healthServer: server };
  }
  const server = (await app.start({ port: config.port, ...(host ? { host } : {}) }, SLOW_SENDER_LIMITS)) as Server;
  return { port: (server.address() as AddressInfo).port };
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
