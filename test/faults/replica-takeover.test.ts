/**
 * Fault group 3: two replicas on one Redis; replica A follows 20 executions that Dollr keeps
 * PROCESSING, and is SIGKILLed. Replica B takes them over once A's leases expire; every request
 * ends (some COMPLETED, some FAILED, as Dollr settles them), each executed once.
 */
import { describe, expect, it } from 'vitest';
import { audit, summarise, waitForFinalStates, type TrackedRequest } from '../support/fault-audit.ts';
import { withRig } from '../support/fault-rig.ts';
import { personAt } from '../support/people.ts';
import { APPROVER, REQUESTER } from '../support/system.ts';

const COUNT = 20;

describe('a replica dies while it follows executions', () => {
  it(`lets the other replica take over ${COUNT} executions, each completed once`, { timeout: 45_000 }, () =>
    withRig({}, async (rig) => {
      const { slack, dollr } = rig;
      dollr.configure({ progression: 'manual' }); // Every execution stays PROCESSING until the test settles it.
      const a = await rig.startApp('replica-a');
      const requester = personAt({ slack, appUrl: a.url }, REQUESTER);
      const approver = personAt({ slack, appUrl: a.url }, APPROVER);

      const amounts = Array.from({ length: COUNT }, (_, i) => `20.${String(i + 1).padStart(2, '0')}`);
      const cards = await Promise.all(
        amounts.map((amount, i) => requester.request(`payout 8 ${amount} USD takeover-${i}`, `takeover-${i}`)),
      );
      const clicks = await Promise.all(cards.map((card) => approver.press(card, 'approve')));
      expect(clicks.every((c) => c.status === 200)).toBe(true);
      // A follows all of them: each execution is PROCESSING at Dollr and its thread says so.
      await slack.waitFor(
        (s) =>
          cards.every((card) => s.thread(card.channel, card.ts).some((m) => m.text?.includes('*PROCESSING*'))) ||
          undefined,
        15_000,
        `${COUNT} PROCESSING replies`,
      );
      expect(dollr.executions()).toHaveLength(COUNT);

      const b = await rig.startApp('replica-b');
      expect(await a.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      const references = dollr.executions().map((e) => e.referenceId);
      const pollsAtKill = new Map(references.map((ref) => [ref, dollr.statusRequestCount(ref)]));

      // Half settle while nobody follows them; B finds out when it takes over.
      const byAmount = new Map(dollr.executions().map((e) => [e.payeeAmount, e.referenceId]));
      const finals = amounts.map((_, i) => (i % 4 === 3 ? 'FAILED' : 'COMPLETED') as 'COMPLETED' | 'FAILED');
      const half = COUNT / 2;
      for (let i = 0; i < half; i++) dollr.settle(byAmount.get(amounts[i]!)!, finals[i]!);
      // The others settle once B is polling them.
      for (let i = half; i < COUNT; i++) {
        const ref = byAmount.get(amounts[i]!)!;
        await dollr.waitFor((d) => d.statusRequestCount(ref) > pollsAtKill.get(ref)!, 15_000);
        dollr.settle(ref, finals[i]!, finals[i] === 'FAILED' ? { gatewayMessage: 'Declined by the provider' } : {});
      }

      const requests: TrackedRequest[] = cards.map((card, i) => ({
        card,
        kind: 'payout',
        target: 8,
        amount: amounts[i]!,
        final: finals[i]!,
      }));
      await waitForFinalStates(slack, requests, 20_000);
      expect(await b.stop()).toEqual({ code: 0, signal: null });
      const result = audit(slack, dollr, requests);
      summarise('kill 1 of 2 replicas following 20', { faults: 1, ...result });
      expect(result.problems).toEqual([]);
      expect(result).toMatchObject({ lost: 0, duplicated: 0, executions: COUNT });
      for (const ref of references) expect(dollr.executeRequestCount(ref)).toBe(1);
    }),
  );
});
