/**
 * The sandbox page's HTTP server (node:http): the page and its script and style, a server-sent
 * event stream of snapshots, and the JSON endpoints the page calls when a person acts.
 *
 *   GET  /  /app.js  /style.css
 *   GET  /events?user=U…             text/event-stream: a snapshot now and after every change
 *   POST /api/command                {user, text}
 *   POST /api/submit                 {user, viewId, values}   -> {closed}
 *   POST /api/close-modal            {user, viewId}
 *   POST /api/click                  {user, channel, ts, actionId, blockId, value}
 *   POST /api/shortcut/refund-from-message {user, ts}   POST /api/shortcut/new-request {user}
 *   POST /api/share-file             {user, name, content}: the person shares a text file in the channel
 *   POST /api/home/open {user}   POST /api/home/click {user, actionId, blockId, value}
 *   POST /api/dollr/fail-next | hold-next | late-next | strict (on/off) | release/<reference ID>
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { AppDriver } from './drive-app.ts';
import type { DollrSwitches } from './dollr-switches.ts';
import { personById } from './people.ts';
import type { Snapshot } from './snapshot.ts';

export interface PageServerDeps {
  driver: AppDriver;
  switches: DollrSwitches;
  snapshot: (user: string) => Snapshot;
  channelId: string;
  /** The bundled browser script. */
  script: string;
}

export interface PageServer {
  url: string;
  /** Pushes a fresh snapshot to every open page whose view changed. */
  changed(): void;
  close(): Promise<void>;
}

/** What the page may share: text, well past the 64 KB the app reads, so that its refusal can be seen. */
const FILE_MAX_CHARACTERS = 1_000_000;
/** A request body is JSON: the largest is a shared file. */
const BODY_MAX_BYTES = 4 * FILE_MAX_CHARACTERS;

const user = z.string().refine((id) => personById(id) !== undefined, 'unknown user');
const bodies = {
  command: z.object({ user, text: z.string().max(4000) }),
  submit: z.object({
    user,
    viewId: z.string(),
    values: z.record(z.string(), z.record(z.string(), z.string().nullable())),
  }),
  closeModal: z.object({ user, viewId: z.string() }),
  shortcut: z.object({ user, ts: z.string().optional() }),
  // Slack's own limits are far larger; the app reads at most 64 KB of a CSV and says so past that.
  shareFile: z.object({
    user,
    name: z.string().trim().min(1).max(255),
    content: z.string().max(FILE_MAX_CHARACTERS, 'a file of at most 1 MB of text'),
  }),
  homeClick: z.object({ user, actionId: z.string(), blockId: z.string(), value: z.string() }),
  click: z.object({
    user,
    channel: z.string(),
    ts: z.string(),
    actionId: z.string(),
    blockId: z.string(),
    value: z.string(),
  }),
};

interface Client {
  res: ServerResponse;
  user: string;
  last: string;
}

const publicFile = (name: string) => readFile(new URL(`./public/${name}`, import.meta.url), 'utf8');

