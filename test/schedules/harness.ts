/**
 * Plays one fault schedule against the real app, in-process (so that hundreds fit in a test run):
 * the real Bolt app over HTTP, the real Dollr client, Slack sender and pacing, outbox, executor and worker, on a
 * shared memory store, against a fake Slack and a fake Dollr of the schedule's own.
 *
 * What a schedule can do to the app, besides Dollr's faults:
 * - kill it at a checkpoint: the process freezes where it stands (no store call it makes is ever
 *   answered again, none made before is delivered), then a new process starts on the same store;
 * - run a second replica beside it;
 * - expire every lease under its holder (the store's clock jumps), a thief holding each for a while;
 * - make the store unreachable for a while (every call rejects, as in an outage).
 * Then it waits for every approved request to end and checks the invariants (invariants.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type RunningApp } from '../../src/app.ts';
import { createJsonLogger } from '../../src/adapters/log/json-logger.ts';
import { createStore, type Store } from '../../src/adapters/store/create-store.ts';
import { StoreError } from '../../src/adapters/store/store-error.ts';
import { loadConfig, secretsOf } from '../../src/config.ts';
import type { Checkpoint } from '../../src/core/ports.ts';
import { isFinal } from '../../src/core/request/request.ts';
import { startFakeDollr, type FakeDollr } from '../../src/fakes/fake-dollr.ts';
import { startFakeSlack, type FakeSlack } from '../../src/fakes/fake-slack.ts';
import { personAt } from '../support/people.ts';
import { APPROVER, DOLLR_CLIENT_SECRET, REQUESTER, testEnv, type Card } from '../support/system.ts';
import { checkInvariants, type TrackedRequest } from './invariants.ts';
import { faultCount, DAILY_LIMIT_CENTS, type RequestPlan, type SchedulePlan } from './plan.ts';

export interface ScheduleOutcome {
  index: number;
  plan: SchedulePlan;
  faults: number;
  /** Executions the fake Dollr holds at the end. */
  executions: number;
  violations: string[];
  /** What happened, in order, for a failure's report. */
  steps: string[];
  logTail: string[];
}

/** Short everything: the schedules are about order, not about time. LEASE_TTL_MS stays >= 2x the Dollr timeout. */
const SETTINGS = {
  DOLLR_POLL_INTERVAL_MS: '20',
  DOLLR_TIMEOUT_MS: '150',
  DOLLR_RETRY_INITIAL_MS: '10',
  DOLLR_RETRY_MAX_MS: '60',
  LEASE_TTL_MS: '400',
  SWEEP_INTERVAL_MS: '100',
  LOG_LEVEL: 'info',
  REQUESTS_PER_MINUTE: '1000',
  SLACK_POSTS_PER_SECOND: '1000',
  SLACK_UPDATES_PER_MINUTE: '60000',
  SLACK_POST_BURST: '1000',
  DOLLR_TRANSFER_WALLET_ID: '501',
} as const;
const LEASE_TTL_MS = Number(SETTINGS.LEASE_TTL_MS);
const SETTLE_WITHIN_MS = 15_000;
/** A batch's lines go ten at a time, each through faults: each line adds this much to the wait. */
const SETTLE_PER_LINE_MS = 400;

let policyFile: string | undefined;
/**
 * The schedules' policy: USD payouts and USD transfers have a daily limit that the drawn amounts often
 * reach; transfers go to the fake's counterparties 21-23 (from its USD wallet, 501).
 */
function policy(): string {
  if (!policyFile) {
    policyFile = join(mkdtempSync(join(tmpdir(), 'dollr-schedules-')), 'policy.yml');
    writeFileSync(
      policyFile,
      'counterparties:\n' +
        [21, 22, 23].map((id) => `  - {name: Counterparty ${id}, counterparty_id: ${id}, currency: USD}\n`).join('') +
        'rules:\n' +
        ['payout', 'transfer']
          .map((operation) => `  - {operation: ${operation}, currency: USD, daily_limit: ${DAILY_LIMIT_CENTS / 100}}\n`)
          .join(''),
    );
  }
  return policyFile;
}

