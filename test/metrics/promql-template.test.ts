// PromQL templates: placeholders are escaped inside string literals (regex-quoted in regex matchers), and
// templates that would put request text anywhere else are refused at load.
import { describe, expect, it } from 'vitest';
import { escapePromqlString, renderTemplate, templateProblem } from '../../source/domain/promql-template.js';
import { configSchema } from '../../source/domain/config.js';
import { DEFAULT_COMPARE } from '../../source/domain/canary-judge.js';

const values = { service: 'payments-api', version: '1.0', deployment: 'dep-1', percent: 25, stage: 2 };

describe('PromQL templates', () => {
  it('substitutes every placeholder', () => {
    const t = 'sum(rate(x{service="{service}",version="{version}",id="{deployment}"}[1m])) * {percent} / 100 + {stage}';
    expect(renderTemplate(t, values)).toBe('sum(rate(x{service="payments-api",version="1.0",id="dep-1"}[1m])) * 25 / 100 + 2');
  });

  it('a hostile version stays inside its string literal', () => {
    const t = 'sum(x{version="{version}"})';
    expect(renderTemplate(t, { ...values, version: '1.0"} or vector(1) #' })).toBe('sum(x{version="1.0\\"} or vector(1) #"})');
    expect(renderTemplate(t, { ...values, version: 'a\\"\nb' })).toBe('sum(x{version="a\\\\\\"\\nb"})');
    expect(escapePromqlString('\t\r')).toBe('\\t\\r');
  });

  it('inside a regex matcher the value is also regex-quoted', () => {
    expect(renderTemplate('x{version=~"{version}|canary"}', { ...values, version: '.*' })).toBe('x{version=~"\\\\.\\\\*|canary"}');
    expect(renderTemplate('x{version!~ "{version}"}', { ...values, version: '1.0' })).toBe('x{version!~ "1\\\\.0"}');
  });

  it('escaped quotes in the template do not confuse the scanner', () => {
    expect(renderTemplate('x{a="q\\"{version}"}', values)).toBe('x{a="q\\"1.0"}');
  });

  it('refuses text placeholders outside double-quoted strings', () => {
    expect(templateProblem('x{version="{version}"}')).toBeUndefined();
    expect(templateProblem('x * {percent}')).toBeUndefined();
    expect(templateProblem('x{version={version}}')).toMatch(/\{version\} must stand inside a double-quoted string/);
    expect(templateProblem("x{version='{version}'}")).toMatch(/must stand inside a double-quoted string/);
    expect(templateProblem('x{v=`{stage}`}')).toMatch(/\{stage\} may not stand inside a single-quoted or raw string/);
  });

  it('the configuration refuses such a template, naming the field; defaults match the judge', () => {
    const r = configSchema.safeParse({ metrics: { prometheus: { address: 'http://127.0.0.1:9090', queries: { errorRate: 'x{version={version}}' } } } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['metrics', 'prometheus', 'queries', 'errorRate']);
    const ok = configSchema.parse({ canary: { judge: 'compare', compare: { metrics: { p99Ms: { critical: true } } } } });
    expect(ok.canary.compare.metrics.p99Ms).toEqual({ ...DEFAULT_COMPARE.metrics.p99Ms, critical: true });
    expect(configSchema.parse({}).canary.compare).toEqual(DEFAULT_COMPARE);
    expect(configSchema.safeParse({ metrics: { prometheus: { address: 'ftp://x' } } }).success).toBe(false);
  });
});
