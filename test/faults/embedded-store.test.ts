/**
 * Fault group 7: the embedded SQLite store serves one process. A second app on the same file stops
 * at once saying so; the audit export still reads beside the app; and after the only process is
 * SIGKILLed, the restarted one takes over every lease in the file at once, so a request that
 * completed meanwhile is reported within a few poll intervals, not after the dead leases expire.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startChildApp } from '../support/child-app.ts';
import { withRig } from '../support/fault-rig.ts';
import { personAt } from '../support/people.ts';
import { APPROVER, REQUESTER } from '../support/system.ts';
import { within } from '../support/within.ts';

async function withStoreFile<T>(work: (url: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dollr-embedded-'));
  try {
    return await work(`sqlite://${join(dir, 'store.sqlite')}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the audit export CLI against `storeUrl`; resolves its exit code and output. */
function auditExport(storeUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['src/tools/audit-export.ts', '--since', '2020-01-01', '--format', 'jsonl'], {
      env: { PATH: process.env.PATH, STORE_URL: storeUrl },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the embedded store', { timeout: 60_000 }, () => {
  it('refuses a second app on the same file at once, and lets the audit export read beside the first', () =>
    withRig({}, (rig) =>
      withStoreFile(async (STORE_URL) => {
        const app = await rig.startApp('only', { STORE_URL });
        await personAt({ slack: rig.slack, appUrl: app.url }, REQUESTER).request('refund 4411 3.50 beside', 'beside');
        const second = startChildApp({ name: 'second', env: rig.env({ STORE_URL }) });
        const refused = await within(
          second.then(
            () => 'started',
            (error: Error) => error.message,
          ),
          10_000,
          'the second app to stop',
        );
        expect(refused).toMatch(/exited \(code 1, signal null\) before it started/);
        expect(refused).toMatch(
          /Another dollr-slack process is using the embedded store .*store\.sqlite.*STORE_URL=redis:\/\//s,
        );
        const exported = await auditExport(STORE_URL);
        expect(exported.code).toBe(0);
        expect(exported.stdout).toContain('"requested"');
        expect(await app.stop()).toEqual({ code: 0, signal: null });
      }),
    ));

  it('after a SIGKILL, the restarted app reports what completed meanwhile within a few poll intervals', () =>
    withRig({}, (rig) =>
      withStoreFile(async (STORE_URL) => {
        const { slack, dollr } = rig;
        // Leases as long as in production: waiting for the dead one's would take half a minute.
        const settings = {
          STORE_URL,
          LEASE_TTL_MS: '30000',
          SWEEP_INTERVAL_MS: '15000',
          DOLLR_POLL_INTERVAL_MS: '100',
        };
        let app = await rig.startApp('first', settings);
        const people = { slack, appUrl: () => app.url };
        const card = await personAt(people, REQUESTER).request('payout 7 12.75 USD meanwhile', 'meanwhile');
        dollr.holdNext();
        await personAt(people, APPROVER).press(card, 'approve');
        await slack.waitFor(
          (s) => s.thread(card.channel, card.ts).some((m) => m.text?.includes('*PROCESSING*')) || undefined,
          10_000,
        );
        expect(await app.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

        dollr.settle(dollr.executions()[0]!.referenceId, 'COMPLETED');
        app = await rig.startApp('restarted', settings);
        // A few poll intervals, far below the dead process's lease (30 s).
        await slack.waitFor(
          (s) => s.thread(card.channel, card.ts).some((m) => m.text?.includes('*COMPLETED*')) || undefined,
          5_000,
        );
        expect(dollr.executionCount(dollr.executions()[0]!.referenceId)).toBe(1);
        // The operator sees it too: the restarted process took the dead one's request over.
        const metrics = await (await fetch(`${app.url}/metrics`)).text();
        expect(metrics).toMatch(/^dollr_slack_lease_takeovers_total 1$/m);
        expect(await app.stop()).toEqual({ code: 0, signal: null });
      }),
    ));
});
