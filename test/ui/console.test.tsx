// Screens of the console, as a person would see them at 80×24, 120×40 and 200×50 (colour off for stable
// frames), driven by keys.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupSized, consoleSession, KEYS, press, renderConsole, settle, stepUntil } from '../helpers/console-harness.js';
import { tempDir } from '../helpers/temp-db.js';
import type { DeploymentView } from '../../source/engine/deployment-view.js';
import { asciiOnly } from '../../source/ui/ascii-stream.js';

const dir = tempDir();
let n = 0;
const sessions: Array<{ close(): void }> = [];
const session = () => {
  const s = consoleSession(dir, `ui${n++}.db`);
  sessions.push(s);
  return s;
};
afterEach(() => {
  cleanupSized();
  for (const s of sessions.splice(0)) s.close();
});

const SIZES = [
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
  { columns: 200, rows: 50 },
] as const;
const FACTORS = ['service_tier', 'service_health', 'historical_failure', 'blast_radius', 'change_complexity', 'timing'];
const risky = (d: DeploymentView) => d.assessment.level === 'HIGH' || d.assessment.level === 'CRITICAL';
const gatedHigh = (s: ReturnType<typeof session>) => s.engine.deployments.find((d) => d.state === 'awaiting_approval' && risky(d));
const gatedAny = (s: ReturnType<typeof session>) => s.engine.deployments.find((d) => d.state === 'awaiting_approval');
/** Every line of a frame is exactly as wide as the terminal or narrower (nothing wraps or spills). */
const linesFit = (frame: string, columns: number) => frame.split('\n').every((l) => [...l].length <= columns);

/** Moves the selection to deployment `id` with j presses (sorted by age: newest first). */
async function select(stdin: { write(s: string): void }, frame: () => string | undefined, id: string): Promise<void> {
  await settle();
  await press(stdin, 'g');
  const here = (): boolean => (frame() ?? '').includes(`› ${id}`) || (frame() ?? '').includes(`> ${id}`);
  for (let i = 0; i < 80 && !here(); i++) await press(stdin, 'j');
  expect(here()).toBe(true);
}

/** Waits (at most 3 s) for what a test needs drawn before its next key. */
async function until(drawn: () => boolean): Promise<void> {
  for (const start = Date.now(); !drawn() && Date.now() - start < 3_000; ) await new Promise((r) => setTimeout(r, 10));
}

describe.each(SIZES)('at $columns×$rows', (size) => {
  it('list, detail, help: snapshots, and nothing spills past the right edge', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.outcome === 'rolled_back') && ds.some((d) => d.state === 'awaiting_approval'));
    const { stdin, lastFrame } = renderConsole(s, { size });
    await settle();
    expect(lastFrame()).toMatchSnapshot('list');
    expect(linesFit(lastFrame() ?? '', size.columns)).toBe(true);
    const head = s.model.audit.at(-1)!;
    if (size.columns >= 200) expect(lastFrame()).toContain(`audit #${head.seq} ${head.hash.slice(0, 8)}`);
    await press(stdin, KEYS.enter);
    const detail = lastFrame() ?? '';
    expect(detail).toMatchSnapshot('detail');
    for (const f of FACTORS) expect(detail).toContain(f); // all six factors, at every size
    // Esc back to the list, and only once it is drawn the help: a key written while the app is still
    // re-rendering from the last one can land before its handler is attached again on a loaded machine.
    await press(stdin, KEYS.escape);
    await until(() => lastFrame() !== detail);
    await press(stdin, '?');
    await until(() => (lastFrame() ?? '').includes('Keys (Esc or ? closes'));
    expect(lastFrame()).toMatchSnapshot('help');
    expect(lastFrame()).toContain('Keys (Esc or ? closes');
  });

  it('an approval confirms with id, service, version, level, factors, total, policies and reasons', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval' && risky(d)));
    const d = gatedHigh(s)!;
    const { stdin, lastFrame } = renderConsole(s, { size });
    await select(stdin, lastFrame, d.id);
    await press(stdin, 'a');
    const frame = lastFrame() ?? '';
    expect(frame).toMatchSnapshot('confirm approve');
    expect(frame).toContain(`Approve ${d.id}?`);
    expect(frame).toContain(`${d.request.serviceId} ${d.request.version}`);
    expect(frame).toContain(`${d.assessment.level} ${d.assessment.score.toFixed(2)}`);
    for (const f of FACTORS) expect(frame).toContain(f);
    expect(frame).toContain('total');
    for (const p of d.assessment.policies) expect(frame).toContain(p.id);
    expect(frame).toContain(d.assessment.decision.reasons[0]!.slice(0, 30));
    // The focused button reads without colour; Cancel is the default for HIGH and CRITICAL.
    expect(frame).toContain('[ Cancel ]    Approve  ');
    await press(stdin, KEYS.right);
    expect(lastFrame()).toContain('  Cancel    [ Approve ]');
    await press(stdin, KEYS.left, KEYS.enter);
    expect(lastFrame()).toContain('cancelled: nothing was done');
    expect(s.engine.get(d.id)!.state).toBe('awaiting_approval');
    await press(stdin, 'a', KEYS.right, KEYS.enter);
    expect(s.engine.get(d.id)!.state).not.toBe('awaiting_approval');
    expect(lastFrame()).toContain(`approved ${d.id} (${d.request.serviceId} ${d.request.version}) as operator-olga`);
  });
});

