// `genops-tui record`: runs the simulator and writes what happened as a replayable fixture (NDJSON).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../sources/simulator.js';
import { fixtureLines, RecordingMetricSource } from '../sources/fixture.js';
import type { HumanAction, RecordedDecision } from '../sources/fixture.js';
import type { SimulatedMetricSource } from '../metrics/simulated-source.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';

/** Samples kept per stage for stages a recording never reached (bake / interval + minSamples, with defaults). */
const PRESAMPLES = 6;

export function recordCommand(flags: { count?: number; seed?: number; services?: number; out?: string; description?: string }, io: CommandIo): number {
  const count = flags.count ?? 60;
  const seed = flags.seed ?? 1;
  const services = flags.services ?? 8;
  if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new UsageError('-n must be an integer from 1 to 100,000');
  const dir = mkdtempSync(join(tmpdir(), 'genops-record-'));
  try {
    let recorder: RecordingMetricSource | undefined;
    let source: SimulatedMetricSource | undefined;
    const run = simulate({
      seed,
      count,
      services,
      autonomy: 'GOVERNED',
      dbPath: join(dir, 'record.db'),
      wrapMetrics: (simulated) => {
        source = simulated;
        return (recorder = new RecordingMetricSource(simulated));
      },
    });
    const decisions: RecordedDecision[] = [];
    const actions: Record<string, HumanAction> = { approved: 'approve', rejected: 'reject', resumed: 'resume', aborted: 'abort' };
    for (const e of run.engine.audit.entries()) {
      const action = actions[e.event];
      if (action && e.actor.kind === 'human' && e.deploymentId) {
        decisions.push({ deploymentId: e.deploymentId, at: Date.parse(e.ts), by: e.actor.id, action, reason: String(e.payload.reason ?? '') });
      }
    }
    run.db.close();
    // Samples for every stage a deployment could reach, even ones that never ran in this recording: an
    // operator replaying it may approve what the recorded approver rejected, and then sees what the
    // simulated service would have measured, not gaps.
    const samples = recorder?.recorded ?? new Map();
    for (const r of run.workload.requests) {
      for (let stage = 0; stage < run.config.plans.cautious.length; stage++) {
        const key = `${r.id}#${stage}`;
        if (samples.has(key)) continue;
        const percent = run.config.plans.cautious[stage] ?? 100;
        samples.set(key, Array.from({ length: PRESAMPLES }, (_, index) => source?.sample({ deploymentId: r.id, serviceId: r.serviceId, stage, trafficPercent: percent, index, at: 0 }) ?? { at: 0 }));
      }
    }
    const text = fixtureLines({
      seed,
      description: flags.description ?? `simulator seed ${seed}: ${count} deployments over ${services} services`,
      services: run.workload.services.map(({ flakiness: _flakiness, ...s }) => s),
      requests: run.workload.requests,
      samples,
      decisions,
    });
    if (flags.out) writeFileSync(flags.out, text);
    else io.out(text.trimEnd());
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
