/**
 * Every command the README names answers `--help` with its usage and exits 0 at once, without
 * starting anything (the benchmark used to start its seven-minute run); a command that takes no
 * arguments refuses one it does not know.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(script: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 20_000,
    env: { PATH: process.env.PATH },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('--help', () => {
  it.each([
    ['src/main.ts', 'npm start'],
    ['src/sandbox/main.ts', 'npm run sandbox'],
    ['bench/run.ts', 'npm run bench'],
    ['bench/startup.ts', 'bench/startup.ts'],
    ['src/tools/audit-export.ts', '--since'],
    ['test/schedules/soak.ts', '--schedules'],
  ])('%s answers with its usage and exits 0', (script, usage) => {
    const { code, stdout } = run(script, '--help');
    expect(code).toBe(0);
    expect(stdout).toContain(usage);
  });

  it.each(['src/main.ts', 'src/sandbox/main.ts', 'bench/run.ts'])(
    '%s refuses an argument it does not know',
    (script) => {
      const { code, stdout, stderr } = run(script, '--frobnicate');
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain('Unknown argument --frobnicate.');
    },
  );
});
