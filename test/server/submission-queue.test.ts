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

function setup(running = new Map<string, number>()) {
  const submissions = new Submissions(openDatabase(join(tempDir(), 'queue.db')));
  const views = new Map<string, DeploymentView>();
  const queue = new SubmissionQueue({ submissions, wake: () => undefined, view: (id) => views.get(id), isReady: () => true, time: NEVER, maxInFlight: 3, inFlight: (who) => running.get(who) ?? 0 });
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

  it("refuses a requester's request past its limit of deployments in flight or queued (429), nothing queued; others are not held", async () => {
    const running = new Map([['ci', 2]]);
    const { submissions, queue } = setup(running);
    const first = queue.submit(request({ id: 'q1', requestedBy: 'ci' }), false);
    await expect(queue.submit(request({ id: 'q2', requestedBy: 'ci' }), false)).rejects.toMatchObject({ statusCode: 429, message: expect.stringMatching(/^ci has 3 deployments in flight or queued, the most one requester may have \(serve --max-in-flight 3\)/) });
    expect(submissions.status('q2')).toBeUndefined();
    // Another requester is not held by ci's.
    const other = queue.submit(request({ id: 'o1', requestedBy: 'nightly' }), false);
    expect(submissions.status('o1')?.status).toBe('pending');
    // Once one of ci's has finished, ci may submit again.
    running.set('ci', 1);
    const again = queue.submit(request({ id: 'q3', requestedBy: 'ci' }), false);
    expect(submissions.status('q3')?.status).toBe('pending');
    for (const [id, p] of [['q1', first], ['o1', other], ['q3', again]] as const) {
      submissions.refuse(id, 'test over');
      queue.settled(id);
      await expect(p).rejects.toMatchObject({ statusCode: 409 });
    }
  });
});
