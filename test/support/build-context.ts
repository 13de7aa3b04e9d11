/**
 * What `docker build` copies, without Docker: the build context filtered by .dockerignore, and COPY
 * instructions carried out into a directory that stands for a stage's filesystem (`<root>/app` is `/app`).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, matchesGlob, posix, relative, sep } from 'node:path';
import type { Copy } from './dockerfile.ts';

/**
 * .dockerignore's rule: the last pattern that matches a path, or one of the directories above it, decides
 * (`!pattern` brings a path back). Patterns are relative to the context's root, as paths are here.
 */
export function dockerignore(text: string): (path: string) => boolean {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const keep = line.startsWith('!');
      return { keep, glob: posix.normalize((keep ? line.slice(1) : line).replace(/^\/+/, '')) };
    });
  return (path) => {
    const parts = posix.normalize(path).split('/');
    const selfAndParents = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
    let excluded = false;
    for (const { keep, glob } of patterns) {
      if (selfAndParents.some((candidate) => matchesGlob(candidate, glob))) excluded = !keep;
    }
    return excluded;
  };
}

/** Where a container path of a stage lives on this machine. */
export function hostPath(stageRoot: string, containerPath: string): string {
  if (!posix.isAbsolute(containerPath)) throw new Error(`not an absolute container path: ${containerPath}`);
  return join(stageRoot, containerPath);
}

export interface CopyPlaces {
  /** The build context (the repository) and its .dockerignore rule. */
  context: string;
  ignored: (path: string) => boolean;
  /** The stage's working directory, for relative destinations. */
  workdir: string;
  /** The directory that stands for the stage's `/`. */
  stageRoot: string;
  /** The same for the stages COPY --from may name. */
  stageRoots: Record<string, { root: string; workdir: string }>;
}

/**
 * COPY as Docker does it: a directory's contents go into the destination; several sources, or a
 * destination ending in `/`, make the destination a directory. From the context, ignored paths are left
 * out, and a source that is ignored or missing is an error, as `docker build` reports it.
 */
export function applyCopy(copy: Copy, places: CopyPlaces): void {
  const destination = hostPath(places.stageRoot, posix.resolve(places.workdir, copy.destination));
  const intoDirectory = copy.sources.length > 1 || copy.destination.endsWith('/');
  for (const source of copy.sources) {
    const path = sourceOf(copy, source, places);
    const intoFile = intoDirectory && !statSync(path).isDirectory();
    const target = intoFile ? join(destination, posix.basename(source)) : destination;
    mkdirSync(dirname(target), { recursive: true });
    cpSync(path, target, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (from) => copy.from !== undefined || !places.ignored(contextRelative(places.context, from)),
    });
  }
}

function sourceOf(copy: Copy, source: string, places: CopyPlaces): string {
  if (copy.from !== undefined) {
    const stage = places.stageRoots[copy.from];
    if (!stage) throw new Error(`COPY --from=${copy.from} (line ${copy.line}): no such stage`);
    const path = hostPath(stage.root, posix.resolve(stage.workdir, source));
    if (!existsSync(path)) throw new Error(`COPY --from=${copy.from} ${source} (line ${copy.line}): not in the stage`);
    return path;
  }
  const inContext = posix.normalize(source).replace(/^\/+/, '').replace(/\/+$/, '');
  const path = join(places.context, inContext);
  if (!existsSync(path) || places.ignored(inContext)) {
    throw new Error(`COPY ${source} (line ${copy.line}): not in the build context or excluded by .dockerignore`);
  }
  return path;
}

/** A path under the context, relative to it with `/` separators (what .dockerignore patterns see). */
function contextRelative(context: string, path: string): string {
  const inside = relative(context, path);
  if (inside.startsWith('..') || isAbsolute(inside)) throw new Error(`${path} is not in the build context ${context}`);
  return inside.split(sep).join('/');
}

/** Every file under a directory, relative to it, for assertions on what a copy brought. */
export function filesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => posix.join(entry.parentPath.slice(directory.length).split('\\').join('/'), entry.name))
    .map((path) => path.replace(/^\/+/, ''));
}

/** Creates a directory standing for a container path of a stage (what `mkdir -p` does there). */
export function makeDirectory(stageRoot: string, containerPath: string): string {
  const path = hostPath(stageRoot, containerPath);
  mkdirSync(path, { recursive: true });
  return path;
}
