/**
 * Files people share in conversations: what files.list lists and what Slack's file host
 * (`/files-pri/<team>-<file>/<name>`) serves. The bot sees a file only in a conversation it is in,
 * and the host gives the content to the bot token only: without it, or with another, Slack answers
 * its sign-in page (HTML, status 200), never an error status.
 */
import type { BotIdentity, ChannelStore } from './channels.ts';
import type { Handler } from './chat-methods.ts';
import { str } from './http-io.ts';
import { SLACK_TEAM } from './team.ts';
import type { ApiArgs, ApiResult, FakeFile } from './types.ts';

export interface ShareInput {
  channel: string;
  name: string;
  content: string;
  /** Who shares it; a support person by default, never the bot. */
  user?: string;
  /** Slack's file type; by default from the name: `csv` for `.csv`, `text` otherwise. */
  filetype?: string;
  /** Defaults to the name, as Slack does. */
  title?: string;
}

/** A file host answer: what to send, and how `calls` records it. */
export interface HostedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  args: ApiArgs;
  /** `ok: false` with why the content was not served (the caller only ever sees the page or 404). */
  result: ApiResult;
}

export const FILES_PREFIX = '/files-pri/';
const DEFAULT_SHARER = 'USUPPORT01';
const WORKSPACE_URL = `https://${SLACK_TEAM.domain}.slack.com`;
const MIME_TYPES: Record<string, string> = {
  csv: 'text/csv',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  zip: 'application/zip',
};
const PRETTY_TYPES: Record<string, string> = { csv: 'CSV', text: 'Plain Text' };

/**
 * The file types each of files.list's `types` stands for. A shared CSV or text file is none of them,
 * so only `all` lists it; snippets are made in Slack's editor, which no test can do.
 */
const TYPE_FILETYPES: Record<string, readonly string[]> = {
  spaces: ['space', 'post'],
  snippets: [],
  images: ['png', 'jpg', 'gif', 'bmp', 'webp', 'heic'],
  gdocs: ['gdoc', 'gsheet', 'gpres'],
  zips: ['zip'],
  pdfs: ['pdf'],
};

/** The page Slack's file host answers a caller it does not let in: a sign-in form, status 200. */
const SIGN_IN_PAGE =
  '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Slack</title></head>\n' +
  `<body><h1>Sign in to ${SLACK_TEAM.domain}.slack.com</h1>` +
  '<form action="/signin" method="post"><input type="email" name="email"></form></body></html>\n';

const filetypeOf = (name: string): string => (/\.csv$/i.test(name) ? 'csv' : 'text');

function matchesTypes(file: FakeFile, types: string | undefined): boolean {
  if (types === undefined || types === '') return true;
  return types
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === 'all' || (TYPE_FILETYPES[t] ?? []).includes(file.filetype));
}

/** Slack's paging: 100 files a page unless `count` says otherwise, at most 1000; pages count from 1. */
const countOf = (raw: string | undefined) => Math.min(Math.max(Math.floor(Number(raw || 100)) || 100, 1), 1000);
const pageOf = (raw: string | undefined) => Math.max(Math.floor(Number(raw || 1)) || 1, 1);

