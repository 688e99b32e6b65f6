// The deployment lifecycle as one XState machine (SPEC.md Pillar 3):
// assessed → (awaiting_approval → approved | rejected | expired) | blocked → canary stages → promoted |
// rolling_back → rolled_back. Time comes in as TICK events carrying the injected clock's `now`, and every
// deadline lives in context, so a machine restored from a snapshot resumes with its deadlines intact.
// I/O (traffic shifts, samples, rollback) happens only in invoked actors, which tests replace with provide().
import { assign, fromCallback, sendTo, setup } from 'xstate';
import type { Action } from '../domain/autonomy.js';
import type { AnalysisLimits, MetricSample, StageAnalysis } from '../domain/slo.js';
import { analyseStage } from '../domain/slo.js';
import type { Slo } from '../domain/schemas.js';

export interface MachineSettings {
  bakeMs: number;
  sampleIntervalMs: number;
  slo: Slo;
  limits: AnalysisLimits;
}

export interface DeploymentInput {
  deploymentId: string;
  serviceId: string;
  action: Action;
  plan: number[];
  now: number;
  approvalExpiresAt: number;
  settings: MachineSettings;
}

export interface DeploymentContext extends DeploymentInput {
  stage: number;
  stageStartedAt: number;
  nextSampleAt: number;
  bakeUntil: number;
  samples: MetricSample[];
  /** The latest stage analysis, with the stage it judged (the machine may have moved on since). */
  analysis: (StageAnalysis & { stage: number; percent: number }) | null;
  /** Why it ended or paused, in words. */
  reason: string;
  /** Highest traffic share that reached users, for the outcome (failed at 100%, rolled_back before). */
  maxTraffic: number;
  decidedBy: string | null;
}

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
  | { type: 'SAMPLED'; samples: MetricSample[] }
  | { type: 'ROLLED_BACK' }
  | { type: 'ROLLBACK_FAILED'; error: string };

/** The actors' I/O; the engine provides real ones, tests fakes. */
export interface ShiftInput { deploymentId: string; serviceId: string; percent: number }
export interface SampleInput { deploymentId: string; serviceId: string }
/** Sent to the sampler, which answers with one SAMPLED carrying a sample for each time, in order. */
export interface TakeSamples { type: 'TAKE_SAMPLES'; stage: number; percent: number; fromIndex: number; times: number[] }
export interface RollbackInput { deploymentId: string; serviceId: string; reason: string }

const maxSamples = (c: DeploymentContext): number => Math.ceil(c.settings.bakeMs / c.settings.sampleIntervalMs) + c.settings.limits.minSamples + c.settings.limits.consecutiveErrorLimit + 1;
const percentOf = (c: DeploymentContext): number => c.plan[c.stage] ?? 100;
const enoughSamples = (c: DeploymentContext, samples: readonly MetricSample[]): boolean => samples.filter((s) => s.providerError === undefined).length >= c.settings.limits.minSamples;
const analyseSamples = (c: DeploymentContext, samples: readonly MetricSample[]): StageAnalysis => analyseStage(samples, c.settings.slo, c.settings.limits, percentOf(c));
const analyse = (c: DeploymentContext): StageAnalysis => analyseSamples(c, c.samples);
const failing = (verdict: StageAnalysis['verdict']): boolean => verdict === 'Fail' || verdict === 'Error';
/** The stage has baked (at time `at`) with enough samples, or sampled as long as it may. */
const stageDoneAt = (c: DeploymentContext, samples: readonly MetricSample[], at: number): boolean =>
  (at >= c.bakeUntil && enoughSamples(c, samples)) || samples.length >= maxSamples(c);

/** When the current stage's samples are due, from the next one on, taken one by one or caught up at once. */
export function sampleTimes(c: DeploymentContext, until: number): number[] {
  const times: number[] = [];
  const room = maxSamples(c) - c.samples.length;
  for (let t = c.nextSampleAt; t <= until && times.length < room; t += c.settings.sampleIntervalMs) times.push(t);
  return times;
}

/** The samples due by the machine's now; the last is taken now (live ticks come a little after their time). */
function dueTimes(c: DeploymentContext): number[] {
  const times = sampleTimes(c, c.now);
  if (times.length > 0) times[times.length - 1] = c.now;
  return times;
}

/** Every time the current stage could still sample, until it must be done: what a look-ahead source answers. */
export const remainingSampleTimes = (c: DeploymentContext): number[] => sampleTimes(c, Infinity);

/**
 * How many of `batch` (the stage's next samples, in order) the machine takes: up to and including the first
 * that decides the stage (a Fail or Error verdict, or the stage done), else all. Sample by sample or caught up
 * in one batch, the stage ends at the same sample with the same verdict.
 */
export function samplesTaken(c: DeploymentContext, batch: readonly MetricSample[]): number {
  const samples = [...c.samples];
  for (const [k, sample] of batch.entries()) {
    samples.push(sample);
    if (failing(analyseSamples(c, samples).verdict) || stageDoneAt(c, samples, sample.at)) return k + 1;
  }
  return batch.length;
}

