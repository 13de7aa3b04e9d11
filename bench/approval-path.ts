/**
 * Scenario 2: from the Approve click to (a) the first thread reply and (b) the card's final update,
 * with every fake Dollr answer 50 ms late and every fake Slack call 20 ms late, against the sum of
 * the latencies of the calls on that path: what the app would take with no time of its own
 * (no polling waits, no store or CPU time between calls).
 *
 * One approval at a time, each on a quiet app and in its own channel (so the app's per-channel
 * pacing starts full, as for a lone approval); a warm-up approval first (token, connections).
 * Event times are taken in this process when the fake Slack has applied the call (after its 20 ms).
 * The path is read back from the fakes' recorded calls (arrival times; a call ends its latency
 * later): starting from the event's own call, the call before it on the path is the one that ended
 * last before it began; and so on back to the click. That is the chain the app actually waited on,
 * so calls made in parallel (a thread reply sent while Dollr is polled) are not counted.
 *
 * A call's own latency is what it takes as the app sees it: measured in the same run, in the app's
 * process, with the app's own clients (its Dollr gateway, @slack/web-api), one call after another
 * while the app is quiet; the median of 20 of each kind. That is the fake's delay plus the client,
 * the loopback and the fake's own handling, which the app cannot do without. The click itself is
 * the first call on every path: Slack delivering it to an app, whose own latency is that of the same
 * signed click answered by a Bolt app that only acks (the baseline of scenario 1), from this
 * process, median of 20. The sum at the fakes' delays alone (no click) is shown as well.
 * Also shown, as information: the necessary path for (b), i.e. the request's Dollr calls (session,
 * execute, polls: one after another) plus the Slack calls after the last Dollr answer; the
 * difference to the actual path is Slack work the app does before it goes on with Dollr.
 */
import { performance } from 'node:perf_hooks';
import type { RecordedCall as SlackCall } from '../src/fakes/fake-slack.ts';
import type { ScenarioResult } from './report.ts';
import { approveClick, channels, click, createRequests } from './requests.ts';
import { sleep, startBaselineBeside, startRig, type Rig } from './rig.ts';
import { isSettled, type CardRecord } from './slack-index.ts';
import { median, sum } from './stats.ts';
import type { CallLatencies } from './app-protocol.ts';

const DOLLR_MS = 50;
const SLACK_MS = 20;
/** Time for the app's card-update bucket to refill after one approval (3-4 updates at 50 a minute). */
const QUIET_MS = 5000;
/** The payment the timing calls' refund sessions are against. */
const TIMING_PAYMENT = 99_999;
/** The first call of every path: the Approve click, as Slack delivers it. */
const CLICK = 'slack click (Approve)';

/**
 * The own latency of a call on the path, by its label (`slack chat.postMessage (reply)`, `dollr POST
 * /v1/executions`, ...). An execute is not timed (it would move money at the fake): it is taken to
 * cost what creating a session, the other POST with a body, costs.
 */
function latencyOf(label: string, latencies: CallLatencies): number {
  const kind =
    label === CLICK ? CLICK : label.replace(' (reply)', '').replace('POST /v1/executions', 'POST /v1/sessions');
  const ms = latencies[kind];
  if (ms === undefined) throw new Error(`no own latency measured for "${label}"`);
  return ms;
}

interface Call {
  start: number;
  end: number;
  label: string;
  latency: number;
}

interface Run {
  replyMs: number;
  /** The calls on the path to the first reply. */
  replyPath: string[];
  finalMs: number;
  finalPath: string[];
  /** The request's Dollr calls plus the Slack calls after the last Dollr answer. */
  necessaryPath: string[];
  /** Every call of the run: ms from the click to its arrival at the fake, and what it was. */
  timeline: Array<[number, string]>;
}

const forCard = (call: SlackCall, card: CardRecord) =>
  call.status === 200 &&
  ((call.method === 'chat.update' && call.args.ts === card.ts) ||
    (call.method === 'chat.postMessage' && call.args.thread_ts === card.ts));

/** The chain of calls ending with `last`: each one's predecessor ended last before it began. */
function pathTo(last: Call, calls: readonly Call[]): Call[] {
  const path = [last];
  for (let current = last; ; ) {
    let before: Call | undefined;
    for (const call of calls) {
      if (call.end > current.start) continue; // An answer leaves at or after its latency: no tolerance needed.
      if (!before || call.end > before.end) before = call;
    }
    if (!before) return path.reverse();
    path.push(before);
    current = before;
  }
}

