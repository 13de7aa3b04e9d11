/**
 * The reject-reason and approve-comment modals, submitted: record the decision (compare-and-set;
 * the first decision wins) or keep the modal open with the reason it was refused. Slack waits 3 s
 * for the answer: when the store is slower than that, the modal closes and the person is told the
 * outcome by direct message once it is known.
 */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { MoneyRequest } from '../../../core/request/request.ts';
import type { Result } from '../../../core/result.ts';
import { refusalText } from '../blocks/outcome-text.ts';
import type { SlackServices } from '../services.ts';
import { APPROVE_COMMENT_MODAL, parseDecisionModal, REJECT_MODAL, type DecisionModalSpec } from './decision-modal.ts';
import type { ViewValues } from './request-modal.ts';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** Slack gives a view submission 3 s; the answer must leave well within that. */
const ACK_BUDGET_MS = 2500;
const NOT_SAVED =
  'It could not be saved right now: my store is unreachable. Nothing was changed; try again in a minute.';

function decisionSubmission(
  services: SlackServices,
  spec: DecisionModalSpec,
  decide: (requestId: string, userId: string, text: string) => Promise<Result<MoneyRequest>>,
) {
  return async ({ ack, body, view, client }: Args): Promise<void> => {
    const parsed = parseDecisionModal(spec, view.private_metadata, view.state.values as ViewValues);
    if (!parsed.ok) return ack({ response_action: 'errors', errors: parsed.errors });
    const userId = body.user.id;
    // The decision's own refusals and "unconfirmed" come back as results; a thrown error happened
    // before anything was written (the first read failed), so nothing was changed.
    const decision = decide(parsed.requestId, userId, parsed.text).then(
      (result) => (result.ok ? result : { ok: false as const, text: refusalText(result) }),
      (error: unknown) => {
        services.logger.error('could not store a decision', { requestId: parsed.requestId, error });
        return { ok: false as const, text: NOT_SAVED };
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ACK_BUDGET_MS)));
    const first = await Promise.race([decision, late]).finally(() => clearTimeout(timer));
    if (first !== 'late') {
      if (!first.ok) return ack({ response_action: 'errors', errors: { [spec.field]: first.text } });
      return ack();
    }
    await ack(); // Closes the modal; the outcome follows by direct message.
    const result = await decision;
    if (result.ok) return;
    await client.chat
      .postMessage({ channel: userId, text: `Your decision on request \`${parsed.requestId}\`: ${result.text}` })
      .catch((error: unknown) =>
        services.logger.warn('could not tell a decider the outcome', { requestId: parsed.requestId, error }),
      );
  };
}

export const rejectSubmission = (services: SlackServices) =>
  decisionSubmission(services, REJECT_MODAL, (id, user, reason) => services.operations.reject(id, user, reason));

export const approveCommentSubmission = (services: SlackServices) =>
  decisionSubmission(services, APPROVE_COMMENT_MODAL, (id, user, comment) =>
    services.operations.approve(id, user, comment),
  );
