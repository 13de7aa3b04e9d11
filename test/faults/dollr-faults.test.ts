/**
 * Fault group 5: Dollr misbehaves around the execute call. An answer lost after processing, five
 * 503s in a row, a 429 with Retry-After, a request Dollr never saw (its status query answers 404 and
 * the resend carries the same body, same reference_id), and a lost answer of an execution that
 * failed. Each request ends in Dollr's final state, with money moved at most once.
 */
import { describe, it, type ExpectStatic } from 'vitest';
import type { Fault, RecordedCall } from '../../src/fakes/fake-dollr.ts';
import { audit, summarise, waitForFinalStates, type FinalStatus, type TrackedRequest } from '../support/fault-audit.ts';
import { withRig, type Rig } from '../support/fault-rig.ts';
import { personAt } from '../support/people.ts';
import { APPROVER, REQUESTER } from '../support/system.ts';

const isExecute = (c: RecordedCall) => c.path.startsWith('/v1/executions');
const isStatusOf = (ref: string) => (c: RecordedCall) => c.path.startsWith('/v1/status') && c.path.endsWith(`/${ref}`);

/**
 * Makes one payout, injects `faults` on the execute route, approves it, waits for its final state,
 * stops the app gracefully, audits and prints the summary line. Resolves the execution's reference
 * and the calls Dollr received.
 */
async function runCase(
  { rig, expect }: { rig: Rig; expect: ExpectStatic },
  name: string,
  faults: Array<{ fault: Fault; times?: number }>,
  options: { final?: FinalStatus; failAtDollr?: boolean; waitMs?: number } = {},
) {
  const { slack, dollr } = rig;
  const app = await rig.startApp(name);
  const token = name.replace(/[^a-z0-9]+/gi, '-');
  const amount = '41.50';
  const card = await personAt({ slack, appUrl: app.url }, REQUESTER).request(`payout 9 ${amount} USD ${token}`, token);
  if (options.failAtDollr) dollr.failNextWith({ gatewayMessage: 'Declined by the provider' });
  for (const { fault, times } of faults) dollr.inject({ route: 'execute', times: times ?? 1, fault });
  expect((await personAt({ slack, appUrl: app.url }, APPROVER).press(card, 'approve')).status).toBe(200);

  const requests: TrackedRequest[] = [{ card, kind: 'payout', target: 9, amount, final: options.final ?? 'COMPLETED' }];
  await waitForFinalStates(slack, requests, options.waitMs ?? 20_000);
  expect(await app.stop()).toEqual({ code: 0, signal: null });
  const result = audit(slack, dollr, requests);
  const injected = faults.reduce((sum, f) => sum + (f.times ?? 1), 0);
  summarise(name, { faults: injected, ...result });
  expect(result.problems).toEqual([]);
  expect(result).toMatchObject({ lost: 0, duplicated: 0, executions: 1 });
  const referenceId = result.perRequest[0]!.executions[0]!.referenceId;
  const calls = [...dollr.calls];
  // One reference for the request, whatever happened: every execute body is the same.
  const executeBodies = calls.filter(isExecute).map((c) => JSON.stringify(c.body));
  expect(new Set(executeBodies).size).toBe(1);
  expect(calls.filter(isExecute).every((c) => (c.body as { reference_id?: string }).reference_id === referenceId)).toBe(
    true,
  );
  return { referenceId, calls, executeCalls: calls.filter(isExecute) };
}

// Each case has its own Redis, fakes and app, so the cases run side by side. The 503 case takes longest:
// between sends the app backs off (DOLLR_RETRY_INITIAL_MS doubling up to DOLLR_RETRY_MAX_MS, jittered; short in the
// rig).
describe.concurrent('Dollr faults around execute', { timeout: 40_000 }, () => {
  it('answer lost after processing (answered after the timeout): asks with the same reference, executes once', ({
    expect,
  }) =>
    withRig({}, async (rig) => {
      const { referenceId, calls, executeCalls } = await runCase({ rig, expect }, 'dollr late answer', [
        { fault: { kind: 'late', ms: 1500 } },
      ]);
      expect(executeCalls).toHaveLength(1);
      // What follows the unanswered execute is a status query for that same reference.
      const after = calls
        .slice(calls.indexOf(executeCalls[0]!) + 1)
        .find((c) => c.path.startsWith('/v1/') && !c.path.startsWith('/v1/jwt'));
      expect(after?.path).toBe(`/v1/status/payout/${referenceId}`);
    }));

  it('five 503s in a row: the same body is resent until Dollr takes it, money moves once', ({ expect }) =>
    withRig({}, async (rig) => {
      // Five backoffs of at most 100, 200, 400, 400 and 400 ms.
      const { referenceId, calls, executeCalls } = await runCase(
        { rig, expect },
        'dollr five 503s',
        [{ fault: { kind: 'status', status: 503 }, times: 5 }],
        { waitMs: 20_000 },
      );
      expect(executeCalls).toHaveLength(6);
      // Before each resend the app asked Dollr about the reference (404: never seen), never minting another.
      for (let i = 1; i < executeCalls.length; i++) {
        const between = calls.slice(calls.indexOf(executeCalls[i - 1]!) + 1, calls.indexOf(executeCalls[i]!));
        expect(between.some(isStatusOf(referenceId))).toBe(true);
      }
    }));

  it('429 with Retry-After: waits at least that long, then sends the same body once more', ({ expect }) =>
    withRig({}, async (rig) => {
      const { executeCalls } = await runCase({ rig, expect }, 'dollr 429 retry-after', [
        { fault: { kind: 'rate_limit', retryAfterSeconds: 1 } },
      ]);
      expect(executeCalls).toHaveLength(2);
      expect(executeCalls[1]!.at.getTime() - executeCalls[0]!.at.getTime()).toBeGreaterThanOrEqual(1000);
    }));

  it('request lost before Dollr saw it: the status query answers 404 and the resend uses the same reference', ({
    expect,
  }) =>
    withRig({}, async (rig) => {
      const { referenceId, calls, executeCalls } = await runCase({ rig, expect }, 'dollr never saw it', [
        { fault: { kind: 'drop_before' } },
      ]);
      expect(executeCalls).toHaveLength(2);
      const between = calls.slice(calls.indexOf(executeCalls[0]!) + 1, calls.indexOf(executeCalls[1]!));
      expect(between.filter(isStatusOf(referenceId)).length).toBeGreaterThanOrEqual(1);
      expect(rig.dollr.executeRequestCount(referenceId)).toBe(2);
    }));

  it('answer of a failed execution lost: finds FAILED with the same reference, reports it, never resends', ({
    expect,
  }) =>
    withRig({}, async (rig) => {
      const { executeCalls } = await runCase(
        { rig, expect },
        'dollr failed, answer dropped',
        [{ fault: { kind: 'drop' } }],
        {
          final: 'FAILED',
          failAtDollr: true,
        },
      );
      expect(executeCalls).toHaveLength(1);
    }));
});
