/**
 * A system and a temporary directory (for policy files) per test: made as the test needs them,
 * stopped and removed after it, whatever the test did.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { startSystem, type System, type SystemOptions } from './system.ts';

export function systemPerTest(dirPrefix: string) {
  let dir: string | undefined;
  let system: System | undefined;
  const stop = async () => {
    await system?.stop();
    system = undefined;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), dirPrefix));
  });
  afterEach(async () => {
    await stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    /** A path in this test's directory. */
    path: (name: string) => join(dir!, name),
    async start(options: SystemOptions): Promise<System> {
      system = await startSystem(options);
      return system;
    },
    /** Stops this test's system early (to start another in the same test). */
    stop,
  };
}