interface World {
  /** Until when (ms) the store is unreachable. */
  outageUntil: number;
  /** How far the store's clock is ahead of the real one (lease expiry). */
  skewMs: number;
}

/** One process's view of the shared store: it freezes when the process is killed. */
function processStore(shared: Store, world: World) {
  let frozen = false;
  const hung: Array<(error: Error) => void> = [];
  const never = () => new Promise<never>((_, reject) => hung.push(reject));
  const store = new Proxy(shared, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (name === 'close') return async () => {};
      return (...args: unknown[]) => {
        if (frozen) return never();
        if (Date.now() < world.outageUntil)
          return Promise.reject(new StoreError('store_unavailable', 'The store did not answer (a scheduled outage).'));
        // A dead process receives no answer, not even to what it asked just before dying.
        return Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args)).then((result) =>
          frozen ? never() : result,
        );
      };
    },
  });
  return {
    store,
    freeze: () => {
      frozen = true;
    },
    /** Teardown only: what the dead process waits for fails, so its chains unwind. */
    release: () => {
      for (const reject of hung.splice(0)) reject(new StoreError('store_unavailable', 'The process is gone.'));
    },
  };
}

interface Instance {
  name: string;
  running: RunningApp;
  url: string;
  dead: boolean;
  /** Resolves when the schedule kills the process. */
  died: Promise<void>;
  release(): void;
}

