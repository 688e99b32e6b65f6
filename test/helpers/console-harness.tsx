// A console over the bundled fixture, replayed to a deterministic point, for snapshot and end-to-end tests.
import { join } from 'node:path';
import { render } from 'ink-testing-library';
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

export function renderConsole(session: ReturnType<typeof consoleSession>, props: Partial<AppProps> = {}) {
  return render(
    <App
      model={session.model}
      operator="operator-olga"
      readonly={false}
      theme={{ color: false, ascii: false }}
      autonomy={session.autonomy}
      slo={session.slo}
      autoplay={false}
      frameMs={0}
      size={{ columns: 120, rows: 40 }}
      {...props}
    />,
  );
}

/** Lets Ink process a key: a key written right after render() or another key is otherwise lost. */
export async function press(stdin: { write(s: string): void }, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    stdin.write(k);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 0));
  }
}

export const KEYS = { enter: '\r', escape: '\u001b', down: '\u001b[B', up: '\u001b[A', tab: '\t', backspace: '\u007f', right: '\u001b[C' } as const;
