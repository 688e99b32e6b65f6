// Live stage actions and metrics from configured commands. Arguments go to spawn as argv (no shell): request fields
// fill placeholders inside single arguments and can never become shell syntax. A non-zero exit, a timeout or
// unparsable output is an error (a stage Error, or a provider error for a sample).
import { spawn } from 'node:child_process';
import { z } from 'zod';
import type { MetricSample } from '../domain/slo.js';
import type { MetricSource, SampleQuery, TrafficActions } from './metric-source.js';

export function fillArgs(argv: readonly string[], values: Record<string, string | number>): string[] {
  return argv.map((arg) => arg.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole)));
}

/** After the command exits, how long its output may still arrive before a leftover child holding the pipe is ignored. */
const DRAIN_MS = 200;

/**
 * Runs a command in a process group of its own. On time-out, and again once it exits, the whole group is killed:
 * a script that backgrounds a child (`sleep 600 &`) leaves nothing behind, and a child that keeps stdout open
 * does not stall the sample (the answer is what was printed by the time the command exited, plus a short drain).
 */
export function runCommand(argv: readonly string[], timeoutMs: number): Promise<string> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('empty command'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let stdout = '';
    let stderr = '';
    let settled = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < 1_000_000) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 10_000) stderr += d;
    });
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    const finish = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup();
      child.stdout.destroy();
      child.stderr.destroy();
      if (error) reject(error);
      else resolve(stdout);
    };
    const timer = setTimeout(() => finish(new Error(`${file}: timed out after ${timeoutMs} ms`)), timeoutMs);
    child.once('error', (error) => finish(new Error(`${file}: ${error.message}`)));
    child.once('exit', (code, signal) => {
      const done = (): void => {
        if (code === 0) finish(undefined);
        else finish(new Error(`${file}: ${signal ? `killed by ${signal}` : `exit ${String(code)}`}${stderr.trim() ? `: ${stderr.trim().slice(0, 200)}` : ''}`));
      };
      if (child.stdout.closed) {
        done();
        return;
      }
      // Output may still be in the pipe: wait for it to close, but not for a leftover child that holds it open.
      const drain = setTimeout(done, DRAIN_MS);
      child.stdout.once('close', () => {
        clearTimeout(drain);
        done();
      });
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
