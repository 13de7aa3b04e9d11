/**
 * The metrics taken around the app's parts without changing them: every store operation timed
 * (and the state changes it writes counted), Dollr's status answers counted by result.
 */
import { performance } from 'node:perf_hooks';
import type { PaymentsGateway, RequestStore } from '../../core/ports.ts';
import type { MoneyRequest } from '../../core/request/request.ts';
import type { Metrics } from './metrics.ts';

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * The store, each operation timed under its name. A Proxy rather than a copy: whoever replaces a
 * method on the store later (a test holding a write open, say) is still the one called.
 */
export function instrumentStore<S extends RequestStore>(store: S, metrics: Metrics): S {
  const wrapped = new Map<AnyFunction, AnyFunction>();
  const timed = (name: string, method: AnyFunction): AnyFunction =>
    async function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      let failed = true;
      try {
        const result = await method.apply(store, args);
        failed = false;
        countTransition(name, args, result, metrics);
        return result;
      } finally {
        metrics.storeOperation(name, (performance.now() - started) / 1000, failed);
      }
    };
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      let method = wrapped.get(value as AnyFunction);
      if (!method) {
        method = timed(key, value as AnyFunction);
        wrapped.set(value as AnyFunction, method);
      }
      return method;
    },
  });
}

/** A new request, or a write that changed a request's state. */
function countTransition(name: string, args: unknown[], result: unknown, metrics: Metrics): void {
  if (result !== true) return;
  const next = args[0] as MoneyRequest;
  if (name === 'insert') metrics.transition(next.details.kind, next.state);
  if (name === 'replace' && next.state !== (args[1] as MoneyRequest | undefined)?.state) {
    metrics.transition(next.details.kind, next.state);
  }
}

/** The gateway, its status answers counted by result. */
export function instrumentGateway<G extends PaymentsGateway>(gateway: G, metrics: Metrics): G {
  return {
    ...gateway,
    async getStatus(operation, referenceId) {
      try {
        const snapshot = await gateway.getStatus(operation, referenceId);
        metrics.statusPoll(operation, snapshot?.status ?? 'unknown');
        return snapshot;
      } catch (error) {
        metrics.statusPoll(operation, 'error');
        throw error;
      }
    },
  };
}
