// SSE subscribers for the server bench, in a process of their own (as real clients would be: not sharing the
// server's event loop, nor the bench's). argv: URL TOKEN COUNT. Connects COUNT streams of every entry and
// prints "connected"; on a line on stdin it stops and prints one JSON line of what arrived when.
//
// Subscriber 0 parses its stream as our clients do (readEvents, then JSON) and records each event's delay
// from its timestamp. The others record, per chunk read from the socket, the arrival time and the last
// complete event's id: ids are consecutive seqs, so the bench knows when every event reached every
// subscriber without 199 full parsers sharing one core with the server on a 2-core machine.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { readEvents } from '../source/client/sse-reader.js';

const [url = '', token = '', countText = '1'] = process.argv.slice(2);
const count = Number(countText);
const controller = new AbortController();
/** Subscriber 0: delay of each event, ms. */
const parsed: number[] = [];
/** Subscribers 1..: [arrival ms, last complete seq] per chunk. */
const arrivals: Array<Array<[number, number]>> = [];
let connected = 0;

const EVENT_END = Buffer.from('\n\n');
const ID_LINE = Buffer.from('\nid: ');

/**
 * Notes, per chunk, when it arrived and the last complete event's id. It reads the socket raw: the HTTP
 * framing is left in the bytes (a chunk-size line sits between two events, "\n\n\r\n1f4\r\nid: 5", and
 * "\nid: " is still found), so that the 199 of them cost this process the reads and little else. A chunk that
 * holds a whole event's end and id line is searched alone, without being copied.
 */
function light(socket: Socket, out: Array<[number, number]>): Promise<void> {
  // Bytes after the last complete event, kept from the "\n" that ends it, so an id line at the start of the
  // next chunk is still found as "\nid: ".
  let rest: Buffer | undefined;
  let last = -1;
  socket.on('data', (chunk: Buffer) => {
    const now = Date.now();
    let buf = chunk;
    let end = chunk.lastIndexOf(EVENT_END);
    let at = end < 0 ? -1 : chunk.lastIndexOf(ID_LINE, end);
    if (at < 0 && rest !== undefined) {
      buf = Buffer.concat([rest, chunk]);
      end = buf.lastIndexOf(EVENT_END);
      at = end < 0 ? -1 : buf.lastIndexOf(ID_LINE, end);
    }
    if (end < 0) {
      rest = Buffer.from(buf);
      return;
    }
    if (at >= 0) {
      const nl = buf.indexOf(10, at + ID_LINE.length);
      const seq = Number(buf.subarray(at + ID_LINE.length, nl).toString('latin1'));
      if (seq > last) out.push([now, (last = seq)]);
    }
    rest = buf.subarray(end + 1);
  });
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    controller.signal.addEventListener('abort', () => {
      socket.destroy();
      resolve();
    });
  });
}

const subscribers = Array.from({ length: count }, async (_, i) => {
  if (i > 0) {
    const u = new URL(url);
    const socket = connect(Number(u.port), u.hostname);
    socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nhost: ${u.host}\r\nauthorization: Bearer ${token}\r\n\r\n`);
    // The response's head and the stream's first comment come first: connected once they have.
    const head = await new Promise<Buffer>((resolve, reject) => socket.once('data', resolve).once('error', reject));
    if (!head.toString('latin1').startsWith('HTTP/1.1 200')) throw new Error(`subscriber ${i}: ${head.toString('latin1').split('\r\n')[0] ?? ''}`);
    if (++connected === count) process.stdout.write('connected\n');
    const out: Array<[number, number]> = [];
    arrivals.push(out);
    return light(socket, out);
  }
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  if (++connected === count) process.stdout.write('connected\n');
  try {
    for await (const e of readEvents(res.body!, controller.signal)) {
      const ts = /"ts":"([^"]+)"/.exec(e.data)?.[1];
      if (ts) parsed.push(Date.now() - Date.parse(ts));
    }
  } catch {
    // aborted at the end
  }
});

process.stdin.once('data', () => {
  controller.abort();
  void Promise.all(subscribers).then(() => process.stdout.write(`${JSON.stringify({ parsed, arrivals })}\n`, () => process.exit(0)));
});
