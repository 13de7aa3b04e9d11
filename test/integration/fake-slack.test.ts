import { ErrorCode, WebClient, WebClientEvent } from '@slack/web-api';
import type { WebAPIHTTPError, WebAPIPlatformError } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_APP_TOKEN, FAKE_BOT_TOKEN, startFakeSlack } from '../../src/fakes/fake-slack.ts';
import type { FakeSlack } from '../../src/fakes/fake-slack.ts';
import { silentLogger } from '../support/silent-logger.ts';

const BOT_TOKEN = FAKE_BOT_TOKEN;

let fake: FakeSlack;
let client: WebClient;

const clientFor = (token: string, retries = 0): WebClient =>
  new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    logger: silentLogger,
    retryConfig: { retries, minTimeout: 0, maxTimeout: 0 },
  });

/** The Slack error code a rejected WebClient call carries. */
async function platformError(call: Promise<unknown>): Promise<WebAPIPlatformError['data']> {
  const error = (await call.then(
    () => expect.unreachable('the call should have failed'),
    (e: unknown) => e,
  )) as WebAPIPlatformError;
  expect(error.code).toBe(ErrorCode.PlatformError);
  return error.data;
}

const modal = (overrides: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  callback_id: 'dollr_refund_request',
  title: { type: 'plain_text' as const, text: 'Request a refund' },
  submit: { type: 'plain_text' as const, text: 'Request' },
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Hello' } }],
  ...overrides,
});

