/**
 * Fault group 6: a stricter Dollr, as the docs allow it to be. A replayed execute is refused with a
 * 422 ("reference_id already exists", or "session is not active" because the first execute used the
 * session up), and a status query answers 404 for a while after an execution is recorded. A client
 * that took such a 422 for a refusal would report "failed, no money moved" for money that moved.
 *
 * (a) the app dies between its first execute and the answer, and resumes on a restart;
 * (b) the first execute's answer comes too late, in one process.
 * Either way the request ends COMPLETED, as Dollr has it, with one execution and no FAILED reply.
 */
import { describe, it, type ExpectStatic } from 'vitest';
import type { StrictMode } from '../../src/fakes/fake-dollr.ts';
import { audit, summarise, threadTextsOf, waitForFinalStates, type TrackedRequest } from '../support/fault-audit.ts';
import { withRig, type Rig } from '../support/fault-rig.ts';
import { personAt } from '../support/people.ts';
import { APPROVER, REQUESTER } from '../support/system.ts';
import { within } from '../support/within.ts';

async function check(expect: ExpectStatic, rig: Rig, name: string, requests: TrackedRequest[]): Promise<void> {
  await waitForFinalStates(rig.slack, requests, 20_000);
  const result = audit(rig.slack, rig.dollr, requests);
  summarise(name, { faults: 2, ...result });
  expect(result.problems).toEqual([]);
  expect(result).toMatchObject({ lost: 0, duplicated: 0, executions: requests.length });
  for (const request of requests) {
    const texts = threadTextsOf(rig.slack, request.card).join('\n');
    expect(texts).not.toMatch(/FAILED|no money moved|refused/i);
  }
}

describe.concurrent('a strict Dollr: replays refused, status lagging', { timeout: 60_000 }, () => {
  const cases: Array<[string, StrictMode['replays']]> = [
    ['reference_id already exists', 'duplicate'],
    ['session is not active', 'session_used'],
  ];

  for (const [refusal, replays] of cases) {
    const token = replays.replace('_', '-');
    it(`(a) resumes after a crash between execute and its answer, the resend refused: ${refusal}`, ({ expect }) =>
      withRig({}, async (rig) => {
        const { slack, dollr } = rig;
        let app = await rig.startApp('first');
        const people = { slack, appUrl: () => app.url };
        const amount = replays === 'duplicate' ? '31.25' : '32.25';
        const card = await personAt(people, REQUESTER).request(
          `payout 8 ${amount} USD strict-crash-${token}`,
          `strict-crash-${token}`,
        );
        dollr.configure({ strict: { replays, statusLag: 3 } });
        // Dollr takes the execute (money moves) and answers only after the process is gone.
        dollr.inject({ route: 'execute', fault: { kind: 'late', ms: 10_000 } });
        await personAt(people, APPROVER).press(card, 'approve');
        await dollr.waitFor((d) => d.executions().length === 1, 10_000);
        expect(await app.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

        app = await rig.startApp('restarted');
        await check(expect, rig, `strict crash ${replays}`, [
          { card, kind: 'payout', target: 8, amount, final: 'COMPLETED' },
        ]);
        expect(await within(app.stop(), 10_000, 'a graceful stop')).toEqual({ code: 0, signal: null });
      }));

    it(`(b) an execute answered too late, the status lagging, the resend refused: ${refusal}`, ({ expect }) =>
      withRig({}, async (rig) => {
        const { slack, dollr } = rig;
        const app = await rig.startApp('one');
        const people = { slack, appUrl: app.url };
        const amount = replays === 'duplicate' ? '33.25' : '34.25';
        const card = await personAt(people, REQUESTER).request(
          `refund 4411 ${amount} strict-late-${token}`,
          `strict-late-${token}`,
        );
        dollr.configure({ strict: { replays, statusLag: 2 } });
        dollr.inject({ route: 'execute', fault: { kind: 'late', ms: 2000 } });
        await personAt(people, APPROVER).press(card, 'approve');
        await check(expect, rig, `strict late ${replays}`, [
          { card, kind: 'refund', target: 4411, amount, final: 'COMPLETED' },
        ]);
        const referenceId = dollr.executions()[0]!.referenceId;
        // The resend carried the same reference and was refused; money moved once.
        expect(dollr.executeRequestCount(referenceId)).toBeGreaterThanOrEqual(2);
        expect(dollr.executionCount(referenceId)).toBe(1);
        expect(await app.stop()).toEqual({ code: 0, signal: null });
      }));
  }
});
