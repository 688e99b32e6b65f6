// fast-check generators for services, catalogs, requests and histories.
import fc from 'fast-check';
import type { DeploymentRequest, HistoryRecord, Outcome, Service } from '../../source/domain/schemas.js';
import { OUTCOMES, TIERS } from '../../source/domain/schemas.js';
import { AUTONOMY_LEVELS } from '../../source/domain/config.js';

export const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kathmandu'] as const;
const START = Date.parse('2026-01-01T00:00:00Z');
const END = Date.parse('2027-12-31T00:00:00Z');

export const arbService = (id: string, dependencyPool: readonly string[]): fc.Arbitrary<Service> =>
  fc.record({
    id: fc.constant(id),
    name: fc.constantFrom('Payments API', 'Ledger', 'Search', 'Auth', 'Feed'),
    tier: fc.constantFrom(...TIERS),
    dependencies: dependencyPool.length ? fc.uniqueArray(fc.constantFrom(...dependencyPool), { maxLength: dependencyPool.length }) : fc.constant([]),
    timezone: fc.constantFrom(...ZONES),
    errorBudgetRemaining: fc.double({ min: -0.2, max: 1, noNaN: true }),
    health: fc.record({
      errorRate: fc.double({ min: 0, max: 0.2, noNaN: true }),
      p50Ms: fc.integer({ min: 1, max: 500 }),
      p99Ms: fc.integer({ min: 1, max: 5000 }),
      availability: fc.double({ min: 0.9, max: 1, noNaN: true }),
    }),
  });

/** A fleet of 1–6 services; each may depend only on earlier ones, so there is no cycle. */
export const arbFleet: fc.Arbitrary<Service[]> = fc
  .integer({ min: 1, max: 6 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbService(`s${i}`, Array.from({ length: i }, (_, j) => `s${j}`)))));

export const arbInstant = fc.integer({ min: START, max: END }).map((ms) => new Date(ms - (ms % 60_000)).toISOString());

export const arbRequest = (serviceIds: readonly string[]): fc.Arbitrary<DeploymentRequest> =>
  fc.record({
    id: fc.uuid(),
    serviceId: fc.constantFrom(...serviceIds),
    version: fc.constant('1.0.0'),
    requestedBy: fc.constantFrom('ci', 'alice', 'bob'),
    requestedAt: arbInstant,
    change: fc.record({
      linesChanged: fc.integer({ min: 0, max: 200_000 }),
      filesChanged: fc.integer({ min: 0, max: 400 }),
      dbMigration: fc.boolean(),
      configChange: fc.boolean(),
      hotfix: fc.boolean(),
      summary: fc.constantFrom('fix typo', 'refactor payments flow', 'bump deps', 'migrate refunds table', ''),
    }),
  });

export const arbHistory = (serviceIds: readonly string[]): fc.Arbitrary<HistoryRecord[]> =>
  fc.array(
    fc.record({
      request: arbRequest(serviceIds),
      outcome: fc.constantFrom<Outcome>(...OUTCOMES),
      finishedAt: arbInstant,
    }),
    { maxLength: 40 },
  );

export const arbAutonomy = fc.constantFrom(...AUTONOMY_LEVELS);
