/** Reading requests and writing answers the way Slack's HTTP endpoints do. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiArgs } from './types.ts';

/** Arguments Slack accepts as JSON-encoded strings inside a form body. */
const JSON_ARGS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurls', 'user_auth_blocks']);

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Parses a Web API request: form-encoded (what @slack/web-api sends) or JSON body, plus query string.
 * Nested values sent as JSON strings are decoded; a value that is not valid JSON stays a string
 * so validation can report it as Slack does.
 */
export function parseApiArgs(raw: string, contentType: string | undefined, query: URLSearchParams): ApiArgs {
  const args: ApiArgs = Object.fromEntries(query);
  if (raw.length === 0) return args;
  if ((contentType ?? '').includes('application/json')) {
    const parsed: unknown = JSON.parse(raw);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(args, parsed);
    return args;
  }
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = JSON_ARGS.has(key) ? decodeJson(value) : value;
  }
  return args;
}

function decodeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The bearer token from the Authorization header, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Any other body (a file, a page), sent as given with its content type. */
export function sendContent(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Strings from a form body: a missing or non-string argument reads as undefined. */
export function str(args: ApiArgs, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
