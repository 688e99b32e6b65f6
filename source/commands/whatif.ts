// `genops-tui whatif --config NEW.yaml [--baseline OLD.yaml] [FIXTURE.ndjson | --history F --catalog C | --db F]`:
// recorded history decided again under another configuration, and the difference.
import { existsSync } from 'node:fs';
import { configChanges, summariseWhatif } from '../domain/whatif.js';
import { CatalogIndex } from '../domain/catalog.js';
import { formatProblem, InputError } from '../io/input-error.js';
import { loadCatalog, loadConfig } from '../io/load.js';
import { dbPath, openDatabase } from '../store/database.js';
import { storedCatalog } from '../store/catalog-store.js';
import { replayDecisions } from '../report/whatif-replay.js';
import { retrievalEmbedder } from '../advisor/retrieval-embedder.js';
import type { RecordedHistory } from '../report/whatif-sources.js';
import { fromDatabase, fromFixture, fromHistoryFile } from '../report/whatif-sources.js';
import { whatifJson, whatifMarkdown } from '../report/whatif-text.js';
import type { Config } from '../domain/config.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';

export interface HistorySourceFlags {
  db?: string;
  history?: string;
  catalog?: string;
}

export interface WhatifFlags extends HistorySourceFlags {
  config?: string;
  baseline?: string;
  json: boolean;
}

/** The recorded history a command reads: a fixture, a history file with a catalog, or a database. */
export function recordedHistory(file: string | undefined, flags: HistorySourceFlags, baseline: Config): RecordedHistory {
  if (file) return fromFixture(file, baseline);
  if (flags.history) {
    if (flags.catalog) return fromHistoryFile(flags.history, new CatalogIndex(loadCatalog(flags.catalog)));
    const path = dbPath(flags.db);
    if (!existsSync(path)) throw new UsageError('--history needs --catalog FILE (or a database holding the catalog, --db FILE)');
    const db = openDatabase(path);
    try {
      const catalog = storedCatalog(db);
      if (!catalog) throw new InputError([{ file: path, field: 'services', message: 'no service catalog in the database: pass --catalog FILE' }]);
      return fromHistoryFile(flags.history, new CatalogIndex(catalog));
    } finally {
      db.close();
    }
  }
  const path = dbPath(flags.db);
  if (!existsSync(path)) throw new InputError([{ file: path, field: '(file)', message: 'no such database: pass a fixture, --history FILE --catalog FILE, or --db FILE' }]);
  const db = openDatabase(path);
  try {
    return fromDatabase(db, path, flags.catalog ? loadCatalog(flags.catalog) : undefined);
  } finally {
    db.close();
  }
}

export async function whatifCommand(file: string | undefined, flags: WhatifFlags, io: CommandIo): Promise<number> {
  if (!flags.config) throw new UsageError('whatif needs --config NEW.yaml (the configuration to try)');
  const baseline = loadConfig(flags.baseline);
  const candidate = loadConfig(flags.config);
  const recorded = recordedHistory(file, flags, baseline);
  for (const p of recorded.problems) io.err(`warning: skipped ${formatProblem(p)}`);
  // Text embeddings (advisor.embeddings) change retrieval: each side then searches its own index.
  const baseEmbedder = await retrievalEmbedder(baseline, flags.baseline ?? '(defaults)', recorded.catalog, recorded.deployments);
  const nextEmbedder = await retrievalEmbedder(candidate, flags.config, recorded.catalog, recorded.deployments);
  const replay = replayDecisions(recorded.deployments, recorded.catalog, baseline, candidate, baseEmbedder, nextEmbedder, recorded.advisor);
  const report = {
    source: recorded.source,
    baseline: flags.baseline ?? 'the defaults (SPEC.md)',
    candidate: flags.config,
    changes: configChanges(baseline, candidate),
    summary: summariseWhatif(replay.rows),
    skipped: replay.skipped,
    fidelity: replay.fidelity,
    ...(replay.learning.base || replay.learning.next ? { learning: replay.learning } : {}),
  };
  io.out(flags.json ? whatifJson(report) : whatifMarkdown(report).trimEnd());
  return 0;
}