beforeAll(async () => {
  fake = await startFakeSlack({
    users: { U0ALICE: { name: 'alice', real_name: 'Alice Example' } },
    usergroups: { S0APPROVERS: ['U0ALICE', 'U0BOB'] },
  });
  client = clientFor(BOT_TOKEN);
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('fake Slack Web API through @slack/web-api', () => {
  it('answers auth.test with the bot identity', async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({
      ok: true,
      user_id: fake.bot.userId,
      bot_id: fake.bot.botId,
      team_id: fake.bot.teamId,
    });
    expect(fake.calls[0]).toMatchObject({ method: 'auth.test', token: BOT_TOKEN, status: 200 });
  });

  it('keeps posted messages, thread replies, edits and ephemerals in order', async () => {
    const blocks = [{ type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: '*Refund* 10.00 EUR' } }];
    const parent = await client.chat.postMessage({ channel: 'C0FINANCE', text: 'Refund requested', blocks });
    const first = await client.chat.postMessage({ channel: 'C0FINANCE', text: 'Approved', thread_ts: parent.ts! });
    const second = await client.chat.postMessage({ channel: 'C0FINANCE', text: 'Paid', thread_ts: parent.ts! });
    const updated = await client.chat.update({ channel: 'C0FINANCE', ts: parent.ts!, text: 'Refund approved' });
    const ephemeral = await client.chat.postEphemeral({ channel: 'C0FINANCE', user: 'U0ALICE', text: 'Only you' });

    expect(parent).toMatchObject({ ok: true, channel: 'C0FINANCE', message: { text: 'Refund requested', blocks } });
    expect(parent.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(first.ts)).toBeGreaterThan(Number(parent.ts));
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(updated).toMatchObject({ ok: true, channel: 'C0FINANCE', ts: parent.ts });
    expect(ephemeral.message_ts).toMatch(/^\d{10}\.\d{6}$/);

    expect(fake.channel('C0FINANCE').map((m) => [m.text, m.thread_ts])).toEqual([
      ['Refund approved', undefined],
      ['Approved', parent.ts],
      ['Paid', parent.ts],
    ]);
    expect(fake.thread('C0FINANCE', parent.ts!).map((m) => m.text)).toEqual(['Approved', 'Paid']);
    const current = fake.message('C0FINANCE', parent.ts!);
    expect(current).toMatchObject({ text: 'Refund approved', user: fake.bot.userId, bot_id: fake.bot.botId });
    expect(current?.edits.map((e) => e.text)).toEqual(['Refund requested']);
    expect(fake.ephemerals({ user: 'U0ALICE' })).toMatchObject([{ channel: 'C0FINANCE', text: 'Only you' }]);
  });

  it('records nested arguments decoded from the form body', async () => {
    await client.chat.postMessage({ channel: 'C1', text: 'x', blocks: [{ type: 'divider' }] });
    expect(fake.calls[0]?.args).toEqual({ channel: 'C1', text: 'x', blocks: [{ type: 'divider' }] });
  });

  it('refuses to update a message it does not know, and a reply to an unknown thread', async () => {
    expect((await platformError(client.chat.update({ channel: 'C1', ts: '1.000001', text: 'x' }))).error).toBe(
      'message_not_found',
    );
    expect(
      (await platformError(client.chat.postMessage({ channel: 'C1', text: 'x', thread_ts: '1.000001' }))).error,
    ).toBe('thread_not_found');
  });

  it('opens a modal with a fresh trigger and refuses an unknown or reused one', async () => {
    const trigger = fake.triggerId();
    const opened = await client.views.open({ trigger_id: trigger, view: modal() });
    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V[0-9A-Z]{10}$/),
      hash: expect.any(String),
      callback_id: 'dollr_refund_request',
    });
    expect(fake.viewsOpened()).toMatchObject([{ id: opened.view!.id, openedBy: 'views.open' }]);

    expect((await platformError(client.views.open({ trigger_id: trigger, view: modal() }))).error).toBe(
      'exchanged_trigger_id',
    );
    expect((await platformError(client.views.open({ trigger_id: '123.456.abc', view: modal() }))).error).toBe(
      'expired_trigger_id',
    );
  });

  it('refuses a trigger older than 3 seconds', async () => {
    let clock = 1_700_000_000_000;
    const timed = await startFakeSlack({ now: () => clock });
    try {
      const trigger = timed.triggerId();
      clock += 3001;
      const timedClient = new WebClient(BOT_TOKEN, {
        slackApiUrl: timed.apiUrl,
        logger: silentLogger,
        retryConfig: { retries: 0 },
      });
      expect((await platformError(timedClient.views.open({ trigger_id: trigger, view: modal() }))).error).toBe(
        'expired_trigger_id',
      );
    } finally {
      await timed.close();
    }
  });

  it('updates a modal by view_id and refuses a stale hash', async () => {
    const opened = await client.views.open({ trigger_id: fake.triggerId(), view: modal() });
    const { id, hash } = opened.view as { id: string; hash: string };
    const updated = await client.views.update({ view_id: id, hash, view: modal({ private_metadata: 'R1' }) });
    expect(updated.view).toMatchObject({ id, private_metadata: 'R1' });
    expect((await platformError(client.views.update({ view_id: id, hash, view: modal() }))).error).toBe(
      'hash_conflict',
    );
    expect(fake.view(id)?.versions).toHaveLength(1);
  });

  it('pushes a modal onto the stack of the modal the trigger came from', async () => {
    const root = await client.views.open({ trigger_id: fake.triggerId(), view: modal() });
    const rootId = root.view!.id!;
    const pushed = await client.views.push({
      trigger_id: fake.triggerId({ viewId: rootId }),
      view: modal({ callback_id: 'dollr_reject_reason' }),
    });
    expect(pushed.view).toMatchObject({
      previous_view_id: rootId,
      root_view_id: rootId,
      callback_id: 'dollr_reject_reason',
    });
  });

  it('accepts JSON bodies, with the token in the Authorization header only', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${fake.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body: JSON.stringify({ channel: 'C5', text: 'json', blocks: [{ type: 'divider' }], token: BOT_TOKEN }),
      });
    expect(await (await post({ authorization: `Bearer ${BOT_TOKEN}` })).json()).toMatchObject({
      ok: true,
      channel: 'C5',
    });
    expect(await (await post({})).json()).toEqual({ ok: false, error: 'not_authed' });
    expect(fake.channel('C5').map((m) => m.blocks)).toEqual([[{ type: 'divider' }]]);
  });

  it('keeps the blocks when chat.update sends only text', async () => {
    const blocks = [{ type: 'divider' }];
    const posted = await client.chat.postMessage({ channel: 'C6', text: 'before', blocks });
    await client.chat.update({ channel: 'C6', ts: posted.ts!, text: 'after' });
    expect(fake.message('C6', posted.ts!)).toMatchObject({ text: 'after', blocks });
    await client.chat.update({ channel: 'C6', ts: posted.ts!, text: 'cleared', blocks: [] });
    expect(fake.message('C6', posted.ts!)?.blocks).toEqual([]);
  });

  it('refuses Block Kit and modal limits like Slack', async () => {
    const title = await platformError(
      client.views.open({
        trigger_id: fake.triggerId(),
        view: modal({ title: { type: 'plain_text', text: 'x'.repeat(25) } }),
      }),
    );
    expect(title.error).toBe('invalid_arguments');
    expect(title.response_metadata?.messages).toContain(
      '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
    );

    const button = {
      type: 'button',
      action_id: 'a',
      text: { type: 'plain_text', text: 'b'.repeat(76) },
      value: 'v'.repeat(2001),
    } as const;
    const tooLong = await platformError(
      client.chat.postMessage({ channel: 'C1', text: 'x', blocks: [{ type: 'actions' as const, elements: [button] }] }),
    );
    expect(tooLong.error).toBe('invalid_blocks');
    expect(tooLong.response_metadata?.messages).toEqual([
      '[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
      '[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]',
    ]);

    const many = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect((await platformError(client.chat.postMessage({ channel: 'C1', text: 'x', blocks: many }))).error).toBe(
      'invalid_blocks',
    );
    expect((await platformError(client.chat.postMessage({ channel: 'C1', text: '' }))).error).toBe('no_text');
    const input = {
      type: 'input',
      block_id: 'reason',
      label: { type: 'plain_text', text: 'Reason' },
      element: { type: 'plain_text_input', action_id: 'value' },
    };
    const noSubmit = await platformError(
      client.views.open({ trigger_id: fake.triggerId(), view: modal({ submit: undefined, blocks: [input] }) }),
    );
    expect(noSubmit.response_metadata?.messages?.[0]).toContain('/view/submit');
    expect(fake.channel('C1')).toEqual([]);
  });

  it(
    'refuses section and context text over 3,000 characters, ' +
      'message text over 40,000, and an initial value past max_length',
    async () => {
      const section = await platformError(
        client.chat.postMessage({
          channel: 'C1',
          text: 'x',
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'a'.repeat(3001) } }],
        }),
      );
      expect(section.response_metadata?.messages).toEqual([
        '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
      ]);
      const context = await platformError(
        client.chat.postMessage({
          channel: 'C1',
          text: 'x',
          blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: 'a'.repeat(3001) }] }],
        }),
      );
      expect(context.error).toBe('invalid_blocks');
      expect((await platformError(client.chat.postMessage({ channel: 'C1', text: 'a'.repeat(40_001) }))).error).toBe(
        'msg_too_long',
      );
      await client.chat.postMessage({
        channel: 'C1',
        text: 'a'.repeat(40_000),
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'a'.repeat(3000) } }],
      });
      const input = (initial: string) => ({
        type: 'input' as const,
        block_id: 'reason',
        label: { type: 'plain_text' as const, text: 'Reason' },
        element: { type: 'plain_text_input' as const, action_id: 'value', max_length: 500, initial_value: initial },
      });
      const tooLong = await platformError(
        client.views.open({ trigger_id: fake.triggerId(), view: modal({ blocks: [input('r'.repeat(501))] }) }),
      );
      expect(tooLong.response_metadata?.messages?.[0]).toContain('/view/blocks/0/element/initial_value');
      await client.views.open({ trigger_id: fake.triggerId(), view: modal({ blocks: [input('r'.repeat(500))] }) });
    },
  );

  it('refuses posts where the bot cannot post, and reads where it cannot read, as Slack does', async () => {
    fake.setConversation('GPRIVATE1', { member: false });
    fake.setConversation('CPUBLIC01', { member: false });
    fake.setConversation('CARCHIVED', { archived: true });
    fake.setConversation('CGONE0001', { exists: false });
    expect((await platformError(client.chat.postMessage({ channel: 'GPRIVATE1', text: 'x' }))).error).toBe(
      'channel_not_found',
    );
    expect((await platformError(client.chat.postMessage({ channel: 'CARCHIVED', text: 'x' }))).error).toBe(
      'is_archived',
    );
    expect((await platformError(client.chat.postMessage({ channel: 'CGONE0001', text: 'x' }))).error).toBe(
      'channel_not_found',
    );
    expect(
      (await platformError(client.chat.postEphemeral({ channel: 'GPRIVATE1', user: 'U0ALICE', text: 'x' }))).error,
    ).toBe('channel_not_found');
    // A public channel the bot is not in takes neither posts (no chat:write.public) nor reads.
    expect((await platformError(client.chat.postMessage({ channel: 'CPUBLIC01', text: 'x' }))).error).toBe(
      'not_in_channel',
    );
    expect((await platformError(client.conversations.history({ channel: 'CPUBLIC01' }))).error).toBe('not_in_channel');
    // The bot's direct messages take posts, but reading them needs im:history, which it does not ask for.
    await client.chat.postMessage({ channel: 'U0ALICE', text: 'x' });
    expect((await platformError(client.conversations.history({ channel: 'DALICE' }))).error).toBe('missing_scope');
    // A channel archived after the card was posted refuses its updates and replies too.
    const card = await client.chat.postMessage({ channel: 'C0LATER01', text: 'card' });
    fake.setConversation('C0LATER01', { archived: true });
    expect((await platformError(client.chat.update({ channel: 'C0LATER01', ts: card.ts!, text: 'new' }))).error).toBe(
      'is_archived',
    );
    expect(
      (await platformError(client.chat.postMessage({ channel: 'C0LATER01', thread_ts: card.ts!, text: 'reply' })))
        .error,
    ).toBe('is_archived');
    fake.reset();
    await client.chat.postMessage({ channel: 'GPRIVATE1', text: 'after a reset the fake knows nothing of it' });
  });

  it('lists user group members and user profiles', async () => {
    expect((await client.usergroups.users.list({ usergroup: 'S0APPROVERS' })).users).toEqual(['U0ALICE', 'U0BOB']);
    expect((await platformError(client.usergroups.users.list({ usergroup: 'S0NOPE' }))).error).toBe('no_such_subteam');
    expect((await client.users.info({ user: 'U0ALICE' })).user).toMatchObject({
      id: 'U0ALICE',
      name: 'alice',
      real_name: 'Alice Example',
    });
    expect((await platformError(client.users.info({ user: 'U0NOBODY' }))).error).toBe('user_not_found');
  });

  it('answers 429 with Retry-After, which the WebClient honours before retrying', async () => {
    fake.inject({ method: 'chat.postMessage', fault: { kind: 'rate_limit', retryAfterSeconds: 1 } });
    const retrying = clientFor(BOT_TOKEN, 1);
    const waits: number[] = [];
    retrying.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));

    const result = await retrying.chat.postMessage({ channel: 'C1', text: 'after the wait' });

    expect(result.ok).toBe(true);
    expect(waits).toEqual([1]);
    const [limited, retried] = fake.calls;
    expect(limited).toMatchObject({
      status: 429,
      result: { ok: false, error: 'ratelimited' },
      fault: { kind: 'rate_limit' },
    });
    expect(retried).toMatchObject({ status: 200, result: { ok: true } });
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(990);
    expect(fake.channel('C1')).toHaveLength(1);
  });

  it('injects platform errors and HTTP failures for a number of calls', async () => {
    fake.inject({ method: 'chat.update', times: 2, fault: { kind: 'error', error: 'internal_error' } });
    fake.inject({ method: '*', fault: { kind: 'http', status: 503 } });
    const http = (await client.auth.test().catch((e: unknown) => e)) as WebAPIHTTPError;
    expect(http).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    expect((await platformError(client.chat.update({ channel: 'C1', ts: '1.1', text: 'x' }))).error).toBe(
      'internal_error',
    );
    expect((await platformError(client.chat.update({ channel: 'C1', ts: '1.1', text: 'x' }))).error).toBe(
      'internal_error',
    );
    expect((await platformError(client.chat.update({ channel: 'C1', ts: '1.1', text: 'x' }))).error).toBe(
      'message_not_found',
    );
  });

  it('checks the token: wrong, missing, and the app token on a bot method', async () => {
    expect((await platformError(clientFor('xoxb-wrong').auth.test())).error).toBe('invalid_auth');
    expect((await platformError(clientFor('').auth.test())).error).toBe('not_authed');
    expect((await platformError(clientFor(FAKE_APP_TOKEN).chat.postMessage({ channel: 'C1', text: 'x' }))).error).toBe(
      'not_allowed_token_type',
    );
    expect((await platformError(client.apiCall('dollr.nonsense'))).error).toBe('unknown_method');
    expect(fake.calls.map((c) => c.token)).toEqual(['xoxb-wrong', undefined, FAKE_APP_TOKEN, BOT_TOKEN]);
  });

  it('hands out a WebSocket URL to the app token only', async () => {
    const appClient = new WebClient(undefined, {
      slackApiUrl: fake.apiUrl,
      logger: silentLogger,
      retryConfig: { retries: 0 },
      headers: { Authorization: `Bearer ${FAKE_APP_TOKEN}` },
    });
    const opened = await appClient.apps.connections.open({});
    expect(opened.url).toMatch(
      new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/socket\\?ticket=[0-9a-f]+&app_id=${fake.bot.appId}$`),
    );
    expect((await platformError(client.apps.connections.open({}))).error).toBe('not_allowed_token_type');
  });
});

describe('fake Slack shared files', () => {
  const csv = 'payment_id,amount,reason\npay_1,10.00,damaged\n';
  const get = (url: string, token?: string) =>
    fetch(url, token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } });
  const names = (listed: { files?: Array<{ name?: string }> }) => (listed.files ?? []).map((f) => f.name);

  it('lists the files shared where the bot is, newest first, a page at a time', async () => {
    const first = fake.shareFile({ channel: 'C0FINANCE', name: 'refunds.csv', content: csv, user: 'U0ALICE' });
    fake.shareFile({ channel: 'C0FINANCE', name: 'notes.txt', content: 'hello' });
    fake.shareFile({ channel: 'C0OTHER01', name: 'other.csv', content: csv });

    const listed = await client.files.list({ channel: 'C0FINANCE' });
    expect(names(listed)).toEqual(['notes.txt', 'refunds.csv']);
    expect(listed.paging).toEqual({ count: 100, total: 2, page: 1, pages: 1 });
    const host = `${fake.url}/files-pri/${fake.bot.teamId}-${first.id}`;
    expect(listed.files?.[1]).toMatchObject({
      id: first.id,
      created: first.created,
      timestamp: first.created,
      name: 'refunds.csv',
      title: 'refunds.csv',
      mimetype: 'text/csv',
      filetype: 'csv',
      pretty_type: 'CSV',
      user: 'U0ALICE',
      size: Buffer.byteLength(csv),
      url_private: `${host}/refunds.csv`,
      url_private_download: `${host}/download/refunds.csv`,
      channels: ['C0FINANCE'],
      is_public: true,
    });
    expect(first.id).toMatch(/^F\d{10}$/);
    expect(listed.files?.[0]).toMatchObject({ filetype: 'text', mimetype: 'text/plain', user: 'USUPPORT01' });
    // Sharing is a person's message carrying the file.
    expect(fake.message('C0FINANCE', first.messageTs)).toMatchObject({ user: 'U0ALICE', files: [{ id: first.id }] });

    const second = await client.files.list({ channel: 'C0FINANCE', count: 1, page: 2 });
    expect(names(second)).toEqual(['refunds.csv']);
    expect(second.paging).toEqual({ count: 1, total: 2, page: 2, pages: 2 });
    expect(names(await client.files.list({}))).toEqual(['other.csv', 'notes.txt', 'refunds.csv']);
    // A CSV file is none of Slack's typed kinds: only `all` lists it.
    expect(names(await client.files.list({ channel: 'C0FINANCE', types: 'images,snippets' }))).toEqual([]);
    expect(names(await client.files.list({ channel: 'C0FINANCE', types: 'all' }))).toHaveLength(2);
    expect(fake.calls.map((c) => [c.method, c.token])).toContainEqual(['files.list', BOT_TOKEN]);
  });

  it('dates files by the fake clock', async () => {
    let clock = 1_700_000_000_000;
    const timed = await startFakeSlack({ now: () => clock });
    try {
      timed.shareFile({ channel: 'C1', name: 'old.csv', content: csv });
      clock += 60_000;
      const later = timed.shareFile({ channel: 'C1', name: 'new.csv', content: csv });
      expect(later.created).toBe(1_700_000_060);
      const listed = await new WebClient(BOT_TOKEN, { slackApiUrl: timed.apiUrl, logger: silentLogger }).files.list({
        channel: 'C1',
      });
      expect(listed.files?.map((f) => [f.name, f.created])).toEqual([
        ['new.csv', 1_700_000_060],
        ['old.csv', 1_700_000_000],
      ]);
    } finally {
      await timed.close();
    }
  });

  it('lists nothing where the bot is not, and refuses a conversation Slack does not know', async () => {
    fake.setConversation('CPUBLIC01', { member: false });
    fake.shareFile({ channel: 'CPUBLIC01', name: 'hidden.csv', content: csv });
    const listed = await client.files.list({ channel: 'CPUBLIC01' });
    expect(listed.files).toEqual([]);
    expect(listed.paging).toMatchObject({ total: 0 });
    expect(names(await client.files.list({}))).toEqual([]);
    fake.setConversation('CGONE0001', { exists: false });
    expect((await platformError(client.files.list({ channel: 'CGONE0001' }))).error).toBe('channel_not_found');
    expect((await platformError(clientFor('xoxb-wrong').files.list({}))).error).toBe('invalid_auth');
  });

  it("serves a file to the bot token only, and Slack's sign-in page to anyone else", async () => {
    const file = fake.shareFile({ channel: 'C0FINANCE', name: 'refunds march.csv', content: csv });
    expect(file.url_private_download).toContain('/download/refunds%20march.csv');

    const downloaded = await get(file.url_private_download, BOT_TOKEN);
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers.get('content-type')).toBe('text/csv');
    expect(await downloaded.text()).toBe(csv);
    expect(await (await get(file.url_private, BOT_TOKEN)).text()).toBe(csv);

    for (const token of [undefined, 'xoxb-wrong', FAKE_APP_TOKEN]) {
      const refused = await get(file.url_private_download, token);
      expect(refused.status).toBe(200);
      expect(refused.headers.get('content-type')).toContain('text/html');
      const page = await refused.text();
      expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(page).not.toContain('pay_1');
    }
    const downloads = fake.calls.filter((c) => c.method === 'files.download');
    expect(downloads.map((c) => [c.token, c.result.ok, c.args.file])).toEqual([
      [BOT_TOKEN, true, file.id],
      [BOT_TOKEN, true, file.id],
      [undefined, false, file.id],
      ['xoxb-wrong', false, file.id],
      [FAKE_APP_TOKEN, false, file.id],
    ]);
  });

  it('answers 404 to the bot for a file it does not know, and keeps files where the bot is not', async () => {
    const file = fake.shareFile({ channel: 'C0FINANCE', name: 'refunds.csv', content: csv });
    const unknown = file.url_private_download.replace(file.id, 'F9999999999');
    const missing = await get(unknown, BOT_TOKEN);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/plain');
    // Nobody else learns whether the file exists.
    expect((await get(unknown)).headers.get('content-type')).toContain('text/html');
    expect((await get(file.url_private_download.replace('refunds.csv', 'other.csv'), BOT_TOKEN)).status).toBe(404);

    fake.setConversation('C0FINANCE', { member: false });
    const hidden = await get(file.url_private_download, BOT_TOKEN);
    expect(hidden.headers.get('content-type')).toContain('text/html');
    expect(await hidden.text()).not.toContain('pay_1');
  });

  it('applies faults scripted for files.download', async () => {
    const file = fake.shareFile({ channel: 'C0FINANCE', name: 'refunds.csv', content: csv });
    fake.inject({ method: 'files.download', fault: { kind: 'http', status: 503 } });
    fake.inject({ method: 'files.download', fault: { kind: 'error', error: 'access_denied' } });
    expect((await get(file.url_private_download, BOT_TOKEN)).status).toBe(503);
    expect((await get(file.url_private_download, BOT_TOKEN)).headers.get('content-type')).toContain('text/html');
    expect(await (await get(file.url_private_download, BOT_TOKEN)).text()).toBe(csv);
  });

  it('shares and lists files through the control API, and forgets them on reset', async () => {
    const shared = await fetch(`${fake.url}/__fake/files`, {
      method: 'POST',
      body: JSON.stringify({ channel: 'C0FINANCE', name: 'refunds.csv', content: csv }),
    });
    expect(await shared.json()).toMatchObject({ id: expect.stringMatching(/^F\d{10}$/), filetype: 'csv' });
    expect(await (await fetch(`${fake.url}/__fake/files?channel=C0FINANCE`)).json()).toMatchObject([
      { name: 'refunds.csv', content: csv },
    ]);
    const refused = await fetch(`${fake.url}/__fake/files`, { method: 'POST', body: JSON.stringify({ name: 'x' }) });
    expect(refused.status).toBe(400);
    fake.reset();
    expect(fake.files()).toEqual([]);
    expect(names(await client.files.list({}))).toEqual([]);
  });
});

describe('fake Slack response URLs', () => {
  const post = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('posts in channel, replaces the original, and stops after 5 uses', async () => {
    const original = await client.chat.postMessage({ channel: 'C1', text: 'Approve?' });
    const url = fake.responseUrl({ channelId: 'C1', userId: 'U0ALICE', messageTs: original.ts! });

    expect((await post(url, { response_type: 'in_channel', text: 'Seen' })).status).toBe(200);
    expect((await post(url, { replace_original: true, text: 'Approved by Alice' })).status).toBe(200);
    expect((await post(url, { text: 'Only you see this' })).status).toBe(200);
    expect((await post(url, { replace_original: true })).status).toBe(400);
    expect((await post(url, { delete_original: true })).status).toBe(200);
    const sixth = await post(url, { text: 'too many' });

    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
    expect(fake.message('C1', original.ts!)).toBeUndefined();
    expect(fake.channel('C1').map((m) => [m.text, m.deleted, m.edits.length])).toEqual([
      ['Approved by Alice', true, 1],
      ['Seen', false, 0],
    ]);
    expect(fake.ephemerals({ user: 'U0ALICE' }).map((e) => e.text)).toEqual(['Only you see this']);
    expect(fake.responseUrlPosts().map((p) => p.status)).toEqual([200, 200, 200, 400, 200, 404]);
  });

  it('refuses an expired response URL', async () => {
    let clock = 1_700_000_000_000;
    const timed = await startFakeSlack({ now: () => clock });
    try {
      const url = timed.responseUrl({ channelId: 'C1', userId: 'U1' });
      clock += 30 * 60 * 1000 + 1;
      const answer = await post(url, { text: 'late' });
      expect(answer.status).toBe(404);
      expect(await answer.json()).toEqual({ ok: false, error: 'expired_url' });
    } finally {
      await timed.close();
    }
  });
});

describe('fake Slack control API and waiting', () => {
  it('serves calls without tokens, injects faults and resets over HTTP', async () => {
    await client.chat.postMessage({ channel: 'C9', text: 'hello' });
    const calls = (await (await fetch(`${fake.url}/__fake/calls`)).json()) as Array<Record<string, unknown>>;
    expect(calls).toMatchObject([{ method: 'chat.postMessage', token: 'bot', args: { channel: 'C9', text: 'hello' } }]);
    expect(JSON.stringify(calls)).not.toContain(BOT_TOKEN);
    expect(await (await fetch(`${fake.url}/__fake/channels/C9`)).json()).toMatchObject([{ text: 'hello' }]);

    const injected = await fetch(`${fake.url}/__fake/inject`, {
      method: 'POST',
      body: JSON.stringify({ method: 'chat.postMessage', fault: { kind: 'error', error: 'channel_not_found' } }),
    });
    expect(injected.status).toBe(200);
    expect((await platformError(client.chat.postMessage({ channel: 'C9', text: 'x' }))).error).toBe(
      'channel_not_found',
    );

    expect((await fetch(`${fake.url}/__fake/reset`, { method: 'POST' })).status).toBe(200);
    expect(fake.calls).toHaveLength(0);
    expect(fake.channel('C9')).toEqual([]);
  });

  it('issues trigger IDs and response URLs over HTTP', async () => {
    const control = (path: string, body: unknown) =>
      fetch(`${fake.url}/__fake/${path}`, { method: 'POST', body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<Record<string, string>>,
      );
    const { trigger_id } = await control('triggers', {});
    expect((await client.views.open({ trigger_id: trigger_id!, view: modal() })).ok).toBe(true);
    const { response_url } = await control('response-urls', { channelId: 'C7', userId: 'U0ALICE' });
    await fetch(response_url!, {
      method: 'POST',
      body: JSON.stringify({ response_type: 'in_channel', text: 'via url' }),
    });
    expect(fake.channel('C7')).toMatchObject([{ text: 'via url', via: 'response_url' }]);
  });

  it('waitFor resolves when a later call makes the predicate true', async () => {
    const waiting = fake.waitFor((f) => f.channel('C2').find((m) => m.text === 'later'));
    await client.chat.postMessage({ channel: 'C2', text: 'sooner' });
    await client.chat.postMessage({ channel: 'C2', text: 'later' });
    expect((await waiting).text).toBe('later');
  });

  it('waitFor rejects with what it awaited and the last calls', async () => {
    await client.chat.postMessage({ channel: 'C3', text: 'something else' });
    await expect(fake.waitFor((f) => f.channel('C3').length > 1, 50, 'a second message in C3')).rejects.toThrow(
      /timed out after 50 ms waiting for a second message in C3\nlast 1 calls:\n {2}chat.postMessage -> ok/,
    );
  });
});
