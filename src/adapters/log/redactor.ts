/**
 * What must never be written (logs) or shown (Slack), in one place:
 * - by field: the value of any field named like a secret (`passcode`, `client_secret`, `token`,
 *   `authorization`...) and of Slack's per-request credentials (`response_url`, `trigger_id`), whatever
 *   its length: a 4-digit passcode is hidden where it is a passcode, and `amount 1234.00` stays as it is;
 * - by value: every configured secret long enough not to occur by chance (and the Dollr access
 *   token, added when it is obtained), wherever it appears;
 * - by shape: Slack tokens, response URLs and Socket Mode tickets inside texts (Bolt and web-api log
 *   whole envelopes and URLs at debug).
 */

/** Field names whose values are secret, compared lowercased with `-` and `_` removed. */
const SECRET_FIELDS = new Set([
  'passcode',
  'password',
  'secret',
  'clientsecret',
  'signingsecret',
  'token',
  'accesstoken',
  'bottoken',
  'apptoken',
  'authorization',
  'responseurl',
  'triggerid',
  'ticket',
]);

/** Shorter secrets are redacted by field only: by value they would garble ordinary numbers and words. */
const MIN_VALUE_LENGTH = 8;

const SHAPES: Array<[RegExp, string]> = [
  [/\bxox[abpers]-[A-Za-z0-9-]+/g, '[REDACTED]'],
  [/\bxapp-[A-Za-z0-9-]+/g, '[REDACTED]'],
  [/https:\/\/hooks\.slack\.com\/[^\s"'\\]+/g, '[REDACTED]'],
  [/https%3A%2F%2Fhooks\.slack\.com%2F[^&\s"'\\]+/gi, '[REDACTED]'],
  [/([?&\s](?:ticket|trigger_id|response_url)=)[^&\s"'\\]+/g, '$1[REDACTED]'],
  [/("(?:trigger_id|response_url|ticket)\\?"\s*:\s*\\?")[^"\\]+/g, '$1[REDACTED]'],
];

const REDACTED = '[REDACTED]';

export interface Redactor {
  /** A secret learnt while running (an access token): redacted by value from now on. */
  add(secret: string): void;
  /** A text with every secret value and shape replaced. */
  text(text: string): string;
  /** For JSON.stringify: replaces the values of secret fields. */
  replacer(key: string, value: unknown): unknown;
}

export function createRedactor(secrets: readonly string[] = []): Redactor {
  let needles: string[] = [];
  const values = new Set<string>();
  const add = (secret: string) => {
    if (secret.length < MIN_VALUE_LENGTH || values.has(secret)) return;
    values.add(secret);
    // As written and JSON-escaped; longest first, so that a secret containing another goes whole.
    needles = [...values].flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]).sort((a, b) => b.length - a.length);
  };
  for (const secret of secrets) add(secret);
  return {
    add,
    text(text) {
      let out = text;
      for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
      for (const [shape, replacement] of SHAPES) out = out.replace(shape, replacement);
      return out;
    },
    replacer(key, value) {
      if (value === undefined || value === null || value === '') return value;
      return SECRET_FIELDS.has(key.toLowerCase().replace(/[-_]/g, '')) ? REDACTED : value;
    },
  };
}
