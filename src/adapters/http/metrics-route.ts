/** GET /metrics: Prometheus' text format, served beside the health routes (or on METRICS_PORT). */
import type { Metrics } from '../metrics/metrics.ts';
import type { HealthRoute } from './health.ts';

export function metricsRoute(metrics: Pick<Metrics, 'scrape'>): HealthRoute {
  return {
    path: '/metrics',
    method: ['GET'],
    handler: (_req, res) => {
      metrics.scrape().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
          res.end(body);
        },
        () => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('metrics could not be collected\n');
        },
      );
    },
  };
}
