/**
 * The real app as a child process (`node src/main.ts`), configured by its environment
 * only, as in production. Its JSON log lines are kept; the "dollr-slack started" line gives the port.
 * Every child started here is tracked, and killed when the test process exits, whatever the test did.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STARTED = 'dollr-slack started';

interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildApp {
  readonly name: string;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Slack's Request URL: `<url>/slack/events`. */
  readonly eventsUrl: string;
  readonly port: number;
  readonly proc: ChildProcess;
  /** Every line the child wrote, stdout and stderr (stderr lines prefixed with `stderr: `), in order. */
  readonly logs: string[];
  /** Resolves once the process has exited, however. */
  readonly exited: Promise<ChildExit>;
  /** True until the process has exited. */
  readonly alive: boolean;
  /** Sends the signal (SIGKILL by default) and resolves when the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<ChildExit>;
  /** SIGTERM: the graceful stop. Resolves with how the process exited (code 0 expected). */
  stop(): Promise<ChildExit>;
  /** The log lines parsed as JSON (lines that are not JSON are skipped). */
  entries(): Array<Record<string, unknown>>;
}

const children = new Set<ChildProcess>();
// Should the test process end without its cleanup, its children end with it.
process.once('exit', () => {
  for (const proc of children) proc.kill('SIGKILL');
});

export interface ChildAppOptions {
  /** The complete environment of the app (nothing is inherited from the test process but PATH). */
  env: Record<string, string | undefined>;
  /** A name for error messages, e.g. "replica-a". */
  name?: string;
  /** How long to wait for the started line. Default 15 s. */
  startTimeoutMs?: number;
}

export async function startChildApp(options: ChildAppOptions): Promise<ChildApp> {
  const name = options.name ?? 'app';
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
  const proc = spawn(process.execPath, ['src/main.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  const logs: string[] = [];
  const exited = new Promise<ChildExit>((resolve) => {
    proc.once('exit', (code, signal) => {
      children.delete(proc);
      resolve({ code, signal });
    });
  });
  collectLines(proc.stdout!, (line) => logs.push(line));
  collectLines(proc.stderr!, (line) => logs.push(`stderr: ${line}`));

  const timeoutMs = options.startTimeoutMs ?? 15_000;
  const port = await new Promise<number>((resolve, reject) => {
    const check = () => {
      for (const line of logs) {
        if (!line.includes(STARTED)) continue;
        const found = (parseJson(line) as { port?: unknown } | undefined)?.port;
        if (typeof found === 'number') return finish(() => resolve(found));
      }
    };
    const timer = setTimeout(() => finish(() => reject(failure(`did not start within ${timeoutMs} ms`))), timeoutMs);
    const poll = setInterval(check, 20);
    const failure = (why: string) =>
      new Error(`child app "${name}" ${why}. Its output:\n${logs.join('\n') || '(none)'}`);
    void exited.then((exit) =>
      finish(() => reject(failure(`exited (code ${exit.code}, signal ${exit.signal}) before it started`))),
    );
    let done = false;
    function finish(settle: () => void) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(poll);
      settle();
    }
    check();
  }).catch(async (error: unknown) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
    throw error;
  });

  const url = `http://127.0.0.1:${port}`;
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    return exited;
  };
  return {
    name,
    url,
    eventsUrl: `${url}/slack/events`,
    port,
    proc,
    logs,
    exited,
    get alive() {
      return proc.exitCode === null && proc.signalCode === null;
    },
    kill,
    stop: () => kill('SIGTERM'),
    entries: () =>
      logs
        .map(parseJson)
        .filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null),
  };
}

function collectLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let newline: number;
    for (newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
      onLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
