/**
 * The sandbox page's file sharing (POST /api/share-file), as the paperclip calls it: a person's file
 * lands in the channel as their upload, where the app can list and read it; a bad body gets 400 with
 * what is wrong, and a body past the sandbox's limit 413 before it is held whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';

const AMA = 'U0SANDREQ1';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox?.stop());

const share = (body: unknown) =>
  fetch(new URL('/api/share-file', sandbox.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('sharing a file from the sandbox page', () => {
  it("puts the person's file in the channel as their upload", async () => {
    const content = '4430, 5.00, card test\n4431, 5.00, card test\n';
    const response = await share({ user: AMA, name: 'refunds.csv', content });
    expect(response.status).toBe(200);
    const [file] = sandbox.slack.files();
    expect(file).toMatchObject({ name: 'refunds.csv', user: AMA, content, filetype: 'csv' });
    const message = sandbox.slack.message(file!.channel, file!.messageTs);
    expect(message?.files?.[0]).toMatchObject({ name: 'refunds.csv', size: Buffer.byteLength(content) });
  });

  it('refuses a file without a name, or from someone the sandbox does not know, saying why', async () => {
    const before = sandbox.slack.files().length;
    const unnamed = await share({ user: AMA, name: ' ', content: 'x' });
    expect(unnamed.status).toBe(400);
    expect(((await unnamed.json()) as { error: string }).error).toContain('name');
    const stranger = await share({ user: 'U0NOBODY01', name: 'a.csv', content: 'x' });
    expect(stranger.status).toBe(400);
    expect(((await stranger.json()) as { error: string }).error).toContain('unknown user');
    expect(sandbox.slack.files()).toHaveLength(before);
  });

  it('answers 413 to a body past its limit, and keeps serving', async () => {
    const before = sandbox.slack.files().length;
    const huge = await share(JSON.stringify({ user: AMA, name: 'huge.csv', content: 'x'.repeat(5_000_000) }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: string }).error).toContain('at most 1 MB');
    // The same without a declared length (chunked): read to its end, then refused.
    const chunk = new TextEncoder().encode('x'.repeat(1_000_000));
    let sent = 0;
    const streamed = await fetch(new URL('/api/share-file', sandbox.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        pull(controller) {
          if (sent++ < 5) controller.enqueue(chunk);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const tooLong = await share({ user: AMA, name: 'long.csv', content: 'x'.repeat(1_000_001) });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: string }).error).toContain('at most 1 MB');
    expect(sandbox.slack.files()).toHaveLength(before);
    expect((await share({ user: AMA, name: 'small.csv', content: 'x' })).status).toBe(200);
  });
});
