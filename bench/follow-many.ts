/**
 * Scenario 4: a thousand requests approved at once and followed while Dollr keeps them PROCESSING,
 * then settled together. Measured in the app's own process (bench/app-child.ts, --expose-gc): Dollr
 * status calls per request, CPU seconds, active timers, and RSS growth per 1,000 requests followed.
 *
 * Requests are made through Slack (/dollr refund, the modal, its submission: the cards are posted by
 * the app, 4 per channel over n/4 channels) and approved by signed Approve clicks, 100 in flight at a
 * time. The fake Dollr holds every execution PROCESSING (manual progression) until every approval has
 * reached it and then for the hold time, then settles all as COMPLETED; a round ends when every card
 * shows Completed (bounded). The store is the default one, SQLite (in a temporary directory), as
 * `npm start` runs: the records are on disk, and SQLite's page cache is in the figures.
 *
 * Rounds of n in one process (4 by default). The first is what a freshly started process pays for its
 * first burst: its peak RSS while following, against the RSS after GC before any request (shown, not
 * the target). The later ones are what following costs once the process has run a batch, the state a
 * long-running app is in: the RSS while a round's n requests are followed (after GC, the approvals
 * over) against the RSS after GC once they were made and before any was approved. That difference, per
 * 1,000, is the memory that following n requests holds; the target is judged on its median over the
 * 2nd and later rounds. A leak grows every round by the same amount; glibc's warm-up (native memory it
 * keeps once it has handed it out, a few MB in one early round or another) does not, and a single
 * round's figure varied from 0.5 to 6.4 MB for the same commit. Baseline = the same process idle,
 * before any request, over `idleSeconds`, measured the same way.
 */
import { performance } from 'node:perf_hooks';
import type { ChildUsage } from './app-protocol.ts';
import type { ScenarioResult } from './report.ts';
import { approveClick, channels, createRequests } from './requests.ts';
import { pool, sleep, startRig, temporarySqliteStore, UNPACED_CARD_UPDATES, type Rig } from './rig.ts';
import { isCompletedCard } from './slack-index.ts';
import { median } from './stats.ts';

const MB = 2 ** 20;

/** Polls `done` every 100 ms; false when `ms` pass first. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (!done()) {
    if (performance.now() > end) return false;
    await sleep(100);
  }
  return true;
}

interface Round {
  /** GC'd samples: before the requests, once they were made, while followed (hold over), once all settled. */
  before: ChildUsage;
  made: ChildUsage;
  following: ChildUsage;
  settled: ChildUsage;
  /** Highest RSS from the first click until every card completed. */
  peakRss: number;
  peakTimers: number;
  statusCallsHold: number;
  statusCallsTotal: number;
  cpuSeconds: number;
  windowSeconds: number;
  creationSeconds: number;
  approveSeconds: number;
  executingSeconds: number;
  executing: boolean;
  settleSeconds: number;
  completed: number;
  clickFailures: number;
}

