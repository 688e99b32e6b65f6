// The findings of an on-call operator's trial of the console in tmux, each held by keys as that operator typed
// them: promote asks first, Ctrl-C cancels a prompt before it quits, a confirmation taller than the screen
// scrolls, Enter on an audit line says what it did and Esc gives the selection back, the table's columns at
// 120 columns, and the audit pane's "more above" count.
import { afterEach, describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { cleanupSized, consoleSession, KEYS, press, renderConsole, renderSized, settle, stepUntil } from '../helpers/console-harness.js';
import { tempDir } from '../helpers/temp-db.js';
import type { DeploymentView } from '../../source/engine/deployment-view.js';
import type { AuditEntry } from '../../source/store/audit-log.js';
import { AuditPane } from '../../source/ui/panes/audit-pane.js';
import { CanaryPane } from '../../source/ui/panes/canary-pane.js';
import { HintLine } from '../../source/ui/status-bar.js';
import { DeploymentsPane } from '../../source/ui/panes/deployments-pane.js';

const dir = tempDir();
let n = 0;
const sessions: Array<{ close(): void }> = [];
const session = () => {
  const s = consoleSession(dir, `trial${n++}.db`);
  sessions.push(s);
  return s;
};
afterEach(() => {
  cleanupSized();
  for (const s of sessions.splice(0)) s.close();
});

const CTRL_C = '\u0003';
const risky = (d: DeploymentView) => d.assessment.level === 'HIGH' || d.assessment.level === 'CRITICAL';
const linesFit = (frame: string, columns: number) => frame.split('\n').every((l) => [...l].length <= columns);

async function select(stdin: { write(s: string): void }, frame: () => string | undefined, id: string): Promise<void> {
  await settle();
  await press(stdin, 'g');
  const here = (): boolean => (frame() ?? '').includes(`› ${id}`);
  for (let i = 0; i < 80 && !here(); i++) await press(stdin, 'j');
  expect(here()).toBe(true);
}

/** A canary past its first stage with a stage after the next (a copy: the engine's view changes as it runs). */
const midCanary = (ds: DeploymentView[]): DeploymentView | undefined => {
  const d = ds.find((x) => x.state === 'canary' && x.stage >= 1 && x.stage + 1 < x.plan.length - 1);
  return d && { ...d, plan: [...d.plan], samples: [...d.samples] };
};

describe('P asks before promoting', () => {
  it('names id, service, version, the traffic now and next and the stage so far; Cancel is the default; Right, Enter promotes', async () => {
    const s = session();
    stepUntil(s, (ds) => midCanary(ds) !== undefined);
    const d = midCanary(s.engine.deployments)!;
    const { stdin, lastFrame } = renderConsole(s);
    await select(stdin, lastFrame, d.id);
    await press(stdin, 'P');
    const frame = lastFrame() ?? '';
    expect(frame).toContain(`Promote ${d.id} to its next stage?`);
    expect(frame).toContain(`${d.request.serviceId} ${d.request.version}`);
    expect(frame).toContain(`now canary at ${d.plan[d.stage]}% traffic · stage ${d.stage + 1}/${d.plan.length}`);
    expect(frame).toContain(`next ${d.plan[d.stage + 1]}% traffic · stage ${d.stage + 2}/${d.plan.length}`);
    expect(frame).toContain(`this stage so far: ${d.samples.length} sample`);
    expect(frame).toMatch(/verdict none yet \(the analysis has not run\)/);
    expect(frame).toContain("Promoting skips the rest of this stage's analysis");
    expect(frame).toContain('[ Cancel ]    Promote  ');
    expect(linesFit(frame, 120)).toBe(true);
    await press(stdin, KEYS.enter); // Cancel is preselected
    expect(lastFrame()).toContain('cancelled: nothing was done');
    expect(s.engine.get(d.id)!.stage).toBe(d.stage);
    await press(stdin, 'P', KEYS.right);
    expect(lastFrame()).toContain('  Cancel    [ Promote ]');
    await press(stdin, KEYS.enter);
    expect(s.engine.get(d.id)!.stage).toBe(d.stage + 1);
    expect(lastFrame()).toContain(`promoted ${d.id} (${d.request.serviceId} ${d.request.version}) as operator-olga`);
    const olga = s.engine.audit.forDeployment(d.id).filter((e) => e.actor.id === 'operator-olga');
    expect(olga).toHaveLength(1);
    expect(olga[0]!.event).toMatch(/promot/);
  });

  it('a canary that moved to another stage while the dialog was open is refused, saying what changed', async () => {
    const s = session();
    stepUntil(s, (ds) => midCanary(ds) !== undefined);
    const d = midCanary(s.engine.deployments)!;
    const { stdin, lastFrame } = renderConsole(s);
    await select(stdin, lastFrame, d.id);
    await press(stdin, 'P', KEYS.right);
    // The recording moves the canary on while the operator reads.
    stepUntil(s, () => s.engine.get(d.id)!.stage !== d.stage || s.engine.get(d.id)!.state !== 'canary');
    const now = s.engine.get(d.id)!;
    await press(stdin, KEYS.enter);
    expect(lastFrame()).toContain(`nothing was done: ${d.id} changed while the dialog was open (was canary at stage ${d.stage + 1}, now`);
    expect(s.engine.get(d.id)!.stage).toBe(now.stage);
    expect(s.engine.audit.forDeployment(d.id).some((e) => e.actor.id === 'operator-olga')).toBe(false);
  });
});

describe('the status line', () => {
  it('a refusal just under the width, which its "! " (no colour) wraps, is drawn whole and the panes keep their borders', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.state === 'canary' && d.stage >= 1));
    const id = s.engine.deployments.find((d) => d.state === 'canary' && d.stage >= 1)!.id;
    const { stdin, lastFrame } = renderConsole(s);
    await select(stdin, lastFrame, id);
    await press(stdin, 'P', KEYS.right);
    stepUntil(s, () => s.engine.get(id)!.state !== 'canary');
    await press(stdin, KEYS.enter);
    const frame = lastFrame() ?? '';
    const said = `! nothing was done: ${id} changed while the dialog was open (was canary at stage 2, now promoted by approver-dara)`;
    expect(said.length).toBeGreaterThan(118); // one line without the "! ", two with it
    expect(frame.replace(/\n/g, ' ')).toContain(said);
    const lines = frame.split('\n');
    expect(lines.filter((l) => l.includes('┌')).length).toBe(lines.filter((l) => l.includes('└')).length);
  });
});

