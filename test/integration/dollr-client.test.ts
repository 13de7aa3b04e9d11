/**
 * The Dollr client against the fake Dollr over real HTTP on 127.0.0.1. Nothing of ours is mocked;
 * tests look at what the fake received and at what the client logged.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDollrClient, type DollrClient, type DollrClientOptions } from '../../src/adapters/dollr/dollr-client.ts';
import { DollrError } from '../../src/core/execution/dollr-error.ts';
import type { Logger } from '../../src/core/ports.ts';
import { startFakeDollr, type FakeDollr } from '../../src/fakes/fake-dollr.ts';

const CLIENT_SECRET = 'client-secret-5f1e9c';
const PASSCODE = 'passcode-772391';
const PHONE = '231771234567';

let fake: FakeDollr;
let logLines: string[];
const clients: DollrClient[] = [];

const logger: Logger = {
  debug: (message, fields) => logLines.push(JSON.stringify({ level: 'debug', message, ...fields })),
  info: (message, fields) => logLines.push(JSON.stringify({ level: 'info', message, ...fields })),
  warn: (message, fields) => logLines.push(JSON.stringify({ level: 'warn', message, ...fields })),
  error: (message, fields) => logLines.push(JSON.stringify({ level: 'error', message, ...fields })),
};

function client(overrides: Partial<DollrClientOptions> = {}): DollrClient {
  const created = createDollrClient({
    baseUrl: fake.url,
    clientId: 'test-client',
    clientSecret: CLIENT_SECRET,
    timeoutMs: 2000,
    payoutPasscode: { code: PASSCODE, phone: PHONE },
    logger,
    ...overrides,
  });
  clients.push(created);
  return created;
}

/** The rejection of `promise`, which must be a DollrError. */
async function failure(promise: Promise<unknown>): Promise<DollrError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DollrError);
  return error as DollrError;
}

const tokenCalls = () => fake.calls.filter((c) => c.path === '/v1/jwt/client/obtain/token').length;
const callsTo = (path: string) => fake.calls.filter((c) => c.path === path);
const inTenMinutes = () => new Date(Date.now() + 10 * 60_000);

async function refundSession(dollr: DollrClient, amount = '25.50') {
  return dollr.createRefundSession({
    originalPaymentIntentId: 4411,
    amount,
    reason: 'Double charge',
    expiresAt: inTenMinutes(),
  });
}

