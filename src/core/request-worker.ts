/**
 * Who works on a request, and when. One run per request at a time across every replica: a run
 * holds the request's lease (renewed while it works, released at the end), tells Slack what is
 * untold, and drives the execution when money may be moving. Once Dollr has the execution, the
 * request is followed (polled on the shared timer) under the same lease until it is final. A
 * periodic sweep picks up whatever has work left and no live lease: requests of a crashed replica,
 * or ones a store outage stopped.
 *
 * The lease's epoch fences every write of the execution's steps, and it is renewed right before
 * each execute: a process that stalled past its lease can neither write nor send (see
 * execution/executor.ts). A kick is never lost: one that comes while a run is ending starts the next.
 */
import type { Executor, HeldLease } from './execution/executor.ts';
import { createFollowedRequests } from './execution/followed-requests.ts';
import type { Outbox } from './delivery/outbox.ts';
import type { PollScheduler } from './execution/poll-scheduler.ts';
import type { Clock, Fence, Leases, Logger, RequestStore, WorkLeft } from './ports.ts';
import { IN_FLIGHT_STATES, type MoneyRequest } from './request/request.ts';
import { FencedWriteError } from './store-refusals.ts';

export interface RequestWorkerOptions {
  store: RequestStore;
  leases: Leases;
  outbox: Outbox;
  executor: Executor;
  /** The shared timer that followed requests are polled on. */
  scheduler: PollScheduler;
  clock: Clock;
  logger: Logger;
  /** This process's name in leases. */
  owner: string;
  /** How long a lease outlives a silent holder; renewed every third of it. */
  leaseTtlMs: number;
  /** The longest a Dollr call may take: an execute starts only while the lease will outlast it. */
  callTimeoutMs: number;
  /** How often to look for work nobody holds. */
  sweepIntervalMs: number;
  /** Runs an approved batch of refunds: makes its lines and counts where they stand (execution/run-batch.ts). */
  runBatch(requestId: string, fence: Fence): Promise<void>;
  /** Looks after a request awaiting approval (reminders, expiry). */
  watchPending: (request: MoneyRequest) => Promise<void>;
  /** Whether watchPending has something to do for this request now. */
  watchDue: (request: MoneyRequest) => boolean;
  /** Told when a sweep takes over a request with money in flight that nobody held (a crash, a dead replica). */
  onTakeover?: () => void;
}

export interface RequestWorker {
  /** Works on the request now, unless this process or another replica already is. */
  kick(requestId: string): Promise<void>;
  /** Kicks every request with work left. */
  sweep(): Promise<void>;
  /** Sweeps now and then every sweepIntervalMs. */
  start(): void;
  /** Stops sweeping, ends the runs at their next wait (a call under way finishes and is stored), releases leases. */
  stop(timeoutMs: number): Promise<void>;
}

