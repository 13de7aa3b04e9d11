/**
 * Starts the process under measurement (bench/app-child.ts) and talks to it over IPC. The child is
 * killed, by its own PID, if the benchmark ends without stopping it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  CallLatencies,
  ChildEvent,
  ChildKind,
  ChildReply,
  ChildRequest,
  ChildUsage,
  TimedCalls,
} from './app-protocol.ts';
import { startScript } from '../test/support/start-script.ts';

/** Distributes over the union, so each message keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const start = startScript();
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface AppProcess {
  readonly kind: ChildKind;
  readonly pid: number;
  /** The app's Slack endpoint: `http://127.0.0.1:<port>/slack/events`. */
  readonly eventsUrl: string;
  /** CPU, memory and timers of the child; `gc` runs a full collection first (the child has --expose-gc). */
  usage(gc?: boolean): Promise<ChildUsage>;
  /** Starts a new peak-RSS window. */
  resetPeak(): Promise<void>;
  /** The app only: times Slack and Dollr calls made with the app's own clients (see TimedCalls). */
  timeCalls(calls: TimedCalls): Promise<CallLatencies>;
  /** Stops the app gracefully, or kills it after `graceMs` (default 25 s). */
  stop(graceMs?: number): Promise<void>;
}

export async function startAppProcess(
  kind: ChildKind,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<AppProcess> {
  // BENCH_CPU_PROFILE=<dir>: the app process writes a V8 CPU profile there when it stops.
  const profile =
    kind === 'app' && process.env.BENCH_CPU_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
      : [];
  // As `npm start` runs the app (package.json, read by test/support/start-script.ts): its Node flags (the
  // young generation's size) and glibc's malloc limited to 2 arenas. With one arena per thread (libuv's
  // pool runs SQLite, V8 has GC helpers), each batch left about 7 MB more RSS behind. Every process gets
  // them, the baselines too. BENCH_NODE_FLAGS and BENCH_MALLOC_ARENA_MAX try other values.
  const flags = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? start.nodeFlags;
  const child = spawn(process.execPath, ['--expose-gc', ...flags, ...profile, 'bench/app-child.ts'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      MALLOC_ARENA_MAX: process.env.BENCH_MALLOC_ARENA_MAX ?? start.mallocArenaMax,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));

  let nextId = 1;
  const waiting = new Map<number, (reply: ChildReply) => void>();
  child.on('message', (message: ChildEvent) => {
    if (message.type === 'reply') {
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    }
  });
  const request = (message: WithoutId<Exclude<ChildRequest, { type: 'start' }>>, ms = 60_000) =>
    new Promise<ChildReply>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`${kind} process did not answer ${message.type} within ${ms} ms`));
      }, ms);
      waiting.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      child.send({ ...message, id } as ChildRequest);
    });

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${kind} process did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.on('message', (message: ChildEvent) => {
      if (message.type === 'started') {
        clearTimeout(timer);
        resolve(message.port);
      } else if (message.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`${kind} process failed to start: ${message.message}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} process exited (${code}) before it started`));
    });
    child.send({ type: 'start', kind, env } satisfies ChildRequest);
  });

  return {
    kind,
    pid: child.pid!,
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    usage: async (gc = false) => (await request({ type: 'usage', gc })).usage!,
    timeCalls: async (calls) => (await request({ type: 'time-calls', calls })).latencies!,
    resetPeak: async () => void (await request({ type: 'peak-reset' })),
    async stop(graceMs = 25_000) {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await request({ type: 'stop' }, graceMs).catch(() => child.kill('SIGKILL'));
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
