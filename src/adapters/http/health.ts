/**
 * GET /healthz (the process answers) and GET /readyz (it can take work: the store answers and it is
 * not shutting down), for load balancers and orchestrators. Served on the HTTP port in both modes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SLOW_SENDER_LIMITS } from './request-limits.ts';
import type { Logger, RequestStore } from '../../core/ports.ts';

export interface HealthRoute {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export function healthRoutes(store: RequestStore, isStopping: () => boolean, logger: Logger): HealthRoute[] {
  const send = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  return [
    { path: '/healthz', method: ['GET'], handler: (_req, res) => send(res, 200, { status: 'ok' }) },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        if (isStopping()) return send(res, 503, { status: 'stopping' });
        store.ping().then(
          () => send(res, 200, { status: 'ready', store: 'ok' }),
          (error: unknown) => {
            // The detail (a host, a port, Redis' auth state) is for the operator's logs, not for whoever asks.
            logger.warn('not ready: the store does not answer', { error });
            send(res, 503, { status: 'not_ready', store: 'unavailable' });
          },
        );
      },
    },
  ];
}

/** In Socket Mode Bolt serves no HTTP, so the health routes get a small server of their own. */
export async function startHealthServer(
  routes: HealthRoute[],
  port: number,
  host?: string,
): Promise<{ server: Server; port: number }> {
  const server = createServer(SLOW_SENDER_LIMITS, (req, res) => {
    const route = routes.find((r) => r.path === (req.url ?? '').split('?')[0] && r.method.includes(req.method ?? ''));
    if (route) return route.handler(req, res);
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
