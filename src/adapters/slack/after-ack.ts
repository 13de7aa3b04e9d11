/**
 * Acks first. Slack gives an ack 3 seconds, and in a burst (a hundred approvals at once) every piece
 * of work an ack sets off competes with the acks still to send. So work that follows an ack waits
 * until no request over HTTP is still waiting for its answer (or at most `maxWaitMs`, so a steady
 * stream of requests cannot starve it), and then starts one piece per turn of the event loop, so
 * that a request arriving meanwhile is read and answered between two starts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface AckPriority {
  /** Wraps an HTTP request listener: each request counts as waiting until its answer is sent. */
  track(listener: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void;
  /** Awaited right after an ack, before the work it sets off. */
  afterAck(): Promise<void>;
}

export function createAckPriority(options: { maxWaitMs?: number; now?: () => number } = {}): AckPriority {
  const maxWaitMs = options.maxWaitMs ?? 1000;
  const now = options.now ?? Date.now;
  let answering = 0;
  const waiting: Array<{ since: number; start: () => void }> = [];
  let turnScheduled = false;
  let overdueTimer: ReturnType<typeof setTimeout> | undefined;

  function pump(): void {
    const oldest = waiting[0];
    if (turnScheduled || !oldest) return;
    const waited = now() - oldest.since;
    if (answering > 0 && waited < maxWaitMs) {
      // The last answer sent calls pump again; this timer only bounds the wait.
      overdueTimer ??= setTimeout(() => {
        overdueTimer = undefined;
        pump();
      }, maxWaitMs - waited);
      return;
    }
    turnScheduled = true;
    setImmediate(() => {
      turnScheduled = false;
      waiting.shift()?.start();
      pump();
    });
  }

  return {
    track: (listener) => (req, res) => {
      answering++;
      res.once('close', () => {
        answering--;
        if (answering === 0) pump();
      });
      listener(req, res);
    },
    afterAck: () =>
      new Promise<void>((start) => {
        waiting.push({ since: now(), start });
        pump();
      }),
  };
}