/** A path segment as the caller sent it, or undefined when it is not valid percent-encoding. */
function decodeSegment(segment: string | undefined): string | undefined {
  try {
    return segment === undefined ? undefined : decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export type FileStore = ReturnType<typeof createFileStore>;

export interface FileStoreDeps {
  bot: BotIdentity;
  botToken: string;
  channels: ChannelStore;
  now: () => number;
  /** The fake's root URL, known once it listens. */
  baseUrl: () => string;
}

export function createFileStore(deps: FileStoreDeps) {
  let files: FakeFile[] = [];
  // IDs are never reused, even after reset, so a stale ID cannot find a later test's file.
  let lastId = 0;

  /** Whether the bot sees what is shared in this conversation: it exists and the bot is in it. */
  function visible(channel: string): boolean {
    const conversation = deps.channels.conversation(channel);
    return conversation.exists !== false && conversation.member !== false;
  }

  /** The file object as Slack answers it in files.list and in the message that shared it. */
  function fileJson(file: FakeFile): Record<string, unknown> {
    // Slack lists where a file is shared by kind of conversation.
    const where = file.channel.startsWith('D') ? 'ims' : file.channel.startsWith('G') ? 'groups' : 'channels';
    return {
      id: file.id,
      created: file.created,
      timestamp: file.created,
      name: file.name,
      title: file.title,
      mimetype: file.mimetype,
      filetype: file.filetype,
      pretty_type: PRETTY_TYPES[file.filetype] ?? file.filetype.toUpperCase(),
      user: file.user,
      user_team: deps.bot.teamId,
      mode: 'hosted',
      is_external: false,
      is_public: file.channel.startsWith('C'),
      size: file.size,
      url_private: file.url_private,
      url_private_download: file.url_private_download,
      permalink: `${WORKSPACE_URL}/files/${file.user}/${file.id}/${encodeURIComponent(file.name)}`,
      channels: [],
      groups: [],
      ims: [],
      [where]: [file.channel],
    };
  }

  /** A person shares a file: it is stored and a message of theirs carrying it lands in the conversation. */
  function share(input: ShareInput): FakeFile {
    if (deps.channels.conversation(input.channel).exists === false) {
      throw new Error(`shareFile: conversation ${input.channel} does not exist`);
    }
    const id = `F${String(++lastId).padStart(10, '0')}`;
    const filetype = input.filetype ?? filetypeOf(input.name);
    const host = `${deps.baseUrl()}${FILES_PREFIX}${deps.bot.teamId}-${id}`;
    const file: FakeFile = {
      id,
      channel: deps.channels.resolve(input.channel),
      name: input.name,
      title: input.title ?? input.name,
      filetype,
      mimetype: MIME_TYPES[filetype] ?? 'text/plain',
      user: input.user ?? DEFAULT_SHARER,
      content: input.content,
      size: Buffer.byteLength(input.content),
      created: Math.floor(deps.now() / 1000),
      messageTs: '',
      url_private: `${host}/${encodeURIComponent(input.name)}`,
      url_private_download: `${host}/download/${encodeURIComponent(input.name)}`,
    };
    const posted = deps.channels.post({
      channel: file.channel,
      text: '',
      blocks: undefined,
      via: 'chat.postMessage',
      author: { user: file.user },
      files: [fileJson(file)],
    });
    if ('error' in posted) throw new Error(`shareFile: ${posted.error}`);
    file.messageTs = posted.ts;
    files.push(file);
    return structuredClone(file);
  }

  /**
   * files.list: the files the bot can see, newest first, a page at a time. A conversation Slack does not
   * know is channel_not_found; one the bot is not in lists nothing.
   */
  function list(args: ApiArgs): ApiResult {
    const channel = str(args, 'channel');
    if (channel && deps.channels.conversation(channel).exists === false)
      return { ok: false, error: 'channel_not_found' };
    const user = str(args, 'user');
    const from = Number(str(args, 'ts_from') || 0);
    const to = Number(str(args, 'ts_to') || Number.POSITIVE_INFINITY);
    const seen = files
      .filter(
        (f) =>
          visible(f.channel) &&
          (!channel || f.channel === channel) &&
          (!user || f.user === user) &&
          matchesTypes(f, str(args, 'types')) &&
          f.created >= from &&
          f.created <= to,
      )
      .reverse()
      .sort((a, b) => b.created - a.created);
    const count = countOf(str(args, 'count'));
    const page = pageOf(str(args, 'page'));
    return {
      ok: true,
      files: seen.slice((page - 1) * count, page * count).map(fileJson),
      paging: { count, total: seen.length, page, pages: Math.ceil(seen.length / count) },
    };
  }

  function signIn(args: ApiArgs, error: string): HostedAnswer {
    return {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: SIGN_IN_PAGE,
      args,
      result: { ok: false, error },
    };
  }

  /**
   * A GET on the file host. Nobody but the bot learns whether a file exists: a missing or wrong token
   * gets the sign-in page for any path. `refused` (a scripted fault) gets it too.
   */
  function download(path: string, token: string | undefined, refused?: string): HostedAnswer {
    const [key, ...rest] = path.slice(FILES_PREFIX.length).split('/');
    const asDownload = rest.length === 2 && rest[0] === 'download';
    const name = rest.length === 1 || asDownload ? decodeSegment(rest.at(-1)) : undefined;
    const file = files.find((f) => key === `${deps.bot.teamId}-${f.id}` && f.name === name);
    const args: ApiArgs = { file: file?.id ?? key, name, download: asDownload };
    if (refused !== undefined) return signIn(args, refused);
    if (token === undefined) return signIn(args, 'not_authed');
    if (token !== deps.botToken) return signIn(args, 'invalid_auth');
    if (file === undefined) {
      const body = 'fake Slack: no such file\n';
      return {
        status: 404,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body,
        args,
        result: { ok: false, error: 'file_not_found' },
      };
    }
    // The bot's token opens only files shared where the bot is.
    if (!visible(file.channel)) return signIn(args, 'access_denied');
    const headers: Record<string, string> = { 'content-type': file.mimetype };
    if (asDownload) headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`;
    return { status: 200, headers, body: file.content, args, result: { ok: true } };
  }

  return {
    share,
    list,
    download,
    /** Every shared file (or those of one conversation), in sharing order. */
    all: (channel?: string): FakeFile[] =>
      structuredClone(files.filter((f) => channel === undefined || f.channel === channel)),
    reset(): void {
      files = [];
    },
  };
}

export function fileMethods(files: FileStore): Record<string, Handler> {
  return { 'files.list': (args) => files.list(args) };
}
