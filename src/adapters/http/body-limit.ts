/**
 * Bounds on what an unsigned sender can make the app hold. Bolt reads a request's whole body before
 * it checks Slack's signature, so a large body (150 MB raised the process from 99 MB to 574 MB)
 * would be held in memory by anyone who can reach the port. Slack's own payloads are small: the
 * largest ours receive, a click on a card that carries the whole card, is a few tens of KB.
 */
import type { IncomingMessage, RequestListener, ServerOptions, ServerResponse } from 'node:http';

/** Well above any payload Slack sends this app, well under what would hurt a process. */
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

/**
 * Reads the body itself, at most `maxBytes`, and hands it to Bolt as `rawBody` (which Bolt then
 * uses instead of reading the stream). Over the limit the answer is 413 and the connection closes:
 * a declared length is refused before a byte is read, an undeclared one as soon as it passes.
 */
export function limitBodies(listener: RequestListener, maxBytes = MAX_BODY_BYTES): RequestListener {
  return (req, res) => {
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) return refuse(req, res, maxBytes);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return refuse(req, res, maxBytes);
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxBytes) return;
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = Buffer.concat(chunks);
      try {
        listener(req, res);
      } catch (error) {
        // What Bolt's server does with a throw from its listener, which now runs here: an unknown
        // path is 404, anything else 500.
        if (res.headersSent) return;
        const unknownPath = (error as { code?: unknown }).code === 'slack_bolt_http_receiver_deferred_request_error';
        res.writeHead(unknownPath ? 404 : 500).end();
      }
    });
    // A sender that goes away mid-body: nothing to answer.
    req.on('error', () => req.destroy());
  };
}

function refuse(req: IncomingMessage, res: ServerResponse, maxBytes: number): void {
  if (res.headersSent) return;
  res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify({ error: 'body_too_large', max_bytes: maxBytes }));
  // Stop reading: what the sender still pushes is dropped with the connection, never buffered.
  req.pause();
  res.on('finish', () => req.socket.destroy());
}
