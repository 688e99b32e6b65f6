// A console over the bundled fixture, replayed to a deterministic point, for snapshot and end-to-end tests,
// drawn on a fake terminal of a given size (ink-testing-library's is always 100 columns wide).
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { render as inkRender } from 'ink';
import type { Instance } from 'ink';
import type { ReactElement } from 'react';
import { openReplay } from '../../source/commands/console.js';
import type { DeploymentView } from '../../source/engine/deployment-view.js';
import { App } from '../../source/ui/app.js';
import type { AppProps } from '../../source/ui/app.js';

const quiet = { out: () => undefined, err: () => undefined };

export function consoleSession(dir: string, name: string) {
  return openReplay('fixtures/replay-small.ndjson', { db: join(dir, name), paused: true, speed: 60 }, quiet);
}

/** Steps the replay until `until` holds for the deployments (or the fixture ends). */
export function stepUntil(session: ReturnType<typeof consoleSession>, until: (ds: DeploymentView[]) => boolean): void {
  for (let i = 0; i < 100_000 && !until(session.engine.deployments); i++) {
    const before = session.model.source?.replay.nextEventAt();
    if (before === undefined) break;
    session.model.step();
  }
}

class FakeStdout extends EventEmitter {
  readonly frames: string[] = [];
  /** Everything written that is not a frame (bell, OSC 52). */
  readonly raw: string[] = [];
  isTTY = true;
  constructor(public columns: number, public rows: number) {
    super();
  }
  write = (frame: string): boolean => {
    if (frame.startsWith('\u0007') || frame.startsWith('\u001b]')) this.raw.push(frame);
    else this.frames.push(frame);
    return true;
  };
  lastFrame = (): string | undefined => this.frames.at(-1);
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string): void => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

const instances: Instance[] = [];

/** Renders on a terminal `columns`×`rows` big; frames as a person would see them. */
export function renderSized(tree: ReactElement, size: { columns: number; rows: number }) {
  const stdout = new FakeStdout(size.columns, size.rows);
  const stdin = new FakeStdin();
  // The fakes stand in for the process streams, as ink-testing-library's do.
  const streams = { stdout: stdout as unknown as NodeJS.WriteStream, stderr: new FakeStdout(size.columns, size.rows) as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream };
  const instance = inkRender(tree, { ...streams, debug: true, exitOnCtrlC: false, patchConsole: false });
  instances.push(instance);
  return { stdin, stdout, lastFrame: stdout.lastFrame, frames: stdout.frames, unmount: instance.unmount, waitUntilExit: instance.waitUntilExit };
}

export function cleanupSized(): void {
  for (const i of instances.splice(0)) i.unmount();
}

export function renderConsole(session: ReturnType<typeof consoleSession>, props: Partial<AppProps> = {}) {
  const size = props.size ?? { columns: 120, rows: 40 };
  return renderSized(
    <App
      model={session.model}
      operator="operator-olga"
      readonly={false}
      theme={{ color: false, ascii: false }}
      autonomy={session.autonomy}
      slo={session.slo}
      autoplay={false}
      frameMs={0}
      size={size}
      {...props}
    />,
    size,
  );
}

/** Lets Ink process a key: a key written right after render() or another key is otherwise lost. */
export async function press(stdin: { write(s: string): void }, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    stdin.write(k);
    await settle();
  }
}

/** Lets effects and the next frame happen. */
export async function settle(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 0));
}

export const KEYS = { enter: '\r', escape: '\u001b', down: '\u001b[B', up: '\u001b[A', tab: '\t', backtab: '\u001b[Z', backspace: '\u007f', right: '\u001b[C', left: '\u001b[D', ctrlA: '\u0001', ctrlR: '\u0012', altA: '\u001ba' } as const;
