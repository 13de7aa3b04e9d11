/**
 * A crash in the one window the outbox cannot close by ordering alone: Slack has accepted a thread
 * reply, and the app dies before it records that. The restarted app must find the reply in the
 * thread and not post it again.
 */
import { describe, it } from 'vitest';
import { summarise, threadTextsOf } from '../support/fault-audit.ts';
import { withRig } from '../support/fault-rig.ts';
import { personAt } from '../support/people.ts';
import { APPROVER, REQUESTER } from '../support/system.ts';

describe('Slack messages after a crash', { timeout: 30_000 }, () => {
  it('a SIGKILL right after Slack accepted a reply: the restarted app does not post it again', ({ expect }) =>
    withRig({}, async (rig) => {
      const { slack, dollr } = rig;
      dollr.holdNext();
      let app = await rig.startApp('first');
      const card = await personAt({ slack, appUrl: app.url }, REQUESTER).request('payout 7 5.55 USD window', 'window');
      // Kill the app the moment the fake Slack holds the PENDING reply, before the app can record it.
      const stop = slack.onChange(() => {
        if (threadTextsOf(slack, card).some((t) => t.includes('*PENDING*'))) app.proc.kill('SIGKILL');
      });
      await personAt({ slack, appUrl: app.url }, APPROVER).press(card, 'approve');
      await app.exited;
      stop();
      app = await rig.startApp('second');
      await slack.waitFor(
        () => threadTextsOf(slack, card).some((t) => t.includes('*PROCESSING*')) || undefined,
        10_000,
      );
      dollr.settle(dollr.executions()[0]!.referenceId, 'COMPLETED');
      await slack.waitFor(() => threadTextsOf(slack, card).some((t) => t.includes('*COMPLETED*')) || undefined, 10_000);
      await app.stop();
      const statuses = threadTextsOf(slack, card)
        .map((t) => /\*(PENDING|PROCESSING|COMPLETED)\*/.exec(t)?.[1])
        .filter(Boolean);
      const [execution] = dollr.executions();
      summarise('crash after a reply was accepted', {
        faults: 1,
        requests: 1,
        executions: dollr.executionCount(execution!.referenceId),
        lost: statuses.includes('COMPLETED') ? 0 : 1,
        duplicated: statuses.length - new Set(statuses).size,
      });
      expect(statuses).toEqual(['PENDING', 'PROCESSING', 'COMPLETED']);
      expect(dollr.executionCount(execution!.referenceId)).toBe(1);
    }));
});
