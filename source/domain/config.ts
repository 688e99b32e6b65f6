// The governance configuration: every number of SPEC.md, with its default, validated on load.
import { linearRegexProblem } from './linear-regex.js';
import { z } from 'zod';
import { Cron } from 'croner';
import { sloSchema, timezoneSchema } from './schemas.js';
import { advisorConfigSchema } from './advisor-config.js';
import { compareSchema, DEFAULT_JUDGE, judgeSchema, metricsSchema } from './metrics-config.js';

export const FACTOR_NAMES = [
  'service_tier',
  'service_health',
  'historical_failure',
  'blast_radius',
  'change_complexity',
  'timing',
] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];

export const AUTONOMY_LEVELS = ['SHADOW', 'ASSISTED', 'GOVERNED', 'LEARNING'] as const;
export type Autonomy = (typeof AUTONOMY_LEVELS)[number];

export const BUILTIN_POLICY_IDS = [
  'critical_service_human_review',
  'no_friday_deployments',
  'error_budget_protection',
  'db_migration_review',
] as const;
export type BuiltinPolicyId = (typeof BUILTIN_POLICY_IDS)[number];

const fraction = z.number().min(0).max(1);
const positiveInt = z.number().int().positive();

const weightsSchema = z
  .strictObject({
    service_tier: fraction.default(0.25),
    service_health: fraction.default(0.15),
    historical_failure: fraction.default(0.2),
    blast_radius: fraction.default(0.15),
    change_complexity: fraction.default(0.15),
    timing: fraction.default(0.1),
  })
  .superRefine((w, ctx) => {
    const sum = Object.values(w).reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-9) ctx.addIssue({ code: 'custom', message: `weights sum to ${sum.toFixed(6)}, expected 1 (±1e-9); unset weights take their defaults` });
  });

const levelsSchema = z
  .strictObject({ medium: fraction.default(0.3), high: fraction.default(0.55), critical: fraction.default(0.75) })
  .refine((l) => l.medium < l.high && l.high < l.critical, { message: 'thresholds must rise: medium < high < critical' });

const planSchema = z
  .array(z.number().gt(0).max(100))
  .min(1)
  .refine((p) => p.every((v, i) => i === 0 || v > (p[i - 1] ?? 0)), { message: 'traffic percentages must rise' })
  .refine((p) => p[p.length - 1] === 100, { message: 'a plan must end at 100' });

/** Request fields a configured rule may test. A closed list, so a typo is a load error, not a silent no-op. */
export const RULE_FIELDS = [
  'serviceId',
  'version',
  'requestedBy',
  'change.linesChanged',
  'change.filesChanged',
  'change.dbMigration',
  'change.configChange',
  'change.hotfix',
  'change.summary',
  'service.tier',
  'risk.level',
  'risk.score',
] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const conditionSchema = z.strictObject({
  field: z.enum(RULE_FIELDS),
  op: z.enum(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'matches']),
  value: z.union([scalar, z.array(scalar)]),
});
export type RuleCondition = z.infer<typeof conditionSchema>;

const ruleSchema = z
  .strictObject({
    id: z.string().min(1),
    effect: z.enum(['deny', 'require_approval', 'warn']),
    reason: z.string().min(1),
    when: z.array(conditionSchema).min(1),
  })
  .superRefine((rule, ctx) => {
    rule.when.forEach((c, i) => {
      if (c.op === 'in' && !Array.isArray(c.value)) ctx.addIssue({ code: 'custom', path: ['when', i, 'value'], message: 'op "in" expects an array' });
      if (c.op !== 'in' && Array.isArray(c.value)) ctx.addIssue({ code: 'custom', path: ['when', i, 'value'], message: `op "${c.op}" expects a single value` });
      if (['gt', 'gte', 'lt', 'lte'].includes(c.op) && typeof c.value !== 'number') {
        ctx.addIssue({ code: 'custom', path: ['when', i, 'value'], message: `op "${c.op}" expects a number` });
      }
      if (c.op === 'matches') {
        const problem = linearRegexProblem(String(c.value));
        if (problem) ctx.addIssue({ code: 'custom', path: ['when', i, 'value'], message: problem });
      }
    });
  });
export type PolicyRule = z.infer<typeof ruleSchema>;

const freezeWindowSchema = z.strictObject({
  id: z.string().min(1),
  cron: z.string().refine(isValidCron, { message: 'expected a valid 5- or 6-field cron expression' }),
  durationMinutes: positiveInt,
  timezone: timezoneSchema.default('UTC'),
  reason: z.string().min(1),
  services: z.array(z.string()).optional(),
});
export type FreezeWindow = z.infer<typeof freezeWindowSchema>;

const exceptionSchema = z.strictObject({
  name: z.string().min(1),
  policyId: z.string().min(1),
  reason: z.string().min(1),
  services: z.array(z.string()).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});
export type PolicyException = z.infer<typeof exceptionSchema>;

