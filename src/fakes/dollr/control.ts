/**
 * The test-only HTTP controls under /__fake/: the same powers as the programmatic API, for tests
 * that run the app as a child process and for the in-browser sandbox. Bodies are JSON, checked
 * with zod; a bad body is a 400 saying what was wrong.
 */
import { z } from 'zod';
import type { FakeDollr } from '../fake-dollr.ts';
import { INVALID_JSON } from './api-routes.ts';
import type { ControlRequest } from './server.ts';
import { reply, type Reply } from './types.ts';
import { SUPPORTED_CURRENCIES } from './validation.ts';

const amount = z.union([z.string().regex(/^\d+(\.\d{1,2})?$/), z.number().nonnegative()]);
const outcome = z.object({ gatewayMessage: z.string().optional(), walletMessage: z.string().optional() });
const fault = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status'), status: z.number().int().min(400).max(599), body: z.unknown().optional() }),
  z.object({ kind: z.literal('rate_limit'), retryAfterSeconds: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('delay'), ms: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('late'), ms: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('drop') }),
  z.object({ kind: z.literal('drop_before') }),
]);

const schemas = {
  inject: z.object({
    route: z.enum(['token', 'session', 'execute', 'status', 'prediction', 'any']),
    times: z.number().int().positive().optional(),
    fault,
  }),
  settle: outcome.extend({ status: z.enum(['COMPLETED', 'FAILED']) }),
  failNext: outcome,
  advanceClock: z.object({ ms: z.number().int().nonnegative() }),
  collection: z.object({ id: z.number().int().positive(), amount, currency: z.enum(SUPPORTED_CURRENCIES) }),
  payoutAccount: z.object({ id: z.number().int().positive() }),
  counterparty: z.object({ id: z.number().int().positive() }),
  balance: z.object({ currency: z.enum(SUPPORTED_CURRENCIES), amount }),
  config: z.object({
    verified: z.boolean().optional(),
    progression: z.enum(['auto', 'manual']).optional(),
    pollsPerStep: z.number().int().positive().optional(),
    fee: amount.optional(),
    predictionFee: amount.optional(),
    predictionsAvailable: z.boolean().optional(),
    latencyMs: z.number().int().nonnegative().optional(),
    strict: z
      .object({
        replays: z.enum(['replay', 'duplicate', 'session_used']).optional(),
        statusLag: z.number().int().nonnegative().optional(),
      })
      .optional(),
  }),
};

const done = (work: () => void): Reply => {
  work();
  return reply(200, { ok: true });
};

export function createControl(fake: FakeDollr): (request: ControlRequest) => Reply {
  return function control({ method, path, body }) {
    if (body === INVALID_JSON) return reply(400, { error: 'The body is not JSON.' });
    const input = body ?? {};
    const parse = <S extends z.ZodType>(schema: S): z.output<S> => schema.parse(input);
    const settleMatch = /^\/__fake\/(?:settle\/([^/]+)|executions\/([^/]+)\/settle)$/.exec(path);
    const countsMatch = /^\/__fake\/counts\/([^/]+)$/.exec(path);
    try {
      if (method === 'GET') {
        if (path === '/__fake/executions') return reply(200, fake.executions());
        if (path === '/__fake/calls') return reply(200, fake.calls);
        if (path === '/__fake/balances') return reply(200, fake.balances());
        if (countsMatch) {
          const referenceId = decodeURIComponent(countsMatch[1]!);
          return reply(200, {
            executionCount: fake.executionCount(referenceId),
            executeRequestCount: fake.executeRequestCount(referenceId),
            statusRequestCount: fake.statusRequestCount(referenceId),
          });
        }
      }
      if (method === 'POST') {
        if (settleMatch) {
          const { status, ...rest } = parse(schemas.settle);
          return reply(200, fake.settle(decodeURIComponent((settleMatch[1] ?? settleMatch[2])!), status, rest));
        }
        switch (path) {
          case '/__fake/reset':
            return done(() => fake.reset());
          case '/__fake/inject':
            return done(() => fake.inject(parse(schemas.inject)));
          case '/__fake/hold-next':
            return done(() => fake.holdNext());
          case '/__fake/fail-next':
            return done(() => fake.failNextWith(parse(schemas.failNext)));
          case '/__fake/expire-tokens':
            return done(() => fake.expireTokens());
          case '/__fake/advance-clock':
            return done(() => fake.advanceClock(parse(schemas.advanceClock).ms));
          case '/__fake/seed/collection':
            return done(() => fake.seedCollection(parse(schemas.collection)));
          case '/__fake/seed/payout-account':
            return done(() => fake.seedPayoutAccount(parse(schemas.payoutAccount)));
          case '/__fake/seed/counterparty':
            return done(() => fake.seedCounterparty(parse(schemas.counterparty)));
          case '/__fake/balance': {
            const { currency, amount: value } = parse(schemas.balance);
            return done(() => fake.setBalance(currency, value));
          }
          case '/__fake/config':
            return done(() => fake.configure(parse(schemas.config)));
        }
      }
      return reply(404, { error: `No fake control ${method} ${path}.` });
    } catch (error) {
      if (error instanceof z.ZodError) return reply(400, { error: z.prettifyError(error) });
      // settle() refuses unknown and already final executions.
      return reply(409, { error: error instanceof Error ? error.message : String(error) });
    }
  };
}
