// The findings of an on-call operator's trial of the console in tmux, each held by keys as that operator typed
// them: promote asks first, Ctrl-C cancels a prompt before it quits, a confirmation taller than the screen
// scrolls, Enter on an audit line says what it did and Esc gives the selection back, the table's columns at
// 120 columns, and the audit pane's "more above" count.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupSized, consoleSession, KEYS, press, renderConsole, settle, stepUntil } from '../helpers/console-harness.js';
import { tempDir } from '../helpers/temp-db.js';
import type { DeploymentView } from '../../source/engine/deployment-view.js';

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
