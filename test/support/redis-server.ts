/**
 * A private redis-server child on a free loopback port, for tests that stop and start Redis (outages)
 * or that need the app's fixed key namespace to themselves. Ephemeral by default; `persistent` keeps
 * every write in an append-only file (fsync on each write) in a temporary directory, so that a kill
 * and a start again behave like a real Redis restart: nothing acknowledged is lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`, for STORE_URL. */
  readonly url: string;
  /** True while the redis-server process runs. */
  readonly running: boolean;
  /** Starts redis-server (again) on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it: SIGKILL (a crash; the default) or SIGTERM (a clean shutdown). Resolves on exit. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** SIGSTOP: the process stays, but answers nothing until resume(). */
  pause(): void;
  resume(): void;
  /** Sends one command and resolves its reply (simple string, bulk string, integer, or array of those). */
  command(...args: string[]): Promise<RedisReply>;
  /** FLUSHALL: an empty server between cases. */
  flushAll(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

type RedisReply = string | number | null | RedisReply[];

const servers = new Set<ChildProcess>();
const dirs = new Set<string>();
// Should the test process end without its cleanup (a test timed out, say), its redis-servers end with it.
process.once('exit', () => {
  for (const server of servers) server.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A port that was free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startRedisServer(options: { persistent?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  dirs.add(dir);
  const persistence = options.persistent
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
    : ['--appendonly', 'no', '--save', ''];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence];
  let child: ChildProcess | undefined;

  const alive = (c: ChildProcess | undefined): c is ChildProcess =>
    c !== undefined && c.exitCode === null && c.signalCode === null;

  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return alive(child);
    },
    async start() {
      if (alive(child)) throw new Error(`redis-server on ${port} is already running`);
      const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      servers.add(started);
      started.once('exit', () => servers.delete(started));
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Ready to accept connections')) resolve();
        };
        started.stdout!.on('data', onData);
        started.stderr!.on('data', onData);
        started.once('error', reject);
        started.once('exit', (code, signal) =>
          reject(new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${output}`)),
        );
      });
    },
    async stop(signal = 'SIGKILL') {
      const running = child;
      if (!alive(running)) return;
      const exited = once(running, 'exit');
      running.kill('SIGCONT'); // A paused server cannot act on SIGTERM.
      running.kill(signal);
      await exited;
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    command: (...commandArgs) => sendCommand(port, commandArgs),
    async flushAll() {
      const reply = await sendCommand(port, ['FLUSHALL']);
      if (reply !== 'OK') throw new Error(`FLUSHALL answered ${JSON.stringify(reply)}`);
    },
    async close() {
      await server.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      dirs.delete(dir);
    },
  };
  await server.start();
  return server;
}

/** One command over a fresh connection, in RESP. */
function sendCommand(port: number, args: string[]): Promise<RedisReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    socket.setTimeout(2000, () => socket.destroy(new Error(`redis on ${port} did not answer ${args[0]} within 2 s`)));
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const parsed = parseReply(buffer, 0);
      if (parsed === undefined) return;
      socket.end();
      if (parsed.error) reject(new Error(`redis: ${parsed.error}`));
      else resolve(parsed.value);
    });
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

type Parsed = { value: RedisReply; end: number; error?: string };

/** Parses one RESP2 reply at `at`; undefined while incomplete. */
function parseReply(buffer: Buffer, at: number): Parsed | undefined {
  const lineEnd = buffer.indexOf('\r\n', at);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[at]!);
  const line = buffer.toString('utf8', at + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: null, end: next, error: line };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RedisReply[] = [];
      let position = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, position);
        if (item === undefined) return undefined;
        items.push(item.value);
        position = item.end;
      }
      return { value: items, end: position };
    }
    default:
      throw new Error(`unexpected RESP type ${type}`);
  }
}
