// LEARNING autonomy as the engine runs it: executed outcomes by score, the level thresholds adapted every 10
// of them (domain/learning.ts decides how), each change audited, and restored after a restart or a rollback.
import type { Assessor } from '../domain/assess.js';
import type { Config } from '../domain/config.js';
import { adaptThresholds } from '../domain/learning.js';
import type { ScoredOutcome } from '../domain/learning.js';
import type { AuditInput } from '../store/audit-log.js';
import type { Db } from '../store/database.js';

export class LearningLoop {
  /** Executed outcomes by score, in the order they finished. */
  private readonly scored: ScoredOutcome[] = [];

  constructor(private readonly deps: { db: Db; config: Config; assessor: Assessor }) {}

  private get on(): boolean {
    return this.deps.config.autonomy === 'LEARNING';
  }

  /** How many outcomes it holds: a mark to roll back to when a transaction fails. */
  get mark(): number {
    return this.scored.length;
  }

  /** An executed outcome; every 10th may move the thresholds, which returns the audit entry saying so. */
  record(score: number, failed: boolean, ts: string): AuditInput | undefined {
    if (!this.on) return undefined;
    this.scored.push({ score, failed });
    if (this.scored.length % 10 !== 0) return undefined;
    const { assessor, config } = this.deps;
    const before = assessor.thresholds;
    const { levels, reasons } = adaptThresholds(before, config.levels, this.scored);
    if (reasons.length === 0) return undefined;
    assessor.setThresholds(levels);
    return { ts, actor: { kind: 'ai', id: 'learning' }, event: 'thresholds_adapted', deploymentId: null, payload: { from: { ...before }, to: { ...levels }, reasons } };
  }

  /** Back to `mark` outcomes, and to the thresholds the database holds (the transaction that moved them failed). */
  rollBack(mark: number): void {
    this.scored.length = mark;
    this.restore();
  }

  /** The thresholds adapted before a restart stay adapted: the last audited change wins. */
  restore(): void {
    if (!this.on) return;
    const last = this.deps.db
      .prepare(`SELECT CAST(canonical AS TEXT) FROM audit WHERE deployment_id IS NULL AND CAST(canonical AS TEXT) LIKE '%"event":"thresholds_adapted"%' ORDER BY seq DESC LIMIT 1`)
      .pluck()
      .get() as string | undefined;
    this.deps.assessor.setThresholds(last ? (JSON.parse(last) as { payload: { to: Config['levels'] } }).payload.to : this.deps.config.levels);
  }
}
