/** The Home tab's own listeners: opening it, and the freeze switch admins see there. */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackEventMiddlewareArgs } from '@slack/bolt';
import { freezeSwitchText, refusalText } from '../blocks/outcome-text.ts';
import type { SlackServices } from '../services.ts';

export function homeOpened(services: SlackServices) {
  return async ({ event }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab === 'home') services.home.opened(event.user);
  };
}

type FreezeArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** The same switch as `/dollr freeze` and `/dollr unfreeze`: admins only, answered by direct message. */
export function homeFreezeButton(services: SlackServices) {
  return async ({ ack, body, action, client }: FreezeArgs): Promise<void> => {
    await ack();
    const userId = body.user.id;
    const on = action.value === 'on';
    services.afterAck(async () => {
      let text: string;
      try {
        const result = await services.operations.switchFreeze(userId, on);
        text = result.ok ? freezeSwitchText(result.value) : refusalText(result);
      } catch (error) {
        services.logger.error('the freeze switch could not be handled', { error });
        text = 'I cannot reach my store right now, so nothing was changed. Try again in a minute.';
      }
      services.home.opened(userId);
      await client.chat.postMessage({ channel: userId, text });
    });
  };
}
