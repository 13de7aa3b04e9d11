/**
 * Acks first. Slack gives an ack 3 seconds, and in a burst (a hundred approvals at once) every piece
 * of work an ack sets off competes with the acks still to send. So work that follows an ack waits
 * until no request over HTTP is still waiting for its answer and, during a burst, until requests
 * have stopped arriving for `quietMs` (at most `maxWaitMs` in all, so a steady stream of requests
 * cannot starve it). Then it starts one piece per turn of the event loop, so that a request arriving
 * meanwhile is read and answered between two starts.
 *
 * Only a burst waits for quiet: a request that comes alone (no other arrived within `quietMs` before
 * it) has its work started as soon as its answer is sent, so a single approval is not slowed down.
 * The requests of a burst do not arrive together but over tens of milliseconds, and without the
 * quiet wait the work of the first ones ran between the arrivals of the last ones and delayed them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../core/ports.ts';
import { systemClock } from '../system-clock.ts';

export interface AckPriority {
  /** Wraps an HTTP request listener: each request counts as waiting until its answer is sent. */
  track(
    listener: (req: IncomingMessage, res: ServerResponse) => void,
  ): (req: IncomingMessage, res: ServerResponse) => void;
  /** Awaited right after an ack, before the work it sets off. */
  afterAck(): Promise<void>;
}

export function createAckPriority(
  options: { maxWaitMs?: number; quietMs?: number; clock?: Pick<Clock, 'now' | 'after'> } = {},
): AckPriority {
  const maxWaitMs = options.maxWaitMs ?? 1000;
  const quietMs = options.quietMs ?? 20;
  const clock = options.clock ?? systemClock;
  const now = () => clock.now().getTime();
  let answering = 0;
  let lastArrival = -Infinity;
  let previousArrival = -Infinity;
  const waiting: Array<{ since: number; start: () => void }> = [];
  let turnScheduled = false;
  let cancelTimer: (() => void) | undefined;

  /** How long work must still wait for the burst to be over; 0 when it may start. */
  function burstWait(): number {
    const inBurst = lastArrival - previousArrival < quietMs;
    return inBurst ? Math.max(0, quietMs - (now() - lastArrival)) : 0;
  }

  function pump(): void {
    const oldest = waiting[0];
    if (turnScheduled || !oldest) return;
    const left = maxWaitMs - (now() - oldest.since);
    const quiet = burstWait();
    if ((answering > 0 || quiet > 0) && left > 0) {
      // The last answer sent calls pump again; the timer ends the quiet wait and bounds every wait.
      cancelTimer?.();
      cancelTimer = clock.after(answering > 0 ? left : Math.min(quiet, left), pump);
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
      previousArrival = lastArrival;
      lastArrival = now();
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
