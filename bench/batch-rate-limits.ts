/**
 * Scenario 3: a hundred approvals in one channel with Slack's rate limits enforced by the fake
 * (chat.postMessage 1/s per channel with a burst of 4; chat.update Tier 3, 50/min, burst 4).
 *
 * The 100 requests and their cards are made first: card posting is NOT in the measured window (at
 * 1/s it would add 100 s that say nothing about approvals). Because the app paces its own posts at
 * about 1/s per channel, the cards are made by an app started with that pacing lifted
 * (SLACK_POSTS_PER_SECOND=1000) on a SQLite store in a temporary directory; that app is stopped and
 * the measured one started on the same store with production settings (a restart the app is built
 * for: cards posted before it keep working). The fake's limits are then switched on with full buckets
 * and all 100 cards are approved within ~2 s. The window ends when every card shows Completed and its
 * thread has the COMPLETED reply, or at the cap.
 *
 * Baseline: the least time Slack's limits allow for the calls the app made in the window: for each
 * bucket, (successful calls - burst) / rate; the largest bucket wins. Also shown: the same bound for
 * the final states alone (one reply and one card update per request), what a coalescing queue needs.
 */
import { performance } from 'node:perf_hooks';
import { rateLimitFor, rateLimitSettings, type RateLimitSettings } from '../src/fakes/slack/rate-limits.ts';
import type { RecordedCall as SlackCall } from '../src/fakes/fake-slack.ts';
import type { Row, ScenarioResult } from './report.ts';
import { approveClick, createRequests } from './requests.ts';
import { CHANNEL, sleep, startRig, temporarySqliteStore } from './rig.ts';
import { hasCompletedReply, isCompletedCard, isSettled } from './slack-index.ts';
import { median, ratio } from './stats.ts';

/** Least seconds the limits allow for these calls, from full buckets; and the bucket that decides it. */
function rateLimitFloor(
  settings: RateLimitSettings,
  calls: readonly SlackCall[],
): { seconds: number; bucket: string; perBucket: Record<string, number> } {
  const perBucket: Record<string, number> = {};
  let floor = { seconds: 0, bucket: 'none' };
  const counts = new Map<string, { n: number; perSecond: number; burst: number }>();
  for (const call of calls) {
    if (call.status !== 200) continue;
    const limit = rateLimitFor(settings, call.method, call.args);
    if (!limit) continue;
    const entry = counts.get(limit.key) ?? { n: 0, perSecond: limit.perSecond, burst: limit.burst };
    entry.n++;
    counts.set(limit.key, entry);
  }
  for (const [key, { n, perSecond, burst }] of counts) {
    perBucket[key] = n;
    const seconds = Math.max(0, n - burst) / perSecond;
    if (seconds > floor.seconds) floor = { seconds, bucket: key };
  }
  return { ...floor, perBucket };
}

/**
 * The defaults of SLACK_POSTS_PER_SECOND, SLACK_UPDATES_PER_MINUTE and SLACK_POST_BURST, spelled out to replace the
 * lifted ones.
 */
const PRODUCTION_PACING = { SLACK_POSTS_PER_SECOND: '1', SLACK_UPDATES_PER_MINUTE: '50', SLACK_POST_BURST: '4' };

