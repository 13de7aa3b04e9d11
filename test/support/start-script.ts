/**
 * What `npm start` runs, read from package.json: glibc's arena default, Node's flags and the entry file.
 * The Dockerfile's CMD (checked by the container test) and the benchmark's processes run the app the
 * same way, so a flag changed in one place is changed, or flagged, in all of them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface StartScript {
  /** The MALLOC_ARENA_MAX the script sets when the environment does not. */
  mallocArenaMax: string;
  /** The flags before the entry file, e.g. `--max-semi-space-size=32`. */
  nodeFlags: string[];
  entry: string;
}

const START = /^MALLOC_ARENA_MAX=\$\{MALLOC_ARENA_MAX:-(\d+)\} exec node ((?:--\S+ )*)(\S+)$/;

export function startScript(
  script = (
    JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts.start ?? '',
): StartScript {
  const match = START.exec(script);
  if (!match) {
    throw new Error(`the start script changed shape ("${script}"): update test/support/start-script.ts`);
  }
  return { mallocArenaMax: match[1]!, nodeFlags: match[2]!.trim().split(' ').filter(Boolean), entry: match[3]! };
}
