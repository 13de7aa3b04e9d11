/** The rejection reason modal, submitted: record the rejection (first decision wins) and tell the thread. */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { rejectRequest } from '../../../core/decide-request.ts';
import { FIELDS } from '../ids.ts';
import type { SlackServices } from '../services.ts';
import { parseRejectModal } from './reject-modal.ts';
import type { ViewValues } from './request-modal.ts';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

export function rejectSubmission(services: SlackServices) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const parsed = parseRejectModal(view.private_metadata, view.state.values as ViewValues);
    if (!parsed.ok) {
      await ack({ response_action: 'errors', errors: parsed.errors });
      return;
    }
    let result;
    try {
      result = await rejectRequest(services, parsed.requestId, body.user.id, parsed.reason);
    } catch (error) {
      services.logger.error('could not store a rejection', { requestId: parsed.requestId, error });
      await ack({ response_action: 'errors', errors: { [FIELDS.rejectReason]: 'The rejection could not be saved right now. Try again in a minute.' } });
      return;
    }
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: { [FIELDS.rejectReason]: result.message } });
      return;
    }
    await ack();
    void services.worker.kick(parsed.requestId);
  };
}
