// Hostile text (ANSI and OSC escapes, carriage returns, bidi overrides, zero-width characters) renders
// harmlessly in every pane and in plain output.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { sanitize } from '../../source/domain/sanitize.js';
import { openReplay } from '../../source/commands/console.js';
import { App } from '../../source/ui/app.js';
import { run } from '../helpers/processes.js';
import { press, stepUntil } from '../helpers/console-harness.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
afterAll(() => cleanup());

const HOSTILE = [
  '\u001b[31mRED\u001b[0m', // SGR colour
  '\u001b]0;pwned\u0007', // OSC: set the window title
  '\u001b]8;;http://evil.example\u001b\\link\u001b]8;;\u001b\\', // OSC 8 hyperlink
  'line\rOVERWRITE', // carriage return
  'abc\u202edcba', // right-to-left override
  'zero\u200bwidth\u2060joiner\ufeff', // zero-width characters
  'bell\u0007 back\u0008space \u009b31m C1 CSI',
];
/** Nothing that a terminal would interpret may reach it. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

describe('terminal safety', () => {
  it('sanitize shows every control visibly and keeps ordinary text', () => {
    for (const h of HOSTILE) expect(sanitize(h)).not.toMatch(UNSAFE);
    expect(sanitize('\u001b[31mRED')).toBe('\\x1b[31mRED');
    expect(sanitize('abc\u202edcba')).toBe('abc\\u202edcba');
    expect(sanitize('Zürich → ✓ 日本')).toBe('Zürich → ✓ 日本');
    expect(sanitize('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  // A fixture whose names, summaries, requesters and reasons carry all of the above. (Ids and versions may not:
  // they reach stage commands, so validation refuses them; see trust-floor-processes.test.ts.)
  const lines = readFileSync('fixtures/replay-small.ndjson', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>); // any: JSON fixture lines of several shapes
  let i = 0;
  for (const l of lines) {
    if (l.type === 'service') l.service.name = `${HOSTILE[i++ % HOSTILE.length]} svc`;
    if (l.type === 'request') {
      l.request.change.summary = HOSTILE.join(' ');
      l.request.requestedBy = `ci${HOSTILE[i++ % HOSTILE.length]}`;
    }
    if (l.type === 'decision') l.reason = HOSTILE[i++ % HOSTILE.length];
  }
  const file = join(dir, 'hostile.ndjson');
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));

  it('every console screen stays clean', async () => {
    const session = openReplay(file, { db: join(dir, 'ui.db'), paused: true }, { out: () => undefined, err: () => undefined });
    stepUntil(session, (ds) => ds.some((d) => d.outcome === 'rolled_back') && ds.length > 20);
    const app = render(<App model={session.model} operator={`op${HOSTILE[0]}`} readonly={false} theme={{ color: false, ascii: false }} autonomy="GOVERNED" slo={session.slo} autoplay={false} frameMs={0} size={{ columns: 120, rows: 40 }} />);
    const frames: string[] = [app.lastFrame() ?? ''];
    for (const keys of [['j', 'j'], ['\r'], ['\u001b', 'G'], ['\r'], ['\u001b', '?'], ['?', '/', ...'\u001b[31m']]) {
      await press(app.stdin, ...keys);
      frames.push(app.lastFrame() ?? '');
    }
    for (const f of frames) expect(f).not.toMatch(UNSAFE);
    expect(frames.join('\n')).toMatch(/\\(x1b|u202e|x07|x0d)/);
    app.unmount();
    session.close();
  });

  it('plain output (replay summary, audit tail and export, assess) stays clean', async () => {
    const db = join(dir, 'plain.db');
    const outputs = [
      await run(['replay', file, '--db', db]),
      await run(['audit', 'tail', '-n', '200', '--db', db]),
      await run(['audit', 'export', '--db', db]),
    ];
    const req = JSON.parse(readFileSync('fixtures/requests/notifications-low.json', 'utf8')) as Record<string, any>; // any: a request fixture
    req.change.summary = HOSTILE.join(' ');
    req.requestedBy = `ci${HOSTILE[0]}`;
    const reqFile = join(dir, 'hostile-request.json');
    writeFileSync(reqFile, JSON.stringify(req));
    outputs.push(await run(['assess', '--catalog', 'fixtures/catalog.yaml', '--request', reqFile, '--no-color']));
    for (const o of outputs) {
      expect(o.code).toBe(0);
      expect(o.stdout).not.toMatch(UNSAFE);
      expect(o.stderr).not.toMatch(UNSAFE);
    }
    expect(outputs[1]!.stdout).toMatch(/\\(x1b|u001b)/);
  });
});