describe('Ctrl-C', () => {
  it('cancels a reject prompt and says so; a second Ctrl-C quits', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval'));
    const d = s.engine.deployments.find((x) => x.state === 'awaiting_approval')!;
    const { stdin, lastFrame, waitUntilExit } = renderConsole(s);
    let exited = false;
    void waitUntilExit().then(() => (exited = true));
    await select(stdin, lastFrame, d.id);
    await press(stdin, 'r', ...'too ri', CTRL_C);
    expect(exited).toBe(false);
    expect(lastFrame()).not.toContain(`Reject ${d.id}: reason`);
    expect(lastFrame()).toContain('rejection cancelled: nothing was done (Ctrl-C: a second Ctrl-C or q quits)');
    expect(s.engine.get(d.id)!.state).toBe('awaiting_approval');
    // Every other prompt and dialog too, each saying what it cancelled.
    for (const [open, said] of [[['a'], 'approval cancelled'], [['/', 's'], 'filter cleared'], [[':'], 'command cancelled'], [['?'], 'help closed']] as const) {
      await press(stdin, ...open, CTRL_C);
      expect(exited).toBe(false);
      expect(lastFrame()).toContain(`${said}`);
      expect(lastFrame()).toContain('(Ctrl-C: a second Ctrl-C or q quits)');
    }
    expect(lastFrame()).not.toContain('filter "');
    await press(stdin, CTRL_C);
    await settle();
    expect(exited).toBe(true);
    expect(s.engine.get(d.id)!.state).toBe('awaiting_approval');
  });
});

