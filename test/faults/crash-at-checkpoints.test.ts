/**
 * Fault group 1: the app process is SIGKILLed at each step boundary of an execution
 * (DOLLR_SLACK_CRASH_AT), then started again on the same Redis. Every approved request completes,
 * money moves once, and the thread tells each status once.
 *
 * Each case: the cards are made on a first app that stops gracefully (so that nothing but the
 * injected crash is in flight), a second app approves request A and kills itself at the checkpoint,
 * a third app (no crash point) resumes A and approves B on a card posted before the crash.
 */
import { describe, it, type ExpectStatic } from 'vitest';
import { CHECKPOINTS, type Checkpoint } from '../../src/core/ports.ts';
import { audit, summarise, waitForFinalStates, type TrackedRequest } from '../support/fault-audit.ts';
import { withRig, type Rig } from '../support/fault-rig.ts';
import { personAt } from '../support/people.ts';
import { APPROVER, REQUESTER } from '../support/system.ts';
import { within } from '../support/within.ts';

/** What the fake Dollr must have seen when the process died at each checkpoint. */
function expectDollrAtCrash(expect: ExpectStatic, checkpoint: Checkpoint, rig: Rig): void {
  const { dollr } = rig;
  const sessions = dollr.calls.filter((c) => c.path.startsWith('/v1/sessions')).length;
  const executes = dollr.calls.filter((c) => c.path.startsWith('/v1/executions')).length;
  const statuses = dollr.calls.filter((c) => c.path.startsWith('/v1/status')).length;
  const executions = dollr.executions();
  switch (checkpoint) {
    case 'after_claim':
    case 'after_reference':
      expect({ sessions, executes }).toEqual({ sessions: 0, executes: 0 });
      break;
    case 'after_session':
      expect({ sessions, executes }).toEqual({ sessions: 1, executes: 0 });
      break;
    case 'after_execute_answer':
      expect({ executes, statuses, executions: executions.length }).toEqual({
        executes: 1,
        statuses: 0,
        executions: 1,
      });
      break;
    case 'while_polling':
      expect({ executes, executions: executions.length }).toEqual({ executes: 1, executions: 1 });
      expect(statuses).toBeGreaterThanOrEqual(1);
      break;
    case 'after_final_stored':
      expect(executions.map((e) => e.status)).toEqual(['COMPLETED']);
      break;
  }
}

// Each case has its own Redis, fakes and apps, so the cases run side by side.
describe.concurrent('SIGKILL at each step boundary, then a restart', () => {
  for (const [index, checkpoint] of CHECKPOINTS.entries()) {
    it(`completes every request exactly once after a crash ${checkpoint}`, { timeout: 60_000 }, ({ expect }) =>
      withRig({}, async (rig) => {
        const { slack, dollr } = rig;
        let app = await rig.startApp('cards');
        const url = () => app.url;
        const requester = personAt({ slack, appUrl: url }, REQUESTER);
        const approver = personAt({ slack, appUrl: url }, APPROVER);

        // A alternates between payout and refund across checkpoints; B is the other kind.
        const payoutAmount = `${10 + index}.25`;
        const refundAmount = `${1 + index}.50`;
        const payout = (token: string) => requester.request(`payout 7 ${payoutAmount} USD ${token}`, token);
        const refund = (token: string) => requester.request(`refund 4411 ${refundAmount} ${token}`, token);
        const payoutFirst = index % 2 === 0;
        const tokenA = `crash-${index}-a`;
        const tokenB = `crash-${index}-b`;
        const cardA = payoutFirst ? await payout(tokenA) : await refund(tokenA);
        const cardB = payoutFirst ? await refund(tokenB) : await payout(tokenB);
        const asPayout = { kind: 'payout' as const, target: 7, amount: payoutAmount, final: 'COMPLETED' as const };
        const asRefund = { kind: 'refund' as const, target: 4411, amount: refundAmount, final: 'COMPLETED' as const };
        const requests: TrackedRequest[] = [
          { card: cardA, ...(payoutFirst ? asPayout : asRefund) },
          { card: cardB, ...(payoutFirst ? asRefund : asPayout) },
        ];
        expect(await app.stop()).toEqual({ code: 0, signal: null });

        app = await rig.startApp(`crash ${checkpoint}`, { DOLLR_SLACK_CRASH_AT: checkpoint });
        // Slack gets its 200 before the work; after_claim may cut the connection first, which Slack would retry.
        const click = await approver.press(cardA, 'approve').catch((error: unknown) => error);
        const exit = await within(app.exited, 15_000, `the app to kill itself at ${checkpoint}`);
        expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
        expect(
          app.logs.some((l) => l.includes('crashing on purpose') && l.includes(`"checkpoint":"${checkpoint}"`)),
        ).toBe(true);
        expectDollrAtCrash(expect, checkpoint, rig);

        app = await rig.startApp('restarted');
        if (!(click && typeof click === 'object' && 'status' in click && click.status === 200)) {
          await approver.press(cardA, 'approve', { send: { retryNum: 1 } });
        }
        expect((await approver.press(cardB, 'approve')).status).toBe(200);
        await waitForFinalStates(slack, requests, 20_000);
        // Stopped before counting: nothing can be told or executed after the count.
        expect(await app.stop()).toEqual({ code: 0, signal: null });

        const result = audit(slack, dollr, requests);
        summarise(checkpoint, { faults: 1, ...result });
        expect(result.problems).toEqual([]);
        expect(result.lost).toBe(0);
        expect(result.duplicated).toBe(0);
        expect(result.executions).toBe(requests.length);
      }),
    );
  }
});
