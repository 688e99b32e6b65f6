// Replays a recorded fixture through a live engine on a virtual clock: requests arrive at their recorded
// times, canaries read the recorded samples, and people's recorded answers apply unless an operator in the
// console answered first. Idle stretches (nothing in flight) are skipped so a week replays in minutes.
import type { Engine } from '../engine/engine.js';
import { ActionRefused } from '../engine/engine.js';
import type { VirtualClock } from '../engine/clock.js';
import type { Fixture, RecordedDecision } from './fixture.js';
import type { DeploymentRequest } from '../domain/schemas.js';

export class Replay {
  private nextRequest = 0;
  private nextDecision = 0;
  readonly startMs: number;
  readonly endMs: number;
  private readonly requests: DeploymentRequest[];
  private readonly decisions: RecordedDecision[];

  /** Called for a recorded request the engine refuses (an unknown service, a duplicate id). */
  onRefused: ((request: DeploymentRequest, reason: string) => void) | undefined;

  constructor(fixture: Fixture, private readonly engine: Engine, private readonly clock: VirtualClock) {
    this.requests = fixture.requests;
    this.decisions = fixture.decisions;
    this.startMs = this.requests[0] ? Date.parse(this.requests[0].requestedAt) : clock.now();
    this.endMs = Math.max(this.startMs, ...this.requests.map((r) => Date.parse(r.requestedAt)), ...this.decisions.map((d) => d.at));
  }

  get submitted(): number {
    return this.nextRequest;
  }

  get total(): number {
    return this.requests.length;
  }

  /** True when every request was submitted and nothing is in flight any more. */
  get done(): boolean {
    return this.nextRequest >= this.requests.length && this.engine.deployments.every((d) => d.outcome !== null);
  }

  /** The next moment something happens (a request, a recorded decision, an engine deadline). */
  nextEventAt(): number | undefined {
    const r = this.requests[this.nextRequest];
    const d = this.decisions[this.nextDecision];
    const times = [r ? Date.parse(r.requestedAt) : Infinity, d ? d.at : Infinity, this.engine.nextWake() ?? Infinity];
    const min = Math.min(...times);
    return min === Infinity ? undefined : min;
  }

  /** True when nothing is in flight, so the clock may jump to the next request. */
  idle(): boolean {
    return this.engine.deployments.every((d) => d.outcome !== null || d.state === 'awaiting_approval' || d.state === 'paused');
  }

  /** Processes everything due up to `until`, in time order. */
  advanceTo(until: number): void {
    for (;;) {
      const next = this.nextEventAt();
      if (next === undefined || next > until) break;
      this.clock.set(next);
      this.step(next);
    }
    this.clock.set(until);
  }

  private step(now: number): void {
    const r = this.requests[this.nextRequest];
    if (r && Date.parse(r.requestedAt) <= now) {
      this.nextRequest += 1;
      try {
        if (!this.engine.get(r.id)) this.engine.submit(r, 'replay');
      } catch (error) {
        if (!(error instanceof ActionRefused)) throw error;
        this.onRefused?.(r, error.message);
      }
      return;
    }
    const d = this.decisions[this.nextDecision];
    if (d && d.at <= now) {
      this.nextDecision += 1;
      this.apply(d);
      return;
    }
    this.engine.tick();
  }

  private apply(d: RecordedDecision): void {
    try {
      if (d.action === 'approve') this.engine.approve(d.deploymentId, d.by, d.reason);
      else if (d.action === 'reject') this.engine.reject(d.deploymentId, d.by, d.reason);
      else if (d.action === 'resume') this.engine.resume(d.deploymentId, d.by);
      else this.engine.abort(d.deploymentId, d.by, d.reason || 'aborted');
    } catch (error) {
      // The operator (or the clock) got there first: the recording no longer applies.
      if (!(error instanceof ActionRefused)) throw error;
    }
  }
}
