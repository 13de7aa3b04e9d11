/** `/dollr ...`: help, open a request modal, or answer a status question. Acks first, always. */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { PAYOUTS_NOT_CONFIGURED } from '../../../core/request-money.ts';
import { requestStatus } from '../../../core/request-status.ts';
import { helpText } from '../blocks/help-text.ts';
import { statusAnswer } from '../blocks/status-answer.ts';
import { escapeMrkdwn } from '../mrkdwn.ts';
import type { SlackServices } from '../services.ts';
import { requestModal } from '../views/request-modal.ts';
import { parseCommand } from './parse-command.ts';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export function dollrCommand(services: SlackServices) {
  return async ({ command, ack, client, respond }: Args): Promise<void> => {
    const parsed = parseCommand(command.text ?? '');
    switch (parsed.kind) {
      case 'help':
      case 'unknown':
        await ack({ response_type: 'ephemeral', text: helpText(parsed.kind === 'unknown' ? parsed.word : undefined) });
        return;
      case 'request':
        if (parsed.operation === 'payout' && !services.payoutsConfigured) {
          await ack({ response_type: 'ephemeral', text: PAYOUTS_NOT_CONFIGURED });
          return;
        }
        await ack();
        // The trigger_id lives 3 seconds: open the modal before anything else.
        await client.views.open({
          trigger_id: command.trigger_id,
          view: requestModal(parsed.operation, parsed.prefill, { channelId: command.channel_id }),
        });
        return;
      case 'status': {
        if (!parsed.key) {
          await ack({ response_type: 'ephemeral', text: 'Which request? Use `/dollr status <request ID or reference ID>`.' });
          return;
        }
        await ack();
        const key = parsed.key.slice(0, 64);
        let text;
        try {
          const request = await requestStatus({ ...services, announce: (id) => void services.worker.kick(id) }, key);
          text = request ? statusAnswer(request) : `I found no request with ID or reference \`${escapeMrkdwn(key)}\`.`;
        } catch (error) {
          services.logger.error('status lookup failed', { error });
          text = 'I cannot reach my store right now. Try again in a minute.';
        }
        await respond({ response_type: 'ephemeral', text });
        return;
      }
    }
  };
}
