import { Text } from 'ink';
import type { DeploymentView } from '../../engine/deployment-view.js';
import { sanitize } from '../../domain/sanitize.js';
import type { Theme } from '../theme.js';
import { attrs, glyph, sparkline, stateLabel } from '../theme.js';
import { fit, wrap } from '../text.js';
import { countdown } from '../deployment-list.js';
import { stageOf } from './deployments-pane.js';
import { contentRows, fitLines, Pane } from './pane.js';

const VERDICT_COLOR: Record<string, string> = { Pass: 'green', Fail: 'red', Error: 'red', Inconclusive: 'yellow', NoData: 'yellow' };

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Who stopped a rolled-back canary: the operator who aborted it, otherwise the system's analysis. */
function stoppedBy(d: DeploymentView): string {
  if (d.state !== 'rolled_back' && d.state !== 'rolling_back' && d.state !== 'rollback_failed') return d.decidedBy ? ` by ${sanitize(d.decidedBy, 30)}` : '';
  return /abort/i.test(d.reason) && d.decidedBy ? ` by ${sanitize(d.decidedBy, 30)}` : ' by the system';
}

/** The countdown that matters now: the gate's expiry, or the bake left in this stage. */
function clock(d: DeploymentView, now: number, dot: string): string {
  if (d.state === 'awaiting_approval' && d.approvalExpiresAtMs !== undefined) return d.approvalExpiresAtMs > now ? ` ${dot} expires in ${countdown(d.approvalExpiresAtMs - now)} unless someone decides` : ` ${dot} past its expiry: the engine expires it at its next pass`;
  if (d.state === 'canary' && d.bakeUntilMs !== undefined) return d.bakeUntilMs > now ? ` ${dot} bake ${countdown(d.bakeUntilMs - now)} left at ${d.plan[d.stage] ?? 0}%` : ` ${dot} baked: analysing`;
  return '';
}

