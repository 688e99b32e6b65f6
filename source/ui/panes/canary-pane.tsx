import { Text } from 'ink';
import type { DeploymentView } from '../../engine/deployment-view.js';
import { sanitize } from '../../domain/sanitize.js';
import type { Theme } from '../theme.js';
import { sparkline, stateLabel } from '../theme.js';
import { fit } from '../deployment-list.js';
import { Pane } from './pane.js';

const VERDICT_COLOR: Record<string, string> = { Pass: 'green', Fail: 'red', Error: 'red', Inconclusive: 'yellow', NoData: 'yellow' };

export function CanaryPane(props: { deployment: DeploymentView | undefined; height: number; width: number; focused: boolean; theme: Theme; slo: { errorRate: number; p99Ms: number } }) {
  const { deployment: d, theme } = props;
  if (!d) return <Pane title="Canary" focused={props.focused} height={props.height} width={props.width} theme={theme}><Text dimColor>  select a deployment</Text></Pane>;
  const s = stateLabel(d.state, theme, d.outcome);
  const verdictAt = new Map(d.stages.map((r) => [r.stage, r]));
  const running = d.state === 'canary' || d.state === 'paused' || d.state === 'rolling_back';
  const errors = d.samples.flatMap((x) => (x.errorRate === undefined ? [] : [x.errorRate]));
  const p99 = d.samples.flatMap((x) => (x.p99Ms === undefined ? [] : [x.p99Ms]));
  const gaps = d.samples.filter((x) => x.providerError !== undefined || (x.errorRate === undefined && x.p99Ms === undefined)).length;
  const executed = d.stages.length > 0 || running || d.state === 'promoted';
  return (
    <Pane title={`Canary · ${sanitize(d.id)}`} focused={props.focused} height={props.height} width={props.width} theme={theme}>
      <Text wrap="truncate">
        {'  '}
        {executed
          ? d.plan.map((p, i) => {
              const v = verdictAt.get(i);
              const current = running && i === d.stage && !v;
              const mark = v ? (v.verdict === 'Pass' ? (theme.ascii ? '+' : '✔') : v.verdict === 'Inconclusive' ? '?' : (theme.ascii ? 'x' : '✗')) : current ? (theme.ascii ? '>' : '▶') : theme.ascii ? '.' : '·';
              const color = v ? VERDICT_COLOR[v.verdict] : current ? 'cyan' : 'gray';
              return (
                <Text key={i} {...(theme.color && color ? { color } : {})} bold={current}>
                  {`${mark}${p}%`}
                  {i < d.plan.length - 1 ? (theme.ascii ? ' - ' : ' → ') : ''}
                </Text>
              );
            })
          : <Text dimColor>no traffic: {d.assessment.decision.action === 'blocked' ? 'blocked by policy' : 'not started'}</Text>}
      </Text>
      <Text wrap="truncate">
        {'  '}
        <Text {...(theme.color ? { color: s.color } : {})}>{s.symbol} {s.text}</Text>
        {d.decidedBy ? ` · by ${sanitize(d.decidedBy, 30)}` : ''}
        {d.reason ? ` · ${sanitize(d.reason, 120)}` : ''}
      </Text>
      {running ? (
        <>
          <Text wrap="truncate">  {fit('error rate', 11)}{sparkline(errors, props.slo.errorRate, theme)} {errors.length ? `${((errors.at(-1) ?? 0) * 100).toFixed(2)}% (≤ ${(props.slo.errorRate * 100).toFixed(1)}%)` : 'no data'}</Text>
          <Text wrap="truncate">  {fit('p99', 11)}{sparkline(p99, props.slo.p99Ms, theme)} {p99.length ? `${Math.round(p99.at(-1) ?? 0)}ms (≤ ${props.slo.p99Ms}ms)` : 'no data'}</Text>
          <Text dimColor wrap="truncate">  {d.samples.length} samples this stage{gaps ? `, ${gaps} gaps or provider errors` : ''}</Text>
        </>
      ) : null}
      {d.stages.slice(-3).map((r) => (
        <Text key={`${r.stage}-${r.verdict}-${r.reason}`} wrap="truncate" dimColor>
          {'  '}
          {r.percent}%: {r.verdict} · {sanitize(r.reason, 100)}
        </Text>
      ))}
    </Pane>
  );
}
