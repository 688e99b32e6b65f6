// The engine's signed audit checkpoints (config `checkpoints`, issue 16): every N entries and/or every M
// minutes it signs one (audited as checkpoint_signed) and hands the note on stdin to a configured command,
// e.g. one that publishes it where the database's writer cannot change it. A command that fails is audited
// as checkpoint_publish_failed; the engine carries on. One publication at a time.
import { spawn } from 'node:child_process';
import type { SignerKey } from '../domain/signed-note.js';
import type { AuditLog } from '../store/audit-log.js';
import { signCheckpoint } from '../store/audit-checkpoint.js';

export interface CheckpointSettings {
  everyEntries?: number | undefined;
  everyMinutes?: number | undefined;
  /** argv, never a shell; {size} and {root} (hex) are replaced in any argument. */
  command: readonly string[];
}

export type RunCommand = (argv: readonly string[], stdin: string) => Promise<{ code: number | null; stderr: string }>;

/** Runs argv with `stdin`, killed after `timeoutMs`. */
export const runWithStdin =
  (timeoutMs: number): RunCommand =>
  (argv, stdin) =>
    new Promise((resolve) => {
      const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'ignore', 'pipe'], timeout: timeoutMs });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500)));
      child.on('error', (error) => resolve({ code: null, stderr: error.message }));
      child.on('close', (code) => resolve({ code, stderr }));
      child.stdin.on('error', () => undefined);
      child.stdin.end(stdin);
    });

export class CheckpointEmitter {
  private lastSize: number;
  private lastAt: number;
  private publishing: Promise<void> | undefined;

  constructor(
    private readonly deps: { log: AuditLog; key: SignerKey; settings: CheckpointSettings; run: RunCommand; report: (line: string) => void; now: () => number },
    now: number,
  ) {
    this.lastSize = deps.log.merkle.size();
    this.lastAt = now;
  }

  /** Called on every engine pass: signs and publishes when due. */
  poll(now: number): void {
    if (this.publishing) return;
    const { everyEntries, everyMinutes } = this.deps.settings;
    const grown = this.deps.log.merkle.size() - this.lastSize;
    const due = (everyEntries !== undefined && grown >= everyEntries) || (everyMinutes !== undefined && grown > 0 && now - this.lastAt >= everyMinutes * 60_000);
    if (due) this.emit(now);
  }

  /** Signs a checkpoint now and publishes it; resolves when the command has finished. */
  emit(now: number): Promise<void> {
    const { log, key, settings, run, report } = this.deps;
    const { note, size, root } = signCheckpoint(log, key, { kind: 'system', id: 'engine' }, settings.command[0] ?? '', new Date(now));
    this.lastSize = size;
    this.lastAt = now;
    const argv = settings.command.map((a) => a.replaceAll('{size}', String(size)).replaceAll('{root}', root.toString('hex')));
    this.publishing = run(argv, note).then(({ code, stderr }) => {
      if (code === 0) report(`checkpoint of ${size} entries published`);
      else {
        report(`checkpoint of ${size} entries NOT published: ${argv[0]} exited ${code ?? 'abnormally'}`);
        log.append([
          { ts: new Date(this.deps.now()).toISOString(), actor: { kind: 'system', id: 'engine' }, event: 'checkpoint_publish_failed', deploymentId: null, payload: { treeSize: size, exitCode: code, stderr } },
        ]);
      }
      this.publishing = undefined;
    });
    return this.publishing;
  }
}
