import { describe, expect, it } from 'vitest';
import {
  blastRadiusFactor, complexityFactor, healthFactor, historicalFactor, levelFor, tierFactor, timingFactor, weightedScore,
} from '../../source/domain/risk.js';
import { localTime } from '../../source/domain/local-time.js';
import { DEFAULT_CONFIG } from '../../source/domain/config.js';
import { failurePosterior } from '../../source/domain/bayes.js';
import { NO_EVIDENCE, summariseEvidence } from '../../source/domain/evidence.js';
import type { Neighbour } from '../../source/domain/evidence.js';
import { catalog, service } from '../helpers/builders.js';

const slo = DEFAULT_CONFIG.slo;
const none = new Set<string>();
const at = (iso: string): number => Date.parse(iso);

describe('service tier', () => {
  it('maps tiers to SPEC values', () => {
    expect([tierFactor('critical'), tierFactor('high'), tierFactor('medium'), tierFactor('low')]).toEqual([1, 0.7, 0.4, 0.1]);
  });
});

describe('service health', () => {
  it('is half budget burn, half error-rate burn against the SLO', () => {
    expect(healthFactor(service({ errorBudgetRemaining: 1, health: { errorRate: 0, p50Ms: 1, p99Ms: 1, availability: 1 } }), slo)).toBe(0);
    expect(healthFactor(service({ errorBudgetRemaining: 0.5, health: { errorRate: 0.005, p50Ms: 1, p99Ms: 1, availability: 1 } }), slo)).toBeCloseTo(0.5);
    // Error rate 3× the SLO is clipped at 1.
    expect(healthFactor(service({ errorBudgetRemaining: 0, health: { errorRate: 0.03, p50Ms: 1, p99Ms: 1, availability: 1 } }), slo)).toBe(1);
  });
  it('uses a zero-error SLO without dividing by zero', () => {
    const strict = { ...slo, errorRate: 0 };
    expect(healthFactor(service({ errorBudgetRemaining: 1, health: { errorRate: 0.001, p50Ms: 1, p99Ms: 1, availability: 1 } }), strict)).toBe(0.5);
  });
});

describe('blast radius', () => {
  it('grows with log2 of dependents and saturates at 32', () => {
    expect(blastRadiusFactor({ dependents: [], criticalDependent: false })).toBe(0);
    expect(blastRadiusFactor({ dependents: Array.from({ length: 32 }, (_, i) => `d${i}`), criticalDependent: false })).toBe(1);
    expect(blastRadiusFactor({ dependents: ['a', 'b', 'c'], criticalDependent: false })).toBeCloseTo(2 / Math.log2(33));
  });
  it('is at least 0.7 when a critical service depends on it', () => {
    const idx = catalog(service({ id: 'db', tier: 'low' }), service({ id: 'pay', tier: 'critical', dependencies: ['db'] }));
    const entry = idx.get('db');
    expect(entry?.dependents).toEqual(['pay']);
    expect(blastRadiusFactor(entry!)).toBe(0.7);
  });
});

describe('change complexity', () => {
  const base = { linesChanged: 0, filesChanged: 0, dbMigration: false, configChange: false, hotfix: false, summary: '' };
  it('is zero for an empty change and one for the largest', () => {
    expect(complexityFactor(base)).toBe(0);
    expect(complexityFactor({ ...base, linesChanged: 100_000, filesChanged: 50, dbMigration: true, configChange: true, hotfix: true })).toBe(1);
  });
  it('weights lines, files and flags as SPEC says', () => {
    expect(complexityFactor({ ...base, linesChanged: 999 })).toBeCloseTo(0.5 * Math.log10(1000) / 4);
    expect(complexityFactor({ ...base, filesChanged: 25 })).toBeCloseTo(0.1);
    expect(complexityFactor({ ...base, dbMigration: true })).toBeCloseTo(0.2);
    expect(complexityFactor({ ...base, configChange: true, hotfix: true })).toBeCloseTo(0.2);
  });
});

