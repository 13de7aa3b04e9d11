/** "New refund or payout", a global shortcut: from anywhere in Slack, the form that starts a request. */
import type { AllMiddlewareArgs, GlobalShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { SlackServices } from '../services.ts';
import { chooseRequestModal } from '../views/choose-request.ts';

type Args = SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs;

export function newRequest(services: SlackServices) {
  return async ({ shortcut, ack, client }: Args): Promise<void> => {
    await ack();
    const triggerId = shortcut.trigger_id;
    // A global shortcut has no response URL: a form that cannot open is only logged.
    services.afterAck(async () => {
      await client.views
        .open({ trigger_id: triggerId, view: chooseRequestModal(services) })
        .catch((error: unknown) => services.logger.error('could not open the new request form', { error }));
    });
  };
}
