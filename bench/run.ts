/**
 * `npm run bench`: four measurements of the app against fakes on loopback, each against a baseline
 * measured in the same run. Prints a table and one summary line, writes bench/results.json. A missed
 * target is reported, not failed: the exit code is 0 unless the benchmark itself could not run.
 *
 * Environment (all optional):
 *   BENCH_SCENARIOS=1,3      run only these scenarios
 *   BENCH_QUICK=1            smaller sizes, for trying the benchmark out (figures not comparable)
 *   BENCH_BATCH_CAP_S=300    scenario 3 stops waiting after this many seconds (the app sends about
 *                            two thread replies per request in such a batch: about 200 s at 1/s)
 *   BENCH_FOLLOW_HOLD_S=15   scenario 4 keeps the executions PROCESSING this long
 *   BENCH_ACK_COMMAND_ROUNDS=20, BENCH_ACK_APPROVE_ROUNDS=16
 *                            scenario 1's bursts per command kind and Approve bursts per process
 *   BENCH_CPU_PROFILE=<dir>  the app processes write V8 CPU profiles there
 *   BENCH_NODE_FLAGS="..."   Node flags for every process instead of the start script's
 *   BENCH_MALLOC_ARENA_MAX=N instead of the start script's 2
 *   BENCH_FOLLOW_ROUNDS=4, BENCH_FOLLOW_STORE=<url>   scenario 4's rounds and store
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ackLatency } from './ack-latency.ts';
import { approvalPath } from './approval-path.ts';
import { batchUnderRateLimits } from './batch-rate-limits.ts';
import { followMany } from './follow-many.ts';
import { crashed, machine, missed, summary, table, writeResults, type ScenarioResult } from './report.ts';
import { answerArguments } from '../src/usage.ts';

const USAGE = `npm run bench [-- --help]: four scenarios against baselines in the same run (about 11 minutes).
Environment (all optional):
  BENCH_SCENARIOS=1,3      run only these scenarios
  BENCH_QUICK=1            smaller sizes, for trying the benchmark out (figures not comparable)
  BENCH_BATCH_CAP_S=300    scenario 3 stops waiting after this many seconds
  BENCH_FOLLOW_HOLD_S=15   scenario 4 keeps the executions PROCESSING this long
  BENCH_ACK_COMMAND_ROUNDS=20, BENCH_ACK_APPROVE_ROUNDS=16   scenario 1's bursts
  BENCH_CPU_PROFILE=<dir>  the app processes write V8 CPU profiles there
  BENCH_NODE_FLAGS="..."   Node flags for every process instead of the start script's
  BENCH_MALLOC_ARENA_MAX=N instead of the start script's 2
  BENCH_FOLLOW_ROUNDS=4, BENCH_FOLLOW_STORE=<url>   scenario 4's rounds and store
See bench/README.md.
`;
answerArguments(USAGE);

const env = process.env;
const quick = env.BENCH_QUICK === '1';
const number = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const only = new Set((env.BENCH_SCENARIOS ?? '1,2,3,4').split(',').map((s) => Number(s.trim())));

const scenarios: Array<{ id: number; name: string; run: () => Promise<Omit<ScenarioResult, 'seconds'>> }> = [
  {
    id: 1,
    name: 'ack latency',
    run: () =>
      ackLatency({
        burst: quick ? 50 : 200,
        commandRounds: number('BENCH_ACK_COMMAND_ROUNDS', quick ? 2 : 20),
        approveRounds: number('BENCH_ACK_APPROVE_ROUNDS', quick ? 2 : 16),
      }),
  },
  { id: 2, name: 'approval path', run: () => approvalPath({ runs: quick ? 5 : 10 }) },
  {
    id: 3,
    name: '100 approvals, one channel',
    run: () =>
      batchUnderRateLimits({ approvals: quick ? 20 : 100, capSeconds: number('BENCH_BATCH_CAP_S', quick ? 60 : 300) }),
  },
  {
    id: 4,
    name: '1,000 followed at once',
    run: () =>
      followMany({
        requests: quick ? 200 : 1000,
        holdSeconds: number('BENCH_FOLLOW_HOLD_S', quick ? 10 : 15),
        idleSeconds: 5,
        rounds: number('BENCH_FOLLOW_ROUNDS', quick ? 2 : 4),
      }),
  },
];

async function main(): Promise<void> {
  const startedAt = new Date();
  const started = performance.now();
  const m = machine();
  process.stdout.write(
    `dollr-slack bench: ${m.cpu}, ${m.cores} cores, node ${m.node}${quick ? ' (BENCH_QUICK: reduced sizes)' : ''}\n`,
  );
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios.filter((s) => only.has(s.id))) {
    process.stdout.write(`\n[${scenario.id}] ${scenario.name}...\n`);
    const t0 = performance.now();
    let result: ScenarioResult;
    try {
      result = { ...(await scenario.run()), seconds: (performance.now() - t0) / 1000 };
    } catch (error) {
      result = crashed(scenario.id, scenario.name, error, (performance.now() - t0) / 1000);
    }
    results.push(result);
    process.stdout.write(`[${scenario.id}] done in ${result.seconds.toFixed(1)} s: ${result.headline}\n`);
  }
  const total = (performance.now() - started) / 1000;
  process.stdout.write(`\n${table(results)}\n\n`);
  for (const note of results.flatMap((r) => r.notes)) process.stdout.write(`  ${note}\n`);
  const misses = missed(results);
  if (misses.length > 0) process.stdout.write(`\n${misses.join('\n')}\n`);
  const path = fileURLToPath(new URL('./results.json', import.meta.url));
  writeResults(path, results, startedAt, total);
  process.stdout.write(`\n${summary(results)}\n(${total.toFixed(0)} s; figures in bench/results.json)\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench could not run: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
