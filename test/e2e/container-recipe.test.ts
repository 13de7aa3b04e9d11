/**
 * The container recipe, kept honest without a container runtime (none can run here or in CI). The
 * Dockerfile is read, not trusted: its stages are built into temporary directories by its own COPY
 * instructions (through .dockerignore) and its own `npm ci` line; its CMD is started there, in exec
 * form, with its ENV; its HEALTHCHECK command decides when the app is ready; SIGTERM stops it with exit
 * code 0 and nothing left running. compose.yaml is read for the shape the README promises: Redis that
 * keeps its data, two app replicas on it in HTTP mode, a grace period longer than the app's stop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { stopBudgetMs } from '../../src/app.ts';
import { parseStoreUrl } from '../../src/adapters/store/store-url.ts';
import { loadConfig } from '../../src/config.ts';
import { startFakeDollr } from '../../src/fakes/fake-dollr.ts';
import { startFakeSlack } from '../../src/fakes/fake-slack.ts';
import { createSlackSender } from '../../src/fakes/slack-sender.ts';
import { applyCopy, dockerignore, filesUnder, hostPath, makeDirectory } from '../support/build-context.ts';
import {
  copyOf,
  durationMs,
  envOf,
  execForm,
  healthcheckOf,
  instructionsOf,
  onlyInstruction,
  parseDockerfile,
  type Stage,
  workdirOf,
} from '../support/dockerfile.ts';
import { CHANNEL, DOLLR_CLIENT_SECRET, fakesEnv, REQUESTER, SIGNING_SECRET } from '../support/system.ts';
import { startScript } from '../support/start-script.ts';
import { pollUntil, within } from '../support/within.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(join(REPO_ROOT, file), 'utf8');

const stages = parseDockerfile(read('Dockerfile'));
const runtime = stages.at(-1)!;
const ignored = dockerignore(read('.dockerignore'));
const packageJson = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

/** A configuration that starts (HTTP mode), as a filled-in .env would give. */
const FILLED_IN_ENV = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-container',
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  DOLLR_CLIENT_ID: 'client-container',
  DOLLR_CLIENT_SECRET,
  APPROVERS: 'UAPPROVER1',
};

/** The one mkdir-and-chown RUN the runtime stage may hold: `mkdir -p <dir> && chown <user>:<user> <dir>`. */
const OWNED_DIRECTORY = /^mkdir -p (\S+) && chown (\S+):\2 \1$/;

