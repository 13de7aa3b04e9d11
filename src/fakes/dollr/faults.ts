/**
 * Scripted faults: each rule matches a kind of route and fires for its next `times` requests, in the
 * order the rules were injected. A fault decides whether the request is processed at all and how
 * (or whether) the answer leaves.
 */
import type { FakeState } from './state.ts';
import type { Fault, FaultRoute, FaultRule } from './types.ts';

export type ApiRoute = Exclude<FaultRoute, 'any'>;

export function injectFault(state: FakeState, rule: FaultRule): void {
  state.faults.push({ route: rule.route, times: rule.times ?? 1, fault: rule.fault });
}

/** The fault for this request, if a rule matches; uses up one of the rule's `times`. */
export function takeFault(state: FakeState, route: ApiRoute | undefined): Fault | undefined {
  const index = state.faults.findIndex((rule) => rule.route === 'any' || rule.route === route);
  if (index < 0) return undefined;
  const rule = state.faults[index]!;
  const left = (rule.times ?? 1) - 1;
  if (left <= 0) state.faults.splice(index, 1);
  else rule.times = left;
  return rule.fault;
}

const STATUS_TEXT: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The canned answer of a `status` or `rate_limit` fault. */
export function faultReply(fault: Extract<Fault, { kind: 'status' | 'rate_limit' }>) {
  if (fault.kind === 'rate_limit') {
    return {
      status: 429,
      body: { detail: 'Too Many Requests' },
      headers: { 'retry-after': String(fault.retryAfterSeconds) },
    };
  }
  return { status: fault.status, body: fault.body ?? { detail: STATUS_TEXT[fault.status] ?? `HTTP ${fault.status}` } };
}
