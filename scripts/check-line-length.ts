/**
 * `node scripts/check-line-length.ts`: lists every line longer than 120 characters in the repository's `.ts` and
 * `.js` files, its YAML files and its container recipe (tracked, or untracked but not ignored), as
 * `file:line: N characters (at most 120)`. Biome keeps code within 120, but cannot break string literals, template
 * literals or comments, and does not format YAML or the Dockerfile: those are wrapped by hand.
 * Exit code 1 when there is such a line, 0 otherwise.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX = 120;

const PATTERNS = ['*.ts', '*.js', '*.yaml', '*.yml', 'Dockerfile', '.dockerignore'];

const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', ...PATTERNS], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
})
  .split('\0')
  .filter(Boolean)
  .sort();

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    // Tracked but deleted in the working tree, or a directory (a submodule): nothing to check.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') {
      return undefined;
    }
    throw error;
  }
}

let checked = 0;
let tooLong = 0;
const offending = new Set<string>();
for (const file of files) {
  const text = read(file);
  if (text === undefined) continue;
  checked++;
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    // Characters as an editor counts them (code points), not UTF-16 units.
    const length = [...line].length;
    if (length <= MAX) continue;
    tooLong++;
    offending.add(file);
    console.log(`${file}:${index + 1}: ${length} characters (at most ${MAX})`);
  }
}

if (tooLong === 0) {
  console.log(`check-line-length: ${checked} file(s), every line at most ${MAX} characters.`);
} else {
  console.log(
    `check-line-length: ${tooLong} line(s) longer than ${MAX} characters in ${offending.size} of ${checked} files.`,
  );
  process.exitCode = 1;
}
