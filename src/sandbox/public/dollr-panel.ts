/** The simulated Dollr's panel as HTML: balances, the three next-execution switches, the executions. */
import type { DollrPanel } from '../dollr-switches.ts';
import { escapeHtml } from './escape-html.ts';

function toggle(id: string, armed: boolean, label: string, detail: string): string {
  return (
    `<button type="button" class="switch${armed ? ' on' : ''}" data-dollr="${id}" data-testid="dollr-${id}" ` +
    `aria-pressed="${armed}"${armed ? ' disabled' : ''}>` +
    '<span class="knob" aria-hidden="true"></span>' +
    `<span class="switch-text"><span class="switch-label">${label}</span>` +
    `<span class="switch-detail">${armed ? 'Armed: applies to the next execution' : detail}</span></span></button>`
  );
}

/** A lasting setting: pressed again, it switches off. */
function setting(id: string, on: boolean, label: string, detail: string): string {
  return (
    `<button type="button" class="switch${on ? ' on' : ''}" data-dollr="${id}" data-testid="dollr-${id}" ` +
    `aria-pressed="${on}">` +
    '<span class="knob" aria-hidden="true"></span>' +
    `<span class="switch-text"><span class="switch-label">${label}</span>` +
    `<span class="switch-detail">${detail}</span></span></button>`
  );
}

const money = (amount: string) =>
  Number(amount).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function renderDollrPanel(panel: DollrPanel): string {
  const balances = Object.entries(panel.balances)
    .map(
      ([currency, amount]) =>
        `<span class="balance"><b>${escapeHtml(currency)}</b> ${escapeHtml(money(amount))}</span>`,
    )
    .join('');
  const rows = panel.executions
    .map(
      (e) =>
        `<tr data-testid="execution" data-reference-id="${escapeHtml(e.referenceId)}">` +
        `<td class="ref"><code>${escapeHtml(e.referenceId)}</code>` +
        `${e.message ? `<div class="exec-note">${escapeHtml(e.message)}</div>` : ''}</td>` +
        `<td>${escapeHtml(e.operation)}</td>` +
        `<td class="amount">${escapeHtml(`${e.amount} ${e.currency}`)}</td>` +
        `<td><span class="status status-${escapeHtml(e.status.toLowerCase())}" data-testid="execution-status">` +
        `${escapeHtml(e.status)}</span>` +
        (e.releasable
          ? `<button type="button" class="btn btn-small" data-release="${escapeHtml(e.referenceId)}" ` +
            'data-testid="dollr-release">Release</button>'
          : '') +
        '</td></tr>',
    )
    .join('');
  const table =
    panel.executions.length === 0
      ? '<p class="muted" data-testid="dollr-no-executions">No executions yet. Money moves only after an approval.</p>'
      : '<table class="executions" data-testid="dollr-executions"><thead><tr>' +
        '<th>Reference ID</th><th>Operation</th><th>Amount</th><th>Status</th>' +
        `</tr></thead><tbody>${rows}</tbody></table>`;
  return (
    `<div class="balances">${balances}</div>` +
    '<h3>Next execution</h3>' +
    toggle(
      'fail-next',
      panel.armed.failNext,
      'Fails: insufficient balance',
      'Dollr answers FAILED, "Insufficient wallet balance"',
    ) +
    toggle(
      'hold-next',
      panel.armed.holdNext,
      'Stays PROCESSING',
      'Until you press Release; the app sees it at its next status poll',
    ) +
    toggle(
      'late-next',
      panel.armed.lateNext,
      'Answers too late',
      `Execute answers after ${panel.lateMs / 1000} s, past the app's timeout`,
    ) +
    '<h3>How Dollr reads its docs</h3>' +
    setting(
      'strict',
      panel.strict,
      'Strict',
      'A replayed execute is refused (422); status lags behind a new execution (404 twice)',
    ) +
    `<h3>Executions</h3>${table}`
  );
}
