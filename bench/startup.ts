/**
 * Start-up time and idle memory of `npm start`, as an operator meets them: from the spawn to the
 * "dollr-slack started" log line and to the first 200 from /readyz, then the app process's resident
 * memory after 10 s idle (VmRSS of the node process, npm's own excluded). The app runs against the
 * fakes on the default embedded store, in a fresh temporary directory each time.
 *
 *   node bench/startup.ts [--dir <checkout>] [--runs N]
 *
 * `--dir` measures another checkout's `npm start` (an older commit, say) against the same fakes.
 * Prints one line per run and the medians. Not part of `npm run bench`: there is no baseline to
 * compare against in the same run, only another checkout.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startFakeDollr } from '../src/fakes/fake-dollr.ts';
import { startFakeSlack } from '../src/fakes/fake-slack.ts';
import { DOLLR_CLIENT_SECRET, fakesEnv } from '../test/support/system.ts';
import { median } from './stats.ts';

const IDLE_MS = 10_000;

const { values } = parseArgs({
  options: { dir: { type: 'string' }, runs: { type: 'string', default: '5' }, help: { type: 'boolean' } },
});
if (values.help) {
  process.stdout.write('node bench/startup.ts [--dir <checkout>] [--runs N]\n');
  process.exit(0);
}
const dir = resolve(values.dir ?? '.');
const runs = Number(values.runs);

/** The resident memory of `pid`'s node descendant (npm start runs node under npm and sh). */
function nodeRss(pid: number): number {
  const children = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]!));
  const rss = all
    .filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('src/main.ts'))
    .map((p) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0));
  return Math.max(...rss) / 1024;
}

async function once(env: Record<string, string>) {
  const cwd = mkdtempSync(join(tmpdir(), 'dollr-startup-'));
  const started = performance.now();
  const child = spawn('npm', ['start', '--prefix', dir], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? cwd, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  try {
    const port = await new Promise<number>((done, fail) => {
      child.once('exit', (code) => fail(new Error(`npm start exited ${code}`)));
      child.stdout.on('data', (chunk: Buffer) => {
        const found = /"dollr-slack started".*?"port":(\d+)/.exec(chunk.toString());
        if (found) done(Number(found[1]));
      });
    });
    const logged = performance.now() - started;
    while ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status !== 200);
    const ready = performance.now() - started;
    await new Promise((done) => setTimeout(done, IDLE_MS));
    return { logged, ready, rssMb: nodeRss(child.pid!) };
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((done) => child.once('exit', done));
    rmSync(cwd, { recursive: true, force: true });
  }
}

const slack = await startFakeSlack();
const dollr = await startFakeDollr({ clientSecret: DOLLR_CLIENT_SECRET });
const { STORE_URL: _memory, ...env } = fakesEnv(slack, dollr);
const results: Array<Awaited<ReturnType<typeof once>>> = [];
for (let i = 0; i < runs; i++) {
  const result = await once(env);
  results.push(result);
  process.stdout.write(
    `run ${i + 1}: started ${result.logged.toFixed(0)} ms, ready ${result.ready.toFixed(0)} ms, ` +
      `idle RSS ${result.rssMb.toFixed(1)} MB\n`,
  );
}
const mid = (pick: (r: (typeof results)[number]) => number) => median(results.map(pick)).toFixed(1);
process.stdout.write(
  `${dir}: median of ${runs}: started ${mid((r) => r.logged)} ms, ready ${mid((r) => r.ready)} ms, ` +
    `idle RSS ${mid((r) => r.rssMb)} MB\n`,
);
await Promise.all([slack.close(), dollr.close()]);
