/**
 * Fault group 4: Redis is killed mid-flow and started again (same port, same append-only file, so
 * nothing it acknowledged is lost, as with a real Redis restart). While it is down the app executes
 * nothing it could not record first, says so to an approver who clicks, and reports not ready;
 * once it is back every approved request completes, each executed once, each with its record.
 */
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { audit, summarise, waitForFinalStates, type TrackedRequest } from '../support/fault-audit.ts';
import { withRig } from '../support/fault-rig.ts';
import { personAt } from '../support/people.ts';
import { APPROVER, APPROVER_2, REQUESTER } from '../support/system.ts';
import { pollUntil } from '../support/within.ts';

const readiness = async (url: string) => (await fetch(`${url}/readyz`)).status;

describe('Redis stopped mid-flow and started again', () => {
  it(
    'executes nothing without a record while Redis is down, and completes every approved request after',
    { timeout: 45_000 },
    () =>
      withRig({ persistentRedis: true }, async (rig) => {
        const { slack, dollr, redis } = rig;
        dollr.configure({ progression: 'manual' }); // Executions stay PROCESSING until settled.
        const app = await rig.startApp('app');
        // The test's own view of the store (the app's adapter, its own connection), to read what is recorded.
        const probe = await createStore(redis.url, { timeoutMs: 500 });
        try {
          const url = app.url;
          const requester = personAt({ slack, appUrl: url }, REQUESTER);
          const approver = personAt({ slack, appUrl: url }, APPROVER);
          const secondApprover = personAt({ slack, appUrl: url }, APPROVER_2);

          const make = async (
            kind: 'payout' | 'refund',
            target: number,
            amount: string,
            token: string,
          ): Promise<TrackedRequest> => {
            const text =
              kind === 'payout' ? `payout ${target} ${amount} USD ${token}` : `refund ${target} ${amount} ${token}`;
            return { card: await requester.request(text, token), kind, target, amount, final: 'COMPLETED' };
          };
          const following = [
            await make('payout', 7, '30.01', 'outage-a'),
            await make('payout', 7, '30.02', 'outage-b'),
          ];
          const midFlow = await make('payout', 7, '30.05', 'outage-e');
          const clickedDuringOutage = await make('refund', 4411, '3.03', 'outage-c');
          const approvedAfter = await make('payout', 9, '30.04', 'outage-d');

          // A and B are PROCESSING at Dollr, their threads say so, and the store has recorded telling it.
          for (const r of following) expect((await approver.press(r.card, 'approve')).status).toBe(200);
          await slack.waitFor(
            (s) =>
              following.every((r) =>
                s.thread(r.card.channel, r.card.ts).some((m) => m.text?.includes('*PROCESSING*')),
              ) || undefined,
            10_000,
            'PROCESSING replies for A and B',
          );
          await pollUntil(
            async () =>
              (
                await Promise.all(
                  following.map(async (r) => {
                    const request = await probe.get(r.card.requestId);
                    return request && (await probe.getDelivery(request.id)).told === request.events.length;
                  }),
                )
              ).every(Boolean),
            5000,
            'A and B fully told',
          );

          // E is mid-flow: its reference is stored and Dollr is slow to create its session when Redis dies.
          dollr.inject({ route: 'session', fault: { kind: 'delay', ms: 1000 } });
          const sessionCalls = () => dollr.calls.filter((c) => c.path.startsWith('/v1/sessions')).length;
          const executeCalls = () => dollr.calls.filter((c) => c.path.startsWith('/v1/executions')).length;
          expect((await approver.press(midFlow.card, 'approve')).status).toBe(200);
          await dollr.waitFor((d) => d.calls.filter((c) => c.path.startsWith('/v1/sessions')).length === 3, 5000);
          const logsBefore = app.logs.length;

          await redis.stop('SIGKILL');
          const atOutage = {
            sessions: sessionCalls(),
            executes: executeCalls(),
            executions: dollr.executions().length,
          };
          expect(atOutage).toEqual({ sessions: 3, executes: 2, executions: 2 });
          await pollUntil(async () => (await readiness(url)) === 503, 5000, '/readyz to answer 503');

          // Dollr finishes A meanwhile; the app sees it but cannot record it yet.
          dollr.settle(dollr.executions().find((e) => e.payeeAmount === '30.01')!.referenceId, 'COMPLETED');
          // E's session arrives while the store is down: its run stops without executing.
          await pollUntil(
            () => app.logs.slice(logsBefore).some((l) => l.includes(midFlow.card.requestId) && /stopped/.test(l)),
            5000,
            "E's run to stop on the store error",
          );
          // C is approved while Redis is down: nothing changes, nothing reaches Dollr, and the approver is told.
          expect((await secondApprover.press(clickedDuringOutage.card, 'approve')).status).toBe(200);
          await slack.waitFor(
            (s) => s.ephemerals({ user: APPROVER_2 }).find((e) => /cannot reach my store/.test(e.text ?? '')),
            5000,
            'the store-down ephemeral for the approver of C',
          );
          // Several sweeps fail while Redis is down (each would resume E, C or the others); none may execute anything.
          await pollUntil(
            () => app.logs.slice(logsBefore).filter((l) => l.includes('sweep failed')).length >= 3,
            5000,
            'three failed sweeps during the outage',
          );
          expect({ sessions: sessionCalls(), executes: executeCalls(), executions: dollr.executions().length }).toEqual(
            atOutage,
          );
          expect(await readiness(url)).toBe(503);
          // /metrics still answers: the store's errors counted, what it could not read unknown (not 0).
          const metrics = await (await fetch(`${url}/metrics`)).text();
          expect(metrics).toMatch(/^dollr_slack_store_errors_total\{operation="listWithWorkLeft"\} [1-9]/m);
          expect(metrics).toMatch(/^dollr_slack_outbox_backlog_events NaN$/im); // prom-client prints "Nan".

          await redis.start();
          await pollUntil(async () => (await readiness(url)) === 200, 10_000, '/readyz to answer 200 again');
          dollr.configure({ progression: 'auto' });
          dollr.settle(dollr.executions().find((e) => e.payeeAmount === '30.02')!.referenceId, 'COMPLETED');
          expect((await secondApprover.press(clickedDuringOutage.card, 'approve')).status).toBe(200);
          expect((await approver.press(approvedAfter.card, 'approve')).status).toBe(200);

          const requests = [...following, midFlow, clickedDuringOutage, approvedAfter];
          await waitForFinalStates(slack, requests, 20_000);
          expect(await app.stop()).toEqual({ code: 0, signal: null });

          const result = audit(slack, dollr, requests);
          summarise('redis stopped mid-flow', { faults: 1, ...result });
          expect(result.problems).toEqual([]);
          expect(result).toMatchObject({ lost: 0, duplicated: 0, executions: requests.length });
          // No execution without a record: every reference Dollr executed is on its request in the store.
          for (const execution of dollr.executions()) {
            const record = await probe.getByReference(execution.referenceId);
            expect(record?.state, execution.referenceId).toBe('completed');
          }
          // The approval refused during the outage did not count: C was approved once, after it.
          const c = await probe.get(clickedDuringOutage.card.requestId);
          expect(c?.events.filter((e) => e.type === 'approved')).toHaveLength(1);
        } finally {
          await probe.close().catch(() => {});
        }
      }),
  );
});
