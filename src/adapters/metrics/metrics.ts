/**
 * What the app counts and times, in Prometheus' terms (prom-client). Every label takes its values
 * from a small fixed set (operations, states, endpoints with their IDs named, Slack method names,
 * error codes): never a secret, an ID of a request or a person, or anything a user typed.
 *
 * Each app has a registry of its own (tests run several apps in one process); the process's own
 * metrics (CPU, memory, event-loop lag, GC) are collected once per process and added at scrape.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Lane, Logger, RequestStore } from '../../core/ports.ts';
import { isFinal } from '../../core/request/request.ts';

/** Seconds: from a fast loopback call to a Dollr call at its deadline. */
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];
/** Seconds a message waits for its turn: none, Slack's pace, a long queue. */
const WAIT_BUCKETS = [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300];
/** Seconds a store operation takes: SQLite in-process to Redis across a network. */
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2];

let processRegistry: Registry | undefined;

/** The process's default metrics, registered once whatever the number of apps in it. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram({ name, help, labelNames, buckets, registers: [registry] });

  const transitions = counter(
    'dollr_slack_request_transitions_total',
    'Requests this process moved into a state, by operation and state (requested = awaiting_approval).',
    ['operation', 'state'],
  );
  const dollrCalls = histogram(
    'dollr_slack_dollr_call_duration_seconds',
    'Dollr API calls by endpoint and outcome (ok, or the error code), with their latency; _count counts them.',
    ['endpoint', 'outcome'],
    CALL_BUCKETS,
  );
  const dollrReachable = new Gauge({
    name: 'dollr_slack_dollr_reachable',
    help:
      "1 when Dollr's last answer came back (whatever it said), " +
      '0 when the last call got no answer (timeout, network).',
    registers: [registry],
  });
  const statusPolls = counter(
    'dollr_slack_status_polls_total',
    "Status queries to Dollr by operation and result (Dollr's status, unknown when Dollr has no record, error).",
    ['operation', 'result'],
  );
  const slackCalls = histogram(
    'dollr_slack_slack_call_duration_seconds',
    'Slack Web API calls by method and outcome (ok, rate_limited for a 429, or the error), with their latency.',
    ['method', 'outcome'],
    CALL_BUCKETS,
  );
  const laneWaits = histogram(
    'dollr_slack_slack_lane_wait_seconds',
    "Time a message waited for its turn at Slack's pace, by lane (channel, card_updates).",
    ['lane'],
    WAIT_BUCKETS,
  );
  const takeovers = counter(
    'dollr_slack_lease_takeovers_total',
    'Requests with money in flight that a sweep found with no live lease and took over (a crash, a dead replica).',
    [],
  );
  const storeOperations = histogram(
    'dollr_slack_store_operation_duration_seconds',
    'Store operations by name, with their latency.',
    ['operation'],
    STORE_BUCKETS,
  );
  const storeErrors = counter('dollr_slack_store_errors_total', 'Store operations that failed, by name.', [
    'operation',
  ]);

  return {
    /** Everything, in Prometheus' text format: this app's metrics and the process's. */
    async scrape(): Promise<{ contentType: string; body: string }> {
      const merged = Registry.merge([registry, processMetrics()]);
      return { contentType: registry.contentType, body: await merged.metrics() };
    },
    transition: (operation: string, state: string) => transitions.inc({ operation, state }),
    dollrCall(endpoint: string, outcome: string, seconds: number) {
      dollrCalls.observe({ endpoint, outcome }, seconds);
      dollrReachable.set(outcome === 'timeout' || outcome === 'network' ? 0 : 1);
    },
    statusPoll: (operation: string, result: string) => statusPolls.inc({ operation, result }),
    slackCall: (method: string, outcome: string, seconds: number) => slackCalls.observe({ method, outcome }, seconds),
    laneWait: (lane: Lane, seconds: number) =>
      laneWaits.observe({ lane: lane === 'card_updates' ? lane : 'channel' }, seconds),
    takeover: () => takeovers.inc(),
    storeOperation(operation: string, seconds: number, failed: boolean) {
      storeOperations.observe({ operation }, seconds);
      if (failed) storeErrors.inc({ operation });
    },
    /** Gauges read from the store at each scrape: what is open now, and what Slack has not been told. */
    watch(store: Pick<RequestStore, 'listWithWorkLeft'>, now: () => Date, logger: Logger): void {
      watchWorkLeft(registry, store, now, logger);
    },
  };
}

/**
 * Open requests, those needing attention, and the outbox's backlog, from the requests with work
 * left (one read per scrape). With several replicas on one store each reports the same figures:
 * aggregate them with max, not sum. A store that cannot answer leaves them out of that scrape.
 */
function watchWorkLeft(
  registry: Registry,
  store: Pick<RequestStore, 'listWithWorkLeft'>,
  now: () => Date,
  logger: Logger,
): void {
  // One read of the store serves the four gauges of a scrape.
  let reading: Promise<void> | undefined;
  const collect = async () => {
    reading ??= read().finally(() => {
      reading = undefined;
    });
    await reading;
  };
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry], collect });
  const open = gauge(
    'dollr_slack_requests',
    'Requests not yet in a final state, by operation and state (the same on every replica: use max).',
    ['operation', 'state'],
  );
  const attention = gauge(
    'dollr_slack_requests_needing_attention',
    'Requests in needs_attention: money may have moved and a person must look (use max).',
  );
  const backlog = gauge('dollr_slack_outbox_backlog_events', 'Stored events Slack has not been told about (use max).');
  const oldest = gauge(
    'dollr_slack_outbox_oldest_untold_seconds',
    'Age of the oldest event Slack has not been told about; 0 when none (use max).',
  );

  async function read(): Promise<void> {
    open.reset();
    try {
      const work = await store.listWithWorkLeft();
      let untold = 0;
      let oldestAt = Number.POSITIVE_INFINITY;
      for (const { request, delivery } of work) {
        if (!isFinal(request.state)) open.inc({ operation: request.details.kind, state: request.state });
        const waiting = request.events.length - delivery.told;
        if (waiting <= 0) continue;
        untold += waiting;
        oldestAt = Math.min(oldestAt, Date.parse(request.events[delivery.told]!.at));
      }
      attention.set(work.filter(({ request }) => request.state === 'needs_attention').length);
      backlog.set(untold);
      oldest.set(untold === 0 ? 0 : Math.max(0, (now().getTime() - oldestAt) / 1000));
    } catch (error) {
      // Unknown, not zero: an alert on the backlog must not clear because the store is down.
      logger.warn('metrics: the store did not answer; open requests and the backlog are unknown', { error });
      for (const unknown of [attention, backlog, oldest]) unknown.set(Number.NaN);
    }
  }
}
