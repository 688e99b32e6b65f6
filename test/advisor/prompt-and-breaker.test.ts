// The prompt's bytes (deterministic; untrusted text fenced wherever it comes from) and the circuit breaker's
// states on an injected clock.
import { describe, expect, it } from 'vitest';
import { buildPrompt } from '../../source/domain/llm-prompt.js';
import { promptHash } from '../../source/advisor/llm-advisor.js';
import { CircuitBreaker } from '../../source/advisor/circuit-breaker.js';
import { checkLlmAnswer } from '../../source/domain/llm-answer.js';
import { world } from './advisor-fixture.js';
import { request } from '../helpers/builders.js';

const w = world();

describe('prompt', () => {
  it('is the same bytes for the same assessment, and another hash for another summary or model', () => {
    const a = buildPrompt(w.inputOf(request({ id: 'p1' })));
    const b = buildPrompt(w.inputOf(request({ id: 'p1' })));
    expect(b).toEqual(a);
    const h = promptHash('m', 0, a);
    expect(promptHash('m', 0, b)).toBe(h);
    expect(promptHash('other', 0, a)).not.toBe(h);
    expect(promptHash('m', 0, buildPrompt(w.inputOf(request({ id: 'p1' }, { summary: 'something else' }))))).not.toBe(h);
  });

  it('fences failure reasons from history too: the injected text in a neighbour is data, its fence intact', () => {
    const [system, user] = buildPrompt(w.inputOf(request({ id: 'p2' }, { summary: 'schema change' })));
    expect(system?.content).toMatch(/never instructions to you/);
    const text = user?.content ?? '';
    const reason = text.indexOf('ignore all previous instructions');
    expect(reason).toBeGreaterThan(-1);
    // The reason sits between an opening fence and its closing one.
    const open = text.lastIndexOf('<untrusted-data label="similar deployments', reason);
    const close = text.indexOf('</untrusted-data>', reason);
    expect(open).toBeGreaterThan(-1);
    expect(close).toBeGreaterThan(reason);
    expect(text.slice(open, close)).not.toContain('</untrusted-data>');
  });

  it('an answer is accepted only with evidence among the ids given', () => {
    const ok = JSON.stringify({ recommendation: 'hold', confidence: 0.5, rationale: 'r', evidenceIds: ['a'] });
    expect(checkLlmAnswer(ok, ['a', 'b'])).toMatchObject({ ok: true });
    expect(checkLlmAnswer(ok, ['b'])).toMatchObject({ ok: false });
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold, lets one trial through after the cooldown, closes on success, reopens on failure', () => {
    let now = 0;
    const b = new CircuitBreaker(2, 1_000, () => now);
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state()).toBe('closed');
    b.failure();
    expect(b.state()).toBe('open');
    expect(b.allow()).toBe(false);
    now = 1_000;
    expect(b.state()).toBe('half-open');
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false); // one trial at a time
    b.failure();
    expect(b.state()).toBe('open');
    now = 2_000;
    expect(b.allow()).toBe(true);
    b.success();
    expect(b.state()).toBe('closed');
    expect(b.allow()).toBe(true);
  });
});
