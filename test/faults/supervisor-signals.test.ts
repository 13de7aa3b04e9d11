/**
 * Fault group 8: a supervisor (Docker, Kubernetes, systemd) stops `npm start` the way it stops any
 * process it started: SIGTERM to that process only. npm hands the signal to the app (the start
 * script execs node: no shell in between), the app stops gracefully, and npm exits 0 once the app
 * has, leaving no process of its group behind.
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

describe('npm start under a supervisor', () => {
  it(
    'passes SIGTERM to the app and exits 0 after the app stopped, leaving nothing of its group',
    { timeout: 60_000 },
    () =>
      withRig({}, async (rig) => {
        const output: string[] = [];
        // Its own process group, as a container's or a service's main process has.
        const npm = spawn('npm', ['start'], {
          cwd: REPO_ROOT,
          detached: true,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, ...rig.env() } as NodeJS.ProcessEnv,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        npm.stdout.on('data', (chunk) => output.push(String(chunk)));
        npm.stderr.on('data', (chunk) => output.push(String(chunk)));
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
          npm.once('exit', (code, signal) => resolve({ code, signal })),
        );
        try {
          await pollUntil(() => output.join('').includes('dollr-slack started'), 20_000, 'the app to start');
          process.kill(npm.pid!, 'SIGTERM'); // The group leader only, as a supervisor does.
          expect(await within(exited, 30_000, 'npm start to exit')).toEqual({ code: 0, signal: null });
          expect(output.join('')).toContain('dollr-slack stopped');
          await pollUntil(() => !groupAlive(npm.pid!), 2_000, 'every process of the group to be gone');
        } finally {
          if (groupAlive(npm.pid!)) process.kill(-npm.pid!, 'SIGKILL');
        }
      }),
  );
});
