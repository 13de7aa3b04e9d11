/**
 * A Dockerfile read the way `docker build` reads it, for the instructions this project uses: stages,
 * comments, line continuations, and the arguments of FROM, WORKDIR, COPY, RUN, ENV, VOLUME, EXPOSE, USER,
 * HEALTHCHECK, STOPSIGNAL and CMD. Anything it does not understand is an error, not a guess.
 */
import { posix } from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
  /** 1-based line where the instruction starts, for failure messages. */
  line: number;
}

export interface Stage {
  name: string | undefined;
  image: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const start = index + 1;
    let logical = lines[index]!.trim();
    if (logical === '' || logical.startsWith('#')) continue;
    // A trailing backslash joins the next line; comment lines inside a continuation are dropped.
    while (logical.endsWith('\\') && index + 1 < lines.length) {
      index++;
      const next = lines[index]!.trim();
      logical = logical.slice(0, -1) + (next.startsWith('#') ? '' : ` ${next}`);
    }
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(logical)!;
    const instruction = { keyword: keyword!.toUpperCase(), args: args!, line: start };
    if (instruction.keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!from) throw new Error(`Dockerfile line ${start}: cannot read FROM ${instruction.args}`);
      stages.push({ image: from[1]!, name: from[2], instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`Dockerfile line ${start}: ${instruction.keyword} before any FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

/** The instructions of a stage with this keyword, in order. */
export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

/** The one instruction of a stage with this keyword; throws when there are none or several. */
export function onlyInstruction(stage: Stage, keyword: string): Instruction {
  const found = instructionsOf(stage, keyword);
  if (found.length !== 1) throw new Error(`expected one ${keyword} in stage ${stage.name}, found ${found.length}`);
  return found[0]!;
}

/** `["node", "src/main.ts"]`: the exec form, as an argv. Throws on the shell form. */
export function execForm(args: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw new Error(`not in exec form (a JSON array): ${args}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((part) => typeof part === 'string')) {
    throw new Error(`not in exec form (a JSON array of strings): ${args}`);
  }
  return parsed;
}

/** `ENV A=1 B=2` as { A: '1', B: '2' }; quotes and variable references are refused (not needed here). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args, line } of instructionsOf(stage, 'ENV')) {
    for (const pair of args.split(/\s+/)) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=([^"'$\s]*)$/.exec(pair);
      if (!match) throw new Error(`Dockerfile line ${line}: cannot read ENV ${pair}`);
      env[match[1]!] = match[2]!;
    }
  }
  return env;
}

/** The stage's working directory after its WORKDIR instructions (absolute; `/` without any). */
export function workdirOf(stage: Stage): string {
  return instructionsOf(stage, 'WORKDIR').reduce((dir, { args }) => posix.resolve(dir, args), '/');
}

export interface Copy {
  /** The stage the files come from; undefined: the build context. */
  from: string | undefined;
  sources: string[];
  destination: string;
  line: number;
}

/** `COPY [--from=stage] [--chown=...] src... dest`. */
export function copyOf(instruction: Instruction): Copy {
  const words = instruction.args.split(/\s+/);
  let from: string | undefined;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
    else if (!/^--(chown|chmod|link)(=|$)/.test(flag)) throw new Error(`COPY flag not understood: ${flag}`);
  }
  if (words.length < 2) throw new Error(`Dockerfile line ${instruction.line}: COPY needs a source and a destination`);
  return { from, sources: words.slice(0, -1), destination: words.at(-1)!, line: instruction.line };
}

export interface Healthcheck {
  /** --interval, --timeout, --start-period, --retries..., as written (`15s`, `3`). */
  options: Record<string, string>;
  command: string[];
}

/** `HEALTHCHECK [--option=value...] CMD ["..."]` (exec form only). */
export function healthcheckOf(stage: Stage): Healthcheck {
  const { args } = onlyInstruction(stage, 'HEALTHCHECK');
  const match = /^((?:--[a-z-]+=\S+\s+)*)CMD\s+(\[.*\])$/.exec(args);
  if (!match) throw new Error(`HEALTHCHECK not understood (options, then CMD in exec form): ${args}`);
  const options = Object.fromEntries(
    match[1]!
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((option) => option.slice(2).split('=') as [string, string]),
  );
  return { options, command: execForm(match[2]!) };
}

/** A Docker duration (`5s`, `1m30s`, `500ms`) in milliseconds, as Compose writes them too. */
export function durationMs(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) {
    throw new Error(`not a duration: ${text}`);
  }
  return parts.reduce((sum, part) => sum + Number(part[1]) * units[part[2]!]!, 0);
}
