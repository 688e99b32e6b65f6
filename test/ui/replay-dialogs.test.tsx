// Replay while a decision is open: time holds still, and a recorded decision that lands first (stepped by
// hand) is shown as what happened, never applied twice or turned into an engine refusal.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupSized, consoleSession, KEYS, press, renderConsole, settle, stepUntil } from '../helpers/console-harness.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
let n = 0;
const sessions: Array<{ close(): void }> = [];
const session = () => {
  const s = consoleSession(dir, `replay-dialog${n++}.db`);
  sessions.push(s);
  return s;
};
afterEach(() => {
  cleanupSized();
  for (const s of sessions.splice(0)) s.close();
});

async function selectId(stdin: { write(s: string): void }, frame: () => string | undefined, id: string): Promise<void> {
  await settle();
  await press(stdin, 'g');
  for (let i = 0; i < 80 && !(frame() ?? '').includes(`› ${id}`); i++) await press(stdin, 'j');
  expect(frame()).toContain(`› ${id}`);
}

describe('replay and dialogs', () => {
  it('replay time holds still while an approval is open, and moves again once it closes', async () => {
    const s = session();
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval'));
    const d = s.engine.deployments.find((x) => x.state === 'awaiting_approval')!;
    const { stdin, lastFrame } = renderConsole(s, { autoplay: true });
    await selectId(stdin, lastFrame, d.id);
    await press(stdin, 'a');
    expect(lastFrame()).toContain(`Approve ${d.id}?`);
    s.model.togglePaused(); // playing, as a person would have it
    const held = s.model.now;
    await new Promise((r) => setTimeout(r, 350)); // three of the replay's 100 ms ticks
    expect(s.model.now).toBe(held);
    expect(lastFrame()).toContain('(held while the dialog is open)');
    await press(stdin, KEYS.escape);
    for (let i = 0; i < 100 && s.model.now === held; i++) await new Promise((r) => setTimeout(r, 50)); // moves again
    expect(s.model.now).toBeGreaterThan(held);
  });

  it('a recorded decision that lands while the dialog is open is shown, and the operator\'s is refused with who decided', async () => {
    const s = session();
    // A gated deployment the recording decides: step until one awaits, then find one with a recorded decision.
    const recorded = new Set((s.model.source!.replay as unknown as { decisions: Array<{ deploymentId: string }> }).decisions.map((x) => x.deploymentId));
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval' && recorded.has(d.id)));
    const d = s.engine.deployments.find((x) => x.state === 'awaiting_approval' && recorded.has(x.id))!;
    const { stdin, lastFrame } = renderConsole(s, { size: { columns: 80, rows: 24 } });
    await selectId(stdin, lastFrame, d.id);
    await press(stdin, 'a');
    expect(lastFrame()).toContain(`Approve ${d.id}?`);
    stepUntil(s, () => s.engine.get(d.id)?.state !== 'awaiting_approval'); // the recording decides first
    const after = s.engine.get(d.id)!;
    const auditBefore = s.engine.audit.forDeployment(d.id).length;
    if (lastFrame()?.includes('[ Cancel ]')) await press(stdin, KEYS.right);
    await press(stdin, KEYS.enter);
    // At 80 columns the whole message is there, wrapped: every reason is readable.
    const frame = (lastFrame() ?? '').split('\n').slice(-3).join(' ');
    expect(frame).toContain(`! nothing was done: ${d.id} changed while the dialog was open (was awaiting approval, now ${after.state === 'canary' ? 'canary at stage 1' : after.state} by ${after.decidedBy})`);
    expect(frame).not.toMatch(/cannot|refused/);
    expect(s.engine.audit.forDeployment(d.id).length).toBe(auditBefore);
    expect(s.engine.audit.forDeployment(d.id).filter((e) => e.actor.id === 'operator-olga')).toEqual([]);
  });

  it('the end of a recording says "replay finished"', async () => {
    const s = session();
    stepUntil(s, () => false);
    const { lastFrame } = renderConsole(s);
    await settle();
    expect(lastFrame()).toContain('replay finished: 60/60 requests');
  });
});
