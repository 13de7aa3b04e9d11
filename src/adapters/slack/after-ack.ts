/**
 * Work that follows an ack waits its turn: one piece starts per turn of the event loop. In a burst
 * (a hundred approvals at once) the requests still arriving are read and acknowledged between those
 * starts, instead of after all the work the earlier ones set off; Slack gives an ack 3 seconds.
 */
export function createAfterAck(): () => Promise<void> {
  const waiting: Array<() => void> = [];
  const startNext = () => {
    waiting.shift()?.();
    if (waiting.length > 0) setImmediate(startNext);
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length === 1) setImmediate(startNext);
    });
}