export function createRequestWorker(options: RequestWorkerOptions): RequestWorker {
  const { store, leases, outbox, executor, clock, logger, owner, leaseTtlMs, callTimeoutMs } = options;
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const again = new Set<string>();
  /** Requests whose lease this process holds: those running and those followed. */
  const held = new Set<string>();
  let stopped = false;
  let stopSweeping: (() => void) | undefined;
  const leaseName = (id: string) => `request:${id}`;

  async function letGo(id: string): Promise<void> {
    held.delete(id);
    await leases.releaseLease(leaseName(id), owner).catch(() => {});
  }

  const followed = createFollowedRequests({
    scheduler: options.scheduler,
    poll: executor.poll,
    ended: (id, error) => {
      if (error instanceof FencedWriteError)
        logger.info('lease lost while following; the new holder follows the request', { requestId: id });
      else if (error) logger.error('following a request stopped; the next sweep resumes it', { requestId: id, error });
      again.delete(id);
      void outbox.flush(id).finally(() => letGo(id));
    },
  });

  function leaseLost(id: string, why: Error): void {
    running.get(id)?.controller.abort(why);
    if (followed.drop(id)) {
      logger.info('stopped following a request', { requestId: id, why: String(why) });
      void letGo(id);
    }
  }

  // One renewal loop for every lease held, not a timer per request.
  const stopRenewing = clock.every(Math.max(10, Math.floor(leaseTtlMs / 3)), () => {
    for (const id of held) {
      leases.renewLease(leaseName(id), owner, leaseTtlMs).then(
        (kept) => kept || leaseLost(id, new Error('lease lost')),
        () => leaseLost(id, new Error('lease not renewed')),
      );
    }
  });

  function heldLease(id: string, epoch: number): HeldLease {
    const lease = leaseName(id);
    return {
      fence: { lease, epoch },
      async confirm() {
        const renewedAt = clock.now().getTime();
        if (!(await leases.renewLease(lease, owner, leaseTtlMs))) throw new FencedWriteError(lease);
        return renewedAt + leaseTtlMs - callTimeoutMs;
      },
    };
  }

  async function work(id: string, controller: AbortController, bySweep: boolean): Promise<void> {
    const epoch = await leases.acquireLease(leaseName(id), owner, leaseTtlMs);
    if (epoch === undefined) return; // Another replica has it.
    held.add(id);
    let firstLook = bySweep;
    let handedOver = false;
    try {
      do {
        again.delete(id);
        // Slack is told what is untold whatever the state, starting now: the first reply of an
        // approval does not wait for the read below.
        const told = outbox.flush(id);
        const current = await store.get(id);
        const inFlight = current !== undefined && IN_FLIGHT_STATES.includes(current.state);
        if (inFlight && current.details.kind === 'refund_batch') {
          // A batch moves no money itself: its lines do, each run as a request of its own.
          await options.runBatch(id, heldLease(id, epoch).fence);
        } else if (inFlight) {
          // Money in flight that nobody held: whoever held it died (or lost it) before the end.
          if (firstLook) options.onTakeover?.();
          // Money does not wait for Slack: the outbox tells each stored change as Slack's pace allows.
          const toFollow = await executor.run(id, heldLease(id, epoch), controller.signal);
          if (toFollow && !controller.signal.aborted) {
            // Followed under the lease this run holds; news stored meanwhile is told as it is saved.
            followed.follow(toFollow);
            handedOver = true;
            return;
          }
        } else {
          await told; // The card first: reminders link to it.
          const request = await store.get(id);
          if (request?.state === 'awaiting_approval') await options.watchPending(request);
        }
        await outbox.flush(id);
        firstLook = false;
      } while (again.has(id) && !controller.signal.aborted);
    } finally {
      if (!handedOver) await letGo(id);
    }
  }

  /** `bySweep`: the sweep found it with work left and nobody holding it. */
  function kick(id: string, bySweep = false): Promise<void> {
    const current = running.get(id);
    if (current || followed.has(id)) {
      // We hold its lease: news stored meanwhile (a status command, say) is told now, not after the next poll.
      void outbox.flush(id);
      if (!current) return Promise.resolve();
      again.add(id);
      return current.done;
    }
    if (stopped) return Promise.resolve();
    const controller = new AbortController();
    const done = work(id, controller, bySweep)
      .catch((error: unknown) => {
        if (controller.signal.aborted)
          logger.info('stopped working on a request', { requestId: id, why: String(controller.signal.reason) });
        else if (error instanceof FencedWriteError)
          logger.warn('lease lost; the request is left to its new holder', { requestId: id });
        else logger.error('work on a request stopped; the next sweep resumes it', { requestId: id, error });
      })
      .finally(() => {
        running.delete(id);
        // A kick that came while this run was ending, after its last look for more work: run again.
        if (again.delete(id) && !stopped) void kick(id);
      });
    running.set(id, { controller, done });
    return done;
  }

  /**
   * A request waiting for approval with everything told has nothing to do until its reminder or
   * expiry: a sweep leaves it be, so that hundreds of pending requests do not all run every sweep.
   */
  const workIsDue = ({ request, delivery }: WorkLeft) =>
    request.state !== 'awaiting_approval' || delivery.told < request.events.length || options.watchDue(request);

  async function sweep(): Promise<void> {
    try {
      for (const work of await store.listWithWorkLeft()) {
        const { id } = work.request;
        if (!running.has(id) && !followed.has(id) && workIsDue(work)) void kick(id, true);
      }
    } catch (error) {
      logger.warn('sweep failed; will try again', { error });
    }
  }

  return {
    kick: (id) => kick(id),
    sweep,
    start() {
      void sweep();
      stopSweeping = clock.every(options.sweepIntervalMs, () => void sweep());
    },
    async stop(timeoutMs) {
      stopped = true;
      stopSweeping?.();
      outbox.stop();
      for (const { controller } of running.values()) controller.abort(new Error('shutting down'));
      // Runs end at their next wait and polls under way finish (their answers stored); deliveries
      // under way (started by announcements) finish too. Leases are given back for another replica.
      const unfollowed = followed.stop().then((ids) => Promise.all(ids.map(letGo)));
      const all = Promise.all([...[...running.values()].map((r) => r.done), unfollowed]).then(() => outbox.idle());
      const deadline = new AbortController();
      await Promise.race([all, clock.sleep(timeoutMs, deadline.signal).catch(() => {})]);
      deadline.abort();
      stopRenewing();
    },
  };
}