describe('a confirmation taller than the screen', () => {
  it('at 80×24 says how many lines are cut and which key brings them, scrolls with ↓/↑ and PgDn, and still confirms', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval' && risky(d) && d.assessment.policies.length > 0));
    const d = s.engine.deployments.find((x) => x.state === 'awaiting_approval' && risky(x) && x.assessment.policies.length > 0)!;
    const { stdin, lastFrame } = renderConsole(s, { size: { columns: 80, rows: 24 } });
    await select(stdin, lastFrame, d.id);
    await press(stdin, 'a');
    const first = lastFrame() ?? '';
    const cut = /… (\d+) more lines \(↓\)/.exec(first);
    expect(cut).not.toBeNull();
    expect(first).toContain('↑/↓ scroll');
    expect(first).not.toContain('more lines above');
    await press(stdin, KEYS.down);
    expect(lastFrame()).toContain('… 1 more lines above (↑)');
    // PgDn to the end: the last line of the body shows and nothing is said to be cut below.
    await press(stdin, '\u001b[6~', '\u001b[6~');
    const end = lastFrame() ?? '';
    expect(end).not.toMatch(/more lines \(↓\)/);
    expect(end).toMatch(/more lines above \(↑\)/);
    expect(linesFit(end, 80)).toBe(true);
    // Scrolling up comes back to the top; the buttons and the decision are as before.
    await press(stdin, '\u001b[5~', '\u001b[5~');
    expect(lastFrame()).not.toContain('more lines above');
    expect(lastFrame()).toContain('[ Cancel ]    Approve  ');
    await press(stdin, KEYS.right, KEYS.down, KEYS.enter);
    expect(s.engine.get(d.id)!.state).not.toBe('awaiting_approval');
    expect(lastFrame()).toContain(`approved ${d.id}`);
  });
});

describe('the help taller than the screen', () => {
  it('at 80×24 scrolls to its last key and back, saying what is cut and which key brings it', async () => {
    const s = session();
    const { stdin, lastFrame } = renderConsole(s, { size: { columns: 80, rows: 24 } });
    await settle();
    await press(stdin, '?');
    const first = Number(/… (\d+) more keys \(↓\)/.exec(lastFrame() ?? '')?.[1]);
    expect(first).toBeGreaterThan(0);
    for (let i = 0; i < first + 5; i++) await press(stdin, KEYS.down); // pressing past the end stays at the end
    expect(lastFrame()).toContain('q Ctrl-C quit');
    expect(lastFrame()).not.toMatch(/more keys \(↓\)/);
    await press(stdin, KEYS.up);
    expect(lastFrame()).toMatch(/… 2 more keys \(↓\)/); // one press back up: the last line, and the one the note takes
    expect(lastFrame()).not.toContain('q Ctrl-C quit');
    await press(stdin, '\u001b[5~', '\u001b[5~', '\u001b[5~');
    expect(lastFrame()).not.toContain('more keys above');
  });
});

describe('Enter on an audit line', () => {
  it("opens that line's deployment, says so, and Esc gives the table its selection back", async () => {
    const s = session();
    stepUntil(s, (ds) => ds.length >= 8);
    const { stdin, lastFrame } = renderConsole(s);
    await settle();
    await press(stdin, 'g');
    const before = /› (dep-\d+)/.exec(lastFrame() ?? '')![1]!;
    await press(stdin, KEYS.backtab); // the audit pane
    const target = [...s.model.audit].reverse().find((e) => e.deploymentId && e.deploymentId !== before)!;
    const back = s.model.audit.length - 1 - s.model.audit.indexOf(target);
    for (let i = 0; i < back; i++) await press(stdin, 'k');
    await press(stdin, KEYS.enter);
    expect(lastFrame()).toContain(`Risk · ${target.deploymentId}`);
    expect(lastFrame()).toContain(`showing ${target.deploymentId} from the audit line: keys here act on ${target.deploymentId}; Esc goes back to ${before}`);
    await press(stdin, KEYS.escape);
    expect(lastFrame()).toContain(`back: the selection is ${before} again`);
    expect(lastFrame()).toContain(`› ${before}`);
    expect(lastFrame()).toMatch(/▸ Audit/); // focus is where it was
    // The deciding keys act on the table's selection again, not on the line read.
    await press(stdin, 'y');
    expect(lastFrame()).toContain(`copied ${before}`);
  });
});

