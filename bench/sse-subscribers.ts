// A worker thread holding SSE subscribers for the server bench, so their parsing does not share the bench's
// own event loop: connects `count` streams, then records each event's delay until told to stop.
import { parentPort, workerData } from 'node:worker_threads';
import { readEvents } from '../source/client/sse-reader.js';

const { url, token, count } = workerData as { url: string; token: string; count: number };
const controller = new AbortController();
const delays: number[] = [];
let connected = 0;
const subscribers = Array.from({ length: count }, async () => {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  connected++;
  if (connected === count) parentPort?.postMessage({ kind: 'connected' });
  try {
    for await (const e of readEvents(res.body!, controller.signal)) {
      // The entry's ts is the server's clock on this machine; only it is read, not the whole entry.
      const ts = /"ts":"([^"]+)"/.exec(e.data)?.[1];
      if (ts) delays.push(Date.now() - Date.parse(ts));
    }
  } catch {
    // aborted at the end
  }
});
parentPort?.on('message', () => {
  controller.abort();
  void Promise.all(subscribers).then(() => parentPort?.postMessage({ kind: 'done', delays }));
});
