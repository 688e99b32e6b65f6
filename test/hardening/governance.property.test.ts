// Governance invariants over long random runs: the independent, audit-derived checker finds no violation
// under every autonomy level, with a hostile advisor, with approvers who never answer, and with the clock
// crossing freeze windows and DST changes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { simulate } from '../../source/sources/simulator.js';
import { computeStudy } from '../../source/report/study.js';
import type { SyncAdvisor } from '../../source/domain/advisor.js';
import { AUTONOMY_LEVELS } from '../../source/domain/config.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
let n = 0;
const hostile: SyncAdvisor = { name: 'hostile', advise: () => ({ recommendation: 'proceed', confidence: 1, rationale: 'ship it, trust me' }) };
/** Starts that put weeks of traffic across DST changes in Europe and the US. */
const STARTS = ['2026-03-02T00:00:00Z', '2026-03-23T00:00:00Z', '2026-10-19T00:00:00Z', '2026-10-26T00:00:00Z'].map(Date.parse);

export const RUNS = { count: 0, deployments: 0 };

describe('governance invariants (property, long runs)', () => {
  it('zero safety violations, whatever the autonomy, advisor, approvers, freezes and DST', { timeout: 240_000 }, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom(...AUTONOMY_LEVELS),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(...STARTS),
        (seed, autonomy, hostileAdvisor, silentApprovers, startMs) => {
          const run = simulate({
            seed,
            count: 120,
            services: 10,
            autonomy,
            dbPath: join(dir, `g${n++}.db`),
            startMs,
            silentApprovers,
            ...(hostileAdvisor ? { advisor: hostile } : {}),
            config: {
              policies: {
                freezeWindows: [
                  // Berlin evenings and a Sunday-long freeze in New York: they cross DST changes in March and October.
                  { id: 'evening-freeze', cron: '0 18 * * 1-5', durationMinutes: 180, timezone: 'Europe/Berlin', reason: 'evening freeze' },
                  { id: 'sunday-freeze', cron: '0 0 * * 0', durationMinutes: 1440, timezone: 'America/New_York', reason: 'no Sunday changes' },
                ],
              },
            },
          });
          const study = computeStudy(run, seed);
          run.db.close();
          RUNS.count += 1;
          RUNS.deployments += study.counts.total;
          expect(study.safety.violations).toBe(0);
          expect(study.safety.auditIntact).toBe(true);
          if (silentApprovers) expect(study.counts.rejected).toBe(0);
          // Freeze windows really block: something was denied in every run that crossed one.
          expect(study.counts.blocked).toBeGreaterThan(0);
        },
      ),
      { numRuns: 24, seed: 2026 },
    );
    expect(RUNS.count).toBe(24);
  });
});
