/**
 * For commands that take no arguments (`npm start`, the sandbox, the benchmark): `--help` prints the
 * usage and exits 0; anything else prints it on stderr and exits 2, before anything starts.
 */
export function answerArguments(usage: string, args: string[] = process.argv.slice(2)): void {
  if (args.length === 0) return;
  const help = args.every((arg) => arg === '--help' || arg === '-h');
  if (help) process.stdout.write(usage);
  else process.stderr.write(`Unknown argument ${args.find((a) => a !== '--help' && a !== '-h')}.\n${usage}`);
  process.exit(help ? 0 : 2);
}
