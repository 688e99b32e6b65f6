// The engine's own Prometheus metrics (/metrics): deployments by state, pending approvals, the audit head,
// request-to-outcome and stage durations as histograms (from the audit stream), refusals and requests.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Engine } from '../engine/engine.js';
import type { EventHub } from './event-hub.js';
import { FINAL_STATE } from '../engine/finished-view.js';
import type { Outcome } from '../domain/schemas.js';

export interface ServerMetrics {
  registry: Registry;
  refusals: Counter<'reason'>;
  requests: Counter<'route' | 'method' | 'status'>;
  stop(): void;
}

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600, 14_400];

export function serverMetrics(engine: Engine, hub: EventHub): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'genops_' });
  new Gauge({
    name: 'genops_deployments',
    help: 'Deployments in flight, and those finished since this server started, by lifecycle state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      // Finished ones are counted as they finish: the engine keeps only recent finished views in memory.
      hub.flush(); // every 'finished' entry appended so far is counted
      const counts = new Map<string, number>(finishedByState);
      for (const d of engine.deployments) if (d.outcome === null) counts.set(d.state, (counts.get(d.state) ?? 0) + 1);
      this.reset();
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'genops_pending_approvals',
    help: 'Deployments waiting for a human approval',
    registers: [registry],
    collect() {
      let n = 0;
      for (const d of engine.deployments) if (d.state === 'awaiting_approval') n += 1;
      this.set(n);
    },
  });
  new Gauge({
    name: 'genops_audit_head_seq',
    help: 'Sequence number of the last audit entry',
    registers: [registry],
    collect() {
      this.set(hub.lastSeq);
    },
  });
  const roundTrip = new Histogram({ name: 'genops_gate_round_trip_seconds', help: 'From request to outcome, approval waits included', labelNames: ['outcome'], buckets: DURATION_BUCKETS, registers: [registry] });
  const stage = new Histogram({ name: 'genops_stage_duration_seconds', help: 'From a traffic shift to the stage verdict', labelNames: ['verdict'], buckets: DURATION_BUCKETS, registers: [registry] });
  const refusals = new Counter({ name: 'genops_http_refusals_total', help: 'HTTP calls refused (401/403), by reason', labelNames: ['reason'], registers: [registry] });
  const requests = new Counter({ name: 'genops_http_requests_total', help: 'HTTP requests answered', labelNames: ['route', 'method', 'status'], registers: [registry] });
  const streamDelay = new Histogram({
    name: 'genops_event_stream_delay_seconds',
    help: "From an audit entry's timestamp to its being written to the open event streams (observed while any are open)",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const stopWritten = hub.onWritten((entries) => {
    const now = Date.now();
    for (const e of entries) streamDelay.observe(Math.max(0, now - Date.parse(e.ts)) / 1000);
  });
  const shiftedAt = new Map<string, number>();
  const finishedByState = new Map<string, number>();
  const stop = hub.follow((e) => {
    if (e.deploymentId === null) return;
    if (e.event === 'traffic_shifted') shiftedAt.set(e.deploymentId, Date.parse(e.ts));
    else if (e.event === 'stage_analysed') {
      const from = shiftedAt.get(e.deploymentId);
      if (from !== undefined) stage.observe({ verdict: String(e.payload.verdict) }, Math.max(0, Date.parse(e.ts) - from) / 1000);
    } else if (e.event === 'finished') {
      shiftedAt.delete(e.deploymentId);
      const state = FINAL_STATE[e.payload.outcome as Outcome] as string | undefined;
      if (state !== undefined) finishedByState.set(state, (finishedByState.get(state) ?? 0) + 1);
      if (typeof e.payload.cycleMs === 'number') roundTrip.observe({ outcome: String(e.payload.outcome) }, e.payload.cycleMs / 1000);
    }
  });
  return {
    registry,
    refusals,
    requests,
    stop: () => {
      stop();
      stopWritten();
    },
  };
}
