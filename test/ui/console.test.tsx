// Screens of the console, as a person would see them (colour off for stable frames), driven by keys.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { consoleSession, KEYS, press, renderConsole, stepUntil } from '../helpers/console-harness.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
let n = 0;
const sessions: Array<{ close(): void }> = [];
const session = () => {
  const s = consoleSession(dir, `ui${n++}.db`);
  sessions.push(s);
  return s;
};
afterEach(() => {
  cleanup();
  for (const s of sessions.splice(0)) s.close();
});

const gatedHigh = (s: ReturnType<typeof session>) =>
  s.engine.deployments.find((d) => d.state === 'awaiting_approval' && (d.assessment.level === 'HIGH' || d.assessment.level === 'CRITICAL'));
const gatedAny = (s: ReturnType<typeof session>) => s.engine.deployments.find((d) => d.state === 'awaiting_approval');

/** Moves the selection to deployment `id` with j presses (sorted by age: newest first). */
async function select(stdin: { write(s: string): void }, frame: () => string | undefined, id: string): Promise<void> {
  await press(stdin, 'g');
  for (let i = 0; i < 80 && !(frame() ?? '').includes(`› ${id}`); i++) await press(stdin, 'j');
  expect(frame()).toContain(`› ${id}`);
}

describe('console screens', () => {
  it('list: deployments, risk, canary, similar, audit and status', () => {
    const s = session();
    stepUntil(s, (ds) => ds.length >= 6);
    const { lastFrame } = renderConsole(s);
    expect(lastFrame()).toMatchSnapshot();
    expect(lastFrame()).toContain('REPLAY ⏸ paused');
  });

  it('detail of a rolled-back deployment names metric, value, threshold and stage', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.outcome === 'rolled_back'));
    const rolled = s.engine.deployments.find((d) => d.outcome === 'rolled_back')!;
    const { stdin, lastFrame } = renderConsole(s);
    await select(stdin, lastFrame, rolled.id);
    await press(stdin, KEYS.enter);
    expect(lastFrame()).toMatch(/rolled back · .*(error_rate|p99) .* > .* at \d+%/);
    expect(lastFrame()).toMatchSnapshot();
    await press(stdin, KEYS.escape);
    expect(lastFrame()).toContain('Deployments');
  });

  it('approval of a HIGH or CRITICAL deployment asks first, with Cancel as the default', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval' && (d.assessment.level === 'HIGH' || d.assessment.level === 'CRITICAL')));
    const d = gatedHigh(s)!;
    const { stdin, lastFrame } = renderConsole(s);
    await select(stdin, lastFrame, d.id);
    await press(stdin, 'a');
    expect(lastFrame()).toContain(`Approve ${d.id}?`);
    expect(lastFrame()).toMatchSnapshot();
    await press(stdin, KEYS.enter); // Cancel is the default
    expect(lastFrame()).toContain('cancelled');
    expect(s.engine.get(d.id)!.state).toBe('awaiting_approval');
    await press(stdin, 'a', KEYS.right, KEYS.enter);
    expect(s.engine.get(d.id)!.state).not.toBe('awaiting_approval');
    expect(lastFrame()).toContain(`approved ${d.id} as operator-olga`);
  });

  it('rejection requires a reason', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval'));
    const d = gatedAny(s)!;
    const { stdin, lastFrame } = renderConsole(s);
    await select(stdin, lastFrame, d.id);
    await press(stdin, 'r');
    expect(lastFrame()).toContain('a reason is required');
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

  it('help overlay lists every key from the same table', async () => {
    const s = session();
    const { stdin, lastFrame } = renderConsole(s);
    await press(stdin, '?');
    expect(lastFrame()).toMatchSnapshot();
    await press(stdin, '?');
    expect(lastFrame()).not.toContain('Keys (Esc or ? closes)');
  });

  it('filter narrows the table and Esc clears it', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.length >= 10);
    const { stdin, lastFrame } = renderConsole(s);
    await press(stdin, '/', ...'svc-001');
    expect(lastFrame()).toContain('/svc-001');
    await press(stdin, KEYS.enter);
    expect(lastFrame()).toMatchSnapshot();
    expect(lastFrame()).toMatch(/filter "svc-001"/);
    await press(stdin, KEYS.escape);
    expect(lastFrame()).not.toMatch(/filter "svc-001"/);
  });

  it('paused replay steps with space', async () => {
    const s = session();
    const { stdin, lastFrame } = renderConsole(s);
    const before = s.model.audit.length;
    await press(stdin, ' ');
    expect(s.model.audit.length).toBeGreaterThan(before);
    const at = s.model.now;
    await press(stdin, ' ', ' ', ' ');
    expect(s.model.now).toBeGreaterThan(at);
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
    expect(lastFrame()).toMatchSnapshot();
  });

  it('narrow terminals: 80×24 stacks the panes; below 60×16 it says so', () => {
    const s = session();
    stepUntil(s, (ds) => ds.length >= 6);
    const narrow = renderConsole(s, { size: { columns: 80, rows: 24 } });
    expect(narrow.lastFrame()).toMatchSnapshot();
    narrow.unmount();
    const tiny = renderConsole(s, { size: { columns: 50, rows: 12 } });
    expect(tiny.lastFrame()).toContain('Terminal too small (50×12)');
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
});

describe('end to end', () => {
  it('replays, approves a gated deployment by key, and the approval with the operator is in a verified audit trail', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval' && d.assessment.level !== 'HIGH' && d.assessment.level !== 'CRITICAL'));
    const d = s.engine.deployments.find((x) => x.state === 'awaiting_approval' && x.assessment.level !== 'HIGH' && x.assessment.level !== 'CRITICAL')!;
    const { stdin, lastFrame } = renderConsole(s);
    await select(stdin, lastFrame, d.id);
    await press(stdin, 'a');
    const approved = s.engine.audit.forDeployment(d.id).find((e) => e.event === 'approved');
    expect(approved?.actor).toEqual({ kind: 'human', id: 'operator-olga' });
    stepUntil(s, () => s.engine.get(d.id)?.outcome !== null);
    expect(s.engine.get(d.id)?.outcome).not.toBeNull();
    expect(s.engine.audit.verify()).toMatchObject({ ok: true });
  });
});
