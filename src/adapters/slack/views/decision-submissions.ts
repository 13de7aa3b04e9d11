/**
 * The reject-reason and approve-comment modals, submitted: record the decision (compare-and-set;
 * the first decision wins) or keep the modal open with the reason it was refused.
 */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { approveRequest, rejectRequest } from '../../../core/decide-request.ts';
import type { MoneyRequest } from '../../../core/request.ts';
import type { Result } from '../../../core/result.ts';
import { afterApproval } from '../actions/decision-buttons.ts';
import { FIELDS } from '../ids.ts';
import type { SlackServices } from '../services.ts';
import { parseApproveComment } from './approve-comment-modal.ts';
import { parseRejectModal } from './reject-modal.ts';
import type { ViewValues } from './request-modal.ts';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;
type Parsed = { ok: true; requestId: string; text: string } | { ok: false; errors: Record<string, string> };

function decisionSubmission(
  services: SlackServices,
  field: string,
  parse: (metadata: string, values: ViewValues) => Parsed,
  decide: (requestId: string, userId: string, text: string) => Promise<Result<MoneyRequest>>,
  after: (request: MoneyRequest, userId: string) => void,
) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const parsed = parse(view.private_metadata, view.state.values as ViewValues);
    if (!parsed.ok) return ack({ response_action: 'errors', errors: parsed.errors });
    let result;
    try {
      result = await decide(parsed.requestId, body.user.id, parsed.text);
    } catch (error) {
      services.logger.error('could not store a decision', { requestId: parsed.requestId, error });
      return ack({ response_action: 'errors', errors: { [field]: 'It could not be saved right now. Nothing was changed; try again in a minute.' } });
    }
    if (!result.ok) return ack({ response_action: 'errors', errors: { [field]: result.message } });
    await ack();
    after(result.value, body.user.id);
  };
}

export const rejectSubmission = (services: SlackServices) =>
  decisionSubmission(
    services,
    FIELDS.rejectReason,
    (metadata, values) => {
      const p = parseRejectModal(metadata, values);
      return p.ok ? { ok: true, requestId: p.requestId, text: p.reason } : p;
    },
    (id, user, reason) => rejectRequest(services, id, user, reason),
    (request) => void services.worker.kick(request.id),
  );

export const approveCommentSubmission = (services: SlackServices) =>
  decisionSubmission(
    services,
    FIELDS.approveComment,
    (metadata, values) => {
      const p = parseApproveComment(metadata, values);
      return p.ok ? { ok: true, requestId: p.requestId, text: p.comment } : p;
    },
    (id, user, comment) => approveRequest(services, id, user, comment),
    (request, user) => afterApproval(services, request, user),
  );
