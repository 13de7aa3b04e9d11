/**
 * `work`, or the error `timeout()` makes after `ms` milliseconds, whichever comes first. The work is
 * not cancelled: it goes on, and its late result or failure is ignored (the race has handled it).
 */
export async function raceDeadline<T>(work: Promise<T>, ms: number, timeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timeout()), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
