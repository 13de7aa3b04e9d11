/**
 * Fault group 8: a supervisor (Docker, Kubernetes, systemd) stops `npm start` the way it stops any
 * process it started: SIGTERM to that process only. npm hands the signal to the app (the start
 * script execs node: no shell in between), the app stops gracefully, and npm exits 0 once the app
 * has, leaving no process of its group behind; a signal that comes while the app starts is kept
 * until the start is over, not met with Node's default action (death, with nothing stopped in order).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withRig } from '../support/fault-rig.ts';
import { pollUntil, within } from '../support/within.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `npm start` in its own process group, as a container's or a service's main process is. */
function npmStart(env: Record<string, string | undefined>) {
  const output: string[] = [];
  const npm = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    detached: true,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  npm.stdout.on('data', (chunk) => output.push(String(chunk)));
  npm.stderr.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    npm.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    said: (text: string) => output.join('').includes(text),
    output: () => output.join(''),
    /** SIGTERM to the group leader only, as a supervisor sends it. */
    terminate: () => process.kill(npm.pid!, 'SIGTERM'),
    exited: () => within(exited, 30_000, 'npm start to exit'),
    groupGone: () => pollUntil(() => !groupAlive(npm.pid!), 2_000, 'every process of the group to be gone'),
    kill: () => {
      if (groupAlive(npm.pid!)) process.kill(-npm.pid!, 'SIGKILL');
    },
  };
}

describe('npm start under a supervisor', () => {
  it(
    'passes SIGTERM to the app and exits 0 after the app stopped, leaving nothing of its group',
    { timeout: 60_000 },
    () =>
      withRig({}, async (rig) => {
        const app = npmStart(rig.env());
        try {
          await pollUntil(() => app.said('dollr-slack started'), 20_000, 'the app to start');
          app.terminate();
          expect(await app.exited()).toEqual({ code: 0, signal: null });
          expect(app.output()).toContain('dollr-slack stopped');
          await app.groupGone();
        } finally {
          app.kill();
        }
      }),
  );

  it('keeps a SIGTERM that comes while the app starts, and stops it gracefully once started', { timeout: 60_000 }, () =>
    withRig({}, async (rig) => {
      // Slack answers the start's auth.test late: the signal comes after the store opened, before the start ends.
      rig.slack.inject({ method: 'auth.test', fault: { kind: 'delay', ms: 1500 } });
      const app = npmStart(rig.env());
      try {
        await pollUntil(() => app.said('store opened'), 20_000, 'the app to open its store');
        app.terminate();
        expect(await app.exited()).toEqual({ code: 0, signal: null });
        expect(app.output()).toContain('SIGTERM received, stopping once started');
        expect(app.output()).toContain('dollr-slack started');
        expect(app.output()).toContain('dollr-slack stopped');
        await app.groupGone();
      } finally {
        app.kill();
      }
    }),
  );
});
