/**
 * The reject-reason and approve-comment modals, submitted: record the decision (compare-and-set;
 * the first decision wins) or keep the modal open with the reason it was refused.
 */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { approveRequest, rejectRequest } from '../../../core/decide-request.ts';
import type { MoneyRequest } from '../../../core/request.ts';
import type { Result } from '../../../core/result.ts';
import { afterApproval } from '../actions/decision-buttons.ts';
import type { SlackServices } from '../services.ts';
import { APPROVE_COMMENT_MODAL, parseDecisionModal, REJECT_MODAL, type DecisionModalSpec } from './decision-modal.ts';
import type { ViewValues } from './request-modal.ts';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

function decisionSubmission(
  services: SlackServices,
  spec: DecisionModalSpec,
  decide: (requestId: string, userId: string, text: string) => Promise<Result<MoneyRequest>>,
  after: (request: MoneyRequest, userId: string) => void,
) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const parsed = parseDecisionModal(spec, view.private_metadata, view.state.values as ViewValues);
    if (!parsed.ok) return ack({ response_action: 'errors', errors: parsed.errors });
    let result;
    try {
      result = await decide(parsed.requestId, body.user.id, parsed.text);
    } catch (error) {
      services.logger.error('could not store a decision', { requestId: parsed.requestId, error });
      return ack({ response_action: 'errors', errors: { [spec.field]: 'It could not be saved right now. Nothing was changed; try again in a minute.' } });
    }
    if (!result.ok) return ack({ response_action: 'errors', errors: { [spec.field]: result.message } });
    await ack();
    await services.afterAck();
    after(result.value, body.user.id);
  };
}

export const rejectSubmission = (services: SlackServices) =>
  decisionSubmission(
    services,
    REJECT_MODAL,
    (id, user, reason) => rejectRequest(services, id, user, reason),
    (request) => void services.worker.kick(request.id),
  );

export const approveCommentSubmission = (services: SlackServices) =>
  decisionSubmission(
    services,
    APPROVE_COMMENT_MODAL,
    (id, user, comment) => approveRequest(services, id, user, comment),
    (request, user) => afterApproval(services, request, user),
  );
