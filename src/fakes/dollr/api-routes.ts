/**
 * The Dollr routes the fake serves, checked in FastAPI's order: route -> method -> Bearer auth ->
 * path and body validation -> the handler's own rules.
 */
import { checkBearer, obtainToken } from './auth.ts';
import { executePayout, executeRefund, executeTransfer, executionStatus } from './execution-routes.ts';
import type { ApiRoute } from './faults.ts';
import { predictAmountAndFees } from './predictions.ts';
import { createPayoutSession, createRefundSession, createTransferSession } from './sessions.ts';
import type { FakeState } from './state.ts';
import { reply, type Reply } from './types.ts';
import { validationError } from './validation.ts';

/** A body that was sent but is not JSON (FastAPI answers 422 jsondecode). */
export const INVALID_JSON = Symbol('invalid json');

export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization: string | undefined;
}

interface RouteDef {
  method: 'GET' | 'POST';
  pattern: RegExp;
  route: ApiRoute;
  auth: boolean;
  handle(state: FakeState, match: RegExpExecArray, body: unknown, query: Record<string, string>): Reply;
}

const V = '/([^/]+)';
const ROUTES: readonly RouteDef[] = [
  {
    method: 'POST',
    pattern: re(`${V}/jwt/client/obtain/token`),
    route: 'token',
    auth: false,
    handle: (s, _m, b) => obtainToken(s, b),
  },
  {
    method: 'POST',
    pattern: re(`${V}/sessions/refund`),
    route: 'session',
    auth: true,
    handle: (s, _m, b) => createRefundSession(s, b),
  },
  {
    method: 'POST',
    pattern: re(`${V}/sessions/payout`),
    route: 'session',
    auth: true,
    handle: (s, _m, b) => createPayoutSession(s, b),
  },
  {
    method: 'POST',
    pattern: re(`${V}/sessions/transfer`),
    route: 'session',
    auth: true,
    handle: (s, _m, b) => createTransferSession(s, b),
  },
  {
    method: 'POST',
    pattern: re(`${V}/executions/refund`),
    route: 'execute',
    auth: true,
    handle: (s, _m, b) => executeRefund(s, b),
  },
  {
    method: 'POST',
    pattern: re(`${V}/executions/payout`),
    route: 'execute',
    auth: true,
    handle: (s, _m, b) => executePayout(s, b),
  },
  {
    method: 'POST',
    pattern: re(`${V}/executions/transfer`),
    route: 'execute',
    auth: true,
    handle: (s, _m, b) => executeTransfer(s, b),
  },
  {
    method: 'GET',
    pattern: re(`${V}/predictions/amount-and-fees`),
    route: 'prediction',
    auth: true,
    handle: (s, _m, _b, q) => predictAmountAndFees(s, q),
  },
  {
    method: 'GET',
    pattern: re(`${V}/status/(refund|payout|collection|transfer)/([^/]+)`),
    route: 'status',
    auth: true,
    handle: (s, m) => executionStatus(s, m[2]!, decodeURIComponent(m[3]!)),
  },
];

function re(source: string): RegExp {
  return new RegExp(`^${source}/?$`);
}

/** Which kind of route a path is, for faults and counters; undefined for unknown paths. */
export function routeOf(path: string): ApiRoute | undefined {
  return ROUTES.find((r) => r.pattern.test(path))?.route;
}

/** The reference a status path names, for the per-reference counters. */
export function statusReference(path: string): string | undefined {
  const match = ROUTES[ROUTES.length - 1]!.pattern.exec(path);
  return match ? decodeURIComponent(match[3]!) : undefined;
}

export function handleApi(state: FakeState, request: ApiRequest): Reply {
  const candidates = ROUTES.map((def) => ({ def, match: def.pattern.exec(request.path) })).filter((c) => c.match);
  if (candidates.length === 0) return reply(404, { detail: 'Not Found' });
  const found = candidates.find((c) => c.def.method === request.method);
  if (!found)
    return reply(405, { detail: 'Method Not Allowed' }, { allow: candidates.map((c) => c.def.method).join(', ') });
  const { def, match } = found as { def: RouteDef; match: RegExpExecArray };

  if (def.auth) {
    const refused = checkBearer(state, request.authorization);
    if (refused) return refused;
  }
  if (match[1] !== 'v1') {
    return validationError([
      {
        loc: ['path', 'version'],
        msg: "unexpected value; permitted: 'v1'",
        type: 'value_error.const',
        ctx: { given: match[1], permitted: ['v1'] },
      },
    ]);
  }
  if (def.method === 'POST' && request.body === INVALID_JSON) {
    return validationError([
      { loc: ['body', 0], msg: 'Expecting value: line 1 column 1 (char 0)', type: 'value_error.jsondecode' },
    ]);
  }
  return def.handle(state, match, request.body, request.query);
}
