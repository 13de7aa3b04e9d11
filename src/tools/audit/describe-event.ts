/**
 * The audit `detail` of one event: what it says, in plain text (no JSON quoting), e.g.
 * `COMPLETED; payer 25.50 USD; payee 25.50 USD; gateway: Approved`.
 *
 * Events are read as loose objects, not as the RequestEvent union: old records may hold event types
 * or fields this version does not know, and the export must never break on them. Known types say
 * their main fields their own way; every other field (`comment`, `to`, a new type's fields) follows
 * generically as `name: value`.
 */
import type { MoneyRequest } from '../../core/request/request.ts';

type LooseEvent = Record<string, unknown>;

/** Fields every event has, shown in columns of their own. */
const COLUMN_FIELDS = new Set(['type', 'at', 'by']);

interface Renderer {
  /** The fields the renderer shows, left out of the generic part. */
  uses: string[];
  render(event: LooseEvent, request: MoneyRequest): Array<string | undefined>;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const RENDERERS: Record<string, Renderer> = {
  // The requested event carries no text of its own; what was asked, and why, is the request's.
  requested: { uses: [], render: (_, request) => [text(request.details.reason)] },
  rejected: { uses: ['reason'], render: (event) => [text(event.reason)] },
  reference_minted: { uses: ['referenceId'], render: (event) => [labelled('reference_id', event.referenceId)] },
  session_created: { uses: ['sessionId'], render: (event) => [labelled('session_id', event.sessionId)] },
  status: { uses: ['execution'], render: (event) => describeExecution(event.execution) },
  failed: { uses: ['message'], render: (event) => [text(event.message)] },
  attention: { uses: ['message'], render: (event) => [text(event.message)] },
  payee_changed: {
    uses: ['now'],
    render: (event) => {
      const now = (event.now ?? {}) as Record<string, unknown>;
      return [labelled('payee_now', now.kind === 'named' ? `${text(now.name)} (${text(now.currency)})` : now.kind)];
    },
  },
  execute_unanswered: {
    uses: ['referenceId', 'code'],
    render: (event) => [labelled('reference_id', event.referenceId), labelled('outcome', event.code)],
  },
};

/** The detail text of `event`, an event of `request`; empty when the event says nothing more than its type. */
export function describeEvent(event: LooseEvent, request: MoneyRequest): string {
  const type = typeof event.type === 'string' ? event.type : '';
  const renderer = RENDERERS[type];
  const shown = new Set([...COLUMN_FIELDS, ...(renderer?.uses ?? [])]);
  const parts = renderer?.render(event, request) ?? [];
  for (const [name, value] of Object.entries(event)) {
    if (!shown.has(name)) parts.push(labelled(snakeCase(name), value));
  }
  return parts.filter((part): part is string => part !== undefined).join('; ');
}

function describeExecution(value: unknown): Array<string | undefined> {
  if (typeof value !== 'object' || value === null) return [];
  const execution = value as Record<string, unknown>;
  const money = (side: string, amount: unknown, currency: unknown) =>
    text(amount) === undefined ? undefined : `${side} ${[text(amount), text(currency)].filter(Boolean).join(' ')}`;
  return [
    text(execution.status),
    money('payer', execution.payerAmount, execution.payerCurrency),
    money('payee', execution.payeeAmount, execution.payeeCurrency),
    labelled('gateway', execution.gatewayMessage),
    labelled('wallet', execution.walletMessage),
  ];
}

/** `name: value` for text, numbers, booleans and lists of them; undefined for anything else or nothing. */
function labelled(name: string, value: unknown): string | undefined {
  const scalar = (item: unknown) => (typeof item === 'number' || typeof item === 'boolean' ? String(item) : text(item));
  const shown = Array.isArray(value) ? value.map(scalar).filter(Boolean).join(', ') || undefined : scalar(value);
  return shown === undefined ? undefined : `${name}: ${shown}`;
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
