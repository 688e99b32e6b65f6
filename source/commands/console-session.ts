// What a console runs over: its model and engine, how to close them, and the flags that open one.
import type { Config } from '../domain/config.js';
import type { ConsoleEngine } from '../ui/console-engine.js';
import type { ConsoleModel } from '../ui/console-model.js';
import type { VerifyResult } from '../store/audit-log.js';

export interface ConsoleFlags {
  db?: string;
  config?: string;
  speed?: number;
  paused: boolean;
  readonly: boolean;
  as?: string;
  color: boolean;
  ascii: boolean;
  /** Ring the terminal bell when something new needs a human (default on; --no-bell). */
  bell?: boolean;
}

export interface ReplaySession {
  model: ConsoleModel;
  engine: ConsoleEngine;
  close(): void;
  autonomy: string;
  slo: { errorRate: number; p99Ms: number };
  /** The chain recomputed, where this process holds the database (a replay's plain summary says it). */
  verifyAudit?: () => VerifyResult;
  /** Who decides, when the engine says so (over HTTP: the token's name); otherwise --as or the OS user. */
  operator?: string;
}

export function sessionOf(model: ConsoleModel, engine: ConsoleEngine, config: Config, close: () => void): ReplaySession {
  return { model, engine, autonomy: config.autonomy, slo: { errorRate: config.slo.errorRate, p99Ms: config.slo.p99Ms }, close };
}
