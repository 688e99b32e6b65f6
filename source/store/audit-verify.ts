// Verifying a large audit chain on several cores. Each entry's hash depends only on its stored prev_hash and
// bytes, so ranges verify independently; the links between ranges are checked here. The first bad seq is
// the lowest any range or link reports, exactly as a single pass would find it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db } from './database.js';
import type { RangeResult, VerifyResult } from './audit-log.js';
import { AuditLog, GENESIS } from './audit-log.js';

const WORKER = fileURLToPath(new URL('./audit-verify-worker.js', import.meta.url));

/** True where the compiled worker exists (running from dist/); from TypeScript sources it does not. */
export const parallelVerifyAvailable = (): boolean => existsSync(WORKER);

function runWorker(path: string, from: number, to: number): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: { path, from, to } });
    worker.once('message', (r: RangeResult) => {
      const buf = (b: unknown): Buffer | undefined => (b ? Buffer.from(b as Uint8Array) : undefined);
      const firstPrev = buf(r.firstPrev);
      const lastHash = buf(r.lastHash);
      resolve({ ...r, ...(firstPrev ? { firstPrev } : {}), ...(lastHash ? { lastHash } : {}) });
    });
    worker.once('error', reject);
  });
}

export async function verifyParallel(db: Db, path: string, jobs: number): Promise<VerifyResult> {
  const maxSeq = (db.prepare('SELECT max(seq) FROM audit').pluck().get() as number | null) ?? 0;
  if (jobs <= 1 || !parallelVerifyAvailable() || maxSeq === 0) return new AuditLog(db).verify();
  const bounds = Array.from({ length: jobs + 1 }, (_, k) => (k === jobs ? Number.MAX_SAFE_INTEGER : Math.floor((maxSeq * k) / jobs)));
  const ranges = await Promise.all(bounds.slice(0, -1).map((from, k) => runWorker(path, from, bounds[k + 1] as number)));
  let count = 0;
  let prevLast: Buffer | undefined = GENESIS;
  for (let k = 0; k < ranges.length; k++) {
    const r = ranges[k] as RangeResult;
    const from = bounds[k] as number;
    // The link into this range: its first row must chain from the previous range's last hash.
    if (r.firstPrev && r.firstSeq !== undefined && !(prevLast && r.firstPrev.equals(prevLast))) {
      return r.firstSeq === 1
        ? { ok: false, count, seq: 1, problem: 'bad genesis', detail: 'the first entry does not chain from 32 zero bytes' }
        : { ok: false, count, seq: r.firstSeq, problem: 'broken link', detail: `prev_hash does not equal the hash of seq ${r.firstSeq - 1}` };
    }
    if (r.problem) return { ok: false, count: count + r.count, ...r.problem };
    if (r.count === 0 && from < maxSeq) return { ok: false, count, seq: from + 1, problem: 'gap in seq', detail: `expected seq ${from + 1}, found none` };
    count += r.count;
    prevLast = r.lastHash ?? prevLast;
  }
  return { ok: true, count, head: (prevLast ?? GENESIS).toString('hex') };
}
