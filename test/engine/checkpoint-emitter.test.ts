// The engine's periodic signed checkpoints: due by entries or by minutes, signed over the tree that includes
// their own audit record, handed to the command on stdin; a failing command is audited.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '../../source/store/audit-log.js';
import type { AuditInput } from '../../source/store/audit-log.js';
import { openDatabase } from '../../source/store/database.js';
import { CheckpointEmitter, runWithStdin } from '../../source/engine/checkpoint-emitter.js';
import type { RunCommand } from '../../source/engine/checkpoint-emitter.js';
import { generateSignerKey, openNote, parseCheckpoint } from '../../source/domain/signed-note.js';
import { configSchema } from '../../source/domain/config.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
let n = 0;
const key = generateSignerKey('test.example/engine');
const entry = (i: number): AuditInput => ({ ts: '2026-11-20T10:00:00Z', actor: { kind: 'ai', id: 'builtin' }, event: 'assessed', deploymentId: `dep-${i}`, payload: { i } });
const T0 = Date.UTC(2026, 10, 20, 10);

function setup(settings: { everyEntries?: number; everyMinutes?: number; command?: string[] }, run: RunCommand) {
  const db = openDatabase(join(dir, `cp-${n++}.db`));
  const log = new AuditLog(db);
  log.append(Array.from({ length: 50 }, (_, i) => entry(i)));
  let now = T0;
  const lines: string[] = [];
  const emitter = new CheckpointEmitter({ log, key, settings: { command: ['publish', '{size}', '{root}'], ...settings }, run, report: (l) => lines.push(l), now: () => now }, now);
  return { db, log, emitter, lines, advance: (ms: number) => (now += ms), now: () => now };
}

const collecting = () => {
  const calls: Array<{ argv: readonly string[]; stdin: string }> = [];
  const run: RunCommand = async (argv, stdin) => {
    calls.push({ argv, stdin });
    return { code: 0, stderr: '' };
  };
  return { calls, run };
};
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('engine checkpoints', () => {
  it('emits after everyEntries new entries, signed over the tree including its own record', async () => {
    const { calls, run } = collecting();
    const { log, emitter, now } = setup({ everyEntries: 100 }, run);
    log.append(Array.from({ length: 99 }, (_, i) => entry(100 + i)));
    emitter.poll(now());
    expect(calls).toHaveLength(0);
    log.append([entry(500)]);
    emitter.poll(now());
    await flush();
    expect(calls).toHaveLength(1);
    const opened = openNote(calls[0]?.stdin ?? '', key);
    expect(opened.ok).toBe(true);
    const cp = parseCheckpoint(opened.ok ? opened.text : '');
    expect(cp.size).toBe(151);
    expect(cp.root).toEqual(log.merkle.root(151));
    expect(calls[0]?.argv).toEqual(['publish', '151', cp.root.toString('hex')]);
    const [record] = log.tail(1);
    expect(record).toMatchObject({ seq: 151, event: 'checkpoint_signed', actor: { kind: 'system', id: 'engine' }, payload: { origin: 'test.example/engine', destination: 'publish' } });
    // Not again until another 100 entries.
    emitter.poll(now());
    await flush();
    expect(calls).toHaveLength(1);
  });

  it('emits every everyMinutes, only when the log grew', async () => {
    const { calls, run } = collecting();
    const { log, emitter, advance } = setup({ everyMinutes: 5 }, run);
    log.append([entry(1)]);
    emitter.poll(advance(4 * 60_000));
    expect(calls).toHaveLength(0);
    emitter.poll(advance(60_000));
    await flush();
    expect(calls).toHaveLength(1);
    emitter.poll(advance(10 * 60_000));
    await flush();
    expect(calls, 'nothing new since the last checkpoint').toHaveLength(1);
  });

  it('audits a command that fails, and the engine carries on', async () => {
    const { log, emitter, lines } = setup({ everyEntries: 1 }, async () => ({ code: 3, stderr: 'no route to witness' }));
    log.append([entry(1)]);
    await emitter.emit(T0);
    expect(log.tail(1)[0]).toMatchObject({ event: 'checkpoint_publish_failed', payload: { treeSize: 52, exitCode: 3, stderr: 'no route to witness' } });
    expect(lines.join('\n')).toContain('NOT published');
  });

  it('hands the note to a real command on stdin', async () => {
    const out = join(dir, 'published.note');
    const script = 'process.stdin.pipe(require("fs").createWriteStream(process.argv[1]))';
    const { emitter: real } = setup({ everyEntries: 1, command: [process.execPath, '-e', script, out] }, runWithStdin(10_000));
    await real.emit(T0);
    expect(openNote(readFileSync(out, 'utf8'), key).ok).toBe(true);
  });

  it('configuration: needs everyEntries or everyMinutes; off when absent', () => {
    expect(configSchema.parse({}).checkpoints).toBeUndefined();
    expect(() => configSchema.parse({ checkpoints: { keyFile: 'k', command: ['x'] } })).toThrow(/everyEntries, everyMinutes or both/);
    expect(() => configSchema.parse({ checkpoints: { keyFile: 'k', command: ['x'], everyEntries: 10, shell: true } })).toThrow();
    expect(configSchema.parse({ checkpoints: { keyFile: 'k', command: ['x'], everyMinutes: 15 } }).checkpoints).toMatchObject({ everyMinutes: 15 });
  });
});
