// The selected deployment's risk: score, the six factors, the decision with its reasons, the policies that
// fired, the advisor's rationale and the change, in that order, wrapped, never cut without saying so.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import type { DeploymentView } from '../../engine/deployment-view.js';
import { sanitize } from '../../domain/sanitize.js';
import type { Theme } from '../theme.js';
import { attrs, bar, glyph, LEVEL_COLOR } from '../theme.js';
import { fit, wrap } from '../text.js';
import { contentRows, fitLines, Pane } from './pane.js';

function decisionText(d: DeploymentView): string {
  const action = d.assessment.decision.action;
  return action === 'proceed' ? 'auto: proceed' : action === 'await_approval' ? 'needs approval' : 'blocked';
}

/** The risk explanation as one-row lines for a pane `width` cells wide. */
export function riskLines(d: DeploymentView, width: number, theme: Theme): ReactNode[] {
  const a = d.assessment;
  const inner = Math.max(10, width - 4);
  const barWidth = Math.max(4, Math.min(20, inner - 38));
  const x = glyph(theme, 'times');
  const lines: ReactNode[] = [];
  const wrapped = (key: string, text: string, first: string, style: Parameters<typeof attrs>[1] = {}): void => {
    wrap(text, inner - first.length).forEach((l, i) =>
      lines.push(
        <Text key={`${key}-${i}`} wrap="truncate" {...attrs(theme, style)}>
          {i === 0 ? first : ' '.repeat(first.length)}
          {l}
        </Text>,
      ),
    );
  };
  lines.push(
    <Text key="score" wrap="truncate">
      {'  '}
      <Text {...attrs(theme, { bold: true, color: LEVEL_COLOR[a.level] })}>{a.level} {a.score.toFixed(2)}</Text> total {bar(a.score, barWidth, theme)} conf {a.confidence.toFixed(2)}
    </Text>,
  );
  for (const f of a.factors) {
    lines.push(
      <Text key={f.name} wrap="truncate">
        {'  '}
        {fit(f.name, 19)}
        {bar(f.value, barWidth, theme)} {f.value.toFixed(2)}
        {x}
        {f.weight.toFixed(2)}={f.contribution.toFixed(2)}
      </Text>,
    );
  }
  lines.push(
    <Text key="decision" wrap="truncate">
      {'  '}
      <Text {...attrs(theme, { bold: true })}>{decisionText(d)}</Text> {glyph(theme, 'dot')} plan {a.decision.plan}
    </Text>,
  );
  a.decision.reasons.forEach((r, i) => wrapped(`reason-${i}`, sanitize(r), `  ${glyph(theme, 'dot')} `));
  if (a.policies.length === 0) lines.push(<Text key="nopolicy" wrap="truncate" {...attrs(theme, { dim: true })}>  no policy fired</Text>);
  for (const p of a.policies) wrapped(`policy-${p.id}`, `${p.effect}${p.waivedBy ? ` (waived: ${sanitize(p.waivedBy, 40)})` : ''} ${sanitize(p.id)}: ${sanitize(p.reason)}`, '  ', { color: p.waivedBy ? 'gray' : p.effect === 'deny' ? 'red' : p.effect === 'warn' ? 'gray' : 'yellow' });
  // The built-in advisor starts its rationale with its recommendation: said once, not "hold: hold:".
  const rationale = a.advisor.rationale.startsWith(`${a.advisor.recommendation}: `) ? a.advisor.rationale.slice(a.advisor.recommendation.length + 2) : a.advisor.rationale;
  // Which advisor answered: a model by name, or the built-in one standing in for it (and why); nothing extra for the built-in default.
  const by = a.advisor.fallbackReason ? ` built-in, standing in (${sanitize(a.advisor.fallbackReason, 80)})` : a.advisor.by === 'builtin' ? '' : ` ${sanitize(a.advisor.by, 40)}`;
  wrapped('advisor', `advisor${by} ${a.advisor.recommendation} (${a.advisor.confidence.toFixed(2)}): ${sanitize(rationale)}`, '  ', { dim: true });
  const c = d.request.change;
  wrapped('change', `${sanitize(d.request.version)} by ${sanitize(d.request.requestedBy)}: +${c.linesChanged} lines, ${c.filesChanged} files${c.dbMigration ? ', migration' : ''}${c.configChange ? ', config' : ''}${c.hotfix ? ', hotfix' : ''}`, '  ');
  wrapped('summary', `${glyph(theme, 'open')}${sanitize(c.summary)}${glyph(theme, 'close')}`, '  ', { dim: true });
  return lines;
}

/** Rows the risk pane needs to show everything at `width`. */
export const riskHeight = (d: DeploymentView, width: number, theme: Theme): number => riskLines(d, width, theme).length + 3;

export function RiskPane(props: { deployment: DeploymentView | undefined; height: number; width: number; focused: boolean; theme: Theme }) {
  const { deployment: d, theme } = props;
  if (!d) return <Pane title="Risk" focused={props.focused} height={props.height} width={props.width} theme={theme}><Text {...attrs(theme, { dim: true })}>  select a deployment</Text></Pane>;
  const title = `Risk ${glyph(theme, 'dot')} ${sanitize(d.id)} ${glyph(theme, 'dot')} ${sanitize(d.request.serviceId, 40)} ${sanitize(d.request.version, 24)}`;
  return (
    <Pane title={title} focused={props.focused} height={props.height} width={props.width} theme={theme}>
      {fitLines(riskLines(d, props.width, theme), contentRows(props.height), theme)}
    </Pane>
  );
}
