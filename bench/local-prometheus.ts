// A real, local Prometheus for tests and benchmarks: OpenMetrics text with timestamps is backfilled with
// promtool into a temporary TSDB, and Debian's prometheus serves it on 127.0.0.1 (a free port), answering
// queries at historical times. Stopped by stop(), which also removes its directory.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasPrometheus = ((): boolean => {
  try {
    execFileSync('prometheus', ['--version'], { stdio: 'ignore' });
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export interface RunningPrometheus {
  url: string;
  port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** OpenMetrics exposition of gauges: `name{labels} value seconds` lines, ended by `# EOF`. */
export function openMetrics(points: Array<{ name: string; labels: Record<string, string>; value: number | string; atMs: number }>): string {
  const byName = new Map<string, string[]>();
  for (const p of points) {
    const labels = Object.entries(p.labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',');
    const lines = byName.get(p.name) ?? [];
    lines.push(`${p.name}{${labels}} ${p.value} ${(p.atMs / 1000).toFixed(3)}`);
    byName.set(p.name, lines);
  }
  // OpenMetrics wants each metric family's samples together, in time order per series.
  return `${[...byName].map(([name, lines]) => `# TYPE ${name} gauge\n${lines.join('\n')}`).join('\n')}\n# EOF\n`;
}

export async function startPrometheus(openMetricsText: string): Promise<RunningPrometheus> {
  if (!hasPrometheus) throw new Error('prometheus and promtool are required for this test (apt-get install prometheus; .ci/run does it)');
  const dir = mkdtempSync(join(tmpdir(), 'genops-prom-'));
  writeFileSync(join(dir, 'data.om'), openMetricsText);
  execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'data.om'), join(dir, 'tsdb')], { stdio: 'pipe' });
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\nscrape_configs: []\n');
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, '--storage.tsdb.retention.time=100y', `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${log}`);
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready within 20 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, port, stop };
}
