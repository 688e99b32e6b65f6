// Configuration of real canary metrics: `metrics.prometheus` (where and how to query, PromQL templates per
// SLO metric, per-service overrides) and the canary judge (`canary.judge`, `canary.judgeByService`,
// `canary.compare`). Validated on load like the rest of the configuration.
import { z } from 'zod';
import type { CompareSettings, JudgeMetric } from './canary-judge.js';
import { DEFAULT_COMPARE, JUDGE_METRICS } from './canary-judge.js';
import { templateProblem } from './promql-template.js';

const template = z.string().min(1).superRefine((t, ctx) => {
  const problem = templateProblem(t);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** One PromQL template per SLO metric; a metric without one is not measured. Units: fractions and ms. */
const queriesSchema = z.strictObject({ errorRate: template.optional(), p50Ms: template.optional(), p99Ms: template.optional(), successRate: template.optional() });
export type MetricQueries = z.infer<typeof queriesSchema>;

const serviceQueriesSchema = z.strictObject({ queries: queriesSchema.optional(), stableQueries: queriesSchema.optional() });

export const prometheusSchema = z
  .strictObject({
    address: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. http://127.0.0.1:9090' }),
    /** Sent with every request, e.g. X-Scope-OrgID for Mimir, Cortex or Thanos tenants. */
    headers: z.record(z.string().min(1), z.string()).default({}),
    bearerTokenEnv: z.string().min(1).optional(),
    bearerTokenFile: z.string().min(1).optional(),
    timeoutSeconds: z.number().positive().max(300).default(5),
    /** Resolution of the canary and stable series the compare judge reads over the bake window. */
    compareStepSeconds: z.number().positive().default(10),
    /** Canary queries: a sample takes each at the sample time. */
    queries: queriesSchema.default({}),
    /** The same metrics for the stable version, for the compare judge (e.g. version!="{version}"). */
    stableQueries: queriesSchema.default({}),
    /** Per service, metric by metric, over the queries above. */
    services: z.record(z.string(), serviceQueriesSchema).default({}),
  })
  .superRefine((p, ctx) => {
    if (p.bearerTokenEnv !== undefined && p.bearerTokenFile !== undefined) ctx.addIssue({ code: 'custom', path: ['bearerTokenFile'], message: 'give bearerTokenEnv or bearerTokenFile, not both' });
  });
export type PrometheusConfig = z.infer<typeof prometheusSchema>;

export const metricsSchema = z.strictObject({ prometheus: prometheusSchema.optional() });

const metricJudgeSchema = (d: CompareSettings['metrics'][JudgeMetric]) =>
  z.strictObject({
    weight: z.number().nonnegative().default(d.weight),
    critical: z.boolean().default(d.critical),
    direction: z.enum(['increase', 'decrease', 'either']).default(d.direction),
    tolerance: z.number().nonnegative().default(d.tolerance),
    minShift: z.number().nonnegative().default(d.minShift),
  });

/** `canary.compare`: the canary-vs-stable judge (defaults: Kayenta's pass 95 / marginal 75). */
export const compareSchema = z
  .strictObject({
    alpha: z.number().gt(0).lt(1).default(DEFAULT_COMPARE.alpha),
    passScore: z.number().min(0).max(100).default(DEFAULT_COMPARE.passScore),
    marginalScore: z.number().min(0).max(100).default(DEFAULT_COMPARE.marginalScore),
    maxNoDataShare: z.number().min(0).max(1).default(DEFAULT_COMPARE.maxNoDataShare),
    minPoints: z.number().int().min(2).default(DEFAULT_COMPARE.minPoints),
    metrics: z
      .strictObject(Object.fromEntries(JUDGE_METRICS.map((m) => [m, metricJudgeSchema(DEFAULT_COMPARE.metrics[m]).prefault({})])) as { [K in JudgeMetric]: z.ZodPrefault<ReturnType<typeof metricJudgeSchema>> })
      .prefault({}),
  })
  .refine((c) => c.marginalScore <= c.passScore, { message: 'marginalScore must not exceed passScore' });

export const judgeSchema = z.enum(['threshold', 'compare']);
export type Judge = z.infer<typeof judgeSchema>;

/** The judge's defaults, for the canary section's default value. */
export const DEFAULT_JUDGE = { judge: 'threshold' as Judge, judgeByService: {} as Record<string, Judge>, compare: compareSchema.parse({}) as CompareSettings };

/** The compare settings a service's stages carry, or undefined when its stages are judged by thresholds. */
export function compareSettingsFor(canary: { judge: Judge; judgeByService: Record<string, Judge>; compare: CompareSettings }, serviceId: string): CompareSettings | undefined {
  return (canary.judgeByService[serviceId] ?? canary.judge) === 'compare' ? canary.compare : undefined;
}

/** The service's canary and stable templates, metric by metric. */
export function queriesFor(p: PrometheusConfig, serviceId: string): { canary: MetricQueries; stable: MetricQueries } {
  const own = p.services[serviceId];
  return { canary: { ...p.queries, ...own?.queries }, stable: { ...p.stableQueries, ...own?.stableQueries } };
}
