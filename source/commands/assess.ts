// `genops-tui assess`: one request through the governed decision, printed for a person or as JSON.
import { safeJson } from '../domain/safe-json.js';
import { Assessor } from '../domain/assess.js';
import type { Assessment } from '../domain/assess.js';
import type { HistoryView } from '../domain/history.js';
import { openStoreContext } from './context.js';
import { CatalogIndex } from '../domain/catalog.js';
import { featureEmbedder } from '../domain/embedding.js';
import { EMPTY_HISTORY, InMemoryHistory } from '../domain/history.js';
import { loadCatalog, loadConfig, loadHistory, loadRequest } from '../io/load.js';
import { formatProblem, InputError } from '../io/input-error.js';
import { assessmentText } from '../report/assessment-text.js';
import { colourWanted, makePaint } from '../report/paint.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';
import { assessWithModel } from '../advisor/assess-with-model.js';
import { AdvisorAnswers } from '../store/advisor-answers.js';

export interface AssessOptions {
  catalog?: string;
  request?: string;
  config?: string;
  history?: string;
  db?: string;
  json: boolean;
  color: boolean;
  ascii: boolean;
}

export async function assessCommand(opts: AssessOptions, io: CommandIo): Promise<number> {
  if (!opts.catalog && !opts.db) throw new UsageError('assess needs --catalog FILE (or --db FILE with a stored catalog)');
  if (!opts.request) throw new UsageError('assess needs --request FILE (or - for stdin)');
  const config = loadConfig(opts.config);
  const request = loadRequest(opts.request);
  // History: an NDJSON file in memory (--history), the database (--db), or none.
  const store = opts.db && !opts.history ? openStoreContext({ db: opts.db, catalog: opts.catalog }) : undefined;
  try {
    const catalog = store?.catalog ?? new CatalogIndex(loadCatalog(catalogFile(opts)));
    if (!catalog.get(request.serviceId)) {
      throw new InputError([{ file: opts.request === '-' ? '(stdin)' : opts.request, field: 'serviceId', message: `unknown service "${request.serviceId}": not in the catalog` }]);
    }
    const history = store?.history ?? (opts.history ? memoryHistory(opts.history, catalog, io) : EMPTY_HISTORY);
    const assessor = new Assessor(catalog, config, history, featureEmbedder);
    // With a model configured (advisor: kind openai) it is asked, as the live engine would; answers are cached in the database when there is one.
    const assessment =
      config.advisor.kind === 'openai' ? await assessWithModel(assessor, request, config.advisor, opts.config ?? '', store ? new AdvisorAnswers(store.db) : undefined) : assessor.assess(request);
    print(assessment, opts, io);
    return 0;
  } finally {
    store?.close();
  }
}

function catalogFile(opts: AssessOptions): string {
  if (!opts.catalog) throw new UsageError('assess --history needs --catalog FILE');
  return opts.catalog;
}

function memoryHistory(file: string, catalog: CatalogIndex, io: CommandIo): HistoryView {
  const memory = new InMemoryHistory(catalog, featureEmbedder);
  const loaded = loadHistory(file);
  for (const p of loaded.problems) io.err(`warning: skipped ${formatProblem(p)}`);
  for (const { value } of loaded.records) memory.add(value);
  return memory;
}

function print(assessment: Assessment, opts: AssessOptions, io: CommandIo): void {
  if (opts.json) io.out(safeJson(assessment, 2));
  else io.out(assessmentText(assessment, makePaint(opts.color && colourWanted(process.stdout)), opts.ascii));
}
