/**
 * Scenario 4: a thousand requests approved at once and followed while Dollr keeps them PROCESSING,
 * then settled together. Measured in the app's own process (bench/app-child.ts, --expose-gc): Dollr
 * status calls per request, CPU seconds, active timers, and RSS growth per 1,000 requests followed.
 *
 * Requests are made through Slack (/dollr refund, the modal, its submission: the cards are posted by
 * the app, 4 per channel over n/4 channels) and approved by signed Approve clicks, 100 in flight at a time. The fake Dollr holds every
 * execution PROCESSING (manual progression) for the hold time, then settles all as COMPLETED; the
 * window ends when every card shows Completed (bounded).
 * RSS growth = the peak RSS while following (sampled every 100 ms from the first click until every
 * card is completed) minus the RSS after a full GC before the requests were made. Baseline = the
 * same measure on the same process idle, before any request, over `idleSeconds`. The store is the
 * default one, SQLite (in a temporary directory), as `npm start` runs: the records are on disk, and
 * SQLite's page cache is in the figure. Shown apart: the growth from the RSS after the requests were
 * made (GC'd) to the peak, the RSS and heap while following (GC'd), and the heap once all are settled.
 */
import { performance } from 'node:perf_hooks';
import type { ScenarioResult } from './report.ts';
import { approveClick, channels, createRequests } from './requests.ts';
import { pool, sleep, startRig, temporarySqliteStore, UNPACED_CARD_UPDATES } from './rig.ts';
import { isCompletedCard } from './slack-index.ts';

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