const theme = { color: false, ascii: false };

/** Rows as the console has them: long ids, wide (East Asian) and long service names, a gate with its countdown. */
function tableRows(n: number): DeploymentView[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `deploy-payments-${String(i).padStart(5, '0')}`,
    request: { serviceId: i % 3 === 0 ? '支付服务-api' : i % 3 === 1 ? 'payments-gateway-eu' : 'svc-1', version: `2.${i}.0-rc1` },
    tier: 'critical',
    assessment: { level: i % 2 ? 'CRITICAL' : 'LOW', score: 0.5 },
    state: i % 2 ? 'awaiting_approval' : 'canary',
    approvalExpiresAtMs: i % 2 ? 3 * 3_600_000 : undefined,
    plan: [1, 5, 25, 100],
    stage: 1,
    outcome: null,
    requestedAtMs: i,
  })) as unknown as DeploymentView[];
}

describe('the deployments table', () => {
  it('at 120 columns shows id, service, version, state and level, by column priority in display cells', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.length >= 6);
    const { lastFrame } = renderConsole(s, { size: { columns: 120, rows: 40 } });
    await settle();
    const frame = lastFrame() ?? '';
    expect(frame).toMatch(/│ {2}id +service +version +risk +state/);
    const d = s.engine.deployments.find((x) => frame.includes(`› ${x.id}`))!;
    const row = frame.split('\n').find((l) => l.includes(`› ${d.id}`))!;
    for (const part of [d.request.serviceId, d.request.version, d.assessment.level]) expect(row).toContain(part);
  });

  it.each([67, 76])('a %i-cell pane (120 and 80 columns) keeps the essential columns with long and wide names, rows aligned', async (width) => {
    const rows = tableRows(6);
    const { lastFrame } = renderSized(<DeploymentsPane rows={rows} total={6} selectedId={rows[0]!.id} now={0} height={10} width={width} focused sort="age" filter="" theme={theme} />, { columns: width, rows: 12 });
    await settle();
    const lines = (lastFrame() ?? '').split('\n');
    const header = lines.find((l) => l.includes(' id '))!;
    for (const name of ['id', 'service', 'state', 'risk']) expect(header).toContain(name);
    expect(header).toMatch(/ ver(sion)? /);
    const body = lines.filter((l) => /-000\d\d /.test(l));
    expect(body).toHaveLength(6);
    for (const [i, l] of body.entries()) {
      expect(stringWidth(l)).toBe(width);
      expect(l).toContain(`2.${i}.`); // the version, cut at worst
      expect(l).toMatch(/CRITICAL|LOW/);
      expect(l).not.toMatch(/(CRITICAL|LOW) \d?…/); // the level whole, never a cut score
      expect(l).toMatch(/awaiting|canary/);
    }
  });

  it('says how many rows are cut above and below the window, and the counts add up', async () => {
    const rows = tableRows(30);
    for (const [selected, above, below] of [[0, false, true], [15, true, true], [29, true, false]] as const) {
      const { lastFrame, unmount } = renderSized(<DeploymentsPane rows={rows} total={30} selectedId={rows[selected]!.id} now={0} height={12} width={120} focused sort="age" filter="" theme={theme} />, { columns: 120, rows: 14 });
      await settle();
      const frame = lastFrame() ?? '';
      const up = Number(/… (\d+) more above/.exec(frame)?.[1] ?? 0);
      const down = Number(/… (\d+) more below/.exec(frame)?.[1] ?? 0);
      const shown = frame.split('\n').filter((l) => /-000\d\d /.test(l)).length;
      expect([up > 0, down > 0]).toEqual([above, below]);
      expect(up + shown + down).toBe(30);
      expect(frame).toContain(`› …${rows[selected]!.id.slice(-17)}`); // ids are cut in front
      expect(frame.split('\n').filter((l) => l.startsWith('│')).length).toBe(12 - 2); // the pane keeps its height
      unmount();
    }
  });
});

