// The engine's checkpoint emitter from the configuration (`checkpoints`), or none when it is not configured.
import type { Config } from '../domain/config.js';
import type { Clock } from '../engine/clock.js';
import { CheckpointEmitter, runWithStdin } from '../engine/checkpoint-emitter.js';
import { AuditLog } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import { loadSignerKey } from './audit-proofs.js';

export function checkpointEmitterFor(config: Config, db: Db, clock: Clock, report: (line: string) => void): CheckpointEmitter | undefined {
  const c = config.checkpoints;
  if (!c) return undefined;
  // A missing or malformed key file stops the start with a located error, before anything runs.
  const key = loadSignerKey(c.keyFile);
  const settings = { everyEntries: c.everyEntries, everyMinutes: c.everyMinutes, command: c.command };
  return new CheckpointEmitter({ log: new AuditLog(db), key, settings, run: runWithStdin(config.live.commandTimeoutSeconds * 1000), report, now: () => clock.now() }, clock.now());
}
