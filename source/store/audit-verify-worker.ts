// A worker thread verifying one range of the audit chain (see audit-verify.ts).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { verifyRange } from './audit-log.js';

const { path, from, to } = workerData as { path: string; from: number; to: number };
const db = new Database(path, { readonly: true });
try {
  parentPort?.postMessage(verifyRange(db, from, to, null));
} finally {
  db.close();
}
