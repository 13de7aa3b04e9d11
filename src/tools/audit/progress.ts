/**
 * Progress of a long export, for a person watching stderr: nothing for a short one, otherwise
 * `exported 1200/5000 requests (24%)` at most once a second. On a terminal the line is rewritten
 * in place; elsewhere (a log file) each update is a line of its own.
 */
import { plural } from '../../core/plural.ts';
export interface ProgressOptions {
  write(text: string): void;
  /** True when `write` goes to a terminal. */
  tty: boolean;
  /** ms since the epoch; a seam for tests. */
  now?: () => number;
}

/** An export is long when it runs longer than this, or has more requests than LONG_AFTER_REQUESTS. */
const LONG_AFTER_MS = 1000;
const LONG_AFTER_REQUESTS = 1000;
const EVERY_MS = 1000;

export interface Progress {
  update(done: number, total: number): void;
  /** Ends the rewritten line, if one was shown, so that what follows starts on a line of its own. */
  finish(): void;
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const started = now();
  let shownAt: number | undefined;
  return {
    update(done, total) {
      const at = now();
      const long = total > LONG_AFTER_REQUESTS || at - started > LONG_AFTER_MS;
      if (!long || (shownAt !== undefined && at - shownAt < EVERY_MS)) return;
      shownAt = at;
      const percent = total === 0 ? 100 : Math.floor((done * 100) / total);
      const line = `exported ${done}/${plural(total, 'request')} (${percent}%)`;
      options.write(options.tty ? `\r\x1b[K${line}` : `${line}\n`);
    },
    finish() {
      if (options.tty && shownAt !== undefined) options.write('\n');
    },
  };
}
