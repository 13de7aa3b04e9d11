/** Scripted failures: each injection shapes the next `times` matching calls, first injected first used. */
import type { Fault, FaultInjection } from './types.ts';

interface Pending {
  method: string;
  remaining: number;
  fault: Fault;
}

export type FaultQueue = ReturnType<typeof createFaultQueue>;

export function createFaultQueue() {
  let pending: Pending[] = [];

  return {
    inject(injection: FaultInjection): void {
      const times = injection.times ?? 1;
      if (!(times > 0)) throw new Error(`inject: times must be positive, got ${times}`);
      pending.push({ method: injection.method, remaining: times, fault: injection.fault });
    },
    /** The fault for this call, if one is scripted; uses it up. */
    take(method: string): Fault | undefined {
      const match = pending.find((p) => p.method === '*' || p.method === method);
      if (match === undefined) return undefined;
      match.remaining -= 1;
      if (match.remaining <= 0) pending = pending.filter((p) => p !== match);
      return match.fault;
    },
    reset(): void {
      pending = [];
    },
  };
}

/** Parses an injection from untrusted JSON (the control API). */
export function parseInjection(value: unknown): FaultInjection {
  const input = (value ?? {}) as Record<string, unknown>;
  const fault = (input.fault ?? {}) as Record<string, unknown>;
  if (typeof input.method !== 'string' || input.method === '') throw new Error('inject: method is required');
  const times = input.times === undefined || input.times === null ? undefined : Number(input.times);
  const parsed = parseFault(fault);
  return times === undefined ? { method: input.method, fault: parsed } : { method: input.method, times, fault: parsed };
}

function parseFault(fault: Record<string, unknown>): Fault {
  switch (fault.kind) {
    case 'error':
      if (typeof fault.error !== 'string') break;
      return { kind: 'error', error: fault.error };
    case 'rate_limit':
      return { kind: 'rate_limit', retryAfterSeconds: Number(fault.retryAfterSeconds ?? 1) };
    case 'http':
      return { kind: 'http', status: Number(fault.status ?? 500) };
    case 'delay':
      return { kind: 'delay', ms: Number(fault.ms ?? 0) };
  }
  throw new Error(`inject: unsupported fault ${JSON.stringify(fault)}`);
}
