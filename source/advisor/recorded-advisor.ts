// A model's answers replayed without the model: answers recorded by prompt hash (a fixture's advice lines)
// answer the same prompts again, so a replay decides byte for byte as the recording did. A prompt with no
// recorded answer is a failure of this advisor, so the built-in advisor stands in and the assessment says why.
import type { SyncAdvisor } from '../domain/advisor.js';
import { adviceOf, checkLlmAnswer } from '../domain/llm-answer.js';
import { buildPrompt } from '../domain/llm-prompt.js';
import type { AdvisorInput } from '../domain/advisor.js';
import { promptHash } from './llm-advisor.js';

export interface RecordedAnswer {
  model: string;
  temperature: number;
  promptSha256: string;
  answer: string;
}

export class NoRecordedAnswer extends Error {}

export class RecordedAdvisor implements SyncAdvisor {
  readonly name: string;
  private readonly answers = new Map<string, string>();
  /** Prompt hashes answered from the recording, for writing only what a run used. */
  readonly used = new Set<string>();

  constructor(
    readonly model: string,
    readonly temperature: number,
    answers: Iterable<RecordedAnswer>,
    /** Told about each prompt without an answer (record asks the model for them, then runs again). */
    private readonly onMiss?: (promptSha256: string, input: AdvisorInput) => void,
  ) {
    this.name = model;
    for (const a of answers) if (a.model === model && a.temperature === temperature) this.answers.set(a.promptSha256, a.answer);
  }

  answerFor(promptSha256: string): string | undefined {
    return this.answers.get(promptSha256);
  }

  advise(input: AdvisorInput) {
    const hash = promptHash(this.model, this.temperature, buildPrompt(input));
    const text = this.answers.get(hash);
    if (text === undefined) {
      this.onMiss?.(hash, input);
      throw new NoRecordedAnswer(`no recorded answer for prompt ${hash.slice(0, 12)}`);
    }
    this.used.add(hash);
    const check = checkLlmAnswer(text, input.evidence.neighbours.map((n) => n.deploymentId));
    if (!check.ok) throw new Error(check.reason);
    return adviceOf(check.answer);
  }
}

/** The advisor replaying a fixture's answers (the first model recorded there), or undefined when it has none. */
export function recordedAdvisorOf(answers: readonly RecordedAnswer[]): RecordedAdvisor | undefined {
  const first = answers[0];
  return first ? new RecordedAdvisor(first.model, first.temperature, answers) : undefined;
}
