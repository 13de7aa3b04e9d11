/**
 * Draws schedules from a seed and plays them a few at a time; shared by the test suite (200 in
 * `npm test`) and the soak (`npm run soak`).
 */
import { runSchedule, type ScheduleOutcome } from './harness.ts';
import { drawBatchSchedules, drawSchedules } from './plan.ts';

export interface Summary {
  seed: number;
  schedules: number;
  faults: number;
  executions: number;
  /** Schedules with at least one violation. */
  failed: ScheduleOutcome[];
}

export async function runSchedules(options: {
  seed: number;
  count: number;
  concurrency: number;
  /** Plays only the schedule with this index (of the `count` drawn). */
  only?: number;
  /** Each schedule's one request is a batch of this many refunds. */
  batchLines?: number;
  onOutcome?: (outcome: ScheduleOutcome) => void;
}): Promise<Summary> {
  const drawn =
    options.batchLines === undefined
      ? drawSchedules(options.seed, options.count)
      : drawBatchSchedules(options.seed, options.count, options.batchLines);
  const plans = options.only === undefined ? drawn : [drawn[options.only]!];
  const indexOf = (i: number) => options.only ?? i;
  const summary: Summary = { seed: options.seed, schedules: 0, faults: 0, executions: 0, failed: [] };
  let next = 0;
  async function worker(): Promise<void> {
    while (next < plans.length) {
      const index = next++;
      const outcome = await runSchedule(plans[index]!, indexOf(index));
      summary.schedules++;
      summary.faults += outcome.faults;
      summary.executions += outcome.executions;
      if (outcome.violations.length > 0) summary.failed.push(outcome);
      options.onOutcome?.(outcome);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  summary.failed.sort((a, b) => a.index - b.index);
  return summary;
}

/** The one line a run ends with. */
export const summaryLine = (s: Summary): string =>
  `schedules=${s.schedules} violations=${s.failed.reduce((n, o) => n + o.violations.length, 0)} ` +
  `executions=${s.executions} faults=${s.faults} seed=${s.seed}`;

/** Everything needed to look into a failed schedule and play it again. */
export function failureReport(outcome: ScheduleOutcome, seed: number): string {
  const lines = outcome.plan.requests.find((r) => r.kind === 'refund_batch')?.lines;
  const batch = lines === undefined ? '' : ` --batch-lines ${lines}`;
  return [
    `schedule ${outcome.index} of seed ${seed} ` +
      `(play it again: npm run soak -- --seed ${seed} --schedules ${outcome.index + 1} ` +
      `--only ${outcome.index}${batch})`,
    `violations:\n${outcome.violations.map((v) => `  - ${v}`).join('\n')}`,
    `plan: ${JSON.stringify(outcome.plan)}`,
    `steps:\n${outcome.steps.map((s) => `  ${s}`).join('\n')}`,
    `last log lines:\n${outcome.logTail.map((l) => `  ${l}`).join('\n')}`,
  ].join('\n');
}
