// LEARNING autonomy replayed by whatif as the engine runs it (engine/learning-loop.ts): each side's executed
// outcomes, scored as that side assessed them, in the order they finished; every 10th may move that side's
// level thresholds (domain/learning.ts), and later requests are decided with the moved ones.
import type { Assessor } from '../domain/assess.js';
import type { Config, LevelThresholds } from '../domain/config.js';
import { adaptThresholds } from '../domain/learning.js';
import type { ScoredOutcome } from '../domain/learning.js';
import type { Outcome } from '../domain/schemas.js';

export interface LearningSummary {
  /** Adaptations that moved at least one threshold. */
  moves: number;
  /** The thresholds in force after the last request. */
  thresholds: LevelThresholds;
}

export class ReplayLearning {
  private readonly scores = new Map<string, number>();
  private readonly outcomes: ScoredOutcome[] = [];
  private moves = 0;

  constructor(private readonly config: Config) {}

  private get on(): boolean {
    return this.config.autonomy === 'LEARNING';
  }

  /** A request assessed on this side: its score, for when it finishes. */
  assessed(id: string, score: number): void {
    if (this.on) this.scores.set(id, score);
  }

  /** A recorded deployment finished; the engine counts succeeded, failed and rolled back ones. */
  finished(id: string, outcome: Outcome, assessor: Assessor): void {
    if (!this.on || (outcome !== 'succeeded' && outcome !== 'failed' && outcome !== 'rolled_back')) return;
    const score = this.scores.get(id);
    if (score === undefined) return; // requested before the replayed history began
    this.scores.delete(id);
    this.outcomes.push({ score, failed: outcome !== 'succeeded' });
    if (this.outcomes.length % 10 !== 0) return;
    const { levels, reasons } = adaptThresholds(assessor.thresholds, this.config.levels, this.outcomes);
    if (reasons.length === 0) return;
    assessor.setThresholds(levels);
    this.moves += 1;
  }

  summary(assessor: Assessor | undefined): LearningSummary | undefined {
    return this.on ? { moves: this.moves, thresholds: { ...(assessor?.thresholds ?? this.config.levels) } } : undefined;
  }
}