export async function startPageServer(
  deps: PageServerDeps,
  listen: { port: number; host: string },
): Promise<PageServer> {
  const [html, css] = await Promise.all([publicFile('index.html'), publicFile('style.css')]);
  const clients = new Set<Client>();
  let scheduled: NodeJS.Timeout | undefined;

  function push(client: Client): void {
    const data = JSON.stringify(deps.snapshot(client.user));
    if (data === client.last) return;
    client.last = data;
    client.res.write(`data: ${data}\n\n`);
  }

  /** Many changes come in bursts (one click is several Slack and Dollr calls): push once per burst. */
  function changed(): void {
    scheduled ??= setTimeout(() => {
      scheduled = undefined;
      for (const client of clients) push(client);
    }, 15);
  }

  async function api(path: string, body: unknown): Promise<unknown> {
    const { driver, switches } = deps;
    if (path === '/api/command') {
      const b = bodies.command.parse(body);
      await driver.command(b.user, deps.channelId, b.text);
      return { ok: true };
    }
    if (path === '/api/submit') {
      const b = bodies.submit.parse(body);
      return driver.submit(b.user, b.viewId, b.values);
    }
    if (path === '/api/close-modal') {
      const b = bodies.closeModal.parse(body);
      driver.closeModal(b.user, b.viewId);
      return { ok: true };
    }
    if (path === '/api/click') {
      const { user: who, ...click } = bodies.click.parse(body);
      await driver.click(who, click);
      return { ok: true };
    }
    if (path === '/api/shortcut/refund-from-message') {
      const b = bodies.shortcut.parse(body);
      await driver.refundFromMessage(b.user, deps.channelId, b.ts ?? '');
      return { ok: true };
    }
    if (path === '/api/share-file') {
      const b = bodies.shareFile.parse(body);
      driver.shareFile(b.user, deps.channelId, b.name, b.content);
      return { ok: true };
    }
    if (path === '/api/shortcut/new-request') {
      const b = bodies.shortcut.parse(body);
      await driver.newRequest(b.user, deps.channelId);
      return { ok: true };
    }
    if (path === '/api/home/open') {
      await driver.openHome(bodies.shortcut.parse(body).user);
      return { ok: true };
    }
    if (path === '/api/home/click') {
      const { user: who, ...click } = bodies.homeClick.parse(body);
      await driver.homeClick(who, click);
      return { ok: true };
    }
    if (path === '/api/dollr/fail-next') return void switches.failNext();
    if (path === '/api/dollr/hold-next') return void switches.holdNext();
    if (path === '/api/dollr/late-next') return void switches.lateNext();
    if (path === '/api/dollr/strict') return void switches.toggleStrict();
    const release = /^\/api\/dollr\/release\/([^/]+)$/.exec(path);
    if (release) return void switches.release(decodeURIComponent(release[1]!));
    throw new NotFound(`No sandbox action ${path}.`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    if (req.method === 'GET') {
      if (url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', html);
      if (url.pathname === '/app.js') return send(res, 200, 'text/javascript; charset=utf-8', deps.script);
      if (url.pathname === '/style.css') return send(res, 200, 'text/css; charset=utf-8', css);
      if (url.pathname === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
      if (url.pathname === '/events') {
        const who = url.searchParams.get('user') ?? '';
        if (personById(who) === undefined) return send(res, 400, 'text/plain', 'unknown user');
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        const client: Client = { res, user: who, last: '' };
        clients.add(client);
        req.on('close', () => clients.delete(client));
        return push(client);
      }
    }
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
      // JSON only: another web site cannot send that to this page's server without a CORS preflight.
      if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
        return send(res, 415, 'text/plain', 'send JSON');
      try {
        const answer = await api(url.pathname, JSON.parse((await readBody(req)) || '{}'));
        send(res, 200, 'application/json', JSON.stringify(answer ?? { ok: true }));
      } catch (error) {
        const status = statusOf(error);
        const message =
          error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error);
        send(res, status, 'application/json', JSON.stringify({ error: message }));
      }
      return changed();
    }
    send(res, 404, 'text/plain', 'not found');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost =
    listen.host === '0.0.0.0' || listen.host === '::'
      ? 'localhost'
      : listen.host.includes(':')
        ? `[${listen.host}]`
        : listen.host;

  return {
    url: `http://${shownHost}:${port}/`,
    changed,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(scheduled);
        for (const client of clients) client.res.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

class NotFound extends Error {}

class TooLarge extends Error {
  override message = 'That is too large for the sandbox: share a file of at most 1 MB.';
}

/** The HTTP status of an action that failed: unknown, too large, malformed, or refused as things stand. */
function statusOf(error: unknown): number {
  if (error instanceof NotFound) return 404;
  if (error instanceof TooLarge) return 413;
  if (error instanceof z.ZodError || error instanceof SyntaxError) return 400;
  return 409;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  // Past the limit the body is read to its end and dropped, so that the 413 reaches the sender.
  if (Number(req.headers['content-length'] ?? 0) > BODY_MAX_BYTES) {
    req.resume();
    throw new TooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= BODY_MAX_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > BODY_MAX_BYTES) throw new TooLarge();
  return Buffer.concat(chunks).toString('utf8');
}