export async function batchUnderRateLimits(options: {
  approvals: number;
  capSeconds: number;
}): Promise<Omit<ScenarioResult, 'seconds'>> {
  const n = options.approvals;
  const store = temporarySqliteStore();
  const rig = await startRig({
    env: { ...store.env, SLACK_POSTS_PER_SECOND: '1000', SLACK_UPDATES_PER_MINUTE: '60000', SLACK_POST_BURST: '1000' },
  });
  try {
    const made = performance.now();
    const cards = await createRequests(rig, n);
    const creationSeconds = (performance.now() - made) / 1000;
    await rig.restart({ ...store.env, ...PRODUCTION_PACING }); // Production pacing from here on.
    await sleep(500);
    const limits = rateLimitSettings({});
    rig.slack.setRateLimits(limits);
    const from = rig.slack.calls.length;

    const spreadMs = 2000;
    const t0 = performance.now();
    const acks = cards.map(async (card, i) => {
      await sleep((i * spreadMs) / n);
      return rig.sender.interaction(approveClick(rig.slack, card));
    });
    const ackStatuses = await Promise.all(acks);
    const settledAt = new Map<string, number>();
    const allSettled = () => {
      for (const card of cards)
        if (!settledAt.has(card.requestId) && isSettled(card))
          settledAt.set(card.requestId, (performance.now() - t0) / 1000);
      return settledAt.size === n || undefined;
    };
    const complete = await rig.index
      .until(allSettled, options.capSeconds * 1000 - (performance.now() - t0), 'every card to complete')
      .then(
        () => true,
        () => false,
      );
    allSettled();
    const elapsed = complete ? Math.max(...settledAt.values()) : (performance.now() - t0) / 1000;

    const window = rig.slack.calls.slice(from);
    const floor = rateLimitFloor(limits, window);
    const limited = window.filter((c) => c.status === 429);
    const posts = window.filter(
      (c) => c.method === 'chat.postMessage' && c.args.channel === CHANNEL && c.status === 200,
    ).length;
    const updates = window.filter((c) => c.method === 'chat.update' && c.status === 200).length;
    const finalOnly = Math.max(
      (n - limits.burst) / limits.postMessagePerChannelPerSecond,
      (n - limits.tierBurst) / (50 / 60),
    );
    const per100 = (limited.length / n) * 100;
    const timeRatio = ratio(elapsed, floor.seconds);
    const byMethod: Record<string, { ok: number; limited: number }> = {};
    for (const call of window) {
      byMethod[call.method] ??= { ok: 0, limited: 0 };
      const entry = byMethod[call.method]!;
      if (call.status === 429) entry.limited++;
      else entry.ok++;
    }
    const usage = await rig.app.usage();
    const incomplete = complete ? '' : ' (stopped at the cap; a lower bound)';
    const rows: Row[] = [
      {
        metric: 'final states delivered',
        measured: `${settledAt.size}/${n}`,
        target: `${n}/${n}`,
        pass: settledAt.size === n,
      },
      {
        metric: `429s per 100 requests (${limited.length} in all)`,
        measured: per100,
        target: '<= 1',
        pass: per100 <= 1,
      },
      {
        metric: `time to all final states${incomplete}`,
        measured: elapsed,
        baseline: floor.seconds,
        ratio: timeRatio,
        unit: 's',
        target: 'ratio <= 1.2',
        pass: complete && timeRatio <= 1.2,
      },
      {
        metric: 'where the cards were at the end',
        measured:
          `${cards.filter((c) => c.replies.length > 0).length} replied to, ` +
          `${cards.filter(hasCompletedReply).length} COMPLETED replies, ` +
          `${cards.filter(isCompletedCard).length} cards Completed`,
      },
      { metric: `Slack calls in window (${posts} posts in channel, ${updates} card updates)`, measured: window.length },
      { metric: 'rate-limit time for the final states alone', measured: finalOnly, unit: 's' },
    ];
    return {
      id: 3,
      name: '100 approvals, one channel',
      rows,
      met: rows.every((r) => r.pass !== false),
      headline:
        `${n} approvals ${complete ? '' : '>='}${timeRatio.toFixed(2)} with ${limited.length} 429s` +
        `${complete ? '' : `, ${settledAt.size}/${n} done at the ${options.capSeconds} s cap`}`,
      notes: [
        `3. ${n} cards posted before the window (${creationSeconds.toFixed(1)} s, limits off, by an app with ` +
          `pacing lifted; then the measured app on the same SQLite store, production settings); limits then on ` +
          `(${JSON.stringify(limits)}); ${n} Approve clicks over ${spreadMs / 1000} s. Baseline = max over buckets ` +
          `of (calls - burst) / rate for the calls made (deciding bucket: ${floor.bucket}).`,
        `3. The measured app runs with production settings (DOLLR_POLL_INTERVAL_MS 3000, ${Object.entries(
          PRODUCTION_PACING,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}); fake Dollr auto progression.`,
      ],
      figures: {
        approvals: n,
        capSeconds: options.capSeconds,
        complete,
        elapsedSeconds: elapsed,
        rateLimitFloorSeconds: floor.seconds,
        decidingBucket: floor.bucket,
        okCallsPerBucket: floor.perBucket,
        finalStatesOnlyFloorSeconds: finalOnly,
        rateLimited: limited.length,
        rateLimitedPer100: per100,
        callsByMethod: byMethod,
        postsInChannel: posts,
        cardUpdates: updates,
        settledSeconds: {
          first: Math.min(...settledAt.values()),
          median: median([...settledAt.values()]),
          count: settledAt.size,
        },
        clickFailures: ackStatuses.filter((a) => a.status !== 200).length,
        appWarnings: usage.logs,
      },
    };
  } finally {
    // A backlog of Slack messages may still wait on the rate limits: no need to let it drain.
    await rig.close(3000);
    store.remove();
  }
}
