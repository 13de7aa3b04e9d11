/** `/dollr ...`: help, a request modal, status, history, the freeze switch. Acks first, always. */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { helpText } from '../blocks/help-text.ts';
import { freezeSwitchText, refusalText } from '../blocks/outcome-text.ts';
import { historyAnswer } from '../blocks/history-answer.ts';
import { statusAnswer } from '../blocks/status-answer.ts';
import { code } from '../mrkdwn.ts';
import type { SlackServices } from '../services.ts';
import { channelNotAllowed, openRequestForm, operationUnavailable } from '../views/open-request-form.ts';
import { parseCommand } from './parse-command.ts';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

const STORE_DOWN = 'I cannot reach my store right now. Try again in a minute.';
const HISTORY_MAX = 50;

export function dollrCommand(services: SlackServices) {
  return async ({ command, ack, client, respond }: Args): Promise<void> => {
    const ephemeral = (text: string) => ack({ response_type: 'ephemeral', text });
    const notAllowed = channelNotAllowed(services, command.channel_id);
    if (notAllowed) return ephemeral(notAllowed);
    const parsed = parseCommand(command.text ?? '');
    // Slow answers: ack at once, answer through the response URL.
    const later = async (work: () => Promise<string>) => {
      await ack();
      await services.afterAck();
      let text: string;
      try {
        text = await work();
      } catch (error) {
        services.logger.error('command failed', { subcommand: parsed.kind, error });
        text = STORE_DOWN;
      }
      await respond({ response_type: 'ephemeral', text });
    };
    switch (parsed.kind) {
      case 'help':
      case 'unknown':
        return ephemeral(helpText(parsed.kind === 'unknown' ? parsed.word : undefined));
      case 'request': {
        const unavailable = operationUnavailable(services, parsed.operation);
        if (unavailable) return ephemeral(unavailable);
        await ack();
        await services.afterAck();
        // The trigger_id lives 3 seconds: the form opens right after the one check it needs.
        return openRequestForm(services, {
          operation: parsed.operation,
          prefill: parsed.prefill,
          from: { id: command.channel_id, name: command.channel_name },
          triggerId: command.trigger_id,
          client,
          respond,
        });
      }
      case 'status': {
        if (!parsed.key) return ephemeral(`Which request? Use ${code('/dollr status <request ID or reference ID>')}.`);
        const key = parsed.key.slice(0, 64);
        return later(async () => {
          const request = await services.operations.status(key, command.user_id);
          if (!request) return `I found no request with ID or reference ${code(key)}.`;
          return statusAnswer(request, await services.operations.batchLines(request));
        });
      }
      case 'history': {
        const count = parsed.count ?? 10;
        if (!Number.isInteger(count) || count < 1 || count > HISTORY_MAX) {
          return ephemeral(`Say how many requests, from 1 to ${HISTORY_MAX}: \`/dollr history 20\`.`);
        }
        return later(async () => {
          const requests = await services.operations.history(count, command.user_id);
          return historyAnswer(requests);
        });
      }
      case 'freeze':
        return later(async () => {
          const result = await services.operations.switchFreeze(command.user_id, parsed.on);
          return result.ok ? freezeSwitchText(result.value) : refusalText(result);
        });
    }
  };
}
