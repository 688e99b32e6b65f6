// The deployment lifecycle as one XState machine (SPEC.md Pillar 3):
// assessed → (awaiting_approval → approved | rejected | expired) | blocked → canary stages → promoted |
// rolling_back → rolled_back | rollback_failed (retried with backoff until it works or a human resolves it);
// a withdrawal by the gate ends `withdrawn`. Time comes in as the injected clock's `now` on TICK and SAMPLED events, and
// every deadline lives in context, so a machine restored from a snapshot resumes with its deadlines intact.
// Traffic shifts and rollbacks run in invoked actors, which tests replace with provide(); samples arrive as
// SAMPLED events from whoever polls the metrics (the engine), and the machine judges them.
import { and, assign, emit, fromCallback, setup } from 'xstate';
import type { Action } from '../domain/autonomy.js';
import type { MetricSample, StageAnalysis } from '../domain/slo.js';
import type { StageSettings, StageWindow } from './stage-samples.js';
import { analyseSamples, isFailing, percentOf, samplesTaken, stageDoneAt } from './stage-samples.js';

export type MachineSettings = StageSettings;

export interface DeploymentInput {
  deploymentId: string;
  serviceId: string;
  action: Action;
  plan: number[];
  now: number;
  approvalExpiresAt: number;
  settings: MachineSettings;
}

export interface DeploymentContext extends DeploymentInput, StageWindow {
  stageStartedAt: number;
  /** The latest stage analysis, with the stage it judged (the machine may have moved on since). */
  analysis: (StageAnalysis & { stage: number; percent: number }) | null;
  /** Why it ended or paused, in words. */
  reason: string;
  /** Highest traffic share that reached users, for the outcome (failed at 100%, rolled_back before). */
  maxTraffic: number;
  decidedBy: string | null;
  /** The gate withdrew it (a CI cancel): once traffic is back on stable it ends `withdrawn`, never as a failure. */
  withdrawn?: boolean;
  /** Failed rollback attempts so far, the last error, and when the next attempt is due (rollback_failed). */
  rollbackAttempts?: number;
  rollbackError?: string;
  retryRollbackAt?: number;
}

/** Backoff between rollback attempts: 5 s, 10 s, 20 s … capped at 5 min; retries go on until one works or a human resolves it. */
export const ROLLBACK_RETRY = { firstMs: 5_000, maxMs: 300_000 } as const;
export const rollbackBackoffMs = (attempts: number): number => Math.min(ROLLBACK_RETRY.maxMs, ROLLBACK_RETRY.firstMs * 2 ** Math.max(0, attempts - 1));

/** Samples for a stage, from its sample `fromIndex` on, in order; `now` is when they were delivered. */
export interface SampledEvent { type: 'SAMPLED'; now: number; stage: number; fromIndex: number; samples: MetricSample[] }

export type DeploymentEvent =
  | { type: 'TICK'; now: number }
  | { type: 'APPROVE'; by: string; reason?: string }
  | { type: 'REJECT'; by: string; reason: string }
  | { type: 'WITHDRAW'; by: string }
  | { type: 'PAUSE'; by: string }
  | { type: 'RESUME'; by: string }
  | { type: 'PROMOTE'; by: string }
  | { type: 'ABORT'; by: string; reason: string }
  | { type: 'SHIFTED' }
  | { type: 'SHIFT_FAILED'; error: string }
  | SampledEvent
  | { type: 'ROLLED_BACK' }
  | { type: 'ROLLBACK_FAILED'; error: string; now?: number }
  /** A human confirms traffic is back on the stable version after the rollback command kept failing. */
  | { type: 'RESOLVE'; by: string; reason: string }
  /**
   * The engine restarted and its metric source reads only the present: the time nobody watched is not
   * observation, so the stage bakes on for what it had left, from now, with no samples for the gap.
   */
  | { type: 'REBAKE'; now: number };

/**
 * What the machine announces for the audit trail, as it happens: the engine stamps each with the time and the
 * actor and appends it, in the order announced. (Human decisions are audited by the engine as it applies them,
 * and the outcome when the machine reaches a final state.)
 */
