// whatif replays LEARNING autonomy's threshold moves as the engine makes them: every 10 executed outcomes,
// scored as that side assessed them, may move that side's thresholds; later requests see the moved ones.
import { describe, expect, it } from 'vitest';
import type { Assessor } from '../../source/domain/assess.js';
import type { LevelThresholds } from '../../source/domain/config.js';
import { DEFAULT_CONFIG } from '../../source/domain/config.js';
import { summariseWhatif } from '../../source/domain/whatif.js';
import { ReplayLearning } from '../../source/report/whatif-learning.js';
import { replayDecisions } from '../../source/report/whatif-replay.js';
import { fromFixture } from '../../source/report/whatif-sources.js';
import { config } from '../helpers/builders.js';

/** The two members of an Assessor that learning touches. */
function thresholdsHolder(initial: LevelThresholds): Assessor {
  let levels = initial;
  return { get thresholds() { return levels; }, setThresholds: (l: LevelThresholds) => { levels = l; } } as unknown as Assessor;
}

describe('whatif: LEARNING', () => {
  it('moves the thresholds as the engine would: failures just below medium bring it down a step, at most 0.05', () => {
    const learning = config({ autonomy: 'LEARNING' });
    const replay = new ReplayLearning(learning);
    const assessor = thresholdsHolder(learning.levels);
    // 80 quiet successes far below medium, then deployments just below it that all fail.
    for (let i = 0; i < 80; i++) replay.assessed(`ok-${i}`, 0.05);
    for (let i = 0; i < 80; i++) replay.finished(`ok-${i}`, 'succeeded', assessor);
    expect(assessor.thresholds.medium).toBe(0.3);
    for (let i = 0; i < 200; i++) {
      replay.assessed(`bad-${i}`, 0.25);
      replay.finished(`bad-${i}`, 'rolled_back', assessor);
    }
    expect(assessor.thresholds.medium).toBeLessThan(0.3);
    expect(assessor.thresholds.medium).toBeGreaterThanOrEqual(0.25);
    expect(replay.summary(assessor)?.moves).toBeGreaterThan(0);
  });

  it('off under any other autonomy; on the week fixture, LEARNING on both sides changes nothing between them', () => {
    expect(new ReplayLearning(config({})).summary(undefined)).toBeUndefined();
    const recorded = fromFixture('fixtures/replay-week.ndjson', DEFAULT_CONFIG);
    const learning = config({ autonomy: 'LEARNING' });
    const same = replayDecisions(recorded.deployments, recorded.catalog, learning, learning);
    expect(summariseWhatif(same.rows).transitions).toEqual([]);
    expect(same.learning.base).toEqual(same.learning.next);
    const vsGoverned = replayDecisions(recorded.deployments, recorded.catalog, DEFAULT_CONFIG, learning);
    expect(vsGoverned.learning.base).toBeUndefined();
    expect(vsGoverned.learning.next).toBeDefined();
  });
});