describe('the Dockerfile', () => {
  it('runs the Node major the suite runs on, as `npm start` does, as the node user, its store on a volume', () => {
    const major = process.versions.node.split('.')[0]!;
    expect(read('.nvmrc').trim()).toBe(major);
    for (const stage of stages) expect(stage.image).toBe(`node:${major}-slim`);

    // The install: production packages exactly as locked (the one RUN of the first stage, run below).
    expect(instructionsOf(stages[0]!, 'RUN').map((run) => run.args)).toEqual([
      expect.stringMatching(/^npm ci (\S+ )*--omit=dev( \S+)*$/),
    ]);

    // What `npm start` runs, without npm: the same file, the same Node flags, the same malloc arenas.
    const start = startScript(packageJson.scripts.start);
    expect(execForm(onlyInstruction(runtime, 'CMD').args)).toEqual(['node', ...start.nodeFlags, start.entry]);
    expect(envOf(runtime)).toEqual({ NODE_ENV: 'production', MALLOC_ARENA_MAX: start.mallocArenaMax });
    expect(onlyInstruction(runtime, 'STOPSIGNAL').args).toBe('SIGTERM');

    // The default port the app listens on, and the health route a ready replica answers.
    expect(onlyInstruction(runtime, 'EXPOSE').args).toBe(String(loadConfig(FILLED_IN_ENV).port));
    const healthcheck = healthcheckOf(runtime);
    expect(healthcheck.command[0]).toBe('node');
    expect(healthcheck.command.join(' ')).toContain('/readyz');
    expect(durationMs(healthcheck.options.timeout!)).toBeGreaterThan(0);

    // The embedded store's default file is inside the volume, and the volume belongs to the app's user.
    const workdir = workdirOf(runtime);
    expect(workdir).toBe('/app');
    const [volume] = execForm(onlyInstruction(runtime, 'VOLUME').args);
    expect(posix.dirname(defaultStoreFile(workdir))).toBe(volume);
    const user = onlyInstruction(runtime, 'USER');
    expect(user.args).toBe('node');
    const owned = OWNED_DIRECTORY.exec(onlyInstruction(runtime, 'RUN').args);
    expect(owned?.slice(1)).toEqual([volume, 'node']);
    // Created as root, before USER: the app's user could not create a directory in /app.
    expect(runtime.instructions.indexOf(user)).toBeGreaterThan(
      runtime.instructions.indexOf(onlyInstruction(runtime, 'RUN')),
    );
  });

  it('installs with its own npm ci, starts its CMD, passes its HEALTHCHECK, and stops on SIGTERM with exit 0', {
    timeout: 120_000,
  }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'dollr-container-'));
    const slack = await startFakeSlack();
    const dollr = await startFakeDollr({ clientSecret: DOLLR_CLIENT_SECRET });
    let app: ChildProcess | undefined;
    try {
      const roots = await build(stages, work);
      const runtimeRoot = roots[stageName(runtime)]!.root;
      const appDir = hostPath(runtimeRoot, workdirOf(runtime));

      // The image's /app holds what the Dockerfile put there and nothing else: no .env, no tests.
      expect(readdirSync(appDir).sort()).toEqual(['data', 'node_modules', 'package.json', 'src']);
      const sources = filesUnder(join(appDir, 'src'));
      expect(sources).toContain('main.ts');
      expect(sources.filter((file) => /^(fakes|sandbox)\/|(^|\/)\.env/.test(file))).toEqual([]);
      expect(readdirSync(join(appDir, 'node_modules'))).toEqual(
        expect.arrayContaining(Object.keys(packageJson.dependencies).map((name) => name.split('/')[0])),
      );
      for (const devOnly of ['typescript', 'vitest', 'node', '@biomejs']) {
        expect(existsSync(join(appDir, 'node_modules', devOnly)), `${devOnly} is not installed`).toBe(false);
      }
      // Packages resolve from /app/node_modules only, as in the image: none above the copy to fall back on.
      for (let dir = dirname(appDir); dir !== dirname(dir); dir = dirname(dir)) {
        expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules`).toBe(false);
      }

      // The container's environment: the image's ENV, then what `docker run --env-file` adds. Only
      // `node` comes from this machine (the suite's Node, the image's major: checked above).
      const port = await freePort();
      const env = definedOnly({
        PATH: nodeFirstPath(),
        ...envOf(runtime),
        ...fakesEnv(slack, dollr),
        STORE_URL: undefined, // The image's default: the embedded store in the volume.
        PORT: String(port),
      });
      const healthcheck = healthcheckOf(runtime);
      const healthy = () => exitCodeOf(healthcheck.command, appDir, env, durationMs(healthcheck.options.timeout!));
      expect(await healthy(), 'the HEALTHCHECK fails while nothing listens').not.toBe(0);

      const [command, ...args] = execForm(onlyInstruction(runtime, 'CMD').args);
      const output: string[] = [];
      // Its own process group, as a container's main process has.
      app = spawn(command!, args, { cwd: appDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      app.stdout!.on('data', (chunk) => output.push(String(chunk)));
      app.stderr!.on('data', (chunk) => output.push(String(chunk)));
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      const exited = new Promise<NonNullable<typeof exit>>((resolve) =>
        app!.once('exit', (code, signal) => {
          exit = { code, signal };
          resolve(exit);
        }),
      );
      // As Docker does, every 200 ms here instead of --interval: healthy once the command exits 0.
      for (const deadline = Date.now() + 30_000; (await healthy()) !== 0; ) {
        if (exit)
          throw new Error(`the app exited (${JSON.stringify(exit)}) before it was healthy:\n${output.join('')}`);
        if (Date.now() > deadline) throw new Error(`the HEALTHCHECK did not pass in 30 s:\n${output.join('')}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }

      // It serves Slack (a signed /dollr help) and keeps its state where the volume is.
      const sender = createSlackSender({
        appUrl: `http://127.0.0.1:${port}/slack/events`,
        signingSecret: SIGNING_SECRET,
      });
      const help = await sender.command({ text: 'help', userId: REQUESTER, channelId: CHANNEL });
      expect(help.status).toBe(200);
      expect(help.body).toContain('/dollr refund');
      const storeFile = defaultStoreFile(workdirOf(runtime));
      expect(existsSync(hostPath(runtimeRoot, storeFile)), `${storeFile} in the volume`).toBe(true);

      process.kill(app.pid!, 'SIGTERM'); // As `docker stop` does: the main process only.
      expect(await within(exited, 30_000, 'the app to stop')).toEqual({ code: 0, signal: null });
      expect(output.join('')).toContain('dollr-slack stopped');
      await pollUntil(() => !groupAlive(app!.pid!), 2_000, 'every process of the group to be gone');
      expect(await healthy(), 'the HEALTHCHECK fails once the app is gone').not.toBe(0);
    } finally {
      if (app?.pid !== undefined && groupAlive(app.pid)) process.kill(-app.pid, 'SIGKILL');
      await Promise.allSettled([slack.close(), dollr.close()]);
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('.dockerignore', () => {
  it('keeps secrets, installed packages, stored data and the fakes out of the build context', () => {
    for (const path of ['.env', '.env.production', 'src/.env', 'node_modules', 'node_modules/yaml/package.json']) {
      expect(ignored(path), path).toBe(true);
    }
    for (const path of ['data/dollr-slack.sqlite', 'audit.csv', 'src/fakes/fake-slack.ts', 'src/sandbox/main.ts']) {
      expect(ignored(path), path).toBe(true);
    }
    for (const path of ['package.json', 'package-lock.json', 'src/main.ts', 'src/tools/audit-export.ts']) {
      expect(ignored(path), path).toBe(false);
    }
  });
});

const service = z.object({
  image: z.string().optional(),
  build: z.string().optional(),
  command: z.array(z.string()).optional(),
  env_file: z.string().optional(),
  environment: z.record(z.string(), z.string()).optional(),
  depends_on: z.union([z.array(z.string()), z.record(z.string(), z.object({ condition: z.string() }))]).optional(),
  healthcheck: z.object({ test: z.array(z.string()) }).optional(),
  ports: z.array(z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  stop_grace_period: z.string().optional(),
});
const composeFile = z.object({
  services: z.record(z.string(), service),
  configs: z.record(z.string(), z.object({ content: z.string() })).optional(),
});

describe('compose.yaml', () => {
  const compose = composeFile.parse(parse(read('compose.yaml')));
  const apps = Object.entries(compose.services).filter(([, app]) => app.build === '.');

  it('runs Redis with its data on a volume, in an append-only file, healthy when it answers PONG', () => {
    const redis = compose.services.redis!;
    expect(redis.image).toMatch(/^redis:\d+/);
    expect(redis.command?.join(' ')).toContain('--appendonly yes');
    expect(redis.volumes?.some((volume) => volume.endsWith(':/data'))).toBe(true);
    expect(redis.healthcheck?.test.join(' ')).toContain('redis-cli ping');
  });

  it('runs two replicas of the image on that Redis, in HTTP mode, stopped with time to finish', () => {
    expect(apps.map(([name]) => name)).toHaveLength(2);
    for (const [name, app] of apps) {
      expect(app.env_file, name).toBe('.env');
      expect(app.depends_on, name).toMatchObject({ redis: { condition: 'service_healthy' } });
      expect(app.ports, `${name} is reached through the proxy only`).toBeUndefined();
      // What the app reads: .env (even one set up for Socket Mode), then the service's environment on top.
      const config = loadConfig({ ...FILLED_IN_ENV, SLACK_APP_TOKEN: 'xapp-from-dotenv', ...app.environment });
      expect(config.slack.appToken, name).toBeUndefined();
      expect(parseStoreUrl(config.storeUrl).kind, name).toBe('redis');
      expect(Object.keys(compose.services), name).toContain(new URL(config.storeUrl!).hostname);
      expect(durationMs(app.stop_grace_period ?? '10s'), name).toBeGreaterThan(stopBudgetMs(config));
    }
  });

  it("publishes one port, whose proxy sends to each replica's port and asks each one's /readyz", () => {
    const published = Object.entries(compose.services).filter(([, other]) => other.ports !== undefined);
    expect(published.map(([name]) => name)).toEqual(['proxy']);
    const [, containerPort] = /^(\d+):(\d+)$/.exec(published[0]![1].ports![0]!)!.slice(1);
    const caddyfile = compose.configs?.caddyfile?.content ?? '';
    expect(caddyfile.startsWith(`:${containerPort} {`)).toBe(true);
    for (const [name, app] of apps) {
      expect(caddyfile).toContain(` ${name}:${loadConfig({ ...FILLED_IN_ENV, ...app.environment }).port}`);
    }
    expect(caddyfile).toContain('health_uri /readyz');
  });
});

/** Builds every stage into `<work>/<stage name>` as `docker build` would; returns where each one is. */
async function build(all: Stage[], work: string): Promise<Record<string, { root: string; workdir: string }>> {
  const roots: Record<string, { root: string; workdir: string }> = {};
  for (const stage of all) {
    const root = join(work, stageName(stage));
    let workdir = '/';
    mkdirSync(root, { recursive: true });
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'WORKDIR') {
        workdir = posix.resolve(workdir, instruction.args);
        makeDirectory(root, workdir);
      } else if (instruction.keyword === 'COPY') {
        applyCopy(copyOf(instruction), { context: REPO_ROOT, ignored, workdir, stageRoot: root, stageRoots: roots });
      } else if (instruction.keyword === 'RUN') {
        const owned = OWNED_DIRECTORY.exec(instruction.args);
        // Ownership needs the image's user, which this machine lacks: checked on its own above.
        if (owned) makeDirectory(root, posix.resolve(workdir, owned[1]!));
        else await run(instruction.args, hostPath(root, workdir), envOf(stage));
      }
    }
    roots[stageName(stage)] = { root, workdir };
  }
  return roots;
}

/** Where the embedded store lives when STORE_URL is unset and the app runs in `workdir`. */
function defaultStoreFile(workdir: string): string {
  const location = parseStoreUrl(undefined, workdir);
  if (location.kind !== 'sqlite') throw new Error(`the default store is ${location.kind}, not the embedded one`);
  return location.file;
}

function stageName(stage: Stage): string {
  return stage.name ?? `stage-${stages.indexOf(stage)}`;
}

/**
 * A RUN line, as Docker runs the shell form (`/bin/sh -c`), on the suite's Node. npm uses this machine's
 * cache, which the suite's own `npm ci` filled: the same lockfile resolves to the same tarballs, no download.
 */
async function run(command: string, cwd: string, stageEnv: Record<string, string>): Promise<void> {
  const env = definedOnly({
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_'))),
    PATH: nodeFirstPath(),
    npm_config_cache: process.env.npm_config_cache ?? join(process.env.HOME ?? '/root', '.npm'),
    ...stageEnv,
  });
  const started = Date.now();
  const output: string[] = [];
  const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk) => output.push(String(chunk)));
  child.stderr.on('data', (chunk) => output.push(String(chunk)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code, `RUN ${command} failed:\n${output.join('')}`).toBe(0);
  console.log(`container-recipe: RUN ${command} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Runs a command (the HEALTHCHECK) with a time limit, as Docker does; a timeout counts as a failure. */
function exitCodeOf(argv: string[], cwd: string, env: Record<string, string>, timeoutMs: number) {
  return new Promise<number | null>((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: 'ignore', timeout: timeoutMs });
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
}

/** PATH with the suite's Node first, so `node` (and npm, which runs on `node`) is the image's major. */
function nodeFirstPath(): string {
  return [dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(delimiter);
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
