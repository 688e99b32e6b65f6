// `genops-tui evaluate --config F [FIXTURE.ndjson | --history F --catalog F | --db F] [-n N] [--md|--json]`:
// the configured advisor in shadow over recorded history, scored against what actually happened.
import { Assessor, UnknownServiceError } from '../domain/assess.js';
import type { Advice, AdvisorInput } from '../domain/advisor.js';
import { builtinAdvisor } from '../domain/advisor.js';
import { retrievalEmbedder } from '../advisor/retrieval-embedder.js';
import { isExecuted } from '../domain/evidence.js';
import type { Outcome } from '../domain/schemas.js';
import { loadConfig } from '../io/load.js';
import { formatProblem } from '../io/input-error.js';
import { llmAdvisorFromConfig } from '../advisor/from-config.js';
import type { AdvisorCall } from '../domain/advisor-call.js';
import { MemoryAnswerCache } from '../advisor/llm-advisor.js';
import { memoised, walkHistory } from '../report/whatif-replay.js';
import type { ShadowCase } from '../report/advisor-evaluation.js';
import { evaluateAdvisor } from '../report/advisor-evaluation.js';
import { evaluationJson, evaluationMarkdown } from '../report/advisor-evaluation-text.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';
import type { HistorySourceFlags } from './whatif.js';
import { recordedHistory } from './whatif.js';

export interface EvaluateFlags extends HistorySourceFlags {
  config?: string;
  count?: number;
  json: boolean;
  md: boolean;
}

/** What the evaluated advisor said, and what its model call cost when it made one. */
type Candidate = (input: AdvisorInput) => Promise<{ advice: Advice; call?: AdvisorCall }>;

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of results. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function evaluateCommand(file: string | undefined, flags: EvaluateFlags, io: CommandIo): Promise<number> {
  if (!flags.config) throw new UsageError('evaluate needs --config FILE with an advisor: section (kind: openai) to evaluate');
  if (flags.count !== undefined && !(Number.isInteger(flags.count) && flags.count > 0)) throw new UsageError('-n must be a positive integer');
  const config = loadConfig(flags.config);
  const a = config.advisor;
  let candidate: Candidate = (input) => Promise.resolve({ advice: builtinAdvisor.advise(input) });
  if (a.kind === 'openai') {
    const llm = llmAdvisorFromConfig(a, flags.config, new MemoryAnswerCache());
    candidate = async (input) => {
      const c = await llm.consult(input);
      return { advice: c.checked.advice, call: c.call };
    };
  }
  if (a.kind !== 'openai') io.err('warning: the configuration has no model advisor (advisor: kind openai); evaluating the built-in advisor against itself');
  const recorded = recordedHistory(file, flags, config);
  for (const p of recorded.problems) io.err(`warning: skipped ${formatProblem(p)}`);

  // Each executed deployment as the advisors would have seen it: the history as it stood when requested.
  const shown: Array<{ id: string; outcome: Outcome; input: AdvisorInput }> = [];
  let assessor: Assessor | undefined;
  // Both advisors see the evidence retrieval gives under this configuration (with text embeddings if set).
  const embedder = memoised(await retrievalEmbedder(config, flags.config, recorded.catalog, recorded.deployments));
  walkHistory(recorded.deployments, recorded.catalog, [embedder], (r, _t, [history]) => {
    if (!history) return;
    if (!r.outcome || !isExecuted(r.outcome)) return;
    assessor ??= new Assessor(recorded.catalog, config, history, embedder);
    try {
      shown.push({ id: r.request.id, outcome: r.outcome, input: assessor.advisorInput(assessor.evaluate(r.request)) });
    } catch (error) {
      if (!(error instanceof UnknownServiceError)) throw error;
    }
  });
  const cases = flags.count !== undefined ? shown.slice(-flags.count) : shown;
  const limit = a.kind === 'openai' ? a.maxConcurrent : 1;
  const results = await pool(cases, limit, async (c): Promise<ShadowCase> => {
    const answer = await candidate(c.input);
    return { id: c.id, outcome: c.outcome, builtin: builtinAdvisor.advise(c.input), candidate: answer.advice, ...(answer.call ? { call: answer.call } : {}) };
  });
  const evaluation = evaluateAdvisor(a.kind === 'openai' ? `${a.model} (${a.baseUrl})` : 'builtin', results);
  io.out(flags.json ? evaluationJson(evaluation, recorded.source) : evaluationMarkdown(evaluation, recorded.source).trimEnd());
  return 0;
}