beforeAll(async () => {
  fake = await startFakeDollr({ clientSecret: CLIENT_SECRET, passcode: { code: PASSCODE, phone: PHONE } });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  logLines = [];
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('refunds and payouts', () => {
  it('creates a refund session, executes it and follows its status', async () => {
    const dollr = client();
    const { sessionId } = await refundSession(dollr);
    expect(sessionId).toMatch(/^\d+$/);
    expect(callsTo('/v1/sessions/refund')[0]!.body).toEqual({
      original_payment_intent_id: 4411,
      amount: 25.5,
      reason: 'Double charge',
      expires_at: expect.stringMatching(/Z$/),
    });

    const referenceId = randomUUID();
    const executed = await dollr.executeRefund({ sessionId, referenceId });
    expect(executed).toEqual({
      referenceId,
      status: 'PENDING',
      payerAmount: '25.50',
      payerCurrency: 'USD',
      payeeAmount: '25.50',
      payeeCurrency: 'USD',
      gatewayMessage: null,
      walletMessage: null,
    });
    expect(callsTo('/v1/executions/refund')[0]!.body).toEqual({ session_id: sessionId, reference_id: referenceId });
    expect((await dollr.getStatus('refund', referenceId))?.status).toBe('PROCESSING');
    expect((await dollr.getStatus('refund', referenceId))?.status).toBe('COMPLETED');
  });

  it('creates and executes a payout, sending the passcode and device in Dollr’s shape', async () => {
    fake.configure({ fee: '1.25' });
    const dollr = client({ device: { clientIp: '10.0.0.5' } });
    const { sessionId } = await dollr.createPayoutSession({ payoutAccountId: 8, amount: '40.00', currency: 'LRD' });
    expect(callsTo('/v1/sessions/payout')[0]!.body).toEqual({ payout_account_id: 8, amount: 40, currency: 'LRD' });

    const referenceId = randomUUID();
    const executed = await dollr.executePayout({ sessionId, payoutAccountId: 8, referenceId });
    expect(executed).toMatchObject({
      status: 'PENDING',
      payerAmount: '41.25',
      payeeAmount: '40.00',
      payerCurrency: 'LRD',
    });
    expect(callsTo('/v1/executions/payout')[0]!.body).toEqual({
      session_id: sessionId,
      payout_account_id: '8',
      reference_id: referenceId,
      passcode: {
        token: { code: PASSCODE, phone: PHONE },
        device: {
          name: 'dollr-slack',
          type: 'SERVER',
          platform: 'NODE',
          user_agent: expect.stringMatching(/^dollr-slack\/\d/),
          client_ip: '10.0.0.5',
        },
      },
    });
    expect(fake.executionCount(referenceId)).toBe(1);
  });

  it('sends user_id instead of phone when configured so (and surfaces Dollr’s 403)', async () => {
    const dollr = client({ payoutPasscode: { code: PASSCODE, userId: 'merchant-user-1' } });
    const { sessionId } = await dollr.createPayoutSession({ payoutAccountId: 7, amount: '5.00', currency: 'USD' });
    const error = await failure(dollr.executePayout({ sessionId, payoutAccountId: 7, referenceId: randomUUID() }));
    expect(error).toMatchObject({ code: 'forbidden', message: 'Invalid passcode' });
    expect((callsTo('/v1/executions/payout')[0]!.body as { passcode: { token: unknown } }).passcode.token).toEqual({
      code: PASSCODE,
      user_id: 'merchant-user-1',
    });
  });

  it('refuses a payout without a configured passcode, without calling Dollr', async () => {
    const dollr = client({ payoutPasscode: undefined });
    const error = await failure(
      dollr.executePayout({ sessionId: '1001', payoutAccountId: 7, referenceId: randomUUID() }),
    );
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe(
      'Payouts are not configured: set DOLLR_PAYOUT_PASSCODE and DOLLR_PAYOUT_PHONE or DOLLR_PAYOUT_USER_ID.',
    );
    expect(fake.calls).toHaveLength(0);
  });

  it('resolves undefined for a reference Dollr does not know', async () => {
    expect(await client().getStatus('payout', randomUUID())).toBeUndefined();
  });

  it('takes a 4xx other than 404 on a status query for "unknown" too, as the docs leave the answer open', async () => {
    fake.inject({ route: 'status', fault: { kind: 'status', status: 422, body: { detail: 'reference not found' } } });
    expect(await client().getStatus('payout', randomUUID())).toBeUndefined();
    fake.inject({ route: 'status', fault: { kind: 'status', status: 403, body: { detail: 'Forbidden' } } });
    await expect(client().getStatus('payout', randomUUID())).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('access token', () => {
  it('obtains one token for many calls, also when they start together', async () => {
    const dollr = client();
    await Promise.all([1, 2, 3, 4, 5].map(() => dollr.getStatus('refund', randomUUID())));
    await refundSession(dollr);
    expect(tokenCalls()).toBe(1);
    expect(callsTo('/v1/jwt/client/obtain/token')[0]!.body).toEqual({
      client_id: 'test-client',
      client_secret: CLIENT_SECRET,
    });
    const bearer = fake.calls.filter((c) => c.path.startsWith('/v1/status/')).map((c) => c.headers.authorization);
    expect(new Set(bearer).size).toBe(1);
  });

  it('renews the token when less than min(5 minutes, 20%) of its lifetime remains', async () => {
    let now = new Date('2026-06-01T12:00:00Z');
    const dollr = client({ now: () => now });
    await dollr.getStatus('refund', randomUUID());
    now = new Date('2026-06-01T12:54:00Z'); // 6 of 60 minutes left: keep it
    await dollr.getStatus('refund', randomUUID());
    expect(tokenCalls()).toBe(1);
    now = new Date('2026-06-01T12:55:30Z'); // 4.5 minutes left: renew
    await dollr.getStatus('refund', randomUUID());
    expect(tokenCalls()).toBe(2);
  });

  it('uses 20% of a short lifetime as the renewal margin', async () => {
    const shortLived = await startFakeDollr({ clientSecret: CLIENT_SECRET, tokenLifetimeMinutes: 10 });
    try {
      let now = new Date('2026-06-01T12:00:00Z');
      const dollr = client({ baseUrl: shortLived.url, now: () => now });
      await dollr.getStatus('refund', randomUUID());
      now = new Date('2026-06-01T12:07:50Z'); // 2m10s left of 10: keep it
      await dollr.getStatus('refund', randomUUID());
      now = new Date('2026-06-01T12:08:10Z'); // 1m50s left: renew
      await dollr.getStatus('refund', randomUUID());
      expect(shortLived.calls.filter((c) => c.path === '/v1/jwt/client/obtain/token')).toHaveLength(2);
    } finally {
      await shortLived.close();
    }
  });

  it('gets a new token and retries once when Dollr answers 401', async () => {
    const dollr = client();
    await refundSession(dollr);
    fake.expireTokens();
    const { sessionId } = await refundSession(dollr);
    expect(sessionId).toMatch(/^\d+$/);
    expect(tokenCalls()).toBe(2);
    expect(callsTo('/v1/sessions/refund')).toHaveLength(3);
  });

  it('gives up with unauthorized on a second 401', async () => {
    const dollr = client();
    fake.inject({
      route: 'session',
      times: 2,
      fault: { kind: 'status', status: 401, body: { detail: 'Could not validate credentials' } },
    });
    const error = await failure(refundSession(dollr));
    expect(error).toMatchObject({ code: 'unauthorized', message: 'Could not validate credentials' });
    expect(tokenCalls()).toBe(2);
    expect(callsTo('/v1/sessions/refund')).toHaveLength(2);
  });

  it('says which settings to check when the client credentials are refused', async () => {
    const error = await failure(client({ clientSecret: 'wrong' }).getStatus('refund', randomUUID()));
    expect(error.code).toBe('unauthorized');
    expect(error.message).toBe('Dollr refused the client credentials: check DOLLR_CLIENT_ID and DOLLR_CLIENT_SECRET.');
  });
});

describe('failures', () => {
  it("rejects with Dollr's own words on a 422", async () => {
    const error = await failure(client().executeRefund({ sessionId: '424242', referenceId: randomUUID() }));
    expect(error).toMatchObject({ code: 'rejected', message: 'session_id: session not found or expired' });
    expect(error.options.status).toBe(422);
  });

  it('is forbidden for an unverified merchant', async () => {
    fake.configure({ verified: false });
    const error = await failure(refundSession(client()));
    expect(error).toMatchObject({ code: 'forbidden', message: 'Merchant account is not verified' });
  });

  it('reports Retry-After on a 429', async () => {
    fake.inject({ route: 'status', fault: { kind: 'rate_limit', retryAfterSeconds: 7 } });
    const error = await failure(client().getStatus('refund', randomUUID()));
    expect(error).toMatchObject({ code: 'rate_limited', message: 'Too Many Requests' });
    expect(error.options.retryAfterMs).toBe(7000);
  });

  it('maps a 503 to server, with one attempt only', async () => {
    fake.inject({ route: 'session', fault: { kind: 'status', status: 503 } });
    const error = await failure(refundSession(client()));
    expect(error.code).toBe('server');
    expect(error.outcomeUnknown).toBe(true);
    expect(callsTo('/v1/sessions/refund')).toHaveLength(1);
  });

  it('times out when the answer comes too late, although Dollr processed the execution', async () => {
    const dollr = client({ timeoutMs: 150 });
    const { sessionId } = await refundSession(dollr);
    fake.inject({ route: 'execute', fault: { kind: 'late', ms: 1500 } });
    const referenceId = randomUUID();
    const error = await failure(dollr.executeRefund({ sessionId, referenceId }));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('Dollr did not answer POST /v1/executions/refund within 150 ms.');
    expect(fake.executionCount(referenceId)).toBe(1);
    // Sending the same again (as the core does) replays: no second debit.
    expect((await dollr.executeRefund({ sessionId, referenceId })).status).toBe('PENDING');
    expect(fake.executionCount(referenceId)).toBe(1);
  });

  it('times out on a delayed answer', async () => {
    fake.inject({ route: 'status', fault: { kind: 'delay', ms: 1500 } });
    const error = await failure(client({ timeoutMs: 150 }).getStatus('refund', randomUUID()));
    expect(error.code).toBe('timeout');
  });

  it('times out when the headers come in time but the body stalls', async () => {
    // A bare server, because the fake always sends whole answers: headers now, half a body, then nothing.
    const stalled: ServerResponse[] = [];
    const server = createServer((req, res) => {
      if (req.url === '/v1/jwt/client/obtain/token')
        return void res.end(JSON.stringify({ access_token: 't', expires_in: 60 }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
      res.write('{"reference_id":');
      stalled.push(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const error = await failure(
        client({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 150 }).getStatus('refund', randomUUID()),
      );
      expect(error.code).toBe('timeout');
      expect(stalled).toHaveLength(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('maps a dropped connection to network', async () => {
    fake.inject({ route: 'session', fault: { kind: 'drop' } });
    expect((await failure(refundSession(client()))).code).toBe('network');
  });

  it('maps a refused connection to network', async () => {
    const closed = await startFakeDollr();
    const url = closed.url;
    await closed.close();
    expect((await failure(client({ baseUrl: url }).getStatus('refund', randomUUID()))).code).toBe('network');
  });

  it('rejects an answer of the wrong shape as bad_response, naming the field', async () => {
    const dollr = client();
    const { sessionId } = await refundSession(dollr);
    fake.inject({
      route: 'execute',
      fault: { kind: 'status', status: 200, body: { reference_id: 'r', status: 'DONE', payer_amount: '1' } },
    });
    const error = await failure(dollr.executeRefund({ sessionId, referenceId: randomUUID() }));
    expect(error.code).toBe('bad_response');
    expect(error.message).toContain('status:');
    expect(error.message).toContain('payer_amount:');
    fake.inject({ route: 'session', fault: { kind: 'status', status: 200, body: { id: 'abc' } } });
    expect((await failure(refundSession(dollr))).message).toContain('id:');
    fake.inject({ route: 'status', fault: { kind: 'status', status: 200, body: '<html>ok</html>' } });
    expect((await failure(dollr.getStatus('refund', randomUUID()))).code).toBe('bad_response');
  });

  it('rejects an execution answer about another reference as bad_response', async () => {
    const dollr = client();
    const other = randomUUID();
    await dollr.executeRefund({ sessionId: (await refundSession(dollr)).sessionId, referenceId: other });
    const { sessionId } = await refundSession(dollr);
    const stored = fake.execution(other)!;
    fake.inject({
      route: 'execute',
      fault: {
        kind: 'status',
        status: 200,
        body: {
          reference_id: other,
          status: stored.status,
          payer_amount: 1,
          payer_currency: 'USD',
          payee_amount: 1,
          payee_currency: 'USD',
        },
      },
    });
    const error = await failure(dollr.executeRefund({ sessionId, referenceId: randomUUID() }));
    expect(error.code).toBe('bad_response');
    expect(error.message).toContain('another reference_id');
  });
});

describe('fee preview', () => {
  const PREDICTION = '/v1/predictions/amount-and-fees';

  it("asks Dollr's predictions for a payout's fees, with the documented query", async () => {
    const preview = await client({ payoutMethod: 'MTN_MOMO_LBR' }).previewPayoutFees({
      amount: '10.00',
      currency: 'USD',
    });
    expect(preview).toEqual({ payeeAmount: '10.00', payeeCurrency: 'USD', fees: '1.50', feeCurrency: 'USD' });
    const [call, ...more] = callsTo(PREDICTION);
    expect(more).toHaveLength(0);
    expect(call).toMatchObject({
      method: 'GET',
      body: undefined,
      headers: { authorization: expect.stringMatching(/^Bearer \S+$/) },
    });
    expect(call!.query).toEqual({
      base_amount: '10.00',
      base_currency: 'USD',
      target_currency: 'USD',
      payment_method: 'MTN_MOMO_LBR',
      operation_type: 'PAYOUT',
      provider: 'PAWAPAY',
      fee_bearer: 'PAYER',
    });
  });

  it('derives the provider from the method and adds the fees up exactly', async () => {
    fake.configure({ predictionFee: '0.10' });
    const wallet = await client({ payoutMethod: 'WALLET' }).previewPayoutFees({ amount: '1250.20', currency: 'LRD' });
    expect(wallet).toEqual({ payeeAmount: '1250.20', payeeCurrency: 'LRD', fees: '0.60', feeCurrency: 'LRD' });
    await client({ payoutMethod: 'AIRTEL_RWA' }).previewPayoutFees({ amount: '5.00', currency: 'RWF' });
    await client({ payoutMethod: 'CREDIT_CARD' }).previewPayoutFees({ amount: '5.00', currency: 'USD' });
    expect(callsTo(PREDICTION).map((c) => [c.query.payment_method, c.query.provider])).toEqual([
      ['WALLET', 'PLATFORM'],
      ['AIRTEL_RWA', 'PAWAPAY'],
      ['CREDIT_CARD', 'STRIPE'],
    ]);
  });

  it('resolves undefined without a payout method, calling nobody', async () => {
    expect(await client().previewPayoutFees({ amount: '10.00', currency: 'USD' })).toBeUndefined();
    expect(fake.calls).toHaveLength(0);
  });

  it('resolves undefined for an unknown method, warning once, calling nobody', async () => {
    const dollr = client({ payoutMethod: 'MPESA_KEN' });
    expect(await dollr.previewPayoutFees({ amount: '10.00', currency: 'USD' })).toBeUndefined();
    expect(await dollr.previewPayoutFees({ amount: '20.00', currency: 'USD' })).toBeUndefined();
    const warnings = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({ method: 'MPESA_KEN', known: expect.arrayContaining(['MTN_MOMO_LBR', 'WALLET']) }),
    ]);
    expect(fake.calls).toHaveLength(0);
  });

  it('rejects with a DollrError like every other call (503 -> server, 422 -> rejected)', async () => {
    const dollr = client({ payoutMethod: 'ORANGE_MONEY_LBR' });
    fake.inject({ route: 'prediction', fault: { kind: 'status', status: 503 } });
    expect(await failure(dollr.previewPayoutFees({ amount: '10.00', currency: 'USD' }))).toMatchObject({
      code: 'server',
      message: 'Service Unavailable',
    });
    fake.configure({ predictionsAvailable: false });
    expect((await failure(dollr.previewPayoutFees({ amount: '10.00', currency: 'USD' }))).code).toBe('server');
    fake.configure({ predictionsAvailable: true });
    fake.inject({
      route: 'prediction',
      fault: {
        kind: 'status',
        status: 422,
        body: { detail: [{ loc: ['query', 'provider'], msg: 'invalid combination', type: 'value_error' }] },
      },
    });
    expect(await failure(dollr.previewPayoutFees({ amount: '10.00', currency: 'USD' }))).toMatchObject({
      code: 'rejected',
      message: 'provider: invalid combination',
    });
    expect((await dollr.previewPayoutFees({ amount: '10.00', currency: 'USD' }))?.fees).toBe('1.50');
  });

  it('rejects an answer with numbers where Dollr sends strings as bad_response', async () => {
    fake.inject({
      route: 'prediction',
      fault: {
        kind: 'status',
        status: 200,
        body: { payee_amount: 10, payee_currency: 'USD', platform_fee: 1, platform_currency: 'USD' },
      },
    });
    const error = await failure(
      client({ payoutMethod: 'WALLET' }).previewPayoutFees({ amount: '10.00', currency: 'USD' }),
    );
    expect(error.code).toBe('bad_response');
    expect(error.message).toContain('payee_amount:');
    expect(error.message).toContain('platform_fee:');
  });

  it('gives up after 3 s by default, however long the client waits for money calls', async () => {
    fake.inject({ route: 'prediction', fault: { kind: 'delay', ms: 5000 } });
    const started = Date.now();
    const error = await failure(
      client({ payoutMethod: 'WALLET', timeoutMs: 15_000 }).previewPayoutFees({ amount: '10.00', currency: 'USD' }),
    );
    const took = Date.now() - started;
    expect(error).toMatchObject({ code: 'timeout', message: `Dollr did not answer GET ${PREDICTION} within 3000 ms.` });
    expect(took).toBeGreaterThanOrEqual(2900);
    expect(took).toBeLessThan(4000);
  });

  it('never waits longer than the client deadline, nor than its own', async () => {
    fake.inject({ route: 'prediction', times: 2, fault: { kind: 'delay', ms: 1500 } });
    const short = await failure(
      client({ payoutMethod: 'WALLET', timeoutMs: 150 }).previewPayoutFees({ amount: '1.00', currency: 'USD' }),
    );
    expect(short.message).toBe(`Dollr did not answer GET ${PREDICTION} within 150 ms.`);
    const own = await failure(
      client({ payoutMethod: 'WALLET', feePreviewTimeoutMs: 200 }).previewPayoutFees({
        amount: '1.00',
        currency: 'USD',
      }),
    );
    expect(own).toMatchObject({ code: 'timeout', message: `Dollr did not answer GET ${PREDICTION} within 200 ms.` });
  });

  it('counts waiting for a token against its deadline', async () => {
    fake.inject({ route: 'token', fault: { kind: 'delay', ms: 800 } });
    const dollr = client({ payoutMethod: 'WALLET', feePreviewTimeoutMs: 200 });
    const started = Date.now();
    expect((await failure(dollr.previewPayoutFees({ amount: '1.00', currency: 'USD' }))).code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(700);
    // The token request went on (its answer is due 800 ms after it left), and serves the next call.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await dollr.previewPayoutFees({ amount: '1.00', currency: 'USD' }))?.fees).toBe('1.50');
    expect(tokenCalls()).toBe(1);
  });

  it('logs the query (it holds no secret), with the bare path', async () => {
    await client({ payoutMethod: 'WALLET' }).previewPayoutFees({ amount: '7.00', currency: 'RWF' });
    const entries = logLines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.message === 'dollr call' && entry.path === PREDICTION);
    expect(entries).toEqual([
      expect.objectContaining({
        method: 'GET',
        status: 200,
        query: expect.objectContaining({ base_amount: '7.00', payment_method: 'WALLET', fee_bearer: 'PAYER' }),
      }),
    ]);
  });
});

describe('secrets', () => {
  it('never logs or reports the client secret, the token or the passcode', async () => {
    const dollr = client();
    const errors: string[] = [];
    const collect = (promise: Promise<unknown>) =>
      promise.catch((e: unknown) => void errors.push(String((e as Error).message)));

    const { sessionId } = await dollr.createPayoutSession({ payoutAccountId: 7, amount: '10.00', currency: 'USD' });
    await dollr.executePayout({ sessionId, payoutAccountId: 7, referenceId: randomUUID() });
    fake.expireTokens();
    await collect(dollr.executePayout({ sessionId, payoutAccountId: 7, referenceId: randomUUID() }));
    fake.inject({
      route: 'token',
      fault: { kind: 'status', status: 200, body: { access_token: 42, expires_in: 'x' } },
    });
    fake.expireTokens();
    await collect(dollr.getStatus('payout', randomUUID()));
    await collect(client({ clientSecret: 'wrong-secret-value' }).getStatus('payout', randomUUID()));
    await collect(
      client({ payoutPasscode: { code: 'bad-passcode-1', phone: PHONE } }).executePayout({
        sessionId,
        payoutAccountId: 7,
        referenceId: randomUUID(),
      }),
    );

    const tokens = fake.calls.map((c) => String(c.headers.authorization ?? '').replace(/^Bearer /, '')).filter(Boolean);
    expect(tokens.length).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(logLines.length).toBeGreaterThan(0);
    const written = [...logLines, ...errors].join('\n');
    for (const secret of [CLIENT_SECRET, PASSCODE, 'wrong-secret-value', 'bad-passcode-1', ...tokens]) {
      expect(written).not.toContain(secret);
    }
  });

  it('logs method, path, status and duration of each call', async () => {
    await client().getStatus('refund', '0b6d8d3c-7f4e-4a57-9f3b-2a1b3c4d5e6f');
    const entries = logLines.map((line) => JSON.parse(line));
    expect(entries).toContainEqual({
      level: 'debug',
      message: 'dollr call',
      method: 'GET',
      path: '/v1/status/refund/0b6d8d3c-7f4e-4a57-9f3b-2a1b3c4d5e6f',
      status: 404,
      durationMs: expect.any(Number),
    });
  });
});
