/**
 * What the sandbox takes from the environment: PORT, HOST and LOG_LEVEL, nothing else. The sandbox
 * talks only to its own fakes and keeps its requests in its own store, whatever the environment
 * says: a STORE_URL (or a DOLLR_*, SLACK_* or APPROVAL_POLICY) set for production must never carry
 * the sandbox's fake requests into production's store, nor the app's calls to a real Dollr.
 */

/** The sandbox's store: in memory, so that every run starts empty and nothing outlives it. */
export const SANDBOX_STORE_URL = 'memory://';

/** The app's settings the sandbox fixes itself; set in the environment, they are ignored (and said so). */
const IGNORED = /^(STORE_URL|APPROVAL_POLICY|APPROVERS|DOLLR_[A-Z0-9_]+|SLACK_[A-Z0-9_]+)$/;

export interface SandboxSettings {
  port: number;
  host: string;
  logLevel: string;
  /** The app's settings found in the environment that the sandbox ignores, sorted. */
  ignored: string[];
}

export function sandboxSettings(env: Record<string, string | undefined>): SandboxSettings {
  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${env.PORT}.`);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    logLevel: env.LOG_LEVEL || 'warn',
    ignored: Object.keys(env)
      .filter((name) => IGNORED.test(name) && env[name] !== undefined && env[name] !== '')
      .sort(),
  };
}

/** The lines the sandbox prints at start: which store it uses, and what it ignores. */
export function startNotice(settings: SandboxSettings): string {
  const lines = [`dollr-slack sandbox: store ${SANDBOX_STORE_URL} (the sandbox's own; every run starts empty)`];
  if (settings.ignored.includes('STORE_URL'))
    lines.push('dollr-slack sandbox: STORE_URL is set in the environment; the sandbox ignores it');
  const others = settings.ignored.filter((name) => name !== 'STORE_URL');
  if (others.length > 0)
    lines.push(
      `dollr-slack sandbox: ignores ${others.join(', ')} from the environment: ` +
        'it talks only to its simulated Slack and Dollr, with its own approval policy',
    );
  return `${lines.join('\n')}\n`;
}