async function approveOne(rig: Rig, card: CardRecord): Promise<Run> {
  const slackFrom = rig.slack.calls.length;
  const dollrFrom = rig.dollr.calls.length;
  const payload = approveClick(rig.slack, card);
  // The click goes over an open connection, as the timing clicks to the baseline do (back to back):
  // after the quiet spell the client's kept-alive one is gone. Asked well before the click, so the
  // app does not take the two for a burst.
  await fetch(rig.app.eventsUrl.replace('/slack/events', '/healthz'));
  await sleep(100);
  const t0 = performance.now();
  const wall0 = Date.now();
  await click(rig.sender, payload);
  await rig.index.until(() => isSettled(card) || undefined, 15_000, `request ${card.requestId} to complete`);
  // The last call (the COMPLETED reply) is recorded; let stragglers land before the next approval.
  await sleep(100);

  const slackCalls = rig.slack.calls.slice(slackFrom);
  const dollrCalls = rig.dollr.calls.slice(dollrFrom);
  const slack: Call[] = slackCalls.map((c) => ({
    start: c.at - wall0,
    end: c.at - wall0 + SLACK_MS,
    latency: SLACK_MS,
    label: `slack ${c.method}${c.args.thread_ts ? ' (reply)' : ''}`,
  }));
  const dollr: Call[] = dollrCalls.map((c) => {
    const at = c.at.getTime() - wall0;
    return {
      start: at,
      end: at + DOLLR_MS,
      latency: DOLLR_MS,
      label: `dollr ${c.method} ${c.path.split('/').slice(0, 3).join('/')}`,
    };
  });
  const calls = [...slack, ...dollr].sort((a, b) => a.start - b.start);
  const callOf = (recorded: SlackCall) => slack[slackCalls.indexOf(recorded)]!;
  const mine = slackCalls.filter((c) => forCard(c, card));
  const replyCall = callOf(mine.find((c) => c.method === 'chat.postMessage')!);
  const finalCall = callOf(
    mine.find((c) => c.method === 'chat.update' && String(c.args.text ?? '').includes('Completed.'))!,
  );
  const replyPath = pathTo(replyCall, calls);
  const finalPath = pathTo(finalCall, calls);
  const dollrBefore = dollr.filter((c) => c.start <= finalCall.start);
  const lastDollrEnd = Math.max(...dollrBefore.map((c) => c.end));
  const slackAfter = mine.map(callOf).filter((c) => c.start >= lastDollrEnd && c.start <= finalCall.start);
  const labels = (path: Call[]) => path.map((c) => c.label);
  return {
    replyMs: card.replies[0]!.at - t0,
    replyPath: [CLICK, ...labels(replyPath)],
    finalMs: card.updates.find((u) => u.text.includes('Completed.'))!.at - t0,
    finalPath: [CLICK, ...labels(finalPath)],
    necessaryPath: [CLICK, ...labels([...dollrBefore, ...slackAfter])],
    timeline: calls.map((c) => [Math.round(c.start), c.label]),
  };
}

/**
 * Median time of a signed Approve click answered by a Bolt app that only acks, sent as the scenario sends its
 * clicks.
 */
async function timeClicks(rig: Rig, card: CardRecord, times: number): Promise<number> {
  const baseline = await startBaselineBeside(rig);
  try {
    const ms: number[] = [];
    for (let i = 0; i < times + 1; i++) {
      const started = performance.now();
      await click(baseline.sender, approveClick(rig.slack, card));
      if (i > 0) ms.push(performance.now() - started); // The first opens the connection.
    }
    return median(ms);
  } finally {
    await baseline.app.stop();
  }
}

