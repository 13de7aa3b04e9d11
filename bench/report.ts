/** The benchmark's output: a table, one summary line, and bench/results.json for comparing runs. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { round } from './stats.ts';

/** One line of the table. A row with a `target` is a check; `pass` says whether it was met. */
export interface Row {
  metric: string;
  measured: number | string;
  baseline?: number | string;
  ratio?: number;
  /** e.g. `ratio <= 1.2`. */
  target?: string;
  pass?: boolean;
  unit?: string;
}

export interface ScenarioResult {
  id: number;
  name: string;
  rows: Row[];
  /** The scenario's target, met when every row with a target passes. */
  met: boolean;
  /** A few words for the summary line, e.g. `ack p99 ratio 1.05`. */
  headline: string;
  /** How it was measured, and what limits the app (printed under the table). */
  notes: string[];
  /** Every figure, for results.json. */
  figures: Record<string, unknown>;
  seconds: number;
}

const fmt = (value: number | string | undefined, unit = ''): string => {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${round(value, digits)}${unit}`;
};

export function table(results: readonly ScenarioResult[]): string {
  const header = ['scenario', 'metric', 'measured', 'baseline', 'ratio', 'target', 'result'];
  const lines: string[][] = [header];
  for (const result of results) {
    for (const row of result.rows) {
      lines.push([
        `${result.id}. ${result.name}`,
        row.metric,
        fmt(row.measured, row.unit ? ` ${row.unit}` : ''),
        fmt(row.baseline, row.unit && typeof row.baseline === 'number' ? ` ${row.unit}` : ''),
        row.ratio === undefined ? '' : fmt(row.ratio),
        row.target ?? '',
        row.pass === undefined ? '' : row.pass ? 'pass' : 'MISSED',
      ]);
    }
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const render = (l: string[]) =>
    l
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  return [render(lines[0]!), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.slice(1).map(render)].join('\n');
}

export function summary(results: readonly ScenarioResult[]): string {
  const met = results.filter((r) => r.met).length;
  return `bench: ${met}/${results.length} targets met (${results.map((r) => r.headline).join(', ')})`;
}

export function missed(results: readonly ScenarioResult[]): string[] {
  return results.flatMap((r) =>
    r.rows
      .filter((row) => row.pass === false)
      .map(
        (row) => `MISSED ${r.id}. ${r.name}: ${row.metric} = ${fmt(row.ratio ?? row.measured)} (target ${row.target})`,
      ),
  );
}

function gitCommit(): string | undefined {
  try {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain'], {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() !== '';
    return dirty ? `${commit}+uncommitted` : commit;
  } catch {
    return undefined;
  }
}

export function machine() {
  const all = cpus();
  return {
    cpu: all[0]?.model ?? 'unknown',
    cores: all.length,
    memoryGB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function writeResults(
  path: string,
  results: readonly ScenarioResult[],
  startedAt: Date,
  totalSeconds: number,
): void {
  const document = {
    date: startedAt.toISOString(),
    commit: gitCommit(),
    machine: machine(),
    totalSeconds: round(totalSeconds, 1),
    summary: summary(results),
    scenarios: results.map((r) => ({
      id: r.id,
      name: r.name,
      met: r.met,
      seconds: round(r.seconds, 1),
      rows: r.rows,
      notes: r.notes,
      figures: r.figures,
    })),
  };
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
}

/** A scenario that could not run still gets a row, so that a broken run is never read as a pass. */
export function crashed(id: number, name: string, error: unknown, seconds: number): ScenarioResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    id,
    name,
    rows: [
      {
        metric: 'scenario ran',
        measured: `error: ${message.split('\n')[0]!.slice(0, 120)}`,
        target: 'runs',
        pass: false,
      },
    ],
    met: false,
    headline: `${name}: error`,
    notes: [message],
    figures: { error: message },
    seconds,
  };
}