export async function runSchedule(plan: SchedulePlan, index: number): Promise<ScheduleOutcome> {
  const steps: string[] = [];
  const logLines: string[] = [];
  const started = Date.now();
  const step = (what: string) => steps.push(`+${Date.now() - started}ms ${what}`);
  const world: World = { outageUntil: 0, skewMs: 0 };
  const shared = await createStore('memory://', { now: () => Date.now() + world.skewMs });
  const slack: FakeSlack = await startFakeSlack();
  const dollr: FakeDollr = await startFakeDollr({
    passcode: { code: '123456', phone: '231771234567' },
    clientSecret: DOLLR_CLIENT_SECRET,
  });
  const config = loadConfig(testEnv(slack, dollr, { ...SETTINGS, APPROVAL_POLICY: policy() }));
  const logger = createJsonLogger({ level: 'info', secrets: secretsOf(config), write: (line) => logLines.push(line) });
  const instances: Instance[] = [];
  const timers: NodeJS.Timeout[] = [];
  const later = (ms: number, work: () => void) => timers.push(setTimeout(work, ms));
  let restarting: Promise<void> | undefined;

  async function launch(name: string, crashAt?: Checkpoint): Promise<Instance> {
    const view = processStore(shared, world);
    let instance: Instance | undefined;
    let killed = () => {};
    const died = new Promise<void>((resolve) => {
      killed = resolve;
    });
    const checkpoint = (reached: Checkpoint) => {
      if (reached !== crashAt || !instance || instance.dead) return;
      instance.dead = true;
      killed();
      view.freeze();
      step(`${name} killed at ${reached}`);
      restarting = new Promise<void>((resolve) =>
        later(
          plan.restartAfterMs,
          () =>
            void launch(`${name}'`).then(
              () => resolve(),
              () => resolve(),
            ),
        ),
      );
    };
    const app = await createApp(config, {
      store: view.store,
      logger: logger.child({ process: name }),
      host: '127.0.0.1',
      retryBackoff: { initialMs: 10, maxMs: 60 },
      slackRetryDelayMs: 20,
      checkpoint,
    });
    const running = await app.start();
    instance = { name, running, url: `http://127.0.0.1:${running.port}`, dead: false, died, release: view.release };
    instances.push(instance);
    step(`${name} started`);
    return instance;
  }

  const live = () => instances.filter((i) => !i.dead);
  /** Clicks and commands go to a live process, either one when two run. */
  const appUrl = () => {
    const choices = live();
    return choices[Math.floor(Math.random() * choices.length)]?.url ?? instances.at(-1)!.url;
  };

  const tracked: TrackedRequest[] = [];

  /** A batch of refunds, line i to payment 6000 + i: the batch is tracked, and each line as a refund of its own. */
  async function requestBatch(request: RequestPlan, token: string): Promise<TrackedRequest[]> {
    const lines = Array.from({ length: request.lines ?? 0 }, (_, i) => ({
      target: 6000 + i,
      amount: ((100 + i) / 100).toFixed(2),
    }));
    for (const { target } of lines) dollr.seedCollection({ id: target, amount: 1000, currency: 'USD' });
    const text = lines.map(({ target, amount }) => `${target}, ${amount}`).join('\n');
    const card = await personAt({ slack, appUrl }, REQUESTER).request(`refund batch ${token}`, token, {
      fields: { batchLines: text },
    });
    step(`${card.requestId}: a batch of ${lines.length} refunds`);
    return [
      { ...request, amount: '', target: 0, card },
      ...lines.map(({ target, amount }, i) => ({
        kind: 'refund' as const,
        via: 'command' as const,
        approveOn: request.approveOn,
        amountCents: Math.round(Number(amount) * 100),
        amount,
        target,
        card: { ...card, requestId: `${card.requestId}-${i + 1}` },
        lineOf: card.requestId,
      })),
    ];
  }

  try {
    await launch('A', plan.crashAt);
    if (plan.secondReplica) await launch('B');
    for (const [i, request] of plan.requests.entries()) {
      const token = `sched-${index}-${i}`;
      const requester = personAt({ slack, appUrl }, REQUESTER);
      if (request.kind === 'refund_batch') {
        tracked.push(...(await requestBatch(request, token)));
        continue;
      }
      const amount = (request.amountCents / 100).toFixed(2);
      const target = request.kind === 'refund' ? 5000 + i : request.kind === 'payout' ? 7 + i : 21 + i;
      if (request.kind === 'refund') dollr.seedCollection({ id: target, amount: 1000, currency: 'USD' });
      const card: Card =
        request.via === 'message_shortcut'
          ? await requester.requestFromMessage(`Customer charged twice: payment ${target}, $${amount}`, token)
          : await requester.request(
              request.kind === 'payout'
                ? `payout ${target} ${amount} USD ${token}`
                : `${request.kind} ${target} ${amount} ${token}`,
              token,
            );
      tracked.push({ ...request, amount, target, card });
      step(
        `${card.requestId}: ${request.kind} ${amount} to ${target}${request.via === 'command' ? '' : ' (shortcut)'}`,
      );
    }

    dollr.configure({ strict: plan.strict });
    for (const { route, fault, times } of plan.faults) dollr.inject({ route, fault, times });
    if (plan.firstExecutionFails) dollr.failNextWith({ gatewayMessage: 'Declined by the provider' });
    step(
      `dollr: ${JSON.stringify({
        strict: plan.strict,
        faults: plan.faults,
        firstExecutionFails: plan.firstExecutionFails,
      })}`,
    );

    if (plan.leasesExpireAfterMs !== undefined) {
      later(plan.leasesExpireAfterMs, () => {
        world.skewMs += LEASE_TTL_MS + 1;
        step('every lease expired under its holder');
        for (const { card } of tracked) {
          void shared.acquireLease(`request:${card.requestId}`, 'thief', 60_000).then((epoch) => {
            if (epoch === undefined) return;
            step(`thief took ${card.requestId} (epoch ${epoch})`);
            later(150, () => void shared.releaseLease(`request:${card.requestId}`, 'thief'));
          });
        }
      });
    }
    if (plan.storeOutage) {
      const { afterMs, forMs } = plan.storeOutage;
      later(afterMs, () => {
        world.outageUntil = Date.now() + forMs;
        step(`store unreachable for ${forMs} ms`);
      });
    }

    await Promise.all(
      tracked
        .filter((request) => !request.lineOf)
        .map(async ({ card, approveOn }) => {
          const approver = personAt({ slack, appUrl }, APPROVER);
          const click = await (approveOn === 'home'
            ? approver.pressOnHome(card, 'approve')
            : approver.press(card, 'approve')
          ).catch((error: unknown) => error);
          const status = (click as { status?: number }).status ?? String(click);
          step(`${card.requestId}: approve${approveOn === 'home' ? ' (Home tab)' : ''} -> ${status}`);
        }),
    );
    // A click is answered before it is recorded: wait until the processes have handled them all (or died).
    await Promise.all(instances.map((instance) => Promise.race([instance.running.handled(), instance.died])));

    const settleMs = SETTLE_WITHIN_MS + tracked.filter((r) => r.lineOf).length * SETTLE_PER_LINE_MS;
    const settled = await waitForSettled(shared, tracked, world, settleMs);
    step(settled ? 'every approved request ended' : `not every approved request ended within ${settleMs} ms`);
    for (const batch of tracked.filter((r) => r.kind === 'refund_batch')) {
      const lines = await Promise.all(
        tracked.filter((r) => r.lineOf === batch.card.requestId).map((r) => shared.get(r.card.requestId)),
      );
      const failures = new Set(lines.map((line) => line?.failure).filter(Boolean));
      const states = lines.map((line) => line?.state ?? 'missing');
      const counts = [...new Set(states)].map((state) => `${state} ${states.filter((s) => s === state).length}`);
      step(`${batch.card.requestId}: lines ${counts.join(', ')}; failures: ${[...failures].join(' | ')}`);
    }
    await restarting;
  } catch (error) {
    step(`the schedule could not be played: ${error instanceof Error ? error.message : String(error)}`);
    return finish([`the schedule could not be played: ${error instanceof Error ? error.message : String(error)}`]);
  } finally {
    for (const timer of timers) clearTimeout(timer);
    world.outageUntil = 0;
    await Promise.all(
      instances.map(async (instance) => {
        if (instance.dead) instance.release();
        await instance.running.stop().catch(() => {});
      }),
    );
  }
  return finish(
    await checkInvariants({
      store: shared,
      slack,
      dollr,
      requests: tracked,
      dailyLimitCents: DAILY_LIMIT_CENTS,
    }),
  );

  async function finish(violations: string[]): Promise<ScheduleOutcome> {
    const involved = new Set(violations.map((v) => v.split(':')[0] ?? v));
    const outcome = {
      index,
      plan,
      faults: faultCount(plan),
      executions: dollr.executions().length,
      violations,
      steps,
      // Every line about a request that broke an invariant, and the last ones.
      logTail: [...logLines.filter((l) => [...involved].some((id) => l.includes(id))), ...logLines.slice(-30)],
    };
    await Promise.allSettled([slack.close(), dollr.close(), shared.close()]);
    return outcome;
  }
}

/** True once every approved request is final (or, at the deadline, needs attention), everything told to Slack. */
async function waitForSettled(
  store: Store,
  requests: TrackedRequest[],
  world: World,
  withinMs: number,
): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (Date.now() >= world.outageUntil) {
      const done = async ({ card, lineOf }: TrackedRequest) => {
        const r = await store.get(card.requestId);
        // A batch's line is made only once its batch is approved.
        if (!r && lineOf) return (await store.get(lineOf))?.state === 'awaiting_approval';
        return (
          !!r &&
          (r.state === 'awaiting_approval' || isFinal(r.state)) &&
          (await store.getDelivery(card.requestId)).told === r.events.length
        );
      };
      if ((await Promise.all(requests.map(done))).every(Boolean)) return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