describe('the audit pane', () => {
  const entry = (seq: number): AuditEntry => ({ seq, ts: '2026-01-05T08:00:00.000Z', actor: { kind: 'system', id: 'engine' }, event: 'traffic_shifted', deploymentId: `dep-${seq}`, payload: { percent: 5 }, hash: 'x' });

  it('counts the whole trail above: the entries before the tail the console keeps, and those scrolled past', async () => {
    const tail = Array.from({ length: 200 }, (_, i) => entry(501 + i)); // the trail is 700 long, the console keeps 200
    for (const offset of [0, 10, 199]) {
      const { lastFrame, unmount } = renderSized(<AuditPane entries={tail} height={8} width={120} focused theme={theme} offset={offset} />, { columns: 120, rows: 10 });
      await settle();
      const frame = lastFrame() ?? '';
      const seqs = [...frame.matchAll(/^│.\s+(\d+) 01-05/gm)].map((m) => Number(m[1]));
      const above = Number(/… (\d+) more entries above/.exec(frame)?.[1]);
      const below = Number(/… (\d+) more entries below/.exec(frame)?.[1] ?? 0);
      expect(above).toBe(seqs[0]! - 1); // every entry before the first shown, in the whole trail
      expect(below).toBe(700 - seqs.at(-1)!);
      expect(frame).toMatch(offset === 199 ? /older than the last 200 kept here: genops-tui audit tail shows them/ : /j\/k scrolls the last 200; genops-tui audit tail shows all/);
      unmount();
    }
  });

  it("one deployment's timeline is whole: only the lines scrolled past count", async () => {
    const timeline = [entry(40), entry(90), entry(300), entry(301), entry(302), entry(350), entry(351)];
    const { lastFrame } = renderSized(<AuditPane entries={timeline} height={6} width={100} focused theme={theme} offset={0} showDeployment={false} />, { columns: 100, rows: 8 });
    await settle();
    expect(lastFrame()).toContain('… 5 more entries above (enlarge the terminal, or scroll with j/k)');
  });
});

describe('nothing else is cut silently', () => {
  it("the canary pane counts the stage verdicts before its last three", async () => {
    const d = {
      ...tableRows(1)[0]!,
      state: 'canary',
      plan: [1, 2, 5, 10, 25, 50, 100],
      stage: 5,
      samples: [],
      reason: '',
      decidedBy: null,
      assessment: { level: 'LOW', score: 0.2, decision: { action: 'proceed' } },
      stages: [1, 2, 5, 10, 25].map((percent, stage) => ({ stage, percent, verdict: 'Pass', reason: `4 samples within SLO at ${percent}%` })),
    } as unknown as DeploymentView;
    const { lastFrame } = renderSized(<CanaryPane deployment={d} height={16} width={100} focused={false} theme={theme} slo={{ errorRate: 0.01, p99Ms: 500 }} now={0} />, { columns: 100, rows: 18 });
    await settle();
    const frame = lastFrame() ?? '';
    expect(frame).toContain("… 2 earlier verdicts (the detail's timeline lists them)");
    for (const p of [5, 10, 25]) expect(frame).toContain(`${p}%: Pass · 4 samples within SLO at ${p}%`);
  });

  it('a status message longer than three lines ends its third in an ellipsis', async () => {
    const text = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const { lastFrame } = renderSized(<HintLine message={{ text, error: true }} hints={[]} theme={theme} width={60} />, { columns: 60, rows: 5 });
    await settle();
    const lines = (lastFrame() ?? '').split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^! word0 word1/);
    expect(lines[2]).toMatch(/…$/);
    expect(stringWidth(lines[2]!)).toBeLessThanOrEqual(58);
  });
});
