// The console over HTTP: a served engine on 127.0.0.1 (tokens per role), the console's engine reading it
// through the API and its event stream, and the real App rendered. An approval by key lands in the audit
// under the token's name; a viewer's key is refused with the server's words; a dropped stream resumes from
// its last seq with nothing lost or doubled; a server that goes away shows as GONE.
import { afterEach, describe, expect, it } from 'vitest';
import { HttpEngineClient } from '../../source/client/http-client.js';
import { RemoteConsoleEngine, RemoteRefused } from '../../source/client/remote-console-engine.js';
import { App } from '../../source/ui/app.js';
import { ConsoleModel } from '../../source/ui/console-model.js';
import { cleanupSized, KEYS, press, renderSized } from '../helpers/console-harness.js';
import { waitFor } from '../helpers/processes.js';
import { servedEngine, submission } from '../server/harness.js';

const s = await servedEngine('remote-console');
const t = s.secrets;
const FAST = { readyEveryMs: 50, flushMs: 20, inFlightEveryMs: 200 };
const opened: RemoteConsoleEngine[] = [];
afterEach(() => {
  cleanupSized();
  for (const e of opened.splice(0)) e.close();
});

async function consoleAs(token: string) {
  const engine = await RemoteConsoleEngine.open(s.base, token, new HttpEngineClient(s.base, token), FAST);
  opened.push(engine);
  const model = new ConsoleModel(engine, undefined, { speed: 1, paused: false });
  model.attachedTo = `served (${engine.me.role})`;
  model.liveness = () => engine.liveness();
  engine.start();
  const size = { columns: 200, rows: 40 };
  const ui = renderSized(
    <App model={model} operator={engine.me.name} readonly={false} theme={{ color: false, ascii: true }} autonomy="GOVERNED" slo={{ errorRate: 0.01, p99Ms: 500 }} autoplay={false} frameMs={0} size={size} />,
    size,
  );
  return { engine, model, ...ui };
}

const frameOf = (ui: { lastFrame: () => string | undefined }) => () => ui.lastFrame() ?? '';

async function approveSelected(ui: { stdin: { write(s: string): void }; lastFrame: () => string | undefined }, id: string): Promise<void> {
  await press(ui.stdin, 'a');
  await waitFor(() => frameOf(ui)().includes(`Approve ${id}?`), { shows: frameOf(ui) });
  if (frameOf(ui)().includes('[ Cancel ]')) await press(ui.stdin, KEYS.right);
  await press(ui.stdin, KEYS.enter);
}

