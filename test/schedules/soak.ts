/**
 * `npm run soak -- --schedules 5000 [--seed S] [--concurrency C] [--only I] [--batch-lines N] [--steps]`:
 * plays that many fault schedules and prints one summary line (`schedules=5000 violations=0 executions=…
 * seed=…`); every failed schedule is reported on stderr with its seed, plan and steps. Exit code 1 on a
 * violation.
 */
import { parseArgs } from 'node:util';
import { failureReport, runSchedules, summaryLine } from './run-schedules.ts';

const USAGE = `Usage: npm run soak -- [--schedules N] [--seed S] [--concurrency C] [--only I] [--batch-lines L]
                             [--steps]

Plays N randomized fault schedules (default 1000) against the real app in-process, with a fake Slack
and a fake Dollr, and checks after each that money moved at most once, failures were told truthfully,
every approved request ended as Dollr has it (or needs attention), each change was told once, and no
daily limit was passed.

  --schedules N     how many schedules to play (default 1000)
  --seed S          the seed to draw them from (default: a random one, printed); the same seed draws
                    the same schedules
  --concurrency C   schedules played at once (default 12)
  --only I          play only schedule I of those the seed draws (as a failure report names it)
  --batch-lines L   each schedule's one request is a batch of L refunds (as npm test plays with 100)
  --steps           print what happened in every schedule, not only in failed ones
  --help            this text
`;

function main(): Promise<number> | number {
  let values: {
    schedules?: string;
    seed?: string;
    concurrency?: string;
    only?: string;
    'batch-lines'?: string;
    steps?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        schedules: { type: 'string' },
        seed: { type: 'string' },
        concurrency: { type: 'string' },
        only: { type: 'string' },
        'batch-lines': { type: 'string' },
        steps: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const count = whole(values.schedules, 1000, 'schedules');
  const seed = whole(values.seed, Math.floor(Math.random() * 2 ** 31), 'seed');
  const concurrency = whole(values.concurrency, 12, 'concurrency');
  if (count === undefined || seed === undefined || concurrency === undefined) return 2;
  const only = values.only === undefined ? undefined : Number(values.only);
  if (only !== undefined && !(Number.isSafeInteger(only) && only >= 0 && only < count)) {
    process.stderr.write(`--only must be a schedule from 0 to ${count - 1}, not "${values.only}".\n\n${USAGE}`);
    return 2;
  }
  const batchLines = values['batch-lines'] === undefined ? undefined : whole(values['batch-lines'], 0, 'batch-lines');
  if (batchLines !== undefined && batchLines > 100) {
    process.stderr.write(`--batch-lines must be at most 100, not "${batchLines}".\n\n${USAGE}`);
    return 2;
  }
  return soak(count, seed, concurrency, values.steps === true, only, batchLines);
}

function whole(text: string | undefined, fallback: number, name: string): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (Number.isSafeInteger(value) && value >= 1) return value;
  process.stderr.write(`--${name} must be a whole number of at least 1, not "${text}".\n\n${USAGE}`);
  return undefined;
}

async function soak(
  count: number,
  seed: number,
  concurrency: number,
  steps: boolean,
  only?: number,
  batchLines?: number,
): Promise<number> {
  const started = Date.now();
  let played = 0;
  const summary = await runSchedules({
    seed,
    count,
    concurrency,
    ...(only === undefined ? {} : { only }),
    ...(batchLines === undefined ? {} : { batchLines }),
    onOutcome(outcome) {
      played++;
      if (steps)
        process.stderr.write(
          `schedule ${outcome.index}: ${JSON.stringify(outcome.plan)}\n` +
            `${outcome.steps.map((s) => `  ${s}`).join('\n')}\n`,
        );
      if (played % 100 === 0)
        process.stderr.write(
          `${played} of ${count} schedules played (${Math.round((Date.now() - started) / 1000)} s)\n`,
        );
    },
  });
  for (const outcome of summary.failed) process.stderr.write(`${failureReport(outcome, seed)}\n\n`);
  process.stdout.write(`${summaryLine(summary)} seconds=${Math.round((Date.now() - started) / 1000)}\n`);
  return summary.failed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
