/**
 * A modal from the app's views.open payload, as HTML: title, input blocks (plain_text_input, single
 * or multiline, static_select), labels, hints and a place for each field's error, other blocks as in
 * messages, and the close and submit buttons. Pure; the page fills the errors in (see app.js).
 */
import { renderBlocks, renderText } from './blocks.ts';
import { escapeHtml } from './escape-html.ts';
import type { RenderContext } from './mrkdwn.ts';

interface TextObject {
  text?: string;
}
interface Option {
  text?: TextObject;
  value?: string;
}
interface InputElement {
  type?: string;
  action_id?: string;
  initial_value?: string;
  multiline?: boolean;
  max_length?: number;
  placeholder?: TextObject;
  options?: Option[];
  option_groups?: Array<{ label?: TextObject; options?: Option[] }>;
  initial_option?: Option;
}
interface InputBlock {
  type: 'input';
  block_id?: string;
  label?: TextObject;
  hint?: TextObject;
  optional?: boolean;
  element?: InputElement;
}

const attr = (value: unknown) => escapeHtml(typeof value === 'string' ? value : '');

/** A channel a conversations_select may offer. */
export interface ModalChannel {
  id: string;
  name: string;
}

function renderControl(element: InputElement, id: string, optional: boolean, channels: ModalChannel[]): string {
  const common = `id="${id}" data-action-id="${attr(element.action_id)}"`;
  const placeholder = element.placeholder?.text ? ` placeholder="${attr(element.placeholder.text)}"` : '';
  if (element.type === 'static_select') {
    const chosen = element.initial_option?.value;
    const option = (o: Option) =>
      `<option value="${attr(o.value)}"${o.value === chosen ? ' selected' : ''}>` +
      `${escapeHtml(o.text?.text ?? '')}</option>`;
    const groups = (element.option_groups ?? [])
      .map((g) => `<optgroup label="${attr(g.label?.text)}">${(g.options ?? []).map(option).join('')}</optgroup>`)
      .join('');
    // An optional select can be emptied again, as in Slack (say, to type an account not on the payee list).
    const none =
      `<option value=""${chosen === undefined ? ' selected' : ''}${optional ? '' : ' disabled'}>` +
      `${escapeHtml(element.placeholder?.text ?? 'Choose an option')}</option>`;
    return `<select ${common}>${none}${(element.options ?? []).map(option).join('')}${groups}</select>`;
  }
  if (element.type === 'conversations_select') {
    // The sandbox's channels; Slack would list every conversation the person is in.
    const none = `<option value="" selected disabled>Choose a channel</option>`;
    return (
      `<select ${common}>${none}` +
      channels.map((c) => `<option value="${attr(c.id)}">#${escapeHtml(c.name)}</option>`).join('') +
      '</select>'
    );
  }
  if (element.type === 'plain_text_input') {
    const max = typeof element.max_length === 'number' ? ` maxlength="${element.max_length}"` : '';
    if (element.multiline)
      return `<textarea ${common} rows="4"${max}${placeholder}>${escapeHtml(element.initial_value ?? '')}</textarea>`;
    return (
      `<input type="text" ${common} ` +
      `value="${attr(element.initial_value)}"${max}${placeholder} ` +
      'autocomplete="off">'
    );
  }
  return `<div class="unsupported">[${escapeHtml(element.type ?? 'unknown')} input]</div>`;
}

function renderInput(block: InputBlock, index: number, channels: ModalChannel[]): string {
  const blockId = attr(block.block_id);
  const id = `field-${index}`;
  const optional = block.optional ? ' <span class="optional">(optional)</span>' : '';
  const hint = block.hint?.text ? `<div class="field-hint">${escapeHtml(block.hint.text)}</div>` : '';
  return (
    `<div class="field" data-block-id="${blockId}" data-testid="field-${blockId}">` +
    `<label for="${id}">${escapeHtml(block.label?.text ?? '')}${optional}</label>` +
    renderControl(block.element ?? {}, id, block.optional === true, channels) +
    `<div class="field-error" data-testid="error-${blockId}" role="alert"></div>` +
    hint +
    '</div>'
  );
}

/** The whole modal. `view` is the view object the fake Slack holds (views.open's answer). */
export function renderModal(view: Record<string, unknown>, ctx: RenderContext, channels: ModalChannel[] = []): string {
  const text = (value: unknown, fallback: string) => escapeHtml((value as TextObject | undefined)?.text ?? fallback);
  const blocks = Array.isArray(view.blocks) ? (view.blocks as Array<Record<string, unknown>>) : [];
  const body = blocks
    .map((block, index) =>
      block.type === 'input'
        ? renderInput(block as unknown as InputBlock, index, channels)
        : renderBlocks([block], ctx),
    )
    .join('');
  const submit = view.submit
    ? `<button type="submit" class="btn btn-primary" data-testid="modal-submit">${text(view.submit, 'Submit')}</button>`
    : '';
  return (
    `<form class="modal" data-testid="modal" role="dialog" aria-modal="true" novalidate>` +
    `<header class="modal-head"><h2 data-testid="modal-title">${renderText(view.title, ctx)}</h2>` +
    `<button type="button" class="modal-x" data-close aria-label="Close">\u00D7</button></header>` +
    `<div class="modal-body"><div class="form-error" data-testid="error-" role="alert"></div>${body}</div>` +
    '<footer class="modal-foot">' +
    `<button type="button" class="btn" data-close data-testid="modal-close">${text(view.close, 'Cancel')}</button>` +
    `${submit}</footer>` +
    '</form>'
  );
}