export async function approvalPath(options: { runs: number }): Promise<Omit<ScenarioResult, 'seconds'>> {
  const rig = await startRig({ env: { DOLLR_POLL_INTERVAL_MS: '10' } });
  try {
    // One card per channel: each approval meets a quiet channel, as a single approval does.
    const cards = await createRequests(rig, options.runs + 1, { channels: channels(options.runs + 1) });
    rig.dollr.configure({ latencyMs: DOLLR_MS });
    rig.slack.inject({ method: '*', times: Infinity, fault: { kind: 'delay', ms: SLACK_MS } });
    await approveOne(rig, cards[0]!); // Warm-up.
    const runs: Run[] = [];
    for (const card of cards.slice(1)) {
      // Quiet between approvals: card updates are paced workspace-wide (Slack's Tier 3, 50 a
      // minute); the last approval's few updates must not eat the next one's burst.
      await sleep(QUIET_MS);
      runs.push(await approveOne(rig, card));
    }

    // The calls' own latencies, as the app's clients see them, measured now on the quiet app.
    rig.dollr.seedCollection({ id: TIMING_PAYMENT, amount: '100.00', currency: 'USD' });
    const latencies = await rig.app.timeCalls({
      times: 20,
      slack: { channel: 'CBTIMING1' },
      dollr: { referenceId: rig.dollr.executions()[0]!.referenceId, originalPaymentIntentId: TIMING_PAYMENT },
    });
    latencies[CLICK] = await timeClicks(rig, cards[0]!, 20);
    const own = (path: string[]) => sum(path.map((label) => latencyOf(label, latencies)));
    const atFakeDelays = (path: string[]) =>
      sum(path.filter((label) => label !== CLICK).map((label) => (label.startsWith('dollr') ? DOLLR_MS : SLACK_MS)));

    const pick = (f: (r: Run) => number) => median(runs.map(f));
    const measure = (ms: (r: Run) => number, path: (r: Run) => string[]) => ({
      measured: pick(ms),
      baseline: pick((r) => own(path(r))),
      ratio: pick((r) => ms(r) / own(path(r))),
      atFakeDelays: pick((r) => atFakeDelays(path(r))),
    });
    const reply = measure(
      (r) => r.replyMs,
      (r) => r.replyPath,
    );
    const final = measure(
      (r) => r.finalMs,
      (r) => r.finalPath,
    );
    const necessary = measure(
      (r) => r.finalMs,
      (r) => r.necessaryPath,
    );
    const describe = (path: string[]) => {
      const dollrCalls = path.filter((l) => l.startsWith('dollr')).length;
      return `click + ${dollrCalls} Dollr + ${path.length - 1 - dollrCalls} Slack`;
    };
    const typical = runs[Math.floor(runs.length / 2)]!;
    return {
      id: 2,
      name: 'approval path',
      rows: [
        {
          metric: `click -> first thread reply (path: ${describe(typical.replyPath)})`,
          measured: reply.measured,
          baseline: reply.baseline,
          ratio: reply.ratio,
          unit: 'ms',
          target: 'ratio <= 1.2',
          pass: reply.ratio <= 1.2,
        },
        {
          metric: `click -> final card update (path: ${describe(typical.finalPath)})`,
          measured: final.measured,
          baseline: final.baseline,
          ratio: final.ratio,
          unit: 'ms',
          target: 'ratio <= 1.2',
          pass: final.ratio <= 1.2,
        },
        {
          metric: 'click -> final card update vs necessary calls only',
          measured: final.measured,
          baseline: necessary.baseline,
          ratio: necessary.ratio,
          unit: 'ms',
        },
        {
          metric: 'click -> first thread reply vs fake delays alone',
          measured: reply.measured,
          baseline: reply.atFakeDelays,
          ratio: reply.measured / reply.atFakeDelays,
          unit: 'ms',
        },
        {
          metric: 'click -> final card update vs fake delays alone',
          measured: final.measured,
          baseline: final.atFakeDelays,
          ratio: final.measured / final.atFakeDelays,
          unit: 'ms',
        },
      ],
      met: reply.ratio <= 1.2 && final.ratio <= 1.2,
      headline: `approval->reply ${reply.ratio.toFixed(2)}, ->final card ${final.ratio.toFixed(2)}`,
      notes: [
        `2. ${options.runs} approvals one at a time (medians; ratio = median of per-run ratios); ` +
          `fake Dollr ${DOLLR_MS} ms and fake Slack ${SLACK_MS} ms per call; DOLLR_POLL_INTERVAL_MS=10; ` +
          `${QUIET_MS / 1000} s quiet before each. Baseline = the calls the app waited on, each at its own ` +
          `latency as the app's clients see it, measured in the same run (median of 20: ` +
          `${Object.entries(latencies)
            .map(([kind, ms]) => `${kind} ${ms.toFixed(1)} ms`)
            .join(', ')}; see bench/approval-path.ts). ` +
          `Final-update path of a typical run: ${typical.finalPath.join(' > ')}.`,
      ],
      figures: {
        dollrLatencyMs: DOLLR_MS,
        slackLatencyMs: SLACK_MS,
        callLatencies: latencies,
        reply,
        final,
        necessary,
        runs: runs.map(({ timeline: _, ...run }) => run),
        typicalTimeline: typical.timeline,
      },
    };
  } finally {
    await rig.close();
  }
}