export async function followMany(options: { requests: number; holdSeconds: number; idleSeconds: number }): Promise<Omit<ScenarioResult, 'seconds'>> {
  const n = options.requests;
  const per1000 = 1000 / n;
  const store = temporarySqliteStore();
  const rig = await startRig({ env: { ...UNPACED_CARD_UPDATES, ...store.env } });
  try {
    await sleep(1000);
    // Baseline: the same process idle, measured the same way.
    const idleStart = await rig.app.usage(true);
    await rig.app.resetPeak();
    await sleep(options.idleSeconds * 1000);
    const idleEnd = await rig.app.usage(false);
    const idleGrowth = idleEnd.peakRss - idleStart.rss;
    const idleCpu = (idleEnd.cpuUserUs + idleEnd.cpuSystemUs - idleStart.cpuUserUs - idleStart.cpuSystemUs) / 1e6;

    const before = await rig.app.usage(true);
    const made = performance.now();
    // Spread over channels, 4 cards each: the app paces its messages per channel (about 1/s), and
    // what is measured here is following, not one channel's backlog.
    const spread = channels(Math.ceil(n / 4));
    const cards = await createRequests(rig, n, { concurrency: 16, channels: spread });
    const creationSeconds = (performance.now() - made) / 1000;
    const afterCreate = await rig.app.usage(true);
    await rig.app.resetPeak(); // The peak is taken while following only.

    rig.dollr.configure({ progression: 'manual' });
    const statusCalls = () => rig.dollr.calls.filter((c) => c.path.startsWith('/v1/status/')).length;
    const status0 = statusCalls();
    const t0 = performance.now();
    const cpu0 = afterCreate.cpuUserUs + afterCreate.cpuSystemUs;
    const payloads = cards.map((card) => approveClick(rig.slack, card));
    const acks = await pool(payloads, 100, (payload) => rig.sender.interaction(payload));
    const approveSeconds = (performance.now() - t0) / 1000;

    // The hold starts once every approval has reached Dollr: an execution created after the settle
    // below would stay PROCESSING (manual progression) and never complete.
    const executing = await until(() => rig.dollr.executions().length >= n, 120_000);
    const executingSeconds = (performance.now() - t0) / 1000;

    // Following: everything PROCESSING at Dollr. Sample timers and memory as it goes.
    let peakTimers = 0;
    let timersMid = 0;
    const holdEnd = performance.now() + options.holdSeconds * 1000;
    while (performance.now() < holdEnd) {
      await sleep(Math.min(2000, Math.max(0, holdEnd - performance.now())));
      const sample = await rig.app.usage(false);
      peakTimers = Math.max(peakTimers, sample.timers);
      timersMid = sample.timers;
    }
    // Steady state: every request followed, the approval flood long over; what following them keeps.
    const holding = await rig.app.usage(true);
    const holdStatusCalls = statusCalls() - status0;
    const executions = rig.dollr.executions();
    let settled = 0;
    for (const execution of executions) {
      if (execution.status === 'COMPLETED' || execution.status === 'FAILED') continue;
      rig.dollr.settle(execution.referenceId, 'COMPLETED');
      settled++;
    }
    const settleStart = performance.now();
    const allDone = await rig.index
      .until(() => cards.every(isCompletedCard) || undefined, 120_000, 'every card to show Completed')
      .then(() => true, () => false);
    const settleSeconds = (performance.now() - settleStart) / 1000;
    const end = await rig.app.usage(false);
    const totalStatusCalls = statusCalls() - status0;
    const cpuSeconds = (end.cpuUserUs + end.cpuSystemUs - cpu0) / 1e6;
    const windowSeconds = (performance.now() - t0) / 1000;
    const peakRss = end.peakRss;
    const afterAll = await rig.app.usage(true);

    const growthMB = ((peakRss - before.rss) / MB) * per1000;
    const idleMB = (idleGrowth / MB) * per1000;
    const followOnlyMB = ((peakRss - afterCreate.rss) / MB) * per1000;
    const completed = cards.filter(isCompletedCard).length;
    const mb = (bytes: number) => (bytes / MB) * per1000;
    const rows = [
      { metric: 'RSS growth per 1,000 followed (peak)', measured: growthMB, baseline: idleMB, unit: 'MB', target: '<= 5 MB', pass: growthMB <= 5 },
      { metric: '  peak vs RSS once requests were made (GC)', measured: followOnlyMB, unit: 'MB' },
      { metric: '  RSS while following, after GC', measured: mb(holding.rss - before.rss), unit: 'MB' },
      { metric: '  V8 heap committed while following', measured: mb(holding.heapTotal - before.heapTotal), unit: 'MB' },
      { metric: '  V8 heap in use while following (GC)', measured: mb(holding.heapUsed - before.heapUsed), unit: 'MB' },
      { metric: '  V8 heap in use once all settled (GC)', measured: mb(afterAll.heapUsed - before.heapUsed), unit: 'MB' },
      { metric: `Dollr status calls per request (${options.holdSeconds} s PROCESSING)`, measured: holdStatusCalls / n },
      { metric: 'Dollr status calls per request, to completion', measured: totalStatusCalls / n },
      { metric: `CPU seconds, approval to all completed (${windowSeconds.toFixed(0)} s)`, measured: cpuSeconds, baseline: (idleCpu / options.idleSeconds) * windowSeconds, unit: 's' },
      { metric: 'active timers while following (peak)', measured: peakTimers, baseline: idleEnd.timers },
      { metric: 'cards completed', measured: `${completed}/${n}` },
    ];
    return {
      id: 4,
      name: '1,000 followed at once',
      rows,
      met: growthMB <= 5,
      headline: `${growthMB.toFixed(1)} MB per 1000 followed`,
      notes: [
        `4. ${n} requests made through /dollr refund + modal, 4 per channel (${creationSeconds.toFixed(1)} s) and approved by signed clicks (${approveSeconds.toFixed(1)} s, 100 in flight; all executing at Dollr ${executingSeconds.toFixed(1)} s after the first click${executing ? '' : ': NOT all, timed out'}); fake Dollr held them PROCESSING ${options.holdSeconds} s, then settled all; every card completed ${settleSeconds.toFixed(1)} s later${allDone ? '' : ' (NOT all: timed out)'}.`,
        `4. Measured in the app's process; the idle baseline is the same process with no request for ${options.idleSeconds} s (CPU baseline scaled to the window). GC ${before.gcAvailable ? 'forced' : 'NOT available'} before the 'before' sample. Memory rows are per 1,000 requests, against the RSS/heap after GC before any request; the store is SQLite in a temporary directory (records on disk); card updates unpaced (SLACK_UPDATES_PER_MINUTE=60000).`,
      ],
      figures: {
        requests: n,
        holdSeconds: options.holdSeconds,
        creationSeconds,
        approveSeconds,
        executingSeconds,
        settleSeconds,
        allDone,
        settledByBench: settled,
        clickFailures: acks.filter((a) => a.status !== 200).length,
        rss: { idleStart: idleStart.rss, idlePeak: idleEnd.peakRss, before: before.rss, afterCreate: afterCreate.rss, peakFollowing: peakRss, holdingGc: holding.rss, afterAllGc: afterAll.rss },
        heapUsed: { before: before.heapUsed, afterCreate: afterCreate.heapUsed, holdingGc: holding.heapUsed, afterAllGc: afterAll.heapUsed },
        rssGrowthMBPer1000: growthMB,
        idleGrowthMB: idleMB,
        statusCalls: { hold: holdStatusCalls, total: totalStatusCalls, perRequestHold: holdStatusCalls / n, perRequestTotal: totalStatusCalls / n },
        cpuSeconds,
        idleCpuSecondsPerSecond: idleCpu / options.idleSeconds,
        timers: { idle: idleEnd.timers, peak: peakTimers, lastDuringHold: timersMid, afterAll: afterAll.timers },
        resourcesAtEnd: end.resources,
        resourcesWhileHolding: holding.resources,
        memoryWhileHolding: { heapTotal: holding.heapTotal, external: holding.external, arrayBuffers: holding.arrayBuffers },
        memoryBefore: { heapTotal: before.heapTotal, external: before.external, arrayBuffers: before.arrayBuffers },
        appWarnings: end.logs,
      },
    };
  } finally {
    await rig.close();
    store.remove();
  }
}
