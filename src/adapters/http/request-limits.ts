/**
 * Bounds on what an unsigned sender can make the app hold. Bolt reads a request's whole body before
 * it checks Slack's signature, so a large body (150 MB raised the process from 99 MB to 574 MB on
 * Bolt 4) would be held in memory by anyone who can reach the port. Slack's own payloads are small:
 * the largest ours receive, a click on a card that carries the whole card, is a few tens of KB.
 */
import type { ServerOptions } from 'node:http';

/** Well above any payload Slack sends this app, well under what would hurt a process (Bolt's default: 4 MB). */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Slack sends a request at once and waits 3 s for the answer: a sender slower than this with its
 * headers or its whole request is not Slack, and its connection is closed (checked every second,
 * where Node's default is 30 s).
 */
export const SLOW_SENDER_LIMITS: ServerOptions = {
  headersTimeout: 5_000,
  requestTimeout: 10_000,
  connectionsCheckingInterval: 1_000,
};
