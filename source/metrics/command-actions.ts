// Live stage actions and metrics from configured commands. Arguments go to execFile as argv: request fields
// fill placeholders inside single arguments and can never become shell syntax. A non-zero exit, a timeout or
// unparsable output is an error (a stage Error, or a provider error for a sample).
import { execFile } from 'node:child_process';
import { z } from 'zod';
import type { MetricSample } from '../domain/slo.js';
import type { MetricSource, SampleQuery, TrafficActions } from './metric-source.js';

export function fillArgs(argv: readonly string[], values: Record<string, string | number>): string[] {
  return argv.map((arg) => arg.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole)));
}

export function runCommand(argv: readonly string[], timeoutMs: number): Promise<string> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('empty command'));
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 1_000_000, shell: false }, (error, stdout, stderr) => {
      if (error) {
        const why = (error as NodeJS.ErrnoException & { killed?: boolean }).killed ? `timed out after ${timeoutMs} ms` : `exit ${String((error as { code?: unknown }).code ?? '?')}`;
        reject(new Error(`${file}: ${why}${stderr.trim() ? `: ${stderr.trim().slice(0, 200)}` : ''}`));
      } else resolve(stdout);
    });
  });
}

const finite = z.number().finite();
const sampleOutput = z.strictObject({
  errorRate: finite.min(0).max(1).optional(),
  p50Ms: finite.min(0).optional(),
  p99Ms: finite.min(0).optional(),
  successRate: finite.min(0).max(1).optional(),
});

export class CommandTrafficActions implements TrafficActions {
  constructor(
    private readonly config: { shiftCommand?: string[]; rollbackCommand?: string[]; commandTimeoutSeconds: number },
    private readonly versionOf: (deploymentId: string) => string,
  ) {}

  async shift(deploymentId: string, serviceId: string, percent: number): Promise<void> {
    if (!this.config.shiftCommand) return;
    await runCommand(fillArgs(this.config.shiftCommand, { deployment: deploymentId, service: serviceId, version: this.versionOf(deploymentId), percent }), this.config.commandTimeoutSeconds * 1000);
  }

  async rollback(deploymentId: string, serviceId: string, reason: string): Promise<void> {
    if (!this.config.rollbackCommand) return;
    await runCommand(fillArgs(this.config.rollbackCommand, { deployment: deploymentId, service: serviceId, version: this.versionOf(deploymentId), reason }), this.config.commandTimeoutSeconds * 1000);
  }
}

/** A metric source that runs a command printing one JSON sample: {"errorRate":0.002,"p99Ms":180,…}. */
export class CommandMetricSource implements MetricSource {
  constructor(private readonly argv: string[], private readonly timeoutMs: number, private readonly versionOf: (deploymentId: string) => string) {}

  async sample(q: SampleQuery): Promise<MetricSample> {
    const out = await runCommand(fillArgs(this.argv, { deployment: q.deploymentId, service: q.serviceId, version: this.versionOf(q.deploymentId), percent: q.trafficPercent, stage: q.stage }), this.timeoutMs);
    let json: unknown;
    try {
      json = JSON.parse(out);
    } catch {
      throw new Error(`metrics command printed no JSON: ${out.slice(0, 80)}`);
    }
    const parsed = sampleOutput.safeParse(json);
    if (!parsed.success) throw new Error(`metrics command: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return { at: q.at, ...parsed.data };
  }
}
