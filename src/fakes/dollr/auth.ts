/**
 * Client-credential tokens: issued by POST /v1/jwt/client/obtain/token, required as
 * `Authorization: Bearer` on every other API route.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FakeState } from './state.ts';
import { reply, type Reply } from './types.ts';
import { BodyReader, validationError } from './validation.ts';

const UNAUTHORIZED_HEADERS = { 'www-authenticate': 'Bearer' };

/** The token call. Wrong credentials -> 401 "Invalid client credentials". */
export function obtainToken(state: FakeState, body: unknown): Reply {
  const fields = new BodyReader(body);
  const clientId = fields.string('client_id');
  const clientSecret = fields.string('client_secret');
  if (fields.issues.length > 0) return validationError(fields.issues);
  if (clientId !== state.config.clientId || clientSecret !== state.config.clientSecret) {
    return reply(401, { detail: 'Invalid client credentials' }, UNAUTHORIZED_HEADERS);
  }
  const lifetimeMinutes = state.config.tokenLifetimeMinutes;
  const expiresAt = state.now().getTime() + lifetimeMinutes * 60_000;
  const token = fakeJwt(clientId, expiresAt);
  state.tokens.set(token, expiresAt);
  return reply(200, { access_token: token, expires_in: lifetimeMinutes });
}

/** undefined when the request may go on; else the 401 to answer. */
export function checkBearer(state: FakeState, authorization: string | undefined): Reply | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return reply(401, { detail: 'Not authenticated' }, UNAUTHORIZED_HEADERS);
  const expiresAt = state.tokens.get(match[1]!);
  if (expiresAt === undefined || expiresAt <= state.now().getTime()) {
    return reply(401, { detail: 'Could not validate credentials' }, UNAUTHORIZED_HEADERS);
  }
  return undefined;
}

/** Every token issued so far stops working (as after a key rotation). */
export function expireTokens(state: FakeState): void {
  state.tokens.clear();
}

/** Shaped like Dollr's HS256 JWT; the signature is random because nobody verifies it but us. */
function fakeJwt(subject: string, expiresAtMs: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = part({ alg: 'HS256', typ: 'JWT' });
  const payload = part({ sub: subject, exp: Math.floor(expiresAtMs / 1000), jti: randomUUID() });
  return `${header}.${payload}.${randomBytes(32).toString('base64url')}`;
}
