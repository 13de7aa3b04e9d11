/** Waiting without sleeping: predicates are re-checked whenever the fake's state changes. */

interface Waiting {
  check: () => void;
}

/**
 * @param describeState what to append to a timeout message (for example the last calls received).
 */
export function createWaiter(describeState: () => string) {
  const waiting = new Set<Waiting>();
  const listeners = new Set<() => void>();

  return {
    /** Tells every waiter and change listener the state changed. */
    notify(): void {
      for (const w of [...waiting]) w.check();
      for (const listener of [...listeners]) listener();
    },

    /** Calls `listener` after every change until the returned function is called. */
    onChange(listener: () => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    /**
     * Resolves with the predicate's first truthy value, checking now and after every change;
     * rejects after `timeoutMs` with what was awaited and the recent state, or when the predicate throws.
     */
    waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs: number, description?: string): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const entry: Waiting = { check: () => {} };
        const finish = (): void => {
          waiting.delete(entry);
          clearTimeout(timer);
        };
        entry.check = () => {
          try {
            const value = predicate();
            if (
              value !== undefined &&
              value !== null &&
              value !== false &&
              (value as unknown) !== 0 &&
              (value as unknown) !== ''
            ) {
              finish();
              resolve(value);
            }
          } catch (error) {
            finish();
            reject(error);
          }
        };
        const timer = setTimeout(() => {
          waiting.delete(entry);
          const what = description ?? predicate.toString().replace(/\s+/g, ' ').slice(0, 300);
          reject(new Error(`fake Slack: timed out after ${timeoutMs} ms waiting for ${what}\n${describeState()}`));
        }, timeoutMs);
        waiting.add(entry);
        entry.check();
      });
    },
  };
}
