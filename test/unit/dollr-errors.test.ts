import { describe, expect, it } from 'vitest';
import { fromTransportError, toDollrError } from '../../src/adapters/dollr/dollr-errors.ts';
import { DollrError } from '../../src/core/execution/dollr-error.ts';

describe('toDollrError', () => {
  it.each([
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [422, 'rejected'],
    [400, 'rejected'],
    [409, 'rejected'],
    [429, 'rate_limited'],
    [408, 'timeout'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
    [504, 'server'],
  ] as const)('maps HTTP %i to %s', (status, code) => {
    const error = toDollrError(status, { detail: 'x' }, {});
    expect(error).toBeInstanceOf(DollrError);
    expect(error.code).toBe(code);
    expect(error.options.status).toBe(status);
  });

  it("uses Dollr's string detail as the message", () => {
    expect(toDollrError(403, { detail: 'Merchant account is not verified' }).message).toBe(
      'Merchant account is not verified',
    );
  });

  it('joins pydantic details as "field: msg", without the body/query/path prefix', () => {
    const error = toDollrError(422, {
      detail: [
        { loc: ['body', 'session_id'], msg: 'session not found or expired', type: 'value_error' },
        { loc: ['body', 'passcode', 'token', 'code'], msg: 'field required', type: 'value_error.missing' },
        { loc: ['path', 'version'], msg: "unexpected value; permitted: 'v1'", type: 'value_error.const' },
        { loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' },
      ],
    });
    expect(error.code).toBe('rejected');
    expect(error.message).toBe(
      'session_id: session not found or expired; passcode.token.code: field required; version: unexpected value; ' +
        "permitted: 'v1'; value is not a valid dict",
    );
  });

  it('falls back to a sentence naming the status when the body is not an error body', () => {
    expect(toDollrError(502, '<html>Bad gateway</html>').message).toBe('Dollr had a server error (HTTP 502).');
    expect(toDollrError(422, { detail: [] }).message).toBe('Dollr refused the request (HTTP 422).');
    expect(toDollrError(500, undefined).message).toBe('Dollr had a server error (HTTP 500).');
  });

  it('reads Retry-After seconds on a 429', () => {
    const error = toDollrError(429, { detail: 'Too Many Requests' }, { 'retry-after': '7' });
    expect(error.code).toBe('rate_limited');
    expect(error.message).toBe('Too Many Requests');
    expect(error.options.retryAfterMs).toBe(7000);
    expect(error.transient).toBe(true);
  });

  it('reads Retry-After as an HTTP date relative to now', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const error = toDollrError(429, {}, { 'retry-after': 'Mon, 01 Jun 2026 12:00:30 GMT' }, () => now);
    expect(error.options.retryAfterMs).toBe(30_000);
  });

  it('waits at most an hour whatever Retry-After says (a longer timer would fire at once)', () => {
    expect(toDollrError(429, {}, { 'retry-after': '99999999999' }).options.retryAfterMs).toBe(3_600_000);
    const now = new Date('2026-06-01T12:00:00Z');
    expect(
      toDollrError(429, {}, { 'retry-after': 'Fri, 01 Jan 2100 00:00:00 GMT' }, () => now).options.retryAfterMs,
    ).toBe(3_600_000);
  });

  it('leaves retryAfterMs out when the header is missing or unreadable', () => {
    expect(toDollrError(429, {}, {}).options.retryAfterMs).toBeUndefined();
    expect(toDollrError(429, {}, { 'retry-after': 'soon' }).options.retryAfterMs).toBeUndefined();
    expect(toDollrError(503, {}, { 'retry-after': '5' }).options.retryAfterMs).toBeUndefined();
  });

  it('marks 5xx as outcome unknown and 422 as final', () => {
    expect(toDollrError(503, {}).outcomeUnknown).toBe(true);
    expect(toDollrError(422, {}).transient).toBe(false);
  });
});

describe('fromTransportError', () => {
  const context = { what: 'POST /v1/executions/refund', timedOut: false, timeoutMs: 1500 };

  it('turns our own deadline into timeout', () => {
    const error = fromTransportError(new Error('This operation was aborted'), { ...context, timedOut: true });
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('Dollr did not answer POST /v1/executions/refund within 1500 ms.');
    expect(error.outcomeUnknown).toBe(true);
  });

  it("turns undici's header and body timeouts into timeout", () => {
    expect(fromTransportError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), context).code).toBe(
      'timeout',
    );
    expect(fromTransportError(Object.assign(new Error('x'), { code: 'UND_ERR_BODY_TIMEOUT' }), context).code).toBe(
      'timeout',
    );
  });

  it('turns refused and reset connections into network, keeping the cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const error = fromTransportError(cause, context);
    expect(error.code).toBe('network');
    expect(error.message).toBe('Could not reach Dollr for POST /v1/executions/refund (ECONNREFUSED).');
    expect(error.cause).toBe(cause);
    expect(
      fromTransportError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), context).code,
    ).toBe('network');
  });

  it('passes a DollrError through unchanged', () => {
    const original = new DollrError('bad_response', 'x');
    expect(fromTransportError(original, context)).toBe(original);
  });
});
