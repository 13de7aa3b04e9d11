/** The page's script: public/app.js and the renderers it imports, bundled by esbuild at start-up. */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export async function bundleBrowserScript(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./public/app.js', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    charset: 'utf8',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