export const deploymentMachine = setup({
  types: {
    context: {} as DeploymentContext,
    events: {} as DeploymentEvent,
    input: {} as DeploymentInput,
  },
  actors: {
    shiftTraffic: fromCallback<DeploymentEvent, ShiftInput>(({ sendBack }) => {
      sendBack({ type: 'SHIFTED' });
    }),
    // One sampler per canary, asked for each sample: cheaper than an actor per sample.
    sampler: fromCallback<TakeSamples, SampleInput>(({ sendBack, receive }) => {
      receive((ask) => sendBack({ type: 'SAMPLED', samples: ask.times.map((at) => ({ at, providerError: 'no metric source configured' })) }));
    }),
    rollback: fromCallback<DeploymentEvent, RollbackInput>(({ sendBack }) => {
      sendBack({ type: 'ROLLED_BACK' });
    }),
  },
  guards: {
    isBlocked: ({ context }) => context.action === 'blocked',
    needsApproval: ({ context }) => context.action === 'await_approval',
    approvalExpired: ({ context, event }) => event.type === 'TICK' && event.now >= context.approvalExpiresAt,
    sampleDue: ({ context, event }) => event.type === 'TICK' && event.now >= context.nextSampleAt,
    // Guards see the context before this event's actions: include the samples taken.
    failedFast: ({ context, event }) =>
      event.type === 'SAMPLED' && failing(analyseSamples(context, [...context.samples, ...event.samples.slice(0, samplesTaken(context, event.samples))]).verdict),
    stageDone: ({ context }) => stageDoneAt(context, context.samples, context.now),
    passed: ({ context }) => analyse(context).verdict === 'Pass',
    inconclusive: ({ context }) => analyse(context).verdict === 'Inconclusive',
    lastStage: ({ context }) => context.stage >= context.plan.length - 1,
  },
  actions: {
    clock: assign({ now: ({ context, event }) => (event.type === 'TICK' ? Math.max(context.now, event.now) : context.now) }),
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
      const taken = samplesTaken(context, event.samples);
      return { samples: [...context.samples, ...event.samples.slice(0, taken)], nextSampleAt: context.nextSampleAt + taken * context.settings.sampleIntervalMs };
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
      on: {
        TICK: [
          { guard: 'approvalExpired', actions: ['clock', 'expire'], target: 'expired' },
          { actions: 'clock' },
        ],
        APPROVE: { actions: 'decide', target: 'canary' },
        REJECT: { actions: 'decide', target: 'rejected' },
        WITHDRAW: { actions: 'decide', target: 'rejected' },
      },
    },
    rejected: { type: 'final' },
    expired: { type: 'final' },
    canary: {
      initial: 'shifting',
      invoke: { id: 'sampler', src: 'sampler', input: ({ context }) => ({ deploymentId: context.deploymentId, serviceId: context.serviceId }) },
      on: {
        PAUSE: { target: '.paused' },
        ABORT: { actions: 'aborted', target: 'rolling_back' },
        WITHDRAW: { actions: 'decide', target: 'rolling_back' },
      },
      states: {
        shifting: {
          invoke: {
            src: 'shiftTraffic',
            input: ({ context }) => ({ deploymentId: context.deploymentId, serviceId: context.serviceId, percent: percentOf(context) }),
          },
          on: {
            SHIFTED: { actions: 'startStage', target: 'baking' },
            SHIFT_FAILED: { actions: 'shiftFailed', target: '#deployment.rolling_back' },
          },
        },
        baking: {
          always: [{ guard: 'stageDone', target: 'analysing' }],
          on: {
            TICK: [{ guard: 'sampleDue', actions: 'clock', target: 'sampling' }, { actions: 'clock', target: 'baking', reenter: true }],
            PROMOTE: [{ guard: 'lastStage', target: '#deployment.promoted' }, { actions: 'nextStage', target: 'shifting' }],
          },
        },
        sampling: {
          // Every sample due by now: one when ticked on time, several after a stall or when the clock skipped ahead.
          entry: sendTo('sampler', ({ context }): TakeSamples => ({ type: 'TAKE_SAMPLES', stage: context.stage, percent: percentOf(context), fromIndex: context.samples.length, times: dueTimes(context) })),
          on: {
            SAMPLED: [
              { guard: 'failedFast', actions: ['recordSamples', 'recordAnalysis'], target: '#deployment.rolling_back' },
              { actions: 'recordSamples', target: 'baking' },
            ],
          },
        },
        analysing: {
          entry: 'recordAnalysis',
          always: [
            { guard: 'passed', target: 'next' },
            { guard: 'inconclusive', target: 'paused' },
            { target: '#deployment.rolling_back' },
          ],
        },
        next: {
          always: [{ guard: 'lastStage', target: '#deployment.promoted' }, { actions: 'nextStage', target: 'shifting' }],
        },
        paused: {
          on: {
            RESUME: { target: 'shifting' },
            PROMOTE: [{ guard: 'lastStage', target: '#deployment.promoted' }, { actions: 'nextStage', target: 'shifting' }],
          },
        },
      },
    },
    rolling_back: {
      invoke: {
        src: 'rollback',
        input: ({ context }) => ({ deploymentId: context.deploymentId, serviceId: context.serviceId, reason: context.reason }),
      },
      on: {
        ROLLED_BACK: { target: 'rolled_back' },
        ROLLBACK_FAILED: { target: 'rolled_back', actions: assign(({ context, event }) => ({ reason: `${context.reason}; rollback command failed: ${event.type === 'ROLLBACK_FAILED' ? event.error : ''}` })) },
      },
    },
    rolled_back: { type: 'final' },
    promoted: { type: 'final' },
  },
});

export type DeploymentMachine = typeof deploymentMachine;
