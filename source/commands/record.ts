// `genops-tui record`: runs the simulator and writes what happened as a replayable fixture (NDJSON).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../sources/simulator.js';
import { fixtureLines, RecordingMetricSource } from '../sources/fixture.js';
import type { HumanAction, RecordedDecision } from '../sources/fixture.js';
import type { SimulatedMetricSource } from '../metrics/simulated-source.js';
import type { CommandIo } from './io.js';
import type { Config } from '../domain/config.js';
import type { AdvisorInput } from '../domain/advisor.js';
import { loadConfig } from '../io/load.js';
import { llmAdvisorFromConfig } from '../advisor/from-config.js';
import { MemoryAnswerCache } from '../advisor/llm-advisor.js';
import { RecordedAdvisor } from '../advisor/recorded-advisor.js';
import type { RecordedAnswer } from '../advisor/recorded-advisor.js';
import { UsageError } from './io.js';

/** Samples kept per stage for stages a recording never reached (bake / interval + minSamples, with defaults). */
const PRESAMPLES = 6;

/** Rounds of "run, ask the model what it was not asked yet, run again" before the last run's answers stand. */
const MAX_MODEL_ROUNDS = 12;

/**
 * With --config naming a model (advisor: kind openai), the simulation runs with the model's answers: each run
 * collects the prompts it had no answer for, the model is asked them, and the run is repeated until every
 * prompt was answered (or the model failed on it: the built-in advisor then stands, as it would live). The
 * answers go into the fixture, so a replay decides the same way with no model at hand.
 */
export async function recordCommand(flags: RecordFlags, io: CommandIo): Promise<number> {
  const config = flags.config ? loadConfig(flags.config) : undefined;
  if (config?.advisor.kind !== 'openai') return recordOnce(flags, io, config, undefined);
  const model = llmAdvisorFromConfig(config.advisor, flags.config ?? '', new MemoryAnswerCache());
  const answers = new Map<string, RecordedAnswer>();
  const failed = new Set<string>();
  for (let round = 1; ; round++) {
    const misses = new Map<string, AdvisorInput>();
    const advisor = new RecordedAdvisor(model.name, model.settings.temperature, answers.values(), (hash, input) => {
      if (!failed.has(hash)) misses.set(hash, input);
    });
    const dryRun = recordOnce(flags, { out: () => undefined, err: io.err }, config, advisor, true);
    if (dryRun !== 0 || misses.size === 0 || round === MAX_MODEL_ROUNDS) {
      if (misses.size > 0) io.err(`warning: after ${round} rounds, ${misses.size} prompts still unanswered: the built-in advisor stands for them`);
      const final = new RecordedAdvisor(model.name, model.settings.temperature, answers.values());
      return recordOnce(flags, io, config, final);
    }
    io.err(`record: round ${round}: asking ${model.name} ${misses.size} new prompt${misses.size === 1 ? '' : 's'}`);
    const asked = [...misses];
    for (let i = 0; i < asked.length; i += config.advisor.maxConcurrent) {
      await Promise.all(
        asked.slice(i, i + config.advisor.maxConcurrent).map(async ([hash, input]) => {
          const c = await model.consult(input);
          if (c.answerText !== undefined && !c.call.fallbackReason) answers.set(hash, { model: model.name, temperature: model.settings.temperature, promptSha256: hash, answer: c.answerText });
          else failed.add(hash);
        }),
      );
    }
  }
}

export interface RecordFlags {
  count?: number;
  seed?: number;
  services?: number;
  out?: string;
  description?: string;
  config?: string;
}

function recordOnce(flags: RecordFlags, io: CommandIo, config: Config | undefined, advisor: RecordedAdvisor | undefined, dryRun = false): number {
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
      autonomy: config?.autonomy ?? 'GOVERNED',
      dbPath: join(dir, 'record.db'),
      ...(config ? { config } : {}),
      ...(advisor ? { advisor } : {}),
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
      ...(advisor ? { advice: [...advisor.used].sort().map((hash) => ({ model: advisor.model, temperature: advisor.temperature, promptSha256: hash, answer: advisor.answerFor(hash) ?? '' })) } : {}),
    });
    if (dryRun) return 0;
    if (flags.out) writeFileSync(flags.out, text);
    else io.out(text.trimEnd());
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