export interface AuditAnnouncement { type: 'audit'; event: string; payload: Record<string, unknown> }

const isoOf = (ms: number): string => new Date(ms).toISOString();
const announcement = (event: string, payload: Record<string, unknown>): AuditAnnouncement => ({ type: 'audit', event, payload });

/** The actors' I/O; the engine provides real ones, tests fakes. */
export interface ShiftInput { deploymentId: string; serviceId: string; percent: number }
export interface RollbackInput { deploymentId: string; serviceId: string; reason: string }

const analyse = (c: DeploymentContext): StageAnalysis => analyseSamples(c, c.samples);
/** Samples meant for the stage as it is now (late answers for an earlier stage or sample are dropped). */
const isCurrent = (c: DeploymentContext, e: SampledEvent): boolean => e.stage === c.stage && e.fromIndex === c.samples.length;
const taken = (c: DeploymentContext, e: SampledEvent): MetricSample[] => e.samples.slice(0, samplesTaken(c, e.samples));

export const deploymentMachine = setup({
  types: {
    context: {} as DeploymentContext,
    events: {} as DeploymentEvent,
    input: {} as DeploymentInput,
    emitted: {} as AuditAnnouncement,
  },
  actors: {
    shiftTraffic: fromCallback<DeploymentEvent, ShiftInput>(({ sendBack }) => {
      sendBack({ type: 'SHIFTED' });
    }),
    rollback: fromCallback<DeploymentEvent, RollbackInput>(({ sendBack }) => {
      sendBack({ type: 'ROLLED_BACK' });
    }),
  },
  guards: {
    isBlocked: ({ context }) => context.action === 'blocked',
    needsApproval: ({ context }) => context.action === 'await_approval',
    approvalExpired: ({ context, event }) => event.type === 'TICK' && event.now >= context.approvalExpiresAt,
    currentSamples: ({ context, event }) => event.type === 'SAMPLED' && isCurrent(context, event),
    // Guards see the context before this event's actions: judge with the samples this event adds.
    failedFast: ({ context, event }) =>
      event.type === 'SAMPLED' && isCurrent(context, event) && isFailing(analyseSamples(context, [...context.samples, ...taken(context, event)])),
    stageDone: ({ context }) => stageDoneAt(context, context.samples, context.now),
    passed: ({ context }) => analyse(context).verdict === 'Pass',
    inconclusive: ({ context }) => analyse(context).verdict === 'Inconclusive',
    lastStage: ({ context }) => context.stage >= context.plan.length - 1,
    wasWithdrawn: ({ context }) => context.withdrawn === true,
    rollbackRetryDue: ({ context, event }) => event.type === 'TICK' && event.now >= (context.retryRollbackAt ?? 0),
  },
  actions: {
    clock: assign({ now: ({ context, event }) => (event.type === 'TICK' || event.type === 'SAMPLED' ? Math.max(context.now, event.now) : context.now) }),
    startStage: assign(({ context }) => ({
      stageStartedAt: context.now,
      nextSampleAt: context.now + context.settings.sampleIntervalMs,
      bakeUntil: context.now + context.settings.bakeMs,
      samples: [],
      analysis: null,
      maxTraffic: Math.max(context.maxTraffic, percentOf(context)),
    })),
    recordSamples: assign(({ context, event }) => {
      if (event.type !== 'SAMPLED') return {};
      const added = taken(context, event);
      return { samples: [...context.samples, ...added], nextSampleAt: context.nextSampleAt + added.length * context.settings.sampleIntervalMs };
    }),
    recordAnalysis: assign(({ context }) => {
      const analysis = analyse(context);
      return { analysis: { ...analysis, stage: context.stage, percent: percentOf(context) }, reason: analysis.reason };
    }),
    nextStage: assign({ stage: ({ context }) => context.stage + 1 }),
    decide: assign(({ event }) => {
      if (!('by' in event)) return {};
      const done = event.type === 'APPROVE' ? 'approved' : event.type === 'REJECT' ? 'rejected' : 'withdrawn';
      return { decidedBy: event.by, reason: 'reason' in event && event.reason ? `${done}: ${event.reason}` : done };
    }),
    shiftFailed: assign(({ context, event }) => ({ reason: event.type === 'SHIFT_FAILED' ? `traffic shift to ${percentOf(context)}% failed: ${event.error}` : context.reason })),
    markWithdrawn: assign({ withdrawn: true }),
    rebake: assign(({ context, event }) => {
      if (event.type !== 'REBAKE') return {};
      const now = Math.max(context.now, event.now);
      const watchedUntil = Math.min(context.bakeUntil, context.samples.at(-1)?.at ?? context.stageStartedAt);
      const left = Math.max(0, context.bakeUntil - Math.max(context.stageStartedAt, watchedUntil));
      return { now, bakeUntil: now + left, nextSampleAt: now + context.settings.sampleIntervalMs };
    }),
    announceRebake: emit(({ context: c }) => announcement('bake_resumed', { stage: c.stage, percent: c.plan[c.stage] ?? 100, bakeUntil: isoOf(c.bakeUntil), reason: 'the engine was not running: the unwatched time does not count as observation' })),
    rollbackFailed: assign(({ context, event }) => {
      if (event.type !== 'ROLLBACK_FAILED') return {};
      const attempts = (context.rollbackAttempts ?? 0) + 1;
      const now = Math.max(context.now, event.now ?? context.now);
      return { now, rollbackAttempts: attempts, rollbackError: event.error, retryRollbackAt: now + rollbackBackoffMs(attempts) };
    }),
    resolved: assign(({ context, event }) =>
      event.type === 'RESOLVE' ? { decidedBy: event.by, reason: `${context.reason}; rollback confirmed by ${event.by} after ${context.rollbackAttempts ?? 0} failed attempt(s): ${event.reason}` } : {},
    ),
    announceShift: emit(({ context: c }) => announcement('traffic_shifted', { stage: c.stage, percent: c.plan[c.stage] ?? 100 })),
    announceAnalysis: emit(({ context: c }) =>
      announcement('stage_analysed', c.analysis ? { stage: c.analysis.stage, percent: c.analysis.percent, verdict: c.analysis.verdict, reason: c.analysis.reason, measurements: c.analysis.measurements } : {}),
    ),
    announceApprovalRequested: emit(({ context: c }) => announcement('approval_requested', { expiresAt: isoOf(c.approvalExpiresAt) })),
    announceExpired: emit(({ context: c }) => announcement('expired', { reason: c.reason })),
    announcePaused: emit(({ context: c }) => announcement('paused', { stage: c.stage, reason: c.analysis?.verdict === 'Inconclusive' ? c.analysis.reason : 'operator' })),
    announceRollback: emit(({ context: c }) =>
      announcement('rollback_started', { stage: c.stage, percent: c.plan[c.stage] ?? 0, reason: c.reason, ...(c.rollbackAttempts ? { attempt: c.rollbackAttempts + 1 } : {}) }),
    ),
    announceRollbackFailed: emit(({ context: c }) =>
      announcement('rollback_failed', { attempt: c.rollbackAttempts ?? 1, error: c.rollbackError ?? '', retryAt: isoOf(c.retryRollbackAt ?? c.now), percent: c.maxTraffic }),
    ),
    expire: assign({ reason: 'no decision before the approval gate expired', decidedBy: 'system' }),
    aborted: assign(({ context, event }) => (event.type === 'ABORT' ? { decidedBy: event.by, reason: `aborted by ${event.by} at ${percentOf(context)}%: ${event.reason}` } : {})),
  },
}).createMachine({
  id: 'deployment',
  context: ({ input }) => ({
    ...input,
    stage: 0,
    stageStartedAt: input.now,
    nextSampleAt: input.now,
    bakeUntil: input.now,
    samples: [],
    analysis: null,
    reason: '',
    maxTraffic: 0,
    decidedBy: null,
  }),
  initial: 'assessed',
  on: { TICK: { actions: 'clock' } },
  states: {
    assessed: {
      always: [
        { guard: 'isBlocked', target: 'blocked' },
        { guard: 'needsApproval', target: 'awaiting_approval' },
        { target: 'canary' },
      ],
    },
    blocked: { type: 'final' },
    awaiting_approval: {
      entry: 'announceApprovalRequested',
      on: {
        TICK: [
          { guard: 'approvalExpired', actions: ['clock', 'expire'], target: 'expired' },
          { actions: 'clock' },
        ],
        APPROVE: { actions: 'decide', target: 'canary' },
        REJECT: { actions: 'decide', target: 'rejected' },
        WITHDRAW: { actions: 'decide', target: 'withdrawn' },
      },
    },
    rejected: { type: 'final' },
    withdrawn: { type: 'final' },
    expired: { type: 'final', entry: 'announceExpired' },
    canary: {
      initial: 'shifting',
      on: {
        PAUSE: { target: '.paused' },
        ABORT: { actions: 'aborted', target: 'rolling_back' },
        WITHDRAW: { actions: ['decide', 'markWithdrawn'], target: 'rolling_back' },
      },
      states: {
        shifting: {
          invoke: {
            src: 'shiftTraffic',
            input: ({ context }) => ({ deploymentId: context.deploymentId, serviceId: context.serviceId, percent: percentOf(context) }),
          },
          on: {
            SHIFTED: { actions: ['startStage', 'announceShift'], target: 'baking' },
            SHIFT_FAILED: { actions: 'shiftFailed', target: '#deployment.rolling_back' },
          },
        },
        baking: {
          always: [{ guard: 'stageDone', target: 'analysing' }],
          on: {
            SAMPLED: [
              { guard: 'failedFast', actions: ['clock', 'recordSamples', 'recordAnalysis', 'announceAnalysis'], target: '#deployment.rolling_back' },
              { guard: 'currentSamples', actions: ['clock', 'recordSamples'] },
            ],
            PROMOTE: [{ guard: 'lastStage', target: '#deployment.promoted' }, { actions: 'nextStage', target: 'shifting' }],
            REBAKE: { actions: ['rebake', 'announceRebake'] },
          },
        },
        analysing: {
          entry: ['recordAnalysis', 'announceAnalysis'],
          always: [
            { guard: and(['passed', 'lastStage']), target: '#deployment.promoted' },
            { guard: 'passed', actions: 'nextStage', target: 'shifting' },
            { guard: 'inconclusive', target: 'paused' },
            { target: '#deployment.rolling_back' },
          ],
        },
        paused: {
          entry: 'announcePaused',
          on: {
            PAUSE: undefined, // forbidden: already paused (so snapshot.can says no)
            RESUME: { target: 'shifting' },
            PROMOTE: [{ guard: 'lastStage', target: '#deployment.promoted' }, { actions: 'nextStage', target: 'shifting' }],
          },
        },
      },
    },
    rolling_back: {
      entry: 'announceRollback',
      invoke: {
        src: 'rollback',
        input: ({ context }) => ({ deploymentId: context.deploymentId, serviceId: context.serviceId, reason: context.reason }),
      },
      on: {
        ROLLED_BACK: [{ guard: 'wasWithdrawn', target: 'withdrawn' }, { target: 'rolled_back' }],
        // Traffic may still be on the bad version: never call that a rollback.
        ROLLBACK_FAILED: { actions: 'rollbackFailed', target: 'rollback_failed' },
      },
    },
    rollback_failed: {
      entry: 'announceRollbackFailed',
      on: {
        TICK: [{ guard: 'rollbackRetryDue', actions: 'clock', target: 'rolling_back' }, { actions: 'clock' }],
        RESOLVE: [
          { guard: 'wasWithdrawn', actions: 'resolved', target: 'withdrawn' },
          { actions: 'resolved', target: 'rolled_back' },
        ],
      },
    },
    rolled_back: { type: 'final' },
    promoted: { type: 'final' },
  },
});

export type DeploymentMachine = typeof deploymentMachine;
