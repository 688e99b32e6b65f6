import { describe, expect, it } from 'vitest';
import { decide } from '../../source/domain/autonomy.js';
import type { Advice } from '../../source/domain/advisor.js';
import type { Autonomy } from '../../source/domain/config.js';
import type { Evidence } from '../../source/domain/evidence.js';
import type { PolicyResult } from '../../source/domain/policy.js';
import type { RiskLevel } from '../../source/domain/risk.js';
import { config, request } from '../helpers/builders.js';

const proceed: Advice = { recommendation: 'proceed', confidence: 0.9, rationale: 'ok' };
const strong: Evidence = { neighbours: [], similarFailureRate: 0.05, confidence: 0.8 };
const weak: Evidence = { neighbours: [], similarFailureRate: 0.05, confidence: 0.5 };

function action(autonomy: Autonomy, level: RiskLevel, evidence = strong, policies: PolicyResult[] = [], advice = proceed, hotfix = false) {
  return decide({ request: request({}, { hotfix }), level, evidence, policies, advice, config: config({ autonomy }) });
}

describe('autonomy levels', () => {
  it('SHADOW: nothing runs alone', () => {
    for (const level of ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const) expect(action('SHADOW', level).action).toBe('await_approval');
  });
  it('ASSISTED: LOW only', () => {
    expect(action('ASSISTED', 'LOW').action).toBe('proceed');
    expect(action('ASSISTED', 'MEDIUM').action).toBe('await_approval');
  });
  it('GOVERNED: LOW; MEDIUM at confidence ≥ 0.6 with the advisor proceeding', () => {
    expect(action('GOVERNED', 'LOW').action).toBe('proceed');
    expect(action('GOVERNED', 'MEDIUM').action).toBe('proceed');
    expect(action('GOVERNED', 'MEDIUM', { ...strong, confidence: 0.6 }).action).toBe('proceed');
    expect(action('GOVERNED', 'MEDIUM', { ...strong, confidence: 0.5999 }).action).toBe('await_approval');
    expect(action('GOVERNED', 'MEDIUM', strong, [], { ...proceed, recommendation: 'hold' }).action).toBe('await_approval');
    expect(action('GOVERNED', 'HIGH').action).toBe('await_approval');
  });
  it('LEARNING gates like GOVERNED', () => {
    expect(action('LEARNING', 'MEDIUM').action).toBe('proceed');
    expect(action('LEARNING', 'MEDIUM', weak).action).toBe('await_approval');
  });
  it('evidence of similar failures sends even LOW to a human', () => {
    expect(action('GOVERNED', 'LOW', { neighbours: [], similarFailureRate: 0.5, confidence: 0.5 }).action).toBe('await_approval');
    // Too little evidence to count against it.
    expect(action('GOVERNED', 'LOW', { neighbours: [], similarFailureRate: 0.5, confidence: 0.1 }).action).toBe('proceed');
  });
});

describe('hard rules', () => {
  it('a deny wins whatever the level and autonomy', () => {
    const deny: PolicyResult = { id: 'freeze', effect: 'deny', reason: 'frozen' };
    for (const a of ['SHADOW', 'ASSISTED', 'GOVERNED', 'LEARNING'] as const) expect(action(a, 'LOW', strong, [deny]).action).toBe('blocked');
  });
  it('a waived deny does not bind', () => {
    const waived: PolicyResult = { id: 'freeze', effect: 'deny', reason: 'frozen', waivedBy: 'exception' };
    expect(action('GOVERNED', 'LOW', strong, [waived]).action).toBe('proceed');
  });
  it('require_approval policies need a human', () => {
    expect(action('GOVERNED', 'LOW', strong, [{ id: 'db', effect: 'require_approval', reason: 'migration' }]).action).toBe('await_approval');
    expect(action('GOVERNED', 'LOW', strong, [{ id: 'note', effect: 'warn', reason: 'fyi' }]).action).toBe('proceed');
  });
  it('CRITICAL never runs without a human', () => {
    expect(action('GOVERNED', 'CRITICAL').reasons).toContain('CRITICAL risk never runs without a human');
  });
  it('HIGH, CRITICAL, low confidence and hotfixes run the cautious plan', () => {
    expect(action('GOVERNED', 'LOW').plan).toBe('default');
    expect(action('GOVERNED', 'HIGH').plan).toBe('cautious');
    expect(action('GOVERNED', 'CRITICAL').plan).toBe('cautious');
    expect(action('GOVERNED', 'LOW', { ...strong, confidence: 0.39 }).plan).toBe('cautious');
    expect(action('GOVERNED', 'LOW', { ...strong, confidence: 0.4 }).plan).toBe('default');
    expect(action('GOVERNED', 'LOW', strong, [], proceed, true).plan).toBe('cautious');
  });
});