describe('the console over HTTP', () => {
  it('shows the served deployments; an approval by key is audited under the token\'s name', async () => {
    expect((await s.call('POST', '/v1/deployments', t.requester.valid, submission('r1', 'crit-svc'))).status).toBe(201);
    const ui = await consoleAs(t.approver.valid!);
    const frame = frameOf(ui);
    await waitFor(() => frame().includes('r1') && frame().includes('crit-svc') && frame().includes('engine ok alive'), { shows: frame });
    expect(frame()).toContain('attached to served (approver)');
    expect(frame()).toContain('(stream connected)');
    expect(frame()).toContain('1 awaiting');
    expect(frame()).toContain('as approver');
    await approveSelected(ui, 'r1');
    await waitFor(() => s.engine.audit.forDeployment('r1').some((e) => e.event === 'approved'), { shows: frame });
    expect(s.engine.audit.forDeployment('r1').find((e) => e.event === 'approved')?.actor).toEqual({ kind: 'human', id: 'approver' });
    await waitFor(() => frame().includes('approved r1 (crit-svc 1.0.0) as approver'), { shows: frame });
    // The view follows the engine: in canary now, and approving again is refused by the engine's own rule.
    await waitFor(() => ui.engine.get('r1')?.state === 'canary', { shows: frame });
    expect(ui.engine.get('r1')?.actions.approve).toEqual({ allowed: false, why: 'deployment "r1" is canary: cannot approve' });
    await press(ui.stdin, 'a');
    expect(frame()).toContain('deployment "r1" is canary: cannot approve');
    // Pausing is an operator's: refused on the spot for an approver's token, nothing sent.
    const before = s.engine.audit.tail(1)[0]?.seq;
    await press(ui.stdin, 'p');
    expect(frame()).toContain('this token ("approver", role approver) may not pause');
    expect(s.engine.get('r1')?.state).toBe('canary');
    expect(s.engine.audit.tail(1)[0]?.seq).toBe(before);
  });

  it('a viewer\'s key is refused on the spot with why (its role), and nothing is sent', async () => {
    expect((await s.call('POST', '/v1/deployments', t.requester.valid, submission('r2', 'crit-svc'))).status).toBe(201);
    const ui = await consoleAs(t.viewer.valid!);
    const frame = frameOf(ui);
    await waitFor(() => frame().includes('r2'), { shows: frame });
    await waitFor(() => ui.engine.get('r2')?.state === 'awaiting_approval');
    // The engine allows an approval now; the token's role does not.
    expect(ui.engine.get('r2')?.actions.approve).toEqual({ allowed: false, why: 'this token ("viewer", role viewer) may not approve' });
    const before = s.engine.audit.tail(1)[0]?.seq;
    await press(ui.stdin, '/', 'r', '2', KEYS.enter, 'g', 'a');
    await waitFor(() => frame().includes('may not approve'), { shows: frame });
    expect(frame()).not.toContain('Approve r2?');
    expect(s.engine.get('r2')?.state).toBe('awaiting_approval');
    // Nothing reached the server: no decision and no refusal to audit.
    expect(s.engine.audit.tail(1)[0]?.seq).toBe(before);
  });

  it('the stream dropping and resuming loses no entry and doubles none; the detail timeline comes from the server', async () => {
    const ui = await consoleAs(t.operator.valid!);
    const frame = frameOf(ui);
    await waitFor(() => frame().includes('(stream connected)'), { shows: frame });
    let drops = 0;
    for (let round = 0; round < 3; round++) {
      // The server ends every open stream; entries are written while the console is away.
      for (const close of [...s.server.ctx.streams]) close();
      drops += 1;
      for (let i = 0; i < 4; i++) expect((await s.call('POST', '/v1/deployments', t.requester.valid, submission(`d${round}-${i}`, i % 2 ? 'crit-svc' : 'low-svc'))).status).toBe(201);
      await waitFor(() => ui.engine.audit.lastSeq === s.engine.audit.tail(1)[0]!.seq, { shows: () => `${ui.engine.audit.lastSeq} vs ${s.engine.audit.tail(1)[0]!.seq}` });
    }
    expect(ui.engine.received.reconnects).toBeGreaterThanOrEqual(drops);
    // Every entry after the console's first one, once, in order: the same seqs and hashes the server holds.
    const mine = ui.engine.audit.tail(1_000);
    const first = mine[0]!.seq;
    const server = s.engine.audit.since(first - 1, 5_000);
    expect(mine.map((e) => `${e.seq}:${e.hash}`)).toEqual(server.map((e) => `${e.seq}:${e.hash}`));
    // Each new deployment is shown as the server has it.
    await waitFor(() => [0, 1, 2].every((r) => [0, 1, 2, 3].every((i) => ui.engine.get(`d${r}-${i}`)?.state === s.engine.get(`d${r}-${i}`)?.state)), { shows: frame });
    // A deployment's whole history, including entries from before this console started, is fetched on demand.
    const r1 = ui.engine.audit.forDeployment('r1');
    await waitFor(() => ui.engine.audit.forDeployment('r1').length === s.engine.audit.forDeployment('r1').length, { shows: () => JSON.stringify(r1) });
  });

  it('a token revoked while the console runs: the meter says the server refuses it, not that it reconnects', async () => {
    const ui = await consoleAs(t.admin.valid!);
    const frame = frameOf(ui);
    await waitFor(() => frame().includes('(stream connected)'), { shows: frame });
    s.tokens.revoke('admin', s.clock.now());
    for (const close of [...s.server.ctx.streams]) close();
    await waitFor(() => frame().includes('engine GONE'), { shows: frame });
    expect(frame()).toContain('the server refuses the token now (HTTP 401)');
  });

  it('a bad token is refused before the console opens; a server that goes away shows as GONE', async () => {
    await expect(RemoteConsoleEngine.open(s.base, t.viewer.revoked!, new HttpEngineClient(s.base, t.viewer.revoked!), FAST)).rejects.toMatchObject({ exitCode: 2 });
    await expect(RemoteConsoleEngine.open('http://127.0.0.1:1', 'x', new HttpEngineClient('http://127.0.0.1:1', 'x'), FAST)).rejects.toBeInstanceOf(RemoteRefused);
    const ui = await consoleAs(t.viewer.valid!);
    const frame = frameOf(ui);
    await waitFor(() => frame().includes('engine ok alive'), { shows: frame });
    await s.server.close();
    await waitFor(() => frame().includes('engine GONE'), { shows: frame });
    expect(frame()).toContain('server unreachable');
  });
});