export const configSchema = z.strictObject({
  autonomy: z.enum(AUTONOMY_LEVELS).default('GOVERNED'),
  weights: weightsSchema.default({
    service_tier: 0.25, service_health: 0.15, historical_failure: 0.2, blast_radius: 0.15, change_complexity: 0.15, timing: 0.1,
  }),
  levels: levelsSchema.default({ medium: 0.3, high: 0.55, critical: 0.75 }),
  /** GOVERNED lets MEDIUM run alone only at or above this retrieval confidence. */
  governedMinConfidence: fraction.default(0.6),
  /** Below this retrieval confidence the cautious plan runs. */
  cautiousBelowConfidence: fraction.default(0.4),
  /** Evidence against autonomy: a similarity-weighted failure share of the neighbours above this sends the deployment to a human. */
  maxSimilarFailureShare: fraction.default(0.3),
  retrieval: z
    .strictObject({ k: positiveInt.default(10), priorStrength: z.number().positive().default(10), emptyFleetFailureRate: fraction.default(0.05) })
    .default({ k: 10, priorStrength: 10, emptyFleetFailureRate: 0.05 }),
  slo: sloSchema.default({ errorRate: 0.01, p50Ms: 100, p99Ms: 500, successRate: 0.99 }),
  plans: z
    .strictObject({ default: planSchema.default([1, 5, 25, 50, 100]), cautious: planSchema.default([1, 2, 5, 10, 25, 50, 100]) })
    .default({ default: [1, 5, 25, 50, 100], cautious: [1, 2, 5, 10, 25, 50, 100] }),
  canary: z
    .strictObject({
      bakeSeconds: z.number().nonnegative().default(120),
      sampleIntervalSeconds: z.number().positive().default(30),
      minSamples: positiveInt.default(3),
      failureLimit: z.number().int().nonnegative().default(0),
      consecutiveErrorLimit: positiveInt.default(4),
      /** threshold: SLO thresholds alone; compare: canary against stable as well (metrics-config.ts). */
      judge: judgeSchema.default('threshold'),
      judgeByService: z.record(z.string(), judgeSchema).default({}),
      compare: compareSchema.prefault({}),
    })
    .default({ bakeSeconds: 120, sampleIntervalSeconds: 30, minSamples: 3, failureLimit: 0, consecutiveErrorLimit: 4, ...DEFAULT_JUDGE }),
  /** Real canary metrics (Prometheus); without them live mode uses live.metricsCommand or simulated metrics. */
  metrics: metricsSchema.default({}),
  approval: z.strictObject({ expiresAfterMinutes: positiveInt.default(240) }).default({ expiresAfterMinutes: 240 }),
  /**
   * Live mode: commands run as argv (never through a shell) at each traffic shift, at rollback, and to take a
   * metric sample. Placeholders in any argument: {deployment} {service} {version} {percent} {stage} {reason}.
   */
  live: z
    .strictObject({
      shiftCommand: z.array(z.string().min(1)).min(1).optional(),
      rollbackCommand: z.array(z.string().min(1)).min(1).optional(),
      metricsCommand: z.array(z.string().min(1)).min(1).optional(),
      commandTimeoutSeconds: z.number().positive().default(30),
      pollMs: z.number().int().min(5).max(5_000).default(50),
    })
    .default({ commandTimeoutSeconds: 30, pollMs: 50 }),
  /**
   * Signed audit checkpoints from the engine (issue 16): every `everyEntries` new entries and/or `everyMinutes`,
   * signed with the key in `keyFile` (`genops-tui key create`), the note piped on stdin to `command` (argv,
   * no shell; {size} and {root} are replaced). Off when absent.
   */
  checkpoints: z
    .strictObject({
      keyFile: z.string().min(1),
      everyEntries: positiveInt.optional(),
      everyMinutes: z.number().positive().optional(),
      command: z.array(z.string().min(1)).min(1),
    })
    .refine((c) => c.everyEntries !== undefined || c.everyMinutes !== undefined, { message: 'set everyEntries, everyMinutes or both', path: ['everyEntries'] })
    .optional(),
  /** Dates (YYYY-MM-DD, in the service's time zone) on which timing risk is 1.0. */
  holidays: z.array(z.iso.date()).default([]),
  /** The AI actor: built-in (default) or a model over an OpenAI-compatible endpoint (advisor-config.ts). */
  advisor: advisorConfigSchema,
  policies: z
    .strictObject({
      builtin: z
        .strictObject({
          critical_service_human_review: z.boolean().default(true),
          no_friday_deployments: z.boolean().default(true),
          error_budget_protection: z.boolean().default(true),
          db_migration_review: z.boolean().default(true),
        })
        .default({ critical_service_human_review: true, no_friday_deployments: true, error_budget_protection: true, db_migration_review: true }),
      /** On a Friday afternoon a hotfix needs approval instead of being denied. */
      fridayHotfixNeedsApprovalOnly: z.boolean().default(true),
      errorBudgetApprovalBelow: fraction.default(0.1),
      rules: z.array(ruleSchema).default([]),
      freezeWindows: z.array(freezeWindowSchema).default([]),
      exceptions: z.array(exceptionSchema).default([]),
    })
    .default({
      builtin: { critical_service_human_review: true, no_friday_deployments: true, error_budget_protection: true, db_migration_review: true },
      fridayHotfixNeedsApprovalOnly: true,
      errorBudgetApprovalBelow: 0.1,
      rules: [],
      freezeWindows: [],
      exceptions: [],
    }),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type Weights = Config['weights'];
export type LevelThresholds = Config['levels'];

/** The configuration with every default, as used when no --config is given. */
export const DEFAULT_CONFIG: Config = configSchema.parse({});

function isValidCron(expr: string): boolean {
  try {
    new Cron(expr, { paused: true });
    return true;
  } catch {
    return false;
  }
}