describe.each(SIZES)('dialogs at $columns×$rows', (size) => {
  it('abort, reject, filter and command: snapshots, the abort names its traffic and stage, nothing spills', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.state === 'canary' && d.stage >= 1) && ds.some((d) => d.state === 'awaiting_approval'));
    const canary = s.engine.deployments.find((d) => d.state === 'canary' && d.stage >= 1)!;
    const gated = gatedAny(s)!;
    const { stdin, lastFrame } = renderConsole(s, { size });
    await select(stdin, lastFrame, canary.id);
    await press(stdin, 'A');
    const abort = lastFrame() ?? '';
    expect(abort).toMatchSnapshot('confirm abort');
    expect(abort).toContain(`Abort ${canary.id} and roll back?`);
    expect(abort).toContain(`now canary at ${canary.plan[canary.stage]}% traffic · stage ${canary.stage + 1}/${canary.plan.length}`);
    expect(abort).toContain('[ Cancel ]    Abort  ');
    expect(linesFit(abort, size.columns)).toBe(true);
    await press(stdin, KEYS.escape);
    await select(stdin, lastFrame, gated.id);
    await press(stdin, 'r', ...'bad');
    expect(lastFrame()).toMatchSnapshot('reject reason');
    await press(stdin, KEYS.escape, '/', ...'svc');
    expect(lastFrame()).toMatchSnapshot('filter');
    await press(stdin, KEYS.escape, ':', 'c', 'a', KEYS.tab);
    expect(lastFrame()).toContain(':canary');
    expect(lastFrame()).toMatchSnapshot('command');
    expect(linesFit(lastFrame() ?? '', size.columns)).toBe(true);
  });
});

