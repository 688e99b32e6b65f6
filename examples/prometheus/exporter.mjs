#!/usr/bin/env node
// A small exporter for trying the Prometheus source locally: it serves /metrics (prom-client) with simulated
// traffic for a stable and a canary version of one service, in the shape of the usual HTTP metrics:
//   demo_requests_total{service, version, code}                 a counter
//   demo_request_duration_seconds_bucket{service, version, le}  a histogram
// Usage: node examples/prometheus/exporter.mjs [--service checkout] [--stable 1.0] [--canary 2.0]
//          [--mode healthy|errors|slow] [--port 9464]
// `errors` gives the canary 5% server errors; `slow` makes it ~80 ms slower, still inside a 500 ms p99 SLO.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import client from 'prom-client';

const { values } = parseArgs({
  options: {
    service: { type: 'string', default: 'checkout' },
    stable: { type: 'string', default: '1.0' },
    canary: { type: 'string', default: '2.0' },
    mode: { type: 'string', default: 'healthy' },
    port: { type: 'string', default: '9464' },
  },
});
if (!['healthy', 'errors', 'slow'].includes(values.mode)) throw new Error('--mode must be healthy, errors or slow');

const registry = new client.Registry();
const requests = new client.Counter({ name: 'demo_requests_total', help: 'Requests served.', labelNames: ['service', 'version', 'code'], registers: [registry] });
const duration = new client.Histogram({
  name: 'demo_request_duration_seconds',
  help: 'Request duration.',
  labelNames: ['service', 'version'],
  buckets: [0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.75, 1, 2.5],
  registers: [registry],
});

/** One simulated request: ~0.2% errors and a p99 near 200 ms, unless this is a misbehaving canary. */
function serve(version, canary) {
  const errorRate = canary && values.mode === 'errors' ? 0.05 : 0.002;
  const extra = canary && values.mode === 'slow' ? 0.08 : 0;
  const seconds = 0.03 + Math.random() * 0.1 + (Math.random() < 0.02 ? 0.08 : 0) + extra;
  requests.inc({ service: values.service, version, code: Math.random() < errorRate ? '500' : '200' });
  duration.observe({ service: values.service, version }, seconds);
}

// 500 requests a second: 90% to stable, 10% to the canary. Fewer make a healthy canary's error ratio noisy:
// at 20 a second over a 30 s window, a handful of errors already crossed the 1% threshold.
setInterval(() => {
  for (let i = 0; i < 50; i++) serve(i < 45 ? values.stable : values.canary, i >= 45);
}, 100);

createServer(async (req, res) => {
  if (req.url !== '/metrics') return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
}).listen(Number(values.port), '127.0.0.1', () => console.log(`exporter on http://127.0.0.1:${values.port}/metrics (${values.service}: stable ${values.stable}, canary ${values.canary} ${values.mode})`));
