/** "1 request", "2 requests": a count with its noun, for every text people read. */
export const plural = (count: number, noun: string, nouns = `${noun}s`): string =>
  `${count} ${count === 1 ? noun : nouns}`;
