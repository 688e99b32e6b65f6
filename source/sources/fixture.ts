// Recorded histories for replay (fixtures/*.ndjson, one event per line). Version 1 lines:
//   {"type":"header","version":1,"seed":N,"description":TEXT}
//   {"type":"service","service":Service}                      the catalog, one line per service
//   {"type":"request","request":Request}                      in arrival order (requestedAt)
//   {"type":"samples","deploymentId":ID,"stage":N,"samples":[MetricSample]}   recorded canary samples
//   {"type":"decision","deploymentId":ID,"at":ISO,"by":ID,"action":"approve"|"reject"|"resume"|"abort","reason":TEXT}
//                                                            what a person did, and when
//   {"type":"advice","model":M,"temperature":T,"promptSha256":HEX,"answer":TEXT}   a model's answer to a prompt
//                                                            (record --config with an advisor), replayed without it
import { z } from 'zod';
import { requestSchema, serviceSchema } from '../domain/schemas.js';
import type { DeploymentRequest, Service } from '../domain/schemas.js';
import type { MetricSample } from '../domain/slo.js';
import type { MetricSource, SampleQuery } from '../metrics/metric-source.js';
import { parseNdjson } from '../io/ndjson.js';
import type { InputProblem } from '../io/input-error.js';
import type { RecordedAnswer } from '../advisor/recorded-advisor.js';

const finite = z.number().finite();
const sampleSchema = z.strictObject({
  at: finite,
  errorRate: finite.optional(),
  p50Ms: finite.optional(),
  p99Ms: finite.optional(),
  successRate: finite.optional(),
  providerError: z.string().max(500).optional(),
  // Canary and stable series a compare-judged stage ended with (recorded from Prometheus).
  comparison: z
    .strictObject({
      from: finite,
      to: finite,
      series: z.partialRecord(z.enum(['errorRate', 'p50Ms', 'p99Ms', 'successRate']), z.strictObject({ canary: z.array(finite), stable: z.array(finite) })),
    })
    .optional(),
});

export const fixtureLineSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('header'), version: z.literal(1), seed: z.number().int(), description: z.string() }),
  z.strictObject({ type: z.literal('service'), service: serviceSchema }),
  z.strictObject({ type: z.literal('request'), request: requestSchema }),
  z.strictObject({ type: z.literal('samples'), deploymentId: z.string(), stage: z.number().int().nonnegative(), samples: z.array(sampleSchema) }),
  z.strictObject({
    type: z.literal('decision'),
    deploymentId: z.string(),
    at: z.iso.datetime({ offset: true }),
    by: z.string().min(1),
    action: z.enum(['approve', 'reject', 'resume', 'abort']),
    reason: z.string(),
  }),
  z.strictObject({
    type: z.literal('advice'),
    model: z.string().min(1),
    temperature: z.number().min(0).max(2),
    promptSha256: z.string().regex(/^[0-9a-f]{64}$/),
    answer: z.string().max(20_000),
  }),
]);
export type FixtureLine = z.infer<typeof fixtureLineSchema>;

export type HumanAction = 'approve' | 'reject' | 'resume' | 'abort';

export interface RecordedDecision {
  deploymentId: string;
  at: number;
  by: string;
  action: HumanAction;
  reason: string;
}

export interface Fixture {
  description: string;
  services: Service[];
  requests: DeploymentRequest[];
  samples: Map<string, MetricSample[]>;
  decisions: RecordedDecision[];
  /** A model's recorded answers by prompt hash (source/advisor/recorded-advisor.ts). */
  advice?: RecordedAnswer[];
  problems: InputProblem[];
}

const sampleKey = (deploymentId: string, stage: number): string => `${deploymentId}#${stage}`;

export function parseFixture(file: string, text: string): Fixture {
  const parsed = parseNdjson(file, text, fixtureLineSchema);
  const fixture: Fixture = { description: '', services: [], requests: [], samples: new Map(), decisions: [], problems: parsed.problems };
  for (const { value } of parsed.records) {
    switch (value.type) {
      case 'header': fixture.description = value.description; break;
      case 'service': fixture.services.push(value.service); break;
      case 'request': fixture.requests.push(value.request); break;
      case 'samples': fixture.samples.set(sampleKey(value.deploymentId, value.stage), value.samples as MetricSample[]); break;
      case 'decision': fixture.decisions.push({ deploymentId: value.deploymentId, at: Date.parse(value.at), by: value.by, action: value.action, reason: value.reason }); break;
      case 'advice': (fixture.advice ??= []).push({ model: value.model, temperature: value.temperature, promptSha256: value.promptSha256, answer: value.answer }); break;
    }
  }
  fixture.requests.sort((a, b) => Date.parse(a.requestedAt) - Date.parse(b.requestedAt));
  fixture.decisions.sort((a, b) => a.at - b.at);
  return fixture;
}

/** Replays recorded samples; a sample that was never recorded is a gap (no data), never invented. */
export class FixtureMetricSource implements MetricSource {
  constructor(private readonly samples: ReadonlyMap<string, readonly MetricSample[]>) {}
  sample(q: SampleQuery): MetricSample {
    const recorded = this.samples.get(sampleKey(q.deploymentId, q.stage))?.[q.index];
    return recorded ? { ...recorded, at: q.at } : { at: q.at };
  }
}

/** Wraps a source and keeps every sample it gives, for writing a fixture. */
export class RecordingMetricSource implements MetricSource {
  readonly recorded = new Map<string, MetricSample[]>();
  constructor(private readonly inner: { sample(q: SampleQuery): MetricSample }) {}
  sample(q: SampleQuery): MetricSample {
    const s = this.inner.sample(q);
    const key = sampleKey(q.deploymentId, q.stage);
    const list = this.recorded.get(key) ?? [];
    list[q.index] = s;
    this.recorded.set(key, list);
    return s;
  }
}

export function fixtureLines(f: Omit<Fixture, 'problems'> & { seed: number }): string {
  const lines: FixtureLine[] = [
    { type: 'header', version: 1, seed: f.seed, description: f.description },
    ...f.services.map((service): FixtureLine => ({ type: 'service', service })),
    ...f.requests.map((request): FixtureLine => ({ type: 'request', request })),
    ...[...f.samples].map(([key, samples]): FixtureLine => {
      const at = key.lastIndexOf('#');
      return { type: 'samples', deploymentId: key.slice(0, at), stage: Number(key.slice(at + 1)), samples: samples.map((s) => ({ ...s })) };
    }),
    ...f.decisions.map((d): FixtureLine => ({ type: 'decision', deploymentId: d.deploymentId, at: new Date(d.at).toISOString(), by: d.by, action: d.action, reason: d.reason })),
    ...(f.advice ?? []).map((a): FixtureLine => ({ type: 'advice', ...a })),
  ];
  return `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;
}
