import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../../source/io/read-document.js';
import { InputError } from '../../source/io/input-error.js';
import { catalogSchema, requestSchema } from '../../source/domain/schemas.js';
import { configSchema } from '../../source/domain/config.js';
import { parseNdjson } from '../../source/io/ndjson.js';
import { historyRecordSchema } from '../../source/domain/schemas.js';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected an InputError');
}

const svc = (extra = '') => `{ "id": "a", "name": "A", "tier": "low", "dependencies": [], "errorBudgetRemaining": 0.5,
  "health": { "errorRate": 0.01, "p50Ms": 1, "p99Ms": 2, "availability": 1 }${extra} }`;

describe('configuration', () => {
  it('defaults to SPEC.md', () => {
    const c = parseDocumentText('c.yaml', '{}', configSchema);
    expect(c.autonomy).toBe('GOVERNED');
    expect(c.weights.service_tier).toBe(0.25);
    expect(c.plans.cautious).toEqual([1, 2, 5, 10, 25, 50, 100]);
  });
  it('names file, line and key for weights that do not sum to 1', () => {
    expect(problems(() => parseDocumentText('c.yaml', 'autonomy: SHADOW\nweights:\n  timing: 0.2\n', configSchema))).toEqual([
      'c.yaml:3: weights: weights sum to 1.100000, expected 1 (±1e-9); unset weights take their defaults',
    ]);
  });
  it('rejects unknown keys, wrong types, bad cron and bad plans, all at once', () => {
    const text = [
      'autonomy: YOLO',
      'levels: { medum: 0.2 }',
      'plans: { default: [1, 50, 25, 100] }',
      'policies:',
      '  freezeWindows:',
      '    - { id: f, cron: "61 * * * *", durationMinutes: 5, reason: r }',
    ].join('\n');
    const p = problems(() => parseDocumentText('c.yaml', text, configSchema));
    expect(p).toContain('c.yaml:1: autonomy: Invalid option: expected one of "SHADOW"|"ASSISTED"|"GOVERNED"|"LEARNING"');
    expect(p).toContain('c.yaml:2: levels: unknown key "medum"');
    expect(p).toContain('c.yaml:3: plans.default: traffic percentages must rise');
    expect(p).toContain('c.yaml:6: policies.freezeWindows[0].cron: expected a valid 5- or 6-field cron expression');
  });
  it('checks that rule operators fit their values', () => {
    const text = 'policies:\n  rules:\n    - id: r\n      effect: deny\n      reason: x\n      when:\n        - { field: change.linesChanged, op: gt, value: "a lot" }\n';
    expect(problems(() => parseDocumentText('c.yaml', text, configSchema))).toEqual(['c.yaml:7: policies.rules[0].when[0].value: op "gt" expects a number']);
  });
  it('rejects a rule over an unknown field', () => {
    const text = 'policies:\n  rules:\n    - { id: r, effect: deny, reason: x, when: [ { field: change.lines, op: gt, value: 1 } ] }\n';
    expect(problems(() => parseDocumentText('c.yaml', text, configSchema))[0]).toMatch(/^c\.yaml:3: policies\.rules\[0\]\.when\[0\]\.field: Invalid option/);
  });
});

describe('catalog', () => {
  it('reports syntax errors with a line', () => {
    expect(problems(() => parseDocumentText('cat.json', '{ "services": [\n  { "id": }\n]}', catalogSchema))[0]).toMatch(/^cat\.json:2: \(syntax\): /);
  });
  it('rejects duplicate keys in JSON', () => {
    expect(problems(() => parseDocumentText('cat.json', '{ "services": [], "services": [] }', catalogSchema))[0]).toMatch(/^cat\.json:1: \(syntax\): Map keys must be unique/);
  });
  it('names unknown dependencies and cycles', () => {
    const b = svc().replace('"id": "a"', '"id": "b"').replace('"dependencies": []', '"dependencies": ["a"]');
    const a = svc().replace('"dependencies": []', '"dependencies": ["b"]');
    expect(problems(() => parseDocumentText('cat.json', `{ "services": [\n${a},\n${b}\n] }`, catalogSchema))).toEqual(['cat.json:1: services: dependency cycle: a -> b -> a']);
    const ghost = svc().replace('"dependencies": []', '"dependencies": ["ghost"]');
    expect(problems(() => parseDocumentText('cat.json', `{ "services": [\n${ghost}\n] }`, catalogSchema))).toEqual(['cat.json:2: services[0].dependencies[0]: unknown service "ghost"']);
  });
  it('names unknown keys inside nested objects', () => {
    expect(problems(() => parseDocumentText('cat.json', `{ "services": [\n${svc(', "owner": "x"')}\n] }`, catalogSchema))).toEqual(['cat.json:2: services[0]: unknown key "owner"']);
  });
});

describe('request', () => {
  const good = { id: 'r', serviceId: 'a', version: '1', requestedBy: 'ci', requestedAt: '2026-11-20T10:00:00+01:00', change: { linesChanged: 1, filesChanged: 1, dbMigration: false, configChange: false, hotfix: false, summary: '' } };
  it('accepts a valid request', () => {
    expect(parseDocumentText('r.json', JSON.stringify(good), requestSchema).id).toBe('r');
  });
  it('rejects dates without an offset and negative sizes', () => {
    const bad = { ...good, requestedAt: '2026-11-20T10:00:00', change: { ...good.change, linesChanged: -5 } };
    const p = problems(() => parseDocumentText('r.json', JSON.stringify(bad, null, 2), requestSchema));
    expect(p).toEqual([
      'r.json:6: requestedAt: expected an ISO 8601 date-time with an offset, e.g. 2026-11-20T15:59:00+01:00',
      'r.json:8: change.linesChanged: Too small: expected number to be >=0',
    ]);
  });
});

describe('NDJSON history', () => {
  const rec = (id: string) => JSON.stringify({
    request: { id, serviceId: 'a', version: '1', requestedBy: 'ci', requestedAt: '2026-11-20T10:00:00Z', change: { linesChanged: 1, filesChanged: 1, dbMigration: false, configChange: false, hotfix: false, summary: '' } },
    outcome: 'succeeded',
    finishedAt: '2026-11-20T10:30:00Z',
  });
  it('keeps the good lines and names each bad one', () => {
    const text = [rec('a'), '{"request": ', rec('b').replace('"succeeded"', '"exploded"'), '', rec('c'), `${rec('d').slice(0, -1)},"extra":1}`].join('\n');
    const r = parseNdjson('h.ndjson', text, historyRecordSchema);
    expect(r.records.map((x) => [x.line, x.value.request.id])).toEqual([[1, 'a'], [5, 'c']]);
    expect(r.problems.map((p) => `${p.line} ${p.field}`)).toEqual(['2 (syntax)', '3 outcome', '6 (root)']);
  });
});
