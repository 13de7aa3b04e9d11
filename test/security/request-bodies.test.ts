/**
 * An unsigned sender cannot make the app hold a large body, nor hold a connection open by sending
 * slowly: Bolt reads a body whole before it checks the signature, so the bound comes first.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/adapters/http/request-limits.ts';
import { person, REQUESTER, type System, startSystem } from '../support/system.ts';

let system: System;
beforeAll(async () => {
  system = await startSystem();
});
afterAll(() => system.stop());

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** POSTs `total` bytes to /slack/events, with or without a Content-Length, and reads the answer. */
function post(total: number, declareLength: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: system.running.port,
      method: 'POST',
      path: '/slack/events',
      headers: { 'content-type': 'application/json', ...(declareLength ? { 'content-length': total } : {}) },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, total - sent));
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('request bodies and slow senders', () => {
  it('refuses 150 MB bodies with 413, declared or streamed, and memory stays flat', async () => {
    const before = process.memoryUsage().rss;
    const declared = await post(150 * 1024 * 1024, true);
    const streamed = await post(150 * 1024 * 1024, false);
    const grewBy = process.memoryUsage().rss - before;

    expect(declared.status).toBe(413);
    expect(streamed.status).toBe(413);
    // Reading either body whole would add 150 MB or more; a bounded read adds at most a few.
    expect(grewBy).toBeLessThan(40 * 1024 * 1024);
  });

  it('reads a body up to the limit, and checks its signature; one byte more is refused', async () => {
    expect(MAX_BODY_BYTES).toBeLessThan(1024 * 1024);
    const unsigned = await post(MAX_BODY_BYTES, true);
    expect(unsigned.status).toBe(401);
    expect((await post(MAX_BODY_BYTES + 1, false)).status).toBe(413);
    const card = await person(system, REQUESTER).request('refund 4411 25.50 duplicate charge');
    expect(card.ts).toBeTruthy();
  });

  it('closes a connection whose headers never finish', { timeout: 15_000 }, async () => {
    const socket = connect(system.running.port!, '127.0.0.1');
    socket.write('POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => {
        text += d;
      });
      socket.on('close', () => resolve(text));
    });
    // Node answers 408 before it closes; the point is that it closes, well before its 60 s default.
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
