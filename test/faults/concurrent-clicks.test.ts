/**
 * Fault group 2: the same approval delivered many times, to two replicas on one Redis: a double
 * click, Slack's retries (`x-slack-retry-num`), and fifty clicks at once spread over both replicas.
 * One execution each time, one "Approved" reply, one final reply.
 */
import { describe, it, type ExpectStatic } from 'vitest';
import type { ChildApp } from '../support/child-app.ts';
import { audit, summarise, waitForFinalStates, type TrackedRequest } from '../support/fault-audit.ts';
import { withRig } from '../support/fault-rig.ts';
import { personAt } from '../support/people.ts';
import { APPROVER, APPROVER_2, REQUESTER } from '../support/system.ts';

async function stopAll(expect: ExpectStatic, apps: ChildApp[]): Promise<void> {
  const exits = await Promise.all(apps.map((a) => a.stop()));
  expect(exits).toEqual(apps.map(() => ({ code: 0, signal: null })));
}

const sessionCalls = (calls: ReadonlyArray<{ path: string }>) => calls.filter((c) => c.path.startsWith('/v1/sessions'));

// Each case has its own Redis, fakes and pair of replicas, so the cases run side by side.
describe.concurrent('the same approval, many times, over two replicas', { timeout: 40_000 }, () => {
  it('executes once for a double click and Slack retries', ({ expect }) =>
    withRig({}, async (rig) => {
      const { slack, dollr } = rig;
      const [a, b] = await Promise.all([rig.startApp('replica-a'), rig.startApp('replica-b')]);
      const card = await personAt({ slack, appUrl: a.url }, REQUESTER).request(
        'payout 7 12.34 USD double-click',
        'double-click',
      );
      const approver = personAt({ slack, appUrl: a.url }, APPROVER);
      // Two clicks at once, each reaching a different replica through the load balancer...
      const clicks = await Promise.all([
        approver.press(card, 'approve'),
        approver.press(card, 'approve', { url: b.url }),
      ]);
      // ...then Slack, not seeing an acknowledgement in time, delivers the same click again, to either replica.
      clicks.push(await approver.press(card, 'approve', { url: b.url, send: { retryNum: 1 } }));
      clicks.push(await approver.press(card, 'approve', { send: { retryNum: 2 } }));
      expect(clicks.map((c) => c.status)).toEqual([200, 200, 200, 200]);

      const requests: TrackedRequest[] = [{ card, kind: 'payout', target: 7, amount: '12.34', final: 'COMPLETED' }];
      await waitForFinalStates(slack, requests);
      await stopAll(expect, [a, b]);
      const result = audit(slack, dollr, requests);
      summarise('double click + slack retries', { faults: clicks.length - 1, ...result });
      expect(result.problems).toEqual([]);
      expect(result).toMatchObject({ lost: 0, duplicated: 0, executions: 1 });
      expect(sessionCalls(dollr.calls)).toHaveLength(1);
    }));

  it('executes once for 50 concurrent clicks spread over both replicas', ({ expect }) =>
    withRig({}, async (rig) => {
      const { slack, dollr } = rig;
      const replicas = await Promise.all([rig.startApp('replica-a'), rig.startApp('replica-b')]);
      const card = await personAt({ slack, appUrl: replicas[0].url }, REQUESTER).request(
        'refund 4411 23.45 fifty-clicks',
        'fifty-clicks',
      );
      const approvers = [APPROVER, APPROVER_2].map((id) => personAt({ slack, appUrl: replicas[0].url }, id));
      const clicks = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          approvers[i % 2]!.press(card, 'approve', { url: replicas[Math.floor(i / 2) % 2]!.url }),
        ),
      );
      expect(clicks.filter((c) => c.status !== 200)).toEqual([]);

      const requests: TrackedRequest[] = [{ card, kind: 'refund', target: 4411, amount: '23.45', final: 'COMPLETED' }];
      await waitForFinalStates(slack, requests);
      // Every other click was refused with an explanation: the request was already approved.
      await slack.waitFor(
        (s) => s.ephemerals().filter((e) => /already approved/.test(e.text ?? '')).length >= 49 || undefined,
        5000,
        '49 "already approved" ephemerals',
      );
      await stopAll(expect, replicas);
      const result = audit(slack, dollr, requests);
      summarise('50 clicks over 2 replicas', { faults: clicks.length - 1, ...result });
      expect(result.problems).toEqual([]);
      expect(result).toMatchObject({ lost: 0, duplicated: 0, executions: 1 });
      const [execution] = dollr.executions();
      expect(dollr.executeRequestCount(execution!.referenceId)).toBe(1);
      expect(sessionCalls(dollr.calls)).toHaveLength(1);
    }));
});
