/** The Web API method table: token checks, then one handler per method. */
import type { BotIdentity, ChannelStore } from './channels.ts';
import { chatMethods, missing } from './chat-methods.ts';
import { conversationMethods } from './conversation-methods.ts';
import { fileMethods } from './files.ts';
import type { FileStore } from './files.ts';
import type { Handler } from './chat-methods.ts';
import { str } from './http-io.ts';
import type { ApiArgs, ApiResult, FakeSlackOptions } from './types.ts';
import { viewMethods } from './view-methods.ts';
import type { ViewStore } from './views.ts';

export interface WebApiDeps {
  bot: BotIdentity;
  botToken: string;
  appToken: string;
  channels: ChannelStore;
  views: ViewStore;
  files: FileStore;
  users: NonNullable<FakeSlackOptions['users']>;
  usergroups: NonNullable<FakeSlackOptions['usergroups']>;
  /** Issues a one-time WebSocket URL for apps.connections.open. */
  socketUrl: () => string;
}

interface CallAuth {
  token: string | undefined;
  /** True when the token came in the Authorization header (not as a body parameter). */
  fromHeader: boolean;
}

export type WebApi = (method: string, args: ApiArgs, auth: CallAuth) => ApiResult;

export function createWebApi(deps: WebApiDeps): WebApi {
  const { bot } = deps;
  const botMethods: Record<string, Handler> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://dollr-test.slack.com/',
      team: 'Dollr Test',
      user: 'dollr',
      team_id: bot.teamId,
      user_id: bot.userId,
      bot_id: bot.botId,
      is_enterprise_install: false,
    }),
    'users.info'(args) {
      const id = str(args, 'user');
      if (id === undefined || id === '') return missing('user');
      const user = deps.users[id];
      if (user === undefined) return { ok: false, error: 'user_not_found' };
      const realName = user.real_name ?? user.name;
      return {
        ok: true,
        user: {
          id,
          team_id: bot.teamId,
          name: user.name,
          real_name: realName,
          deleted: false,
          is_bot: false,
          tz: 'Europe/Amsterdam',
          profile: { real_name: realName, display_name: user.name, real_name_normalized: realName },
        },
      };
    },
    'usergroups.users.list'(args) {
      const id = str(args, 'usergroup');
      if (id === undefined || id === '') return missing('usergroup');
      const members = deps.usergroups[id];
      return members === undefined ? { ok: false, error: 'no_such_subteam' } : { ok: true, users: [...members] };
    },
    ...chatMethods(bot, deps.channels),
    ...conversationMethods(bot, deps.channels),
    ...viewMethods(deps.views),
    ...fileMethods(deps.files),
  };

  return (method, args, auth) => {
    if (method === 'apps.connections.open') {
      // Slack wants the app-level token in the Authorization header for this method, never in the body.
      if (auth.token === undefined || !auth.fromHeader) return { ok: false, error: 'not_authed' };
      if (auth.token === deps.appToken) return { ok: true, url: deps.socketUrl() };
      return { ok: false, error: auth.token.startsWith('xapp-') ? 'invalid_auth' : 'not_allowed_token_type' };
    }
    const handler = botMethods[method];
    if (handler === undefined) return { ok: false, error: 'unknown_method' };
    if (auth.token === undefined || auth.token === '') return { ok: false, error: 'not_authed' };
    if (auth.token.startsWith('xapp-')) return { ok: false, error: 'not_allowed_token_type' };
    if (auth.token !== deps.botToken) return { ok: false, error: 'invalid_auth' };
    return handler(args);
  };
}
