/** `/dollr ...`: help, a request modal, status, history, the freeze switch. Acks first, always. */
import type { AllMiddlewareArgs, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
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

/** What the ack says (nothing: an empty ack), and the work that follows it, if any. */
interface Answer {
  now?: { response_type: 'ephemeral'; text: string };
  later?: () => Promise<void>;
}

export function dollrCommand(services: SlackServices) {
  return async ({ command, ack, client, respond }: Args): Promise<void> => {
    // The answer is made apart from ack, so that the work it sets off does not keep ack (and the
    // request Bolt gave it) alive: see afterAck in services.ts.
    const answer = answerCommand(services, command, client, respond);
    await ack(answer.now);
    if (answer.later) services.afterAck(answer.later);
  };
}

function answerCommand(
  services: SlackServices,
  command: Args['command'],
  client: Args['client'],
  respond: RespondFn,
): Answer {
  const ephemeral = (text: string): Answer => ({ now: { response_type: 'ephemeral', text } });
  const notAllowed = channelNotAllowed(services, command.channel_id);
  if (notAllowed) return ephemeral(notAllowed);
  const parsed = parseCommand(command.text ?? '');
  const userId = command.user_id;
  // Slow answers: ack at once, answer through the response URL.
  const later = (work: () => Promise<string>): Answer => ({
    later: async () => {
      let text: string;
      try {
        text = await work();
      } catch (error) {
        services.logger.error('command failed', { subcommand: parsed.kind, error });
        text = STORE_DOWN;
      }
      await respond({ response_type: 'ephemeral', text });
    },
  });
  switch (parsed.kind) {
    case 'help':
    case 'unknown':
      return ephemeral(helpText(parsed.kind === 'unknown' ? parsed.word : undefined));
    case 'request': {
      const unavailable = operationUnavailable(services, parsed.operation);
      if (unavailable) return ephemeral(unavailable);
      const form = {
        operation: parsed.operation,
        prefill: parsed.prefill,
        from: { id: command.channel_id, name: command.channel_name },
        triggerId: command.trigger_id,
        client,
        respond,
      };
      // The trigger_id lives 3 seconds: the form opens right after the one check it needs.
      return { later: () => openRequestForm(services, form) };
    }
    case 'status': {
      if (!parsed.key) return ephemeral(`Which request? Use ${code('/dollr status <request ID or reference ID>')}.`);
      const key = parsed.key.slice(0, 64);
      return later(async () => {
        const request = await services.operations.status(key, userId);
        if (!request) return `I found no request with ID or reference ${code(key)}.`;
        return statusAnswer(request, await services.operations.batchLines(request));
      });
    }
    case 'history': {
      const count = parsed.count ?? 10;
      if (!Number.isInteger(count) || count < 1 || count > HISTORY_MAX) {
        return ephemeral(`Say how many requests, from 1 to ${HISTORY_MAX}: \`/dollr history 20\`.`);
      }
      return later(async () => historyAnswer(await services.operations.history(count, userId)));
    }
    case 'freeze':
      return later(async () => {
        const result = await services.operations.switchFreeze(userId, parsed.on);
        return result.ok ? freezeSwitchText(result.value) : refusalText(result);
      });
  }
}
