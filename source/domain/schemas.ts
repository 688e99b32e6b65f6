// Input shapes of SPEC.md "File formats", validated with zod. Unknown keys are errors (strictObject).
import { z } from 'zod';

const fraction = z.number().min(0).max(1);
const nonNegative = z.number().nonnegative();
export const TIERS = ['critical', 'high', 'medium', 'low'] as const;
export const tierSchema = z.enum(TIERS);

/** An IANA time zone that this runtime knows (Intl rejects unknown ones). */
export const timezoneSchema = z.string().refine(isKnownTimezone, { message: 'expected an IANA time zone such as "Europe/Berlin"' });

export function isKnownTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Ids, versions and service ids reach stage commands as arguments ({deployment}, {version}, {service}), log
 * lines and terminals: printable, no whitespace, not starting with "-" (never read as an option), at most 200
 * characters.
 */
export const COMMAND_SAFE_RULE = 'printable characters without spaces, in Unicode NFC, not starting with "-" or another dash, at most 200';
const UNPRINTABLE = /[\s\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/u;
/** A leading hyphen-minus, or any dash or minus sign a person would take for one (‐ − － ﹣ …). */
const LEADING_DASH = /^[\p{Pd}\u2212]/u;
export const commandSafeSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((v) => !LEADING_DASH.test(v.normalize('NFKC')), { message: `must not start with "-" or a dash that looks like one (it would read as an option); allowed: ${COMMAND_SAFE_RULE}` })
  .refine((v) => v === v.normalize('NFC'), { message: 'must be in Unicode normal form C (two spellings of "é" would give two ids that look the same)' })
  .refine((v) => !UNPRINTABLE.test(v), { message: `contains a space, control, invisible or bidi character; allowed: ${COMMAND_SAFE_RULE}` });

export const sloSchema = z.strictObject({
  errorRate: fraction,
  p50Ms: nonNegative,
  p99Ms: nonNegative,
  successRate: fraction,
});

export const healthSchema = z.strictObject({
  errorRate: fraction,
  p50Ms: nonNegative,
  p99Ms: nonNegative,
  availability: fraction,
});

export const serviceSchema = z.strictObject({
  id: commandSafeSchema,
  name: z.string().min(1).max(200),
  tier: tierSchema,
  dependencies: z.array(commandSafeSchema).default([]),
  timezone: timezoneSchema.default('UTC'),
  errorBudgetRemaining: z.number().min(-1).max(1),
  health: healthSchema,
  slo: sloSchema.optional(),
});

export const catalogSchema = z
  .strictObject({ services: z.array(serviceSchema).min(1) })
  .superRefine((catalog, ctx) => {
    const ids = new Set<string>();
    catalog.services.forEach((service, i) => {
      if (ids.has(service.id)) ctx.addIssue({ code: 'custom', path: ['services', i, 'id'], message: `duplicate service id "${service.id}"` });
      ids.add(service.id);
    });
    catalog.services.forEach((service, i) => {
      service.dependencies.forEach((dep, j) => {
        if (!ids.has(dep)) ctx.addIssue({ code: 'custom', path: ['services', i, 'dependencies', j], message: `unknown service "${dep}"` });
        if (dep === service.id) ctx.addIssue({ code: 'custom', path: ['services', i, 'dependencies', j], message: 'a service cannot depend on itself' });
      });
    });
    const cycle = findDependencyCycle(catalog.services);
    if (cycle) ctx.addIssue({ code: 'custom', path: ['services'], message: `dependency cycle: ${cycle.join(' -> ')}` });
  });

/** The first dependency cycle found by depth-first search, as a list of ids that starts and ends on the same one. */
export function findDependencyCycle(services: ReadonlyArray<{ id: string; dependencies: readonly string[] }>): string[] | undefined {
  const deps = new Map(services.map((s) => [s.id, s.dependencies]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      const cycle = deps.has(dep) ? visit(dep) : undefined;
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const s of services) {
    const cycle = visit(s.id);
    if (cycle) return cycle;
  }
  return undefined;
}

export const changeSchema = z.strictObject({
  linesChanged: z.number().int().nonnegative(),
  filesChanged: z.number().int().nonnegative(),
  dbMigration: z.boolean(),
  configChange: z.boolean(),
  hotfix: z.boolean(),
  summary: z.string().max(10_000),
});

export const requestSchema = z.strictObject({
  id: commandSafeSchema,
  serviceId: commandSafeSchema,
  version: commandSafeSchema,
  requestedBy: z.string().min(1).max(200),
  requestedAt: z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time with an offset, e.g. 2026-11-20T15:59:00+01:00' }),
  change: changeSchema,
  pipelineUrl: z.string().url().optional(),
});

/** `withdrawn`: its gate gave up or CI cancelled it; not a production failure, and never evidence. */
export const OUTCOMES = ['succeeded', 'rolled_back', 'failed', 'rejected', 'expired', 'blocked', 'withdrawn'] as const;
export const outcomeSchema = z.enum(OUTCOMES);

export const historyRecordSchema = z.strictObject({
  request: requestSchema,
  outcome: outcomeSchema,
  finishedAt: z.iso.datetime({ offset: true }),
  failureReason: z.string().max(2_000).optional(),
  stoppedAtStage: z.number().min(0).max(100).optional(),
});

export type Tier = z.infer<typeof tierSchema>;
export type Slo = z.infer<typeof sloSchema>;
export type Service = z.infer<typeof serviceSchema>;
export type Catalog = z.infer<typeof catalogSchema>;
export type Change = z.infer<typeof changeSchema>;
export type DeploymentRequest = z.infer<typeof requestSchema>;
export type Outcome = z.infer<typeof outcomeSchema>;
export type HistoryRecord = z.infer<typeof historyRecordSchema>;
