// A request over HTTP waits for the engine's answer; the engine tells the queue which request it took or
// refused, and only that request's handler looks again (no poll needed: here the poll never comes).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SubmissionQueue } from '../../source/server/submission-queue.js';
import type { DeploymentView } from '../../source/engine/deployment-view.js';
import { openDatabase } from '../../source/store/database.js';
import { Submissions } from '../../source/store/submissions.js';
import type { WaitTime } from '../../source/store/submissions.js';
import { request } from '../helpers/builders.js';
import { tempDir } from '../helpers/temp-db.js';

const NEVER: WaitTime = { now: () => Date.now(), sleep: () => new Promise<void>(() => undefined) };

function setup() {
  const submissions = new Submissions(openDatabase(join(tempDir(), 'queue.db')));
  const views = new Map<string, DeploymentView>();
  const queue = new SubmissionQueue({ submissions, wake: () => undefined, view: (id) => views.get(id), isReady: () => true, time: NEVER });
  return { submissions, views, queue };
}

const settledWithin = async (p: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([p.then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe('SubmissionQueue', () => {
  it('answers a request as soon as the engine says it took it, and the others keep waiting', async () => {
    const { submissions, views, queue } = setup();
    const a = queue.submit(request({ id: 'a' }), false);
    const b = queue.submit(request({ id: 'b' }), false);
    expect(await settledWithin(a, 20)).toBe(false);
    // The engine takes "a" (committed), then says so.
    submissions.accept('a');
    views.set('a', { id: 'a' } as DeploymentView);
    queue.settled('a');
    await expect(a).resolves.toMatchObject({ id: 'a' });
    expect(await settledWithin(b, 20)).toBe(false);
    submissions.refuse('b', 'unknown service "x"');
    queue.settled('b');
    await expect(b).rejects.toMatchObject({ statusCode: 409, message: 'unknown service "x"' });
  });
});
