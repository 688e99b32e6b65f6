// `evaluate`'s report: Markdown for people, JSON for scripts.
import { sanitize } from '../domain/sanitize.js';
import type { AdvisorEvaluation, HoldScore, Rate } from './advisor-evaluation.js';

const pct = (r: Rate | null): string => (r ? `${(r.rate * 100).toFixed(1)}% (${(r.low * 100).toFixed(1)}–${(r.high * 100).toFixed(1)}%)` : 'n/a');
const row = (name: string, s: HoldScore): string => `| ${name} | ${s.holds} | ${s.heldFailures} | ${pct(s.precision)} | ${pct(s.recall)} |`;

export function evaluationMarkdown(e: AdvisorEvaluation, source: string): string {
  const c = e.calls;
  const lines = [
    '# Advisor evaluation (shadow)',
    '',
    `${e.deployments.toLocaleString('en-US')} executed deployments from ${sanitize(source, 200)}, ${e.failures} of them failed or rolled back. ` +
      `Each was shown to both advisors with the history as it stood when it was requested; neither acted.`,
    '',
    '| advisor | holds | holds that failed | precision (95% CI) | recall (95% CI) |',
    '|---|---:|---:|---|---|',
    row('built-in', e.builtin),
    row(sanitize(e.candidate, 80).replace(/\|/g, '\\|'), e.model),
    '',
    `A hold is a recommendation of hold or reject; precision: holds that failed / holds; recall: failures held / failures (Wilson 95% intervals).`,
    `Agreement with the built-in advisor (hold versus proceed): ${pct(e.agreement)}.`,
    `Failures only the model held: ${e.differences.failuresOnlyModelHeld.length}${ids(e.differences.failuresOnlyModelHeld)}; only the built-in advisor held: ${e.differences.failuresOnlyBuiltinHeld.length}${ids(e.differences.failuresOnlyBuiltinHeld)}.`,
    `Successes held needlessly by the model alone: ${e.differences.successesOnlyModelHeld}; by the built-in advisor alone: ${e.differences.successesOnlyBuiltinHeld}.`,
    '',
  ];
  if (c.total > 0) {
    lines.push(`Model calls: ${c.total}; answered ${c.answered} (${c.cached} from the cache); the built-in advisor stood in ${c.fallbacks} times${c.fallbacks ? ', counted as the model\'s answer (as in production)' : ''}.`);
    for (const r of c.fallbackReasons) lines.push(`- ${sanitize(r.reason, 100)}: ${r.count}`);
    if (c.latencyMs) lines.push(`Latency per consultation (retries included): p50 ${Math.round(c.latencyMs.p50)} ms, p90 ${Math.round(c.latencyMs.p90)} ms, max ${Math.round(c.latencyMs.max)} ms.`);
    if (c.tokens) lines.push(`Tokens: ${c.tokens.prompt.toLocaleString('en-US')} prompt + ${c.tokens.completion.toLocaleString('en-US')} completion, ${Math.round(c.tokens.perCall)} per call.`);
    lines.push('');
  }
  return lines.join('\n');
}

function ids(list: readonly string[]): string {
  if (list.length === 0) return '';
  return ` (${list.slice(0, 6).map((id) => sanitize(id, 40)).join(', ')}${list.length > 6 ? ', …' : ''})`;
}

export const evaluationJson = (e: AdvisorEvaluation, source: string): string => JSON.stringify({ version: 1, source, ...e }, null, 2);