describe('timing, in the service time zone', () => {
  it('Friday 15:59 vs 16:00 in America/New_York', () => {
    // 2026-11-20 is a Friday; New York is UTC−5 then.
    expect(timingFactor(localTime(at('2026-11-20T20:59:00Z'), 'America/New_York'), none)).toBe(0.6);
    expect(timingFactor(localTime(at('2026-11-20T21:00:00Z'), 'America/New_York'), none)).toBe(1.0);
  });
  it('follows DST: the same UTC instant is 16:30 before Berlin falls back and 15:30 after', () => {
    expect(timingFactor(localTime(at('2026-10-23T14:30:00Z'), 'Europe/Berlin'), none)).toBe(1.0); // CEST, UTC+2
    expect(timingFactor(localTime(at('2026-10-30T14:30:00Z'), 'Europe/Berlin'), none)).toBe(0.6); // CET, UTC+1
  });
  it('handles the spring-forward night: 03:30 local right after the gap is outside hours', () => {
    // 2026-03-08 07:30Z is 03:30 EDT (02:00–03:00 does not exist that night). A Sunday: weekend wins.
    expect(timingFactor(localTime(at('2026-03-08T07:30:00Z'), 'America/New_York'), none)).toBe(0.8);
    // 2026-03-09 is a Monday: 07:59 EDT outside hours, 08:00 inside.
    expect(timingFactor(localTime(at('2026-03-09T11:59:00Z'), 'America/New_York'), none)).toBe(0.5);
    expect(timingFactor(localTime(at('2026-03-09T12:00:00Z'), 'America/New_York'), none)).toBe(0.1);
  });
  it('weekend, Friday noon, night and working hours', () => {
    expect(timingFactor(localTime(at('2026-11-21T10:00:00Z'), 'UTC'), none)).toBe(0.8); // Saturday
    expect(timingFactor(localTime(at('2026-11-20T12:00:00Z'), 'UTC'), none)).toBe(0.6); // Friday noon
    expect(timingFactor(localTime(at('2026-11-20T11:59:00Z'), 'UTC'), none)).toBe(0.1);
    expect(timingFactor(localTime(at('2026-11-18T18:00:00Z'), 'UTC'), none)).toBe(0.5);
    expect(timingFactor(localTime(at('2026-11-18T07:59:00Z'), 'UTC'), none)).toBe(0.5);
  });
  it('a holiday is judged by the local date: 23:30 UTC on Dec 24 is Dec 25 in Tokyo', () => {
    const holidays = new Set(['2026-12-25']);
    expect(timingFactor(localTime(at('2026-12-24T23:30:00Z'), 'Asia/Tokyo'), holidays)).toBe(1.0);
    expect(timingFactor(localTime(at('2026-12-24T23:30:00Z'), 'UTC'), holidays)).toBe(0.5);
  });
});

describe('levels', () => {
  const t = DEFAULT_CONFIG.levels;
  it('puts each boundary in the higher level', () => {
    expect(levelFor(0.29999, t)).toBe('LOW');
    expect(levelFor(0.3, t)).toBe('MEDIUM');
    expect(levelFor(0.55, t)).toBe('HIGH');
    expect(levelFor(0.75, t)).toBe('CRITICAL');
    expect(levelFor(0.7499, t)).toBe('HIGH');
  });
  it('a score of exactly 0.30 from factors is MEDIUM', () => {
    const values = { service_tier: 0.3, service_health: 0.3, historical_failure: 0.3, blast_radius: 0.3, change_complexity: 0.3, timing: 0.3 };
    const r = weightedScore(values, DEFAULT_CONFIG.weights, t);
    expect(r.score).toBeCloseTo(0.3, 12);
    expect(r.factors.map((f) => f.name)).toEqual(['service_tier', 'service_health', 'historical_failure', 'blast_radius', 'change_complexity', 'timing']);
  });
});

describe('historical failure (Beta-Binomial)', () => {
  it('empty history: the fleet prior of 5%', () => {
    const p = failurePosterior({ executed: 0, failures: 0 }, { executed: 0, failures: 0 }, 10, 0.05);
    expect(p.mean).toBeCloseTo(0.05, 5);
    expect(p.interval90[0]).toBeLessThan(p.mean);
    expect(p.interval90[1]).toBeGreaterThan(p.mean);
    expect(historicalFactor(p, NO_EVIDENCE)).toBeCloseTo(0.2, 5);
  });
  it('updates on the service record with a strength-10 fleet prior', () => {
    // Fleet 10% failures; service 3 of 10 failed: (1 + 3) / (10 + 10) = 0.2.
    const p = failurePosterior({ executed: 10, failures: 3 }, { executed: 100, failures: 10 }, 10, 0.05);
    expect(p.alpha).toBeCloseTo(4);
    expect(p.beta).toBeCloseTo(16);
    expect(p.mean).toBeCloseTo(0.2);
    // Quantiles of Beta(4, 16), from scipy.stats.beta.ppf.
    expect(p.interval90[0]).toBeCloseTo(0.07529, 4);
    expect(p.interval90[1]).toBeCloseTo(0.35943, 4);
  });
  it('blends the posterior with the similar-failure rate by confidence', () => {
    const p = failurePosterior({ executed: 10, failures: 3 }, { executed: 100, failures: 10 }, 10, 0.05);
    const nb = (id: string, outcome: Neighbour['outcome']): Neighbour => ({ deploymentId: id, serviceId: 's', similarity: 0.9, outcome, finishedAt: '2026-01-01T00:00:00Z' });
    const evidence = summariseEvidence([nb('a', 'failed'), ...Array.from({ length: 9 }, (_, i) => nb(`s${i}`, 'succeeded'))], 10);
    expect(evidence.similarFailureRate).toBeCloseTo(0.1);
    // c = 0.9 × (0.5 + 0.5·|0.2 − 1|) × 1 = 0.81
    expect(evidence.confidence).toBeCloseTo(0.81);
    const h = (1 - 0.81) * 0.2 + 0.81 * 0.1;
    expect(historicalFactor(p, evidence)).toBeCloseTo(h / 0.25);
  });
  it('confidence is scaled by how many of k neighbours were found', () => {
    const nb: Neighbour = { deploymentId: 'a', serviceId: 's', similarity: 1, outcome: 'succeeded', finishedAt: '2026-01-01T00:00:00Z' };
    expect(summariseEvidence([nb, nb], 10).confidence).toBeCloseTo(0.2);
  });
});