/** One round: n requests made, approved together, held PROCESSING, settled, every card completed. */
async function followRound(rig: Rig, n: number, holdSeconds: number): Promise<Round> {
  const before = await rig.app.usage(true);
  const t = performance.now();
  // Spread over channels, 4 cards each: the app paces its messages per channel (about 1/s), and
  // what is measured here is following, not one channel's backlog.
  const cards = await createRequests(rig, n, { concurrency: 16, channels: channels(Math.ceil(n / 4)) });
  const creationSeconds = (performance.now() - t) / 1000;
  const made = await rig.app.usage(true);
  await rig.app.resetPeak(); // The peak is taken while approving and following only.

  rig.dollr.configure({ progression: 'manual' });
  const statusCalls = () => rig.dollr.calls.filter((c) => c.path.startsWith('/v1/status/')).length;
  const status0 = statusCalls();
  const t0 = performance.now();
  const acks = await pool(
    cards.map((card) => approveClick(rig.slack, card)),
    100,
    (payload) => rig.sender.interaction(payload),
  );
  const approveSeconds = (performance.now() - t0) / 1000;
  // The hold starts once every approval has reached Dollr: an execution created after the settle
  // below would stay PROCESSING (manual progression) and never complete.
  const inFlight = () => rig.dollr.executions().filter((e) => e.status !== 'COMPLETED' && e.status !== 'FAILED');
  const executing = await until(() => inFlight().length >= n, 120_000);
  const executingSeconds = (performance.now() - t0) / 1000;

  let peakTimers = 0;
  const holdEnd = performance.now() + holdSeconds * 1000;
  while (performance.now() < holdEnd) {
    await sleep(Math.min(2000, Math.max(0, holdEnd - performance.now())));
    peakTimers = Math.max(peakTimers, (await rig.app.usage(false)).timers);
  }
  // Steady state: every request followed, the approval flood long over; what following them keeps.
  const following = await rig.app.usage(true);
  const statusCallsHold = statusCalls() - status0;
  for (const execution of inFlight()) rig.dollr.settle(execution.referenceId, 'COMPLETED');
  const settleStart = performance.now();
  await rig.index
    .until(() => cards.every(isCompletedCard) || undefined, 120_000, 'every card to show Completed')
    .catch(() => undefined);
  const settleSeconds = (performance.now() - settleStart) / 1000;
  const end = await rig.app.usage(false);
  const settled = await rig.app.usage(true);
  return {
    before,
    made,
    following,
    settled,
    peakRss: end.peakRss,
    peakTimers,
    statusCallsHold,
    statusCallsTotal: statusCalls() - status0,
    cpuSeconds: (end.cpuUserUs + end.cpuSystemUs - made.cpuUserUs - made.cpuSystemUs) / 1e6,
    windowSeconds: (performance.now() - t0) / 1000,
    creationSeconds,
    approveSeconds,
    executingSeconds,
    executing,
    settleSeconds,
    completed: cards.filter(isCompletedCard).length,
    clickFailures: acks.filter((a) => a.status !== 200).length,
  };
}

