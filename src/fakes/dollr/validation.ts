/**
 * Request-body checks in the dialect Dollr documents (pydantic v1 words, FastAPI's 422 shape), with
 * pydantic v2 "lax" typing: integer and number fields accept numeric strings, string fields refuse
 * JSON numbers. Every problem of a body is reported at once, as pydantic does.
 *
 * Accessors return a placeholder when the field is wrong; callers check `issues` before using them.
 */
import { reply, type Reply } from './types.ts';

export type Loc = (string | number)[];
export interface ValidationIssue {
  loc: Loc;
  msg: string;
  type: string;
  ctx?: Record<string, unknown>;
}

export const SUPPORTED_CURRENCIES = ['USD', 'LRD', 'RWF'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export const validationError = (issues: ValidationIssue[]): Reply => reply(422, { detail: issues });

/** A 422 about one field, for the business rules checked after the types. */
export const fieldError = (field: string | Loc, msg: string, type = 'value_error'): Reply =>
  validationError([{ loc: Array.isArray(field) ? field : ['body', field], msg, type }]);

export class BodyReader {
  private readonly value: unknown;
  private readonly loc: Loc;
  readonly issues: ValidationIssue[];
  /** false when this object itself is missing or wrong: its fields are then not reported. */
  private readonly live: boolean;

  constructor(value: unknown, loc: Loc = ['body'], issues: ValidationIssue[] = [], live = true) {
    this.value = value;
    this.loc = loc;
    this.issues = issues;
    this.live = live;
    if (live && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      this.live = false;
      this.fail(loc, value === undefined ? 'missing' : 'dict');
    }
  }

  /** A nested object, e.g. `passcode`, then `passcode.token`. */
  object(name: string): BodyReader {
    const raw = this.raw(name);
    if (raw === undefined) return new BodyReader(undefined, [...this.loc, name], this.issues, false);
    return new BodyReader(raw, [...this.loc, name], this.issues, this.live);
  }

  /** Integer; numeric strings accepted (lax). */
  int(name: string): number {
    const raw = this.raw(name);
    if (raw === undefined) return 0;
    const n = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
    this.fail([...this.loc, name], 'integer');
    return 0;
  }

  /** Amount in major units, ≥ 0.01, rounded to cents; numeric strings accepted (lax). */
  amountMinor(name: string): number {
    const raw = this.raw(name);
    if (raw === undefined) return 0;
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      this.fail([...this.loc, name], 'float');
      return 0;
    }
    if (n < 0.01) {
      this.issues.push({
        loc: [...this.loc, name],
        msg: 'ensure this value is greater than or equal to 0.01',
        type: 'value_error.number.not_ge',
        ctx: { limit_value: 0.01 },
      });
      return 0;
    }
    return Math.round(n * 100);
  }

  /** String; JSON numbers refused (strict, as OAS types these ids as strings). */
  string(name: string, options: { optional?: boolean; nullable?: boolean } = {}): string {
    const raw = this.raw(name, options);
    if (raw === undefined || raw === null) return '';
    if (typeof raw === 'string') return raw;
    this.fail([...this.loc, name], 'str');
    return '';
  }

  uuid4(name: string): string {
    const text = this.string(name);
    if (text === '' && this.hasIssueAt(name)) return '';
    if (!UUID.test(text)) this.fail([...this.loc, name], 'uuid');
    else if (!UUID_V4.test(text)) {
      this.issues.push({
        loc: [...this.loc, name],
        msg: 'uuid version 4 expected',
        type: 'value_error.uuid.version',
        ctx: { required_version: 4 },
      });
    }
    return text;
  }

  datetime(name: string): Date {
    const text = this.string(name);
    if (text === '' && this.hasIssueAt(name)) return new Date(0);
    const at = new Date(text);
    if (ISO_DATETIME.test(text) && !Number.isNaN(at.getTime())) return at;
    this.fail([...this.loc, name], 'datetime');
    return new Date(0);
  }

  /** Three letters, and one of the currencies the fake supports. */
  currency(name: string): string {
    const text = this.string(name);
    if (text === '' && this.hasIssueAt(name)) return '';
    const loc = [...this.loc, name];
    if (text.length !== 3) {
      const [bound, word] = text.length < 3 ? ['min_length', 'at least'] : ['max_length', 'at most'];
      this.issues.push({
        loc,
        msg: `ensure this value has ${word} 3 characters`,
        type: `value_error.any_str.${bound}`,
        ctx: { limit_value: 3 },
      });
    } else if (!(SUPPORTED_CURRENCIES as readonly string[]).includes(text)) {
      const permitted = SUPPORTED_CURRENCIES.map((c) => `'${c}'`).join(', ');
      this.issues.push({
        loc,
        msg: `unsupported currency; permitted: ${permitted}`,
        type: 'value_error.const',
        ctx: { given: text },
      });
    }
    return text;
  }

  /** Exactly one of two optional fields must be present (Dollr: phone OR user_id). */
  exactlyOne(first: string, second: string): void {
    if (!this.live) return;
    const present = [first, second].filter((name) => (this.value as Record<string, unknown>)[name] != null);
    if (present.length !== 1) {
      this.issues.push({ loc: this.loc, msg: `provide exactly one of ${first} or ${second}`, type: 'value_error' });
    }
  }

  private raw(name: string, options: { optional?: boolean; nullable?: boolean } = {}): unknown {
    if (!this.live) return undefined;
    const value = (this.value as Record<string, unknown>)[name];
    if (value === undefined) {
      if (!options.optional) this.fail([...this.loc, name], 'missing');
      return undefined;
    }
    if (value === null && !options.nullable) {
      this.issues.push({
        loc: [...this.loc, name],
        msg: 'none is not an allowed value',
        type: 'type_error.none.not_allowed',
      });
      return undefined;
    }
    return value;
  }

  private hasIssueAt(name: string): boolean {
    const key = JSON.stringify([...this.loc, name]);
    return this.issues.some((issue) => JSON.stringify(issue.loc) === key);
  }

  private fail(loc: Loc, kind: 'missing' | 'dict' | 'integer' | 'float' | 'str' | 'uuid' | 'datetime'): void {
    const words = {
      missing: ['field required', 'value_error.missing'],
      dict: ['value is not a valid dict', 'type_error.dict'],
      integer: ['value is not a valid integer', 'type_error.integer'],
      float: ['value is not a valid float', 'type_error.float'],
      str: ['str type expected', 'type_error.str'],
      uuid: ['value is not a valid uuid', 'type_error.uuid'],
      datetime: ['invalid datetime format', 'value_error.datetime'],
    } as const;
    const [msg, type] = words[kind];
    this.issues.push({ loc, msg, type });
  }
}