describe('console screens', () => {
  it('detail of a rolled-back deployment names metric, value, threshold and stage, the system as who stopped it, and its timeline', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.outcome === 'rolled_back'));
    const rolled = s.engine.deployments.find((d) => d.outcome === 'rolled_back')!;
    const { stdin, lastFrame } = renderConsole(s);
    await select(stdin, lastFrame, rolled.id);
    await press(stdin, KEYS.enter);
    expect(lastFrame()).toMatch(/rolled back by the system at \d+% traffic \(stage \d\/\d\)/);
    expect(lastFrame()).toContain(`    ${rolled.reason}`);
    expect(rolled.reason).toMatch(/(error_rate|p99) .* > .* at \d+%/);
    expect(lastFrame()).toContain(`Timeline of ${rolled.id}`);
    expect(lastFrame()).toContain('stage_analysed');
    await press(stdin, KEYS.escape);
    expect(lastFrame()).toContain('Deployments');
  });

  it('rejection requires a reason, and names what it rejects', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval'));
    const d = gatedAny(s)!;
    const { stdin, lastFrame } = renderConsole(s);
    await select(stdin, lastFrame, d.id);
    await press(stdin, 'r');
    expect(lastFrame()).toContain('a reason is required');
    expect(lastFrame()).toContain(`${d.request.serviceId} ${d.request.version}`);
    await press(stdin, KEYS.enter);
    expect(s.engine.get(d.id)!.state).toBe('awaiting_approval');
    await press(stdin, ...'not during the sale');
    expect(lastFrame()).toMatchSnapshot();
    await press(stdin, KEYS.enter);
    expect(s.engine.get(d.id)!.outcome).toBe('rejected');
    const rejected = s.engine.audit.forDeployment(d.id).find((e) => e.event === 'rejected')!;
    expect(rejected.actor).toEqual({ kind: 'human', id: 'operator-olga' });
    expect(rejected.payload).toEqual({ reason: 'not during the sale' });
  });

  it('filter narrows the table as you type and Esc clears it', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.length >= 10);
    const { stdin, lastFrame } = renderConsole(s);
    await press(stdin, '/', ...'svc-001');
    expect(lastFrame()).toContain('/svc-001');
    expect(lastFrame()).toMatch(/Deployments \d+ of \d+/);
    await press(stdin, KEYS.enter);
    expect(lastFrame()).toMatch(/filter "svc-001"/);
    await press(stdin, KEYS.escape);
    expect(lastFrame()).not.toMatch(/filter "svc-001"/);
  });

  it('paused replay steps with space; a new arrival does not move the selection', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.length >= 3);
    const { stdin, lastFrame } = renderConsole(s);
    await settle();
    await press(stdin, 'j');
    const picked = /› (dep-\d+)/.exec(lastFrame() ?? '')?.[1];
    expect(picked).toBeDefined();
    const before = s.engine.deployments.length;
    while (s.engine.deployments.length === before) await press(stdin, ' ');
    await settle();
    expect(/› (dep-\d+)/.exec(lastFrame() ?? '')?.[1]).toBe(picked);
    expect(lastFrame()).toContain('space step');
  });

  it('read-only: nothing can be decided, and the hints say so', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval'));
    const d = gatedAny(s)!;
    const { stdin, lastFrame } = renderConsole(s, { readonly: true });
    await select(stdin, lastFrame, d.id);
    expect(lastFrame()).toContain('READ-ONLY');
    expect(lastFrame()).not.toContain('a approve');
    await press(stdin, 'a');
    expect(lastFrame()).toContain('read-only console: nothing can be decided here');
    expect(s.engine.get(d.id)!.state).toBe('awaiting_approval');
    // The help says why, from the same binding that refused the key.
    await press(stdin, '?');
    const flat = (lastFrame() ?? '').replace(/[║│]/g, ' ').replace(/\s+/g, ' ');
    expect(flat).toContain('a approve the selected gated deployment (always asks, naming it) (now: read-only console: nothing can be decided here)');
  });

  it('countdowns: a gate shows the time left before it expires, a canary the bake left in its stage', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval') && ds.some((d) => d.state === 'canary' && (d.bakeUntilMs ?? 0) > s.model.now));
    const gated = gatedAny(s)!;
    const canary = s.engine.deployments.find((d) => d.state === 'canary')!;
    const { stdin, lastFrame } = renderConsole(s);
    await select(stdin, lastFrame, gated.id);
    expect(lastFrame()).toMatch(new RegExp(`› ${gated.id} .*awaiting, \\d+h\\d\\dm left`));
    expect(lastFrame()).toMatch(/expires in \d+h\d\dm unless someone decides/);
    await select(stdin, lastFrame, canary.id);
    expect(lastFrame()).toMatch(/bake (\d+m)?\d+s left at \d+%/);
  });

  it('below 60×16 it says the terminal is too small', () => {
    const s = session();
    const tiny = renderConsole(s, { size: { columns: 50, rows: 12 } });
    expect(tiny.lastFrame()).toContain('Terminal too small (50x12)');
  });

  it('the requester cannot approve their own deployment', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval'));
    const d = gatedAny(s)!;
    const { stdin, lastFrame } = renderConsole(s, { operator: d.request.requestedBy });
    await select(stdin, lastFrame, d.id);
    await press(stdin, 'a');
    expect(lastFrame()).toContain(`${d.request.requestedBy} requested ${d.id} and cannot approve it`);
  });

  it('keys typed within one read are all handled; Ctrl-A and Ctrl-R decide nothing', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.filter((d) => d.state === 'awaiting_approval').length >= 1 && ds.length >= 6);
    const { stdin, lastFrame } = renderConsole(s);
    await settle();
    await press(stdin, 'g');
    const first = /› (dep-\d+)/.exec(lastFrame() ?? '')?.[1];
    await press(stdin, 'jj'); // one read, two keys
    const rows = [...(lastFrame() ?? '').matchAll(/[›│] +(dep-\d+)/g)].map((m) => m[1]);
    expect(/› (dep-\d+)/.exec(lastFrame() ?? '')?.[1]).toBe(rows[rows.indexOf(first) + 2]);
    const d = gatedAny(s)!;
    await select(stdin, lastFrame, d.id);
    await press(stdin, KEYS.ctrlA, KEYS.ctrlR, KEYS.altA);
    expect(lastFrame()).not.toContain('Approve ');
    expect(lastFrame()).not.toContain('Reject ');
    expect(s.engine.get(d.id)!.state).toBe('awaiting_approval');
  });

  it('y copies the selected id through the clipboard and says so', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.length >= 2);
    const copied: string[] = [];
    const { stdin, lastFrame } = renderConsole(s, { clipboard: (t) => copied.push(t) });
    await settle();
    const id = /› (dep-\d+)/.exec(lastFrame() ?? '')?.[1];
    await press(stdin, 'y');
    expect(copied).toEqual([id]);
    expect(lastFrame()).toContain(`copied ${id} to the clipboard (OSC 52)`);
  });

  it('--ascii draws ASCII only, in every screen', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.outcome === 'rolled_back') && ds.some((d) => d.state === 'awaiting_approval' && risky(d)));
    const d = gatedHigh(s)!;
    for (const size of SIZES) {
      const { stdin, lastFrame, unmount } = renderConsole(s, { size, theme: { color: false, ascii: true } });
      await settle();
      const frames = [lastFrame()];
      await press(stdin, KEYS.enter);
      frames.push(lastFrame());
      await press(stdin, KEYS.escape, '?');
      frames.push(lastFrame());
      await press(stdin, KEYS.escape);
      await select(stdin, lastFrame, d.id);
      await press(stdin, 'a');
      frames.push(lastFrame());
      await press(stdin, KEYS.escape, 'r');
      frames.push(lastFrame());
      await press(stdin, KEYS.escape, '/');
      frames.push(lastFrame());
      // What the App draws is ASCII but for Ink's own cut mark; the CLI's stream filter (asciiOnly) takes that.
      for (const f of frames) expect([...(f ?? '')].filter((c) => c.charCodeAt(0) > 0x7e && c !== '…')).toEqual([]);
      for (const f of frames) expect(asciiOnly(f ?? '')).toMatch(/^[\x00-\x7e]*$/);
      unmount();
    }
  });
});