export async function followMany(options: {
  requests: number;
  holdSeconds: number;
  idleSeconds: number;
  /** Rounds in all; the target is judged on the median of the 2nd and later ones. */
  rounds: number;
}): Promise<Omit<ScenarioResult, 'seconds'>> {
  const n = options.requests;
  const store = temporarySqliteStore();
  // BENCH_FOLLOW_STORE=memory://: the same rounds on the memory store, to tell the store's part.
  const storeEnv = process.env.BENCH_FOLLOW_STORE ? { STORE_URL: process.env.BENCH_FOLLOW_STORE } : store.env;
  const rig = await startRig({ env: { ...UNPACED_CARD_UPDATES, ...storeEnv } });
  try {
    await sleep(1000);
    // Baseline: the same process idle, measured the same way.
    const idleStart = await rig.app.usage(true);
    await rig.app.resetPeak();
    await sleep(options.idleSeconds * 1000);
    const idleEnd = await rig.app.usage(false);
    const idleCpuPerSecond =
      (idleEnd.cpuUserUs + idleEnd.cpuSystemUs - idleStart.cpuUserUs - idleStart.cpuSystemUs) /
      1e6 /
      options.idleSeconds;

    const first = await followRound(rig, n, options.holdSeconds);
    // The judged rounds: the 2nd and those after it (BENCH_FOLLOW_ROUNDS in all, at least 2).
    const later: Round[] = [];
    for (let round = 2; round <= Math.max(2, options.rounds); round++) {
      later.push(await followRound(rig, n, options.holdSeconds));
    }
    const second = later[0]!;

    const mb = (bytes: number) => (bytes / MB) * (1000 / n);
    const growthOf = (round: Round) => mb(round.following.rss - round.made.rss);
    // The median round: a leak grows every round by the same amount, while the allocator's warm-up
    // steps (native memory glibc keeps once it has handed it out) come in one round or another.
    const growthMB = median(later.map(growthOf));
    const idleMB = mb(idleEnd.peakRss - idleStart.rss);
    const met = growthMB <= 5;
    const judged = later.length > 1 ? `median of rounds 2-${later.length + 1}` : '2nd round';
    const rows = [
      {
        metric: `RSS growth per 1,000 followed (${judged}, GC)`,
        measured: growthMB,
        baseline: idleMB,
        unit: 'MB',
        target: '<= 5 MB',
        pass: met,
      },
      ...later.map((round, i) => ({
        metric: `  round ${i + 2} (settled vs round 2's: ${mb(round.settled.rss - second.settled.rss).toFixed(1)} MB)`,
        measured: growthOf(round),
        unit: 'MB',
      })),
      {
        metric: '  of which anonymous (RssAnon), followed vs made',
        measured: mb(second.following.rssAnon - second.made.rssAnon),
        unit: 'MB',
      },
      {
        metric: '  of which mapped files and shared (RssFile + RssShmem)',
        measured: mb(second.following.rssFile + second.following.rssShmem - second.made.rssFile - second.made.rssShmem),
        unit: 'MB',
      },
      {
        metric: '  V8 heap in use, followed vs made (2nd, GC)',
        measured: mb(second.following.heapUsed - second.made.heapUsed),
        unit: 'MB',
      },
      {
        metric: '  V8 heap in use once all settled vs made (2nd)',
        measured: mb(second.settled.heapUsed - second.made.heapUsed),
        unit: 'MB',
      },
      {
        metric: '  RSS peak, 2nd round, vs its start (GC)',
        measured: mb(second.peakRss - second.before.rss),
        unit: 'MB',
      },
      {
        metric: '  RSS peak, 1st round, vs fresh process (GC)',
        measured: mb(first.peakRss - first.before.rss),
        unit: 'MB',
      },
      {
        metric: '  RSS followed, 1st round, vs fresh process (GC)',
        measured: mb(first.following.rss - first.before.rss),
        unit: 'MB',
      },
      {
        metric: `Dollr status calls per request (${options.holdSeconds} s PROCESSING)`,
        measured: second.statusCallsHold / n,
      },
      { metric: 'Dollr status calls per request, to completion', measured: second.statusCallsTotal / n },
      {
        metric: `CPU seconds, approval to all completed (${second.windowSeconds.toFixed(0)} s)`,
        measured: second.cpuSeconds,
        baseline: idleCpuPerSecond * second.windowSeconds,
        unit: 's',
      },
      { metric: 'active timers while following (peak)', measured: second.peakTimers, baseline: idleEnd.timers },
      {
        metric: 'cards completed, by round',
        measured: [first, ...later].map((round) => `${round.completed}/${n}`).join(', '),
      },
    ];
    const describe = (name: string, r: Round) =>
      `4. ${name} round: ${n} requests made through /dollr refund + modal, 4 per channel ` +
      `(${r.creationSeconds.toFixed(1)} s), approved by signed clicks (${r.approveSeconds.toFixed(1)} s, ` +
      `100 in flight; all executing at Dollr ${r.executingSeconds.toFixed(1)} s after the first click` +
      `${r.executing ? '' : ': NOT all, timed out'}), held PROCESSING ${options.holdSeconds} s, settled; ` +
      `every card completed ${r.settleSeconds.toFixed(1)} s later${r.completed === n ? '' : ' (NOT all: timed out)'}.`;
    return {
      id: 4,
      name: '1,000 followed at once',
      rows,
      met,
      headline: `${growthMB.toFixed(1)} MB per 1000 followed`,
      notes: [
        describe('1st', first),
        describe('2nd', second),
        `4. Measured in the app's process, per 1,000 requests; the idle baseline is the same process with no ` +
          `request for ${options.idleSeconds} s (CPU baseline scaled to the window). ` +
          `GC ${idleStart.gcAvailable ? 'forced' : 'NOT available'} before every GC'd sample; its RSS is the ` +
          `lowest reading in the 100 ms after the GC, once V8's background threads have returned the freed pages ` +
          `(read at once, it counted up to 90 MB more). The target is judged on the median of the 2nd and later ` +
          `rounds: the RSS while a round's requests are followed against the RSS once they were made. ` +
          `The 1st round's peak is what a fresh process's first burst grows by (V8 sizes its heap for the ` +
          `burst and keeps it). Store: SQLite in a ` +
          `temporary directory; card updates unpaced (SLACK_UPDATES_PER_MINUTE=60000).`,
      ],
      figures: {
        requests: n,
        holdSeconds: options.holdSeconds,
        idle: { start: idleStart, end: idleEnd },
        rounds: [first, ...later],
        rssGrowthMBPer1000: growthMB,
        appWarnings: (await rig.app.usage(false)).logs,
      },
    };
  } finally {
    await rig.close();
    store.remove();
  }
}
