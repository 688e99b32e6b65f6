// `genops-tui simulate`: the paper's study on a seeded synthetic workload, measured by the real engine.
import { safeJson } from '../domain/safe-json.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTONOMY_LEVELS } from '../domain/config.js';
import type { Autonomy } from '../domain/config.js';
import { simulate } from '../sources/simulator.js';
import { computeStudy } from '../report/study.js';
import { studyMarkdown } from '../report/study-text.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';

export interface SimulateFlags {
  count?: number;
  seed?: number;
  services?: number;
  autonomy?: string;
  db?: string;
  json: boolean;
  md: boolean;
  quick: boolean;
  full: boolean;
  everySample?: boolean;
}

export const FULL_STUDY = 15_847;

export function simulateCommand(flags: SimulateFlags, io: CommandIo): number {
  const count = flags.full ? FULL_STUDY : flags.quick ? 100 : (flags.count ?? 500);
  const seed = flags.seed ?? 42;
  const services = flags.services ?? 20;
  const autonomy = (flags.autonomy ?? 'governed').toUpperCase();
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw new UsageError('-n must be an integer from 1 to 1,000,000');
  if (!Number.isInteger(services) || services < 1 || services > 10_000) throw new UsageError('--services must be an integer from 1 to 10,000');
  if (!Number.isInteger(seed)) throw new UsageError('--seed must be an integer');
  if (!(AUTONOMY_LEVELS as readonly string[]).includes(autonomy)) throw new UsageError(`--autonomy must be one of ${AUTONOMY_LEVELS.join(', ').toLowerCase()}`);
  // Without --db the study runs in a throw-away database, so it never mixes with the console's history.
  const dir = flags.db ? undefined : mkdtempSync(join(tmpdir(), 'genops-sim-'));
  const dbPath = flags.db ?? join(dir as string, 'study.db');
  const tty = Boolean(process.stderr.isTTY) && !flags.json;
  const started = performance.now();
  try {
    const run = simulate({
      seed,
      count,
      services,
      autonomy: autonomy as Autonomy,
      dbPath,
      lookahead: !flags.everySample,
      ...(tty ? { onProgress: (done: number, total: number) => process.stderr.write(`\r${progressBar(done, total)}`) } : {}),
    });
    const study = computeStudy(run, seed);
    run.db.close();
    // On a terminal only: the report itself stays byte-identical for a seed.
    if (tty) process.stderr.write(` in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    if (flags.json) io.out(safeJson(study, 2));
    else io.out(studyMarkdown(study));
    return 0;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `simulating [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}
