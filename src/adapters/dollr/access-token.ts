/**
 * Dollr's Bearer token: obtained with the client credentials, cached, renewed before it runs out,
 * and shared: concurrent callers wait on one token request instead of each starting their own.
 */
import { DollrError, isDollrError } from '../../core/execution/dollr-error.ts';
import type { DollrHttp } from './dollr-http.ts';
import { parseAnswer, tokenResponseSchema } from './dollr-schemas.ts';

const TOKEN_PATH = '/v1/jwt/client/obtain/token';

/** Renew when less than this remains, or less than RENEW_FRACTION of the lifetime, whichever is smaller. */
const RENEW_MARGIN_MS = 5 * 60_000;
const RENEW_FRACTION = 0.2;

export interface AccessTokens {
  /** A token that is valid for a while yet; obtains one when needed. */
  get(): Promise<string>;
  /** Forgets `token` after Dollr refused it, unless a newer one already replaced it. */
  invalidate(token: string): void;
}

interface Cached {
  token: string;
  /** When we stop using it (ms since epoch): before it expires, by the renewal margin. */
  renewAt: number;
}

export function createAccessTokens(options: {
  http: DollrHttp;
  clientId: string;
  clientSecret: string;
  now: () => Date;
  /** Told of each token obtained, before anyone uses it (the logs' redactor learns it). */
  onToken?: (token: string) => void;
}): AccessTokens {
  let cached: Cached | undefined;
  let inFlight: Promise<string> | undefined;

  async function obtain(): Promise<string> {
    const requestedAt = options.now().getTime();
    let body: unknown;
    try {
      body = await options.http({
        method: 'POST',
        path: TOKEN_PATH,
        body: { client_id: options.clientId, client_secret: options.clientSecret },
      });
    } catch (error) {
      // A 401 here is about the credentials, not about a token: say which settings to check.
      if (isDollrError(error) && error.code === 'unauthorized') {
        throw new DollrError(
          'unauthorized',
          'Dollr refused the client credentials: check DOLLR_CLIENT_ID and DOLLR_CLIENT_SECRET.',
          error.options,
        );
      }
      throw error;
    }
    const answer = parseAnswer(tokenResponseSchema, body, `POST ${TOKEN_PATH}`);
    options.onToken?.(answer.access_token);
    // Counted from when we asked, not when the answer came, so a slow answer cannot make us late.
    const lifetimeMs = answer.expires_in * 60_000;
    const marginMs = Math.min(RENEW_MARGIN_MS, lifetimeMs * RENEW_FRACTION);
    cached = { token: answer.access_token, renewAt: requestedAt + lifetimeMs - marginMs };
    return answer.access_token;
  }

  return {
    get() {
      if (cached && options.now().getTime() < cached.renewAt) return Promise.resolve(cached.token);
      inFlight ??= obtain().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}
