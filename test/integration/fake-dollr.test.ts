/**
 * The fake Dollr's documented behaviours, over plain HTTP (fetch), so that what the client tests
 * and the e2e tests rely on is pinned down independently of our client.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeDollr, type FakeDollr } from '../../src/fakes/fake-dollr.ts';

let fake: FakeDollr;
let token: string;

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are JSON of many shapes; each test reads the fields it expects.
  body: any;
  headers: Headers;
}

async function call(method: string, path: string, body?: unknown, auth: string | null = token): Promise<Answer> {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(auth === null ? {} : { authorization: `Bearer ${auth}` }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}
const post = (path: string, body?: unknown, auth?: string | null) => call('POST', path, body, auth);
const get = (path: string, auth?: string | null) => call('GET', path, undefined, auth);

async function obtainToken(): Promise<string> {
  const answer = await post(
    '/v1/jwt/client/obtain/token',
    { client_id: 'test-client', client_secret: 'test-secret' },
    null,
  );
  return answer.body.access_token;
}

const inAnHour = () => new Date(Date.now() + 60 * 60_000).toISOString();
const passcode = {
  token: { code: '123456', phone: '231771234567' },
  device: { name: 'test', type: 'SERVER', platform: 'NODE', user_agent: 'vitest', client_ip: '127.0.0.1' },
};

async function refundSession(originalId = 4411, amount = 25.5): Promise<string> {
  const answer = await post('/v1/sessions/refund', {
    original_payment_intent_id: originalId,
    amount,
    reason: 'test',
    expires_at: inAnHour(),
  });
  expect(answer.status).toBe(200);
  return String(answer.body.id);
}

async function payoutSession(accountId = 7, amount = 40, currency = 'USD'): Promise<string> {
  const answer = await post('/v1/sessions/payout', { payout_account_id: accountId, amount, currency });
  expect(answer.status).toBe(200);
  return String(answer.body.id);
}

const executePayout = (sessionId: string, referenceId: string, accountId = '7', code = passcode) =>
  post('/v1/executions/payout', {
    session_id: sessionId,
    payout_account_id: accountId,
    reference_id: referenceId,
    passcode: code,
  });

async function transferSession(walletId = 501, counterpartyId = 21, amount = 30, currency = 'USD'): Promise<string> {
  const answer = await post('/v1/sessions/transfer', {
    from_wallet_id: walletId,
    to_counterparty_id: counterpartyId,
    amount,
    currency,
    expires_at: inAnHour(),
  });
  expect(answer.status).toBe(200);
  return String(answer.body.id);
}

const executeTransfer = (sessionId: string, referenceId: string) =>
  post('/v1/executions/transfer', { session_id: sessionId, reference_id: referenceId });

beforeAll(async () => {
  fake = await startFakeDollr();
  token = await obtainToken();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('tokens and auth', () => {
  it('issues a token whose expires_in is in minutes', async () => {
    const answer = await post(
      '/v1/jwt/client/obtain/token',
      { client_id: 'test-client', client_secret: 'test-secret' },
      null,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), expires_in: 60 });
  });

  it('refuses wrong client credentials and missing fields', async () => {
    const wrong = await post('/v1/jwt/client/obtain/token', { client_id: 'test-client', client_secret: 'nope' }, null);
    expect(wrong).toMatchObject({ status: 401, body: { detail: 'Invalid client credentials' } });
    const missing = await post('/v1/jwt/client/obtain/token', { client_id: 'test-client' }, null);
    expect(missing).toMatchObject({
      status: 422,
      body: { detail: [{ loc: ['body', 'client_secret'], msg: 'field required', type: 'value_error.missing' }] },
    });
  });

  it('answers 401 without a token, with a bad one, and after expire-tokens', async () => {
    expect(await post('/v1/sessions/payout', {}, null)).toMatchObject({
      status: 401,
      body: { detail: 'Not authenticated' },
    });
    expect(await post('/v1/sessions/payout', {}, 'garbage')).toMatchObject({
      status: 401,
      body: { detail: 'Could not validate credentials' },
    });
    const own = await obtainToken();
    expect((await post('/__fake/expire-tokens')).status).toBe(200);
    expect(await get(`/v1/status/refund/${randomUUID()}`, own)).toMatchObject({
      status: 401,
      body: { detail: 'Could not validate credentials' },
    });
    token = await obtainToken();
  });

  it('lets tokens expire on its clock', async () => {
    const own = await obtainToken();
    fake.advanceClock(61 * 60_000);
    expect((await post('/v1/sessions/payout', {}, own)).body.detail).toBe('Could not validate credentials');
    fake.reset();
    token = await obtainToken();
  });
});

describe('routes', () => {
  it('answers 404 Not Found for unknown routes and 422 for another API version', async () => {
    expect(await get('/v1/nothing')).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
    const v2 = await post('/v2/sessions/refund', {});
    expect(v2.status).toBe(422);
    expect(v2.body.detail[0].loc).toEqual(['path', 'version']);
  });

  it('answers 422 jsondecode for a body that is not JSON', async () => {
    const answer = await post('/v1/sessions/payout', '{not json');
    expect(answer.status).toBe(422);
    expect(answer.body.detail[0].type).toBe('value_error.jsondecode');
  });
});

describe('refunds', () => {
  it('runs session -> execute -> status PENDING, PROCESSING, COMPLETED', async () => {
    const sessionAnswer = await post('/v1/sessions/refund', {
      original_payment_intent_id: '4411',
      amount: 25.5,
      reason: 'dup',
      expires_at: inAnHour(),
    });
    expect(sessionAnswer.body).toMatchObject({
      id: expect.any(Number),
      original_payment_intent_id: 4411,
      amount: 25.5,
      reason: 'dup',
      status: 'ACTIVE',
    });
    const referenceId = randomUUID();
    const executed = await post('/v1/executions/refund', {
      session_id: String(sessionAnswer.body.id),
      reference_id: referenceId,
    });
    expect(executed.body).toEqual({
      reference_id: referenceId,
      status: 'PENDING',
      payer_amount: 25.5,
      payer_currency: 'USD',
      payee_amount: 25.5,
      payee_currency: 'USD',
      operation_type: 'REFUND',
      provider_transaction_id: null,
      gateway_message: null,
      wallet_message: null,
      client_secret: null,
      requires_action: null,
    });
    expect((await get(`/v1/status/refund/${referenceId}`)).body.status).toBe('PROCESSING');
    expect((await get(`/v1/status/refund/${referenceId}`)).body).toMatchObject({
      status: 'COMPLETED',
      provider_transaction_id: expect.any(String),
    });
    expect(fake.statusRequestCount(referenceId)).toBe(2);
    expect(fake.balances().USD).toBe('999974.50');
  });

  it('replays an identical execute without moving money twice', async () => {
    const sessionId = await refundSession();
    const referenceId = randomUUID();
    const first = await post('/v1/executions/refund', { session_id: sessionId, reference_id: referenceId });
    const second = await post('/v1/executions/refund', { session_id: sessionId, reference_id: referenceId });
    expect(second).toMatchObject({ status: 200, body: first.body });
    expect(fake.executionCount(referenceId)).toBe(1);
    expect(fake.executeRequestCount(referenceId)).toBe(2);
    expect(fake.sessionExecutionCount(sessionId)).toBe(1);
  });

  it('refuses the same reference for another payment as a duplicate', async () => {
    const referenceId = randomUUID();
    await post('/v1/executions/refund', { session_id: await refundSession(), reference_id: referenceId });
    const other = await post('/v1/executions/refund', { session_id: await refundSession(), reference_id: referenceId });
    expect(other).toMatchObject({
      status: 422,
      body: {
        detail: [{ loc: ['body', 'reference_id'], msg: 'reference_id already exists', type: 'value_error.duplicate' }],
      },
    });
  });

  it('uses a session once, and refuses unknown or wrong-type sessions', async () => {
    const sessionId = await refundSession();
    await post('/v1/executions/refund', { session_id: sessionId, reference_id: randomUUID() });
    const again = await post('/v1/executions/refund', { session_id: sessionId, reference_id: randomUUID() });
    expect(again.body.detail).toEqual([
      { loc: ['body', 'session_id'], msg: 'session is not active', type: 'value_error' },
    ]);
    const unknown = await post('/v1/executions/refund', { session_id: '999999', reference_id: randomUUID() });
    expect(unknown.body.detail[0].msg).toBe('session not found or expired');
    const payout = await post('/v1/executions/refund', {
      session_id: await payoutSession(),
      reference_id: randomUUID(),
    });
    expect(payout.body.detail[0].msg).toBe('session not found or expired');
  });

  it('caps refunds at the original amount, across partial refunds', async () => {
    await post('/v1/executions/refund', { session_id: await refundSession(4413, 30), reference_id: randomUUID() });
    const tooMuch = await post('/v1/sessions/refund', {
      original_payment_intent_id: 4413,
      amount: 20.01,
      expires_at: inAnHour(),
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.detail[0].loc).toEqual(['body', 'amount']);
    expect(tooMuch.body.detail[0].msg).toContain('20.00 USD left');
    await refundSession(4413, 20);
    const unknown = await post('/v1/sessions/refund', {
      original_payment_intent_id: 1,
      amount: 1,
      expires_at: inAnHour(),
    });
    expect(unknown.body.detail[0].loc).toEqual(['body', 'original_payment_intent_id']);
  });

  it('validates types, UUIDs and expiry the pydantic way', async () => {
    const wrongTypes = await post('/v1/executions/refund', { session_id: 12, reference_id: 'not-a-uuid' });
    expect(wrongTypes.body.detail).toEqual([
      { loc: ['body', 'session_id'], msg: 'str type expected', type: 'type_error.str' },
      { loc: ['body', 'reference_id'], msg: 'value is not a valid uuid', type: 'type_error.uuid' },
    ]);
    const v1 = await post('/v1/executions/refund', {
      session_id: '1',
      reference_id: 'c232ab00-9414-11ec-b3c8-9f6bdeced846',
    });
    expect(v1.body.detail[0].type).toBe('value_error.uuid.version');
    const missing = await post('/v1/sessions/refund', {});
    expect(missing.body.detail.map((d: { loc: string[] }) => d.loc[1])).toEqual([
      'original_payment_intent_id',
      'amount',
      'expires_at',
    ]);
    const past = await post('/v1/sessions/refund', {
      original_payment_intent_id: 4411,
      amount: 1,
      expires_at: '2020-01-01T00:00:00Z',
    });
    expect(past.body.detail[0].loc).toEqual(['body', 'expires_at']);
    const far = new Date(Date.now() + 25 * 60 * 60_000).toISOString();
    expect(
      (await post('/v1/sessions/refund', { original_payment_intent_id: 4411, amount: 1, expires_at: far })).status,
    ).toBe(422);
  });

  it('answers 404 for an unknown reference or one of another operation', async () => {
    expect(await get(`/v1/status/refund/${randomUUID()}`)).toMatchObject({
      status: 404,
      body: { detail: 'Not found' },
    });
    const referenceId = randomUUID();
    await post('/v1/executions/refund', { session_id: await refundSession(), reference_id: referenceId });
    expect((await get(`/v1/status/payout/${referenceId}`)).status).toBe(404);
  });
});

describe('payouts', () => {
  it('executes with a passcode, debiting amount plus fee', async () => {
    fake.configure({ fee: '0.50' });
    const referenceId = randomUUID();
    const answer = await executePayout(await payoutSession(8, 40, 'LRD'), referenceId, '8');
    expect(answer.body).toMatchObject({
      status: 'PENDING',
      payer_amount: 40.5,
      payee_amount: 40,
      payer_currency: 'LRD',
      operation_type: 'PAYOUT',
    });
    expect(fake.balances().LRD).toBe('999959.50');
    expect(fake.execution(referenceId)).toMatchObject({
      payoutAccountId: 8,
      payerAmount: '40.50',
      payeeAmount: '40.00',
    });
  });

  it('refuses a wrong passcode (403) and a token with both phone and user_id (422)', async () => {
    const sessionId = await payoutSession();
    const wrong = await executePayout(sessionId, randomUUID(), '7', {
      ...passcode,
      token: { code: '000000', phone: '231771234567' },
    });
    expect(wrong).toMatchObject({ status: 403, body: { detail: 'Invalid passcode' } });
    const both = await executePayout(sessionId, randomUUID(), '7', {
      ...passcode,
      token: { ...passcode.token, user_id: 'u1' } as never,
    });
    expect(both.body.detail).toEqual([
      { loc: ['body', 'passcode', 'token'], msg: 'provide exactly one of phone or user_id', type: 'value_error' },
    ]);
    const noDevice = await executePayout(sessionId, randomUUID(), '7', { token: passcode.token } as never);
    expect(noDevice.body.detail[0].loc).toEqual(['body', 'passcode', 'device']);
  });

  it('refuses an account that does not match the session, and a numeric account id', async () => {
    const sessionId = await payoutSession(7);
    expect((await executePayout(sessionId, randomUUID(), '8')).body.detail[0].loc).toEqual([
      'body',
      'payout_account_id',
    ]);
    const numeric = await post('/v1/executions/payout', {
      session_id: sessionId,
      payout_account_id: 7,
      reference_id: randomUUID(),
      passcode,
    });
    expect(numeric.body.detail[0]).toMatchObject({ loc: ['body', 'payout_account_id'], type: 'type_error.str' });
  });

  it('fails on insufficient balance with 200 FAILED and moves no money', async () => {
    fake.configure({ fee: 1 });
    fake.setBalance('USD', '40.50');
    const referenceId = randomUUID();
    const answer = await executePayout(await payoutSession(7, 40), referenceId);
    expect(answer).toMatchObject({
      status: 200,
      body: { status: 'FAILED', wallet_message: 'Insufficient wallet balance' },
    });
    expect(fake.executionCount(referenceId)).toBe(0);
    expect(fake.balances().USD).toBe('40.50');
  });

  it('refuses unsupported currencies and unknown accounts', async () => {
    expect(
      (await post('/v1/sessions/payout', { payout_account_id: 7, amount: 1, currency: 'EUR' })).body.detail[0].loc,
    ).toEqual(['body', 'currency']);
    expect(
      (await post('/v1/sessions/payout', { payout_account_id: 99, amount: 1, currency: 'USD' })).body.detail[0].loc,
    ).toEqual(['body', 'payout_account_id']);
  });

  it('lets payout sessions expire', async () => {
    const sessionId = await payoutSession();
    fake.advanceClock(15 * 60_000 + 1);
    token = await obtainToken();
    expect((await executePayout(sessionId, randomUUID())).body.detail[0].msg).toBe('session not found or expired');
  });
});

describe('transfers', () => {
  const transferBody = (fields: Record<string, unknown> = {}) => ({
    from_wallet_id: 501,
    to_counterparty_id: 21,
    amount: 10,
    currency: 'USD',
    expires_at: inAnHour(),
    ...fields,
  });
  const problemAt = async (fields: Record<string, unknown>) => {
    const answer = await post('/v1/sessions/transfer', transferBody(fields));
    expect(answer.status).toBe(422);
    return answer.body.detail.map((d: { loc: string[]; msg: string }) => [d.loc[1], d.msg]);
  };

  it('runs session -> execute -> status to COMPLETED, debiting the named wallet once', async () => {
    const sessionAnswer = await post('/v1/sessions/transfer', transferBody({ from_wallet_id: '502', currency: 'LRD' }));
    expect(sessionAnswer.body).toEqual({
      id: expect.any(Number),
      from_wallet_id: 502,
      to_counterparty_id: 21,
      amount: 10,
      currency: 'LRD',
      status: 'ACTIVE',
      expires_at: expect.any(String),
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const referenceId = randomUUID();
    const executed = await executeTransfer(String(sessionAnswer.body.id), referenceId);
    expect(executed.body).toEqual({
      reference_id: referenceId,
      status: 'PENDING',
      payer_amount: 10,
      payer_currency: 'LRD',
      payee_amount: 10,
      payee_currency: 'LRD',
      operation_type: 'TRANSFER',
      provider_transaction_id: null,
      gateway_message: null,
      wallet_message: null,
      client_secret: null,
      requires_action: null,
    });
    expect((await get(`/v1/status/transfer/${referenceId}`)).body.status).toBe('PROCESSING');
    expect((await get(`/v1/status/transfer/${referenceId}`)).body).toMatchObject({
      status: 'COMPLETED',
      operation_type: 'TRANSFER',
      provider_transaction_id: expect.any(String),
    });
    expect(fake.balances()).toMatchObject({ LRD: '999990.00', USD: '1000000.00' });
    expect(fake.executionCount(referenceId)).toBe(1);
    expect(fake.execution(referenceId)).toMatchObject({
      operation: 'transfer',
      counterpartyId: 21,
      status: 'COMPLETED',
    });
  });

  it('replays an identical execute without moving money twice, or refuses it in strict mode', async () => {
    const sessionId = await transferSession();
    const referenceId = randomUUID();
    const first = await executeTransfer(sessionId, referenceId);
    expect(await executeTransfer(sessionId, referenceId)).toMatchObject({ status: 200, body: first.body });
    expect(fake.executionCount(referenceId)).toBe(1);
    expect(fake.executeRequestCount(referenceId)).toBe(2);
    expect(fake.balances().USD).toBe('999970.00');

    fake.configure({ strict: { replays: 'duplicate' } });
    const strictReference = randomUUID();
    const strictSession = await transferSession();
    expect((await executeTransfer(strictSession, strictReference)).status).toBe(200);
    expect(await executeTransfer(strictSession, strictReference)).toMatchObject({
      status: 422,
      body: {
        detail: [{ loc: ['body', 'reference_id'], msg: 'reference_id already exists', type: 'value_error.duplicate' }],
      },
    });
    expect(fake.executionCount(strictReference)).toBe(1);
    expect(fake.balances().USD).toBe('999940.00');
  });

  it("refuses an unknown wallet, a currency not the wallet's, an unknown counterparty and a bad expiry", async () => {
    expect(await problemAt({ from_wallet_id: 999 })).toEqual([['from_wallet_id', 'wallet not found']]);
    expect(await problemAt({ currency: 'LRD' })).toEqual([['currency', 'currency does not match the wallet (USD)']]);
    expect(await problemAt({ to_counterparty_id: 99 })).toEqual([['to_counterparty_id', 'counterparty not found']]);
    expect(await problemAt({ expires_at: '2020-01-01T00:00:00Z' })).toEqual([
      ['expires_at', 'expires_at must be in the future'],
    ]);
    const far = new Date(Date.now() + 25 * 60 * 60_000).toISOString();
    expect(await problemAt({ expires_at: far })).toEqual([['expires_at', 'expires_at must be at most 24 hours ahead']]);
  });

  it('reports missing and mistyped fields the pydantic way', async () => {
    const missing = await post('/v1/sessions/transfer', {});
    expect(missing.body.detail).toEqual(
      ['from_wallet_id', 'to_counterparty_id', 'amount', 'currency', 'expires_at'].map((name) => ({
        loc: ['body', name],
        msg: 'field required',
        type: 'value_error.missing',
      })),
    );
    expect(
      await problemAt({ from_wallet_id: 'x', amount: 0, currency: 'EURO', expires_at: 'soon' }).then((p) =>
        p.map(([field]: string[]) => field),
      ),
    ).toEqual(['from_wallet_id', 'amount', 'currency', 'expires_at']);
    const execute = await post('/v1/executions/transfer', { session_id: 1 });
    expect(execute.body.detail).toEqual([
      { loc: ['body', 'session_id'], msg: 'str type expected', type: 'type_error.str' },
      { loc: ['body', 'reference_id'], msg: 'field required', type: 'value_error.missing' },
    ]);
  });

  it('pairs sessions strictly: refund and transfer sessions do not cross over', async () => {
    const onTransfer = await executeTransfer(await refundSession(), randomUUID());
    expect(onTransfer.body.detail).toEqual([
      { loc: ['body', 'session_id'], msg: 'session not found or expired', type: 'value_error' },
    ]);
    const onRefund = await post('/v1/executions/refund', {
      session_id: await transferSession(),
      reference_id: randomUUID(),
    });
    expect(onRefund.body.detail[0]).toMatchObject({ loc: ['body', 'session_id'], msg: 'session not found or expired' });
  });

  it('answers 403 to an unverified merchant', async () => {
    const sessionId = await transferSession();
    fake.configure({ verified: false });
    const notVerified = { status: 403, body: { detail: 'Merchant account is not verified' } };
    expect(await post('/v1/sessions/transfer', transferBody())).toMatchObject(notVerified);
    expect(await executeTransfer(sessionId, randomUUID())).toMatchObject(notVerified);
  });

  it('answers status only under /transfer/, with strict-mode lag', async () => {
    fake.configure({ strict: { statusLag: 1 } });
    const referenceId = randomUUID();
    await executeTransfer(await transferSession(), referenceId);
    expect((await get(`/v1/status/transfer/${referenceId}`)).status).toBe(404);
    expect((await get(`/v1/status/transfer/${referenceId}`)).status).toBe(200);
    expect(await get(`/v1/status/refund/${referenceId}`)).toMatchObject({ status: 404, body: { detail: 'Not found' } });
    expect((await get(`/v1/status/payout/${referenceId}`)).status).toBe(404);
    expect(fake.statusRequestCount(referenceId)).toBe(4);
  });

  it('fails on insufficient balance with 200 FAILED and moves no money', async () => {
    fake.setBalance('RWF', '29.99');
    const referenceId = randomUUID();
    const answer = await executeTransfer(await transferSession(503, 22, 30, 'RWF'), referenceId);
    expect(answer).toMatchObject({
      status: 200,
      body: { status: 'FAILED', wallet_message: 'Insufficient wallet balance', operation_type: 'TRANSFER' },
    });
    expect(fake.executionCount(referenceId)).toBe(0);
    expect(fake.balances().RWF).toBe('29.99');
  });

  it("is faulted on route 'execute' like the other executions", async () => {
    fake.inject({ route: 'execute', fault: { kind: 'status', status: 503 } });
    const sessionId = await transferSession();
    const referenceId = randomUUID();
    expect(await executeTransfer(sessionId, referenceId)).toMatchObject({
      status: 503,
      body: { detail: 'Service Unavailable' },
    });
    expect(fake.executeRequestCount(referenceId)).toBe(1);
    expect(fake.executionCount(referenceId)).toBe(0);
    expect((await executeTransfer(sessionId, referenceId)).body.status).toBe('PENDING');
  });

  it('seeds counterparties over HTTP and by method, until a reset', async () => {
    expect((await post('/__fake/seed/counterparty', { id: 77 })).status).toBe(200);
    fake.seedCounterparty({ id: 78 });
    expect((await post('/v1/sessions/transfer', transferBody({ to_counterparty_id: 77 }))).status).toBe(200);
    expect((await post('/v1/sessions/transfer', transferBody({ to_counterparty_id: 78 }))).status).toBe(200);
    expect((await post('/__fake/seed/counterparty', { id: 'x' })).status).toBe(400);
    fake.reset();
    expect(await problemAt({ to_counterparty_id: 77 })).toEqual([['to_counterparty_id', 'counterparty not found']]);
    expect((await post('/v1/sessions/transfer', transferBody({ to_counterparty_id: 23 }))).status).toBe(200);
  });
});

describe('strict mode (the readings the docs leave open, at their strictest)', () => {
  it('refuses a replayed execute as a duplicate reference, moving no money twice', async () => {
    fake.configure({ strict: { replays: 'duplicate' } });
    const sessionId = await refundSession();
    const referenceId = randomUUID();
    expect((await post('/v1/executions/refund', { session_id: sessionId, reference_id: referenceId })).status).toBe(
      200,
    );
    const replay = await post('/v1/executions/refund', { session_id: sessionId, reference_id: referenceId });
    expect(replay).toMatchObject({
      status: 422,
      body: {
        detail: [{ loc: ['body', 'reference_id'], msg: 'reference_id already exists', type: 'value_error.duplicate' }],
      },
    });
    expect(fake.executionCount(referenceId)).toBe(1);
  });

  it('or refuses it because the first execute used the session up', async () => {
    await post('/__fake/config', { strict: { replays: 'session_used' } });
    const sessionId = await payoutSession();
    const referenceId = randomUUID();
    expect((await executePayout(sessionId, referenceId)).status).toBe(200);
    const replay = await executePayout(sessionId, referenceId);
    expect(replay).toMatchObject({
      status: 422,
      body: { detail: [{ loc: ['body', 'session_id'], msg: 'session is not active' }] },
    });
    expect(fake.executionCount(referenceId)).toBe(1);
  });

  it('answers 404 to the first status queries after an execution is recorded (a lagging read)', async () => {
    fake.configure({ strict: { statusLag: 2 } });
    const referenceId = randomUUID();
    await post('/v1/executions/refund', { session_id: await refundSession(), reference_id: referenceId });
    expect((await get(`/v1/status/refund/${referenceId}`)).status).toBe(404);
    expect((await get(`/v1/status/refund/${referenceId}`)).status).toBe(404);
    expect(await get(`/v1/status/refund/${referenceId}`)).toMatchObject({
      status: 200,
      body: { reference_id: referenceId },
    });
  });

  it('is off after a reset, and refuses a bad strict setting over HTTP', async () => {
    fake.configure({ strict: { replays: 'duplicate', statusLag: 5 } });
    fake.reset();
    const sessionId = await refundSession();
    const referenceId = randomUUID();
    await post('/v1/executions/refund', { session_id: sessionId, reference_id: referenceId });
    expect((await post('/v1/executions/refund', { session_id: sessionId, reference_id: referenceId })).status).toBe(
      200,
    );
    expect((await get(`/v1/status/refund/${referenceId}`)).status).toBe(200);
    expect((await post('/__fake/config', { strict: { replays: 'sometimes' } })).status).toBe(400);
  });
});

describe('fee predictions', () => {
  const PREDICTION = '/v1/predictions/amount-and-fees';
  const QUERY = {
    base_amount: '10.00',
    base_currency: 'USD',
    target_currency: 'USD',
    payment_method: 'MTN_MOMO_LBR',
    operation_type: 'PAYOUT',
    provider: 'PAWAPAY',
    fee_bearer: 'PAYER',
  };
  const predict = (query: Record<string, string>, auth?: string | null) =>
    get(`${PREDICTION}?${new URLSearchParams(query)}`, auth);

  it('answers amounts and fees as strings, the payer bearing the fees', async () => {
    const answer = await predict(QUERY);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      payer_amount: '11.50',
      payer_currency: 'USD',
      payee_amount: '10.00',
      payee_currency: 'USD',
      platform_fee: '1.00',
      platform_currency: 'USD',
      fx_fee: '0.00',
      gateway_fee: '0.50',
      gateway_currency: 'USD',
    });
    expect(fake.calls).toMatchObject([{ method: 'GET', path: PREDICTION, query: QUERY }]);
  });

  it('takes the fees off the amount when the payee bears them, with the configured platform fee', async () => {
    fake.configure({ predictionFee: '2.25' });
    const answer = await predict({
      ...QUERY,
      base_amount: '100',
      base_currency: 'RWF',
      target_currency: 'RWF',
      payment_method: 'WALLET',
      provider: 'PLATFORM',
      fee_bearer: 'PAYEE',
    });
    expect(answer.body).toMatchObject({
      payer_amount: '100.00',
      payee_amount: '97.25',
      platform_fee: '2.25',
      gateway_fee: '0.50',
      gateway_currency: 'RWF',
    });
    const tooSmall = await predict({ ...QUERY, base_amount: '2.75', fee_bearer: 'PAYEE' });
    expect(tooSmall.status).toBe(422);
    expect(tooSmall.body.detail[0].loc).toEqual(['query', 'base_amount']);
  });

  it('needs a Bearer token', async () => {
    expect(await predict(QUERY, null)).toMatchObject({ status: 401, body: { detail: 'Not authenticated' } });
  });

  it('reports every missing query parameter at once, pydantic-style', async () => {
    const answer = await get(PREDICTION);
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toEqual(
      Object.keys(QUERY).map((name) => ({ loc: ['query', name], msg: 'field required', type: 'value_error.missing' })),
    );
    const { fee_bearer: _dropped, ...withoutBearer } = QUERY;
    expect((await predict(withoutBearer)).body).toEqual({
      detail: [{ loc: ['query', 'fee_bearer'], msg: 'field required', type: 'value_error.missing' }],
    });
  });

  it('validates amounts, currencies, enums and the method/provider matrix', async () => {
    const problems = async (query: Record<string, string>) => {
      const answer = await predict({ ...QUERY, ...query });
      expect(answer.status).toBe(422);
      return answer.body.detail.map((d: { loc: string[]; type: string }) => [d.loc[1], d.type]);
    };
    expect(await problems({ base_amount: 'ten' })).toEqual([['base_amount', 'type_error.float']]);
    expect(await problems({ base_amount: '0' })).toEqual([['base_amount', 'value_error.number.not_ge']]);
    expect(await problems({ base_currency: 'usd', target_currency: 'EUR' })).toEqual([
      ['base_currency', 'value_error.str.regex'],
      ['target_currency', 'value_error.const'],
    ]);
    expect(
      await problems({
        payment_method: 'MTN_MOMO',
        operation_type: 'PAY',
        provider: 'MTN_MOMO_LBR',
        fee_bearer: 'ME',
        owner_type: 'X',
        owner_id: 'a',
      }),
    ).toEqual([
      ['payment_method', 'type_error.enum'],
      ['operation_type', 'type_error.enum'],
      ['provider', 'type_error.enum'],
      ['fee_bearer', 'type_error.enum'],
      ['owner_type', 'type_error.enum'],
      ['owner_id', 'type_error.integer'],
    ]);
    expect(await problems({ payment_method: 'WALLET', provider: 'PAWAPAY' })).toEqual([['provider', 'value_error']]);
    expect(await problems({ target_currency: 'LRD' })).toEqual([['target_currency', 'value_error']]);
    expect((await predict({ ...QUERY, owner_type: 'ORGANIZATION', owner_id: '12' })).status).toBe(200);
  });

  it("can be switched off (503) or faulted on route 'prediction', and is recorded in calls", async () => {
    expect((await post('/__fake/config', { predictionsAvailable: false, predictionFee: '3.00' })).status).toBe(200);
    expect(await predict(QUERY)).toMatchObject({ status: 503, body: { detail: 'Service Unavailable' } });
    await post('/__fake/config', { predictionsAvailable: true });
    expect((await predict(QUERY)).body.platform_fee).toBe('3.00');

    await post('/__fake/inject', { route: 'prediction', fault: { kind: 'status', status: 500 } });
    expect((await predict(QUERY)).status).toBe(500);
    expect((await predict(QUERY)).status).toBe(200);
    expect(fake.calls.filter((c) => c.path === PREDICTION)).toHaveLength(4);
    fake.reset();
    expect((await predict(QUERY)).body.platform_fee).toBe('1.00');
  });
});

describe('HTTP controls', () => {
  it('answers 403 for an unverified merchant after /__fake/config', async () => {
    await post('/__fake/config', { verified: false });
    expect(await post('/v1/sessions/payout', { payout_account_id: 7, amount: 1, currency: 'USD' })).toMatchObject({
      status: 403,
      body: { detail: 'Merchant account is not verified' },
    });
  });

  it('injects status faults and rate limits for a number of requests', async () => {
    await post('/__fake/inject', { route: 'session', times: 2, fault: { kind: 'status', status: 503 } });
    await post('/__fake/inject', { route: 'status', fault: { kind: 'rate_limit', retryAfterSeconds: 3 } });
    expect(await post('/v1/sessions/payout', {})).toMatchObject({
      status: 503,
      body: { detail: 'Service Unavailable' },
    });
    expect((await post('/v1/sessions/payout', {})).status).toBe(503);
    expect((await post('/v1/sessions/payout', {})).status).toBe(422);
    const limited = await get(`/v1/status/refund/${randomUUID()}`);
    expect(limited).toMatchObject({ status: 429, body: { detail: 'Too Many Requests' } });
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await post('/__fake/inject', { route: 'nowhere', fault: { kind: 'drop' } })).status).toBe(400);
  });

  it('holds, settles and fails executions, and reports them', async () => {
    await post('/__fake/hold-next');
    const held = randomUUID();
    await executePayout(await payoutSession(), held);
    expect((await get(`/v1/status/payout/${held}`)).body.status).toBe('PROCESSING');
    expect((await get(`/v1/status/payout/${held}`)).body.status).toBe('PROCESSING');
    const settled = await post(`/__fake/settle/${held}`, { status: 'FAILED', gatewayMessage: 'Operator declined' });
    expect(settled.body).toMatchObject({ referenceId: held, status: 'FAILED', gatewayMessage: 'Operator declined' });
    expect((await post(`/__fake/executions/${held}/settle`, { status: 'COMPLETED' })).status).toBe(409);

    await post('/__fake/fail-next', { walletMessage: 'Insufficient wallet balance' });
    const failed = randomUUID();
    expect((await executePayout(await payoutSession(), failed)).body).toMatchObject({
      status: 'FAILED',
      wallet_message: 'Insufficient wallet balance',
    });

    const executions = await get('/__fake/executions', null);
    expect(executions.body.map((e: { referenceId: string }) => e.referenceId)).toEqual([held, failed]);
    expect((await get(`/__fake/counts/${held}`, null)).body).toEqual({
      executionCount: 1,
      executeRequestCount: 1,
      statusRequestCount: 2,
    });
    const calls = await get('/__fake/calls', null);
    expect(calls.body.filter((c: { path: string }) => c.path === '/v1/executions/payout')).toHaveLength(2);
    expect(calls.body.every((c: { path: string }) => !c.path.startsWith('/__fake'))).toBe(true);
  });

  it('resets state and seeds over HTTP', async () => {
    await post('/__fake/seed/collection', { id: 9001, amount: '12.00', currency: 'RWF' });
    await post('/__fake/seed/payout-account', { id: 77 });
    await post('/__fake/balance', { currency: 'RWF', amount: 5 });
    expect((await get('/__fake/balances', null)).body.RWF).toBe('5.00');
    expect(
      (await post('/v1/sessions/refund', { original_payment_intent_id: 9001, amount: 12, expires_at: inAnHour() }))
        .status,
    ).toBe(200);
    expect((await post('/v1/sessions/payout', { payout_account_id: 77, amount: 1, currency: 'RWF' })).status).toBe(200);
    await post('/__fake/reset');
    expect(fake.calls).toHaveLength(0);
    expect((await post('/v1/sessions/payout', { payout_account_id: 77, amount: 1, currency: 'RWF' })).status).toBe(422);
    expect((await post('/__fake/nothing')).status).toBe(404);
  });
});

describe('connection faults', () => {
  it('drop_before closes the connection without processing', async () => {
    fake.inject({ route: 'execute', fault: { kind: 'drop_before' } });
    const sessionId = await refundSession();
    const referenceId = randomUUID();
    await expect(post('/v1/executions/refund', { session_id: sessionId, reference_id: referenceId })).rejects.toThrow();
    expect(fake.executeRequestCount(referenceId)).toBe(1);
    expect(fake.executionCount(referenceId)).toBe(0);
  });

  it('drop processes the request, then closes the connection', async () => {
    fake.inject({ route: 'execute', fault: { kind: 'drop' } });
    const referenceId = randomUUID();
    await expect(
      post('/v1/executions/refund', { session_id: await refundSession(), reference_id: referenceId }),
    ).rejects.toThrow();
    expect(fake.executionCount(referenceId)).toBe(1);
  });

  it('late processes at once and answers after the caller gave up', async () => {
    fake.inject({ route: 'execute', fault: { kind: 'late', ms: 2000 } });
    const referenceId = randomUUID();
    const sessionId = await refundSession();
    const sent = fetch(`${fake.url}/v1/executions/refund`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: sessionId, reference_id: referenceId }),
      signal: AbortSignal.timeout(100),
    });
    await expect(sent).rejects.toThrow();
    await fake.waitFor((f) => f.executionCount(referenceId) === 1, 1000);
  });

  it('delay answers normally, later', async () => {
    fake.inject({ route: 'any', fault: { kind: 'delay', ms: 30 } });
    expect((await get(`/v1/status/refund/${randomUUID()}`)).status).toBe(404);
  });

  it('waitFor rejects when the condition never holds', async () => {
    await expect(fake.waitFor(() => false, 50)).rejects.toThrow('condition not met within 50 ms');
  });
});
