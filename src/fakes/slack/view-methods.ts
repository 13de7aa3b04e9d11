/** views.open, views.update, views.push; views.publish for Home tabs. */
import { missing, refuse } from './chat-methods.ts';
import type { Handler } from './chat-methods.ts';
import { str } from './http-io.ts';
import type { ApiArgs, ApiResult } from './types.ts';
import { checkHomeView, checkView } from './validate.ts';
import type { ViewStore } from './views.ts';

/** The `view` argument, checked as Slack checks it; a refusal when it is not a valid modal. */
function viewArg(args: ApiArgs): { view: Record<string, unknown> } | { refusal: ApiResult } {
  if (args.view === undefined) return { refusal: missing('view') };
  if (typeof args.view === 'string') {
    return {
      refusal: refuse({
        error: 'invalid_arguments',
        messages: ['[ERROR] failed to parse view as JSON [json-pointer:/view]'],
      }),
    };
  }
  const refusal = checkView(args.view);
  if (refusal !== undefined) return { refusal: refuse(refusal) };
  return { view: args.view as Record<string, unknown> };
}

export function viewMethods(views: ViewStore): Record<string, Handler> {
  return {
    'views.publish'(args) {
      const userId = str(args, 'user_id');
      if (userId === undefined || userId === '') return missing('user_id');
      if (typeof args.view === 'string' || args.view === undefined) return missing('view');
      const refusal = checkHomeView(args.view);
      if (refusal !== undefined) return refuse(refusal);
      return { ok: true, view: views.publishHome(userId, args.view as Record<string, unknown>) };
    },
    'views.open'(args) {
      const checked = viewArg(args);
      if ('refusal' in checked) return checked.refusal;
      const trigger = views.consumeTrigger(str(args, 'trigger_id'));
      if ('error' in trigger)
        return trigger.error === 'invalid_arguments' ? missing('trigger_id') : { ok: false, error: trigger.error };
      const opened = views.open(checked.view, 'views.open');
      if ('error' in opened) return { ok: false, error: opened.error };
      return { ok: true, view: opened.view };
    },

    'views.push'(args) {
      const checked = viewArg(args);
      if ('refusal' in checked) return checked.refusal;
      const trigger = views.consumeTrigger(str(args, 'trigger_id'));
      if ('error' in trigger)
        return trigger.error === 'invalid_arguments' ? missing('trigger_id') : { ok: false, error: trigger.error };
      const pushed = views.open(checked.view, 'views.push', trigger.viewId);
      if ('error' in pushed) return { ok: false, error: pushed.error };
      return { ok: true, view: pushed.view };
    },

    'views.update'(args) {
      const viewId = str(args, 'view_id');
      const externalId = str(args, 'external_id');
      if ((viewId === undefined || viewId === '') && (externalId === undefined || externalId === '')) {
        return missing('view_id or external_id');
      }
      const checked = viewArg(args);
      if ('refusal' in checked) return checked.refusal;
      const key = viewId !== undefined && viewId !== '' ? { viewId } : { externalId };
      const updated = views.update(key, str(args, 'hash'), checked.view);
      if ('error' in updated) return { ok: false, error: updated.error };
      return { ok: true, view: updated.view };
    },
  };
}