describe('focus and bell', () => {
  it('Tab moves focus among the panes on screen only; a focused audit pane scrolls with j/k and Enter opens its line\'s deployment', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.length >= 8);
    const wide = renderConsole(s);
    await settle();
    const focusedTitle = () => /▸ (\S+)/.exec(wide.lastFrame() ?? '')?.[1];
    const seen: Array<string | undefined> = [focusedTitle()];
    for (let i = 0; i < 5; i++) {
      await press(wide.stdin, KEYS.tab);
      seen.push(focusedTitle());
    }
    expect(seen).toEqual(['Deployments', 'Canary', 'Risk', 'Similar', 'Audit', 'Deployments']);
    await press(wide.stdin, KEYS.backtab); // the audit pane
    const newest = s.model.audit.at(-1)!;
    expect(wide.lastFrame()).toMatch(new RegExp(`›\\s+${newest.seq} `));
    const target = [...s.model.audit].reverse().find((e, i) => i >= 3 && e.deploymentId && e.deploymentId !== newest.deploymentId)!;
    const back = s.model.audit.length - 1 - s.model.audit.indexOf(target);
    for (let i = 0; i < back; i++) await press(wide.stdin, 'k');
    expect(wide.lastFrame()).toMatch(new RegExp(`›\\s+${target.seq} `));
    await press(wide.stdin, KEYS.enter);
    expect(wide.lastFrame()).toContain(`Risk · ${target.deploymentId}`);
    expect(wide.lastFrame()).toContain(`Timeline of ${target.deploymentId}`);
    // The similar pane: j moves its cursor, Enter opens that past deployment.
    await press(wide.stdin, KEYS.escape, 'g');
    const d = s.engine.get(/› (dep-\d+)/.exec(wide.lastFrame() ?? '')![1]!)!;
    const second = d.assessment.evidence[1]!.deploymentId;
    while (focusedTitle() !== 'Similar') await press(wide.stdin, KEYS.tab);
    await press(wide.stdin, 'j');
    expect(wide.lastFrame()).toMatch(new RegExp(`› [0-9.]+ ${second}`));
    await press(wide.stdin, KEYS.enter);
    expect(wide.lastFrame()).toContain(`Risk · ${second}`);
    wide.unmount();
    const narrow = renderConsole(s, { size: { columns: 80, rows: 24 } });
    await settle();
    const titles: Array<string | undefined> = [];
    for (let i = 0; i < 3; i++) {
      titles.push(/▸ (\S+)/.exec(narrow.lastFrame() ?? '')?.[1]);
      await press(narrow.stdin, KEYS.tab);
    }
    expect(titles).toEqual(['Deployments', 'Canary', 'Deployments']); // no Risk, Similar or Audit at 80×24
  });

  it('rings the bell when something new needs a human, and not with --no-bell', async () => {
    for (const bell of [true, false]) {
      const s = session();
      const { stdin, stdout } = renderConsole(s, { bell });
      await settle();
      while (!s.engine.deployments.some((d) => d.state === 'awaiting_approval')) await press(stdin, ' ');
      await settle();
      expect(stdout.raw.filter((w) => w === '\u0007').length).toBe(bell ? 1 : 0);
    }
  });
});

describe('end to end', () => {
  it('replays, approves a gated deployment by key, and the approval with the operator is in a verified audit trail', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval' && !risky(d)));
    const d = s.engine.deployments.find((x) => x.state === 'awaiting_approval' && !risky(x))!;
    const { stdin, lastFrame } = renderConsole(s);
    await select(stdin, lastFrame, d.id);
    await press(stdin, 'a');
    expect(lastFrame()).toContain(`Approve ${d.id}?`);
    expect(s.engine.audit.forDeployment(d.id).some((e) => e.event === 'approved')).toBe(false);
    await press(stdin, KEYS.enter); // Approve is preselected below HIGH
    const approved = s.engine.audit.forDeployment(d.id).find((e) => e.event === 'approved');
    expect(approved?.actor).toEqual({ kind: 'human', id: 'operator-olga' });
    stepUntil(s, () => s.engine.get(d.id)?.outcome !== null);
    expect(s.engine.get(d.id)?.outcome).not.toBeNull();
    expect(s.verifyAudit?.()).toMatchObject({ ok: true });
  });
});
