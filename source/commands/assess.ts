// `genops-tui assess`: one request through the governed decision, printed for a person or as JSON.
import { Assessor } from '../domain/assess.js';
import { CatalogIndex } from '../domain/catalog.js';
import { featureEmbedder } from '../domain/embedding.js';
import { EMPTY_HISTORY, InMemoryHistory } from '../domain/history.js';
import { loadCatalog, loadConfig, loadHistory, loadRequest } from '../io/load.js';
import { formatProblem, InputError } from '../io/input-error.js';
import { assessmentText } from '../report/assessment-text.js';
import { colourWanted, makePaint } from '../report/paint.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';

export interface AssessOptions {
  catalog?: string;
  request?: string;
  config?: string;
  history?: string;
  json: boolean;
  color: boolean;
  ascii: boolean;
}

export function assessCommand(opts: AssessOptions, io: CommandIo): number {
  if (!opts.catalog) throw new UsageError('assess needs --catalog FILE');
  if (!opts.request) throw new UsageError('assess needs --request FILE (or - for stdin)');
  const config = loadConfig(opts.config);
  const catalog = new CatalogIndex(loadCatalog(opts.catalog));
  const request = loadRequest(opts.request);
  if (!catalog.get(request.serviceId)) {
    throw new InputError([{ file: opts.request === '-' ? '(stdin)' : opts.request, field: 'serviceId', message: `unknown service "${request.serviceId}": not in ${opts.catalog}` }]);
  }
  let history = EMPTY_HISTORY;
  if (opts.history) {
    const memory = new InMemoryHistory(catalog, featureEmbedder);
    const loaded = loadHistory(opts.history);
    for (const p of loaded.problems) io.err(`warning: skipped ${formatProblem(p)}`);
    for (const { value } of loaded.records) memory.add(value);
    history = memory;
  }
  const assessment = new Assessor(catalog, config, history, featureEmbedder).assess(request);
  if (opts.json) io.out(JSON.stringify(assessment, null, 2));
  else io.out(assessmentText(assessment, makePaint(opts.color && colourWanted(process.stdout)), opts.ascii));
  return 0;
}
