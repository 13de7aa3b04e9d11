/**
 * The shapes of every Dollr answer we read, checked at the boundary. Only the fields we use are
 * required, so that Dollr adding a field never breaks us; a field we use that is missing or of the
 * wrong type is a `bad_response`.
 */
import { z } from 'zod';
import { EXECUTION_STATUSES } from '../../core/request/request.ts';
import { DollrError } from '../../core/execution/dollr-error.ts';

/** `POST /v1/jwt/client/obtain/token`. `expires_in` is in MINUTES (unlike realtime keys, in seconds). */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
});

/** Refund, payout and transfer session responses: we only need the integer id. */
export const sessionResponseSchema = z.looseObject({
  id: z.number().int().nonnegative(),
});

/** OAS types amounts as `number | integer`; both arrive as JSON numbers. */
const amount = z.number().nonnegative();

/** `ExecutionResponse`, returned by every execute and status call. */
export const executionResponseSchema = z.looseObject({
  reference_id: z.string().min(1),
  status: z.enum(EXECUTION_STATUSES),
  payer_amount: amount,
  payer_currency: z.string(),
  payee_amount: amount,
  payee_currency: z.string(),
  operation_type: z.string().optional(),
  provider_transaction_id: z.string().nullish(),
  gateway_message: z.string().nullish(),
  wallet_message: z.string().nullish(),
  client_secret: z.string().nullish(),
  requires_action: z.boolean().nullish(),
});
export type ExecutionResponse = z.output<typeof executionResponseSchema>;

/** FastAPI's two error dialects: a string, or pydantic's list of field errors. */
export const errorBodySchema = z.object({
  detail: z.union([
    z.string(),
    z.array(
      z.looseObject({
        loc: z.array(z.union([z.string(), z.number()])).default([]),
        msg: z.string(),
        type: z.string().optional(),
      }),
    ),
  ]),
});

/**
 * Parses `body` with `schema` or throws `bad_response` saying which fields were wrong. Only paths and
 * zod's messages are named, never values: the token response holds a secret.
 */
export function parseAnswer<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
  throw new DollrError('bad_response', `Dollr's answer to ${what} did not have the expected shape (${problems}).`);
}