export function CanaryPane(props: { deployment: DeploymentView | undefined; height: number; width: number; focused: boolean; theme: Theme; slo: { errorRate: number; p99Ms: number }; now: number }) {
  const { deployment: d, theme } = props;
  if (!d) return <Pane title="Canary" focused={props.focused} height={props.height} width={props.width} theme={theme}><Text {...attrs(theme, { dim: true })}>  select a deployment</Text></Pane>;
  const s = stateLabel(d.state, theme, d.outcome);
  const dot = glyph(theme, 'dot');
  const verdictAt = new Map(d.stages.map((r) => [r.stage, r]));
  const running = d.state === 'canary' || d.state === 'paused' || d.state === 'rolling_back';
  const stopped = d.state === 'rolled_back' || d.state === 'rollback_failed';
  const errors = d.samples.flatMap((x) => (x.errorRate === undefined ? [] : [x.errorRate]));
  const p99 = d.samples.flatMap((x) => (x.p99Ms === undefined ? [] : [x.p99Ms]));
  const gaps = d.samples.filter((x) => x.providerError !== undefined || (x.errorRate === undefined && x.p99Ms === undefined)).length;
  // A rollback (done or failing) means traffic was shifted, even when no stage had been judged yet.
  const executed = d.stages.length > 0 || running || stopped || d.state === 'promoted';
  const reached = d.plan[d.stage];
  const lines = [
    <Text key="plan" wrap="truncate">
      {'  '}
      {executed
        ? d.plan.map((p, i) => {
            const v = verdictAt.get(i);
            const current = (running || stopped) && i === d.stage && !v;
            // ASCII: a pending stage has no mark (a "-" before "5%" would read as minus five).
            const mark = v ? (v.verdict === 'Pass' ? glyph(theme, 'ok') : v.verdict === 'Inconclusive' ? '?' : glyph(theme, 'bad')) : current ? (theme.ascii ? '>' : '▶') : theme.ascii ? '' : glyph(theme, 'dot');
            const color = v ? VERDICT_COLOR[v.verdict] : current ? 'cyan' : 'gray';
            return (
              <Text key={i} {...attrs(theme, { color, bold: current })}>
                {`${mark}${p}%`}
                {i < d.plan.length - 1 ? ` ${glyph(theme, 'arrow')} ` : ''}
              </Text>
            );
          })
        : <Text {...attrs(theme, { dim: true })}>no traffic: {d.assessment.decision.action === 'blocked' ? 'blocked by policy' : 'not started'}</Text>}
    </Text>,
    <Text key="state" wrap="truncate">
      {'  '}
      <Text {...attrs(theme, { color: s.color })}>{s.symbol} {s.text}</Text>
      {stoppedBy(d)}
      {stopped && executed && reached !== undefined ? ` at ${reached}% traffic (stage ${stageOf(d)})` : ''}
      {clock(d, props.now, dot)}
    </Text>,
    ...(d.state === 'rollback_failed'
      ? [
          <Text key="human" wrap="truncate" {...attrs(theme, { color: 'red', bold: true })}>{`  ${glyph(theme, 'warn')} needs a human: restore the previous version, then press R (or genops-tui resolve ${sanitize(d.id)} --reason "what was done")`}</Text>,
          ...(d.rollback
            ? wrap(
                `rollback attempt ${d.rollback.attempts} failed: ${sanitize(d.rollback.error)} ${dot} ${d.rollback.retryAtMs > props.now ? `the engine tries again in ${countdown(d.rollback.retryAtMs - props.now)}` : 'the engine tries again now'}`,
                Math.max(10, props.width - 8),
              ).map((l, i) => <Text key={`rb-${i}`} wrap="truncate" {...attrs(theme, { color: 'red' })}>{'    '}{l}</Text>)
            : []),
        ]
      : []),
    // The reason in full, wrapped: it names metric, value, threshold and stage.
    ...(d.reason ? wrap(sanitize(d.reason), Math.max(10, props.width - 8)).map((l, i) => <Text key={`reason-${i}`} wrap="truncate">{'    '}{l}</Text>) : []),
    ...(running
      ? [
          <Text key="err" wrap="truncate">  {fit('error rate', 11)}{sparkline(errors, props.slo.errorRate, theme)} {errors.length ? `${((errors.at(-1) ?? 0) * 100).toFixed(2)}% (${glyph(theme, 'le')} ${(props.slo.errorRate * 100).toFixed(1)}%)` : 'no data'}</Text>,
          <Text key="p99" wrap="truncate">  {fit('p99', 11)}{sparkline(p99, props.slo.p99Ms, theme)} {p99.length ? `${Math.round(p99.at(-1) ?? 0)}ms (${glyph(theme, 'le')} ${props.slo.p99Ms}ms)` : 'no data'}</Text>,
          <Text key="samples" {...attrs(theme, { dim: true })} wrap="truncate">  {plural(d.samples.length, 'sample')} this stage{gaps ? `, ${plural(gaps, 'gap or provider error', 'gaps or provider errors')}` : ''}</Text>,
        ]
      : []),
    // The last three verdicts; earlier ones are counted, not dropped (the plan line marks each stage).
    ...(d.stages.length > 3 ? [<Text key="earlier" wrap="truncate" {...attrs(theme, { dim: true })}>{`  ${glyph(theme, 'ellipsis')} ${d.stages.length - 3} earlier ${d.stages.length - 3 === 1 ? 'verdict' : 'verdicts'} (the detail's timeline lists them)`}</Text>] : []),
    ...d.stages.slice(-3).map((r) => (
      <Text key={`${r.stage}-${r.verdict}-${r.reason}`} wrap="truncate" {...attrs(theme, { dim: true })}>
        {'  '}
        {r.percent}%: {r.verdict} {dot} {sanitize(r.reason, 100)}
      </Text>
    )),
  ];
  return (
    <Pane title={`Canary ${dot} ${sanitize(d.id)}${executed ? ` ${dot} stage ${stageOf(d)}` : ''}`} focused={props.focused} height={props.height} width={props.width} theme={theme}>
      {fitLines(lines, contentRows(props.height), theme)}
    </Pane>
  );
}
