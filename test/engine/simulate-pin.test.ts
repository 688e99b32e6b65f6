// Pins the behaviour of the whole engine: the study report and the audit chain of `simulate --seed 42 -n 2000`
// must stay byte-identical across refactors (an engine split, a store that owns its table, the machine
// announcing its audit events). A change of behaviour that is intended updates the pin in the same commit,
// saying why: `UPDATE_PINS=1 npx vitest run test/engine/simulate-pin.test.ts`.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../source/sources/simulator.js';
import { computeStudy } from '../../source/report/study.js';
import { tempDir } from '../helpers/temp-db.js';

const PIN = join('test', 'engine', 'pins', 'simulate-42-2000.json');
const dir = tempDir();

describe('behaviour pin', () => {
  it('simulate --seed 42 -n 2000: the same report and the same audit chain, byte for byte', { timeout: 120_000 }, () => {
    const run = simulate({ seed: 42, count: 2_000, services: 20, autonomy: 'GOVERNED', dbPath: join(dir, 'pin.db'), lookahead: true });
    const study = computeStudy(run, 42);
    const verified = run.engine.audit.verify();
    run.db.close();
    if (!verified.ok) throw new Error('the chain does not verify');
    const actual = {
      reportSha256: createHash('sha256').update(JSON.stringify(study)).digest('hex'),
      auditEntries: verified.count,
      auditHead: verified.head,
      outcomes: study.counts,
    };
    if (process.env.UPDATE_PINS === '1' || !existsSync(PIN)) {
      if (process.env.CI === 'true') throw new Error(`${PIN} is missing: run UPDATE_PINS=1 locally and commit it`);
      writeFileSync(PIN, `${JSON.stringify(actual, null, 2)}\n`);
    }
    expect(actual).toEqual(JSON.parse(readFileSync(PIN, 'utf8')));
  });
});
