// The HTTP API against a real `genops-tui serve` process: gate round trip over HTTP vs the local queue in the
// same run, status reads per second with 8 clients, 200 SSE subscribers during a 100-deployment burst, a flood
// of 10,000 bad-token requests (how the server answers meanwhile), and RSS over many deployments.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { AuditLog } from '../source/store/audit-log.js';
import { HttpEngineClient } from '../source/client/http-client.js';
import type { DeploymentRequest } from '../source/domain/schemas.js';
import type { AuditEntry } from '../source/store/audit-log.js';
import { openDatabase } from '../source/store/database.js';
import { Submissions } from '../source/store/submissions.js';
import { writeResults } from './results-file.js';
import { withTempDir } from './temp-db.js';

const CLI = join(process.cwd(), 'dist', 'source', 'cli.js');
const CONFIG = 'examples/fast-canary.yaml';
/** Deployments run through the server for the memory figure (BENCH_SERVER_N to change). */
const MANY = Number(process.env.BENCH_SERVER_N ?? 10_000);
/** Deployments served before the measured run, so one-time growth (caches filling, code compiled) is not counted as growth. */
const WARM = Number(process.env.BENCH_SERVER_WARM ?? 5_000);
/** Memory readings (one a second, each after a GC) while the server idles before its memory at rest is taken. */
const REST_READINGS = 15;
/** Rounds of the SSE burst (with 1 subscriber, then 200); the median round is reported. */
const ROUNDS = 5;

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

function change() {
  return { linesChanged: 5, filesChanged: 1, dbMigration: false, configChange: false, hotfix: false, summary: 'bench' };
}

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

function tokenFor(db: string, name: string, role: string): string {
  const r = spawnSync(process.execPath, [CLI, 'token', 'create', name, '--role', role, '--db', db, '--json']);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return (JSON.parse(r.stdout.toString()) as { token: string }).token;
}

async function serve(db: string, port: number): Promise<ChildProcessWithoutNullStreams> {
  // --expose-gc and the preload: SIGUSR2 makes the server collect garbage before its memory is read.
  // SERVE_NODE_ARGS adds Node flags to the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
  const gcOnSignal = pathToFileURL(join(process.cwd(), 'dist', 'bench', 'gc-on-signal.js')).href;
  const child = spawn(process.execPath, [...(process.env.SERVE_NODE_ARGS?.split(' ') ?? []), '--expose-gc', '--import', gcOnSignal, CLI, 'serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--catalog', 'fixtures/catalog.yaml', '--config', CONFIG, '--rate-limit', '10000000']);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      if (out.length < 10_000) out += d.toString();
      if (out.includes('listening on')) resolve();
    });
    child.once('exit', () => reject(new Error(`serve exited: ${out}`)));
  });
  child.stdout.resume();
  child.stderr.resume();
  return child;
}

export async function runServerBench(): Promise<void> {
  // Other work on the machine moves every figure here: the load average is recorded beside them.
  const loadAtStart = loadavg()[0] ?? NaN;
  await withTempDir(async (dir) => {
    const dbFile = join(dir, 'server.db');
    const ci = tokenFor(dbFile, 'bench', 'requester');
    const viewer = tokenFor(dbFile, 'watcher', 'viewer');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = await serve(dbFile, port);
    /** The server's resident set and V8 heap in use, MiB, from its own /metrics, after a full GC. */
    const memoryOf = async (): Promise<{ rss: number; heap: number; heapTotal: number; external: number }> => {
      server.kill('SIGUSR2');
      await new Promise((r) => setTimeout(r, 1_000));
      const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${viewer}` } })).text();
      const mib = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN) / 2 ** 20;
      const m = { rss: mib(/genops_process_resident_memory_bytes (\d+)/), heap: mib(/genops_nodejs_heap_size_used_bytes (\d+)/), heapTotal: mib(/genops_nodejs_heap_size_total_bytes (\d+)/), external: mib(/genops_nodejs_external_memory_bytes (\d+)/) };
      return m;
    };
    /**
     * The same at rest: after a GC V8 keeps free pages committed (tens of MiB, more or fewer with the allocation
     * pattern of the moment) and hands them back once the process has idled a while (V8's memory reducer: about
     * 9 s on this machine). Read each second for 15 s of idling; the last reading is the server at rest.
     */
    const memoryAtRest = async (): Promise<Awaited<ReturnType<typeof memoryOf>>> => {
      let last = await memoryOf();
      for (let i = 1; i < REST_READINGS; i++) last = await memoryOf();
      return last;
    };
    const client = new HttpEngineClient(base, ci);
    const db = openDatabase(dbFile);
    const submissions = new Submissions(db);
    const outcome = db.prepare('SELECT outcome FROM deployments WHERE id = ?').pluck();
    let n = 0;
    const local = async (): Promise<number> => {
      const id = `local-${n++}`;
      const t = performance.now();
      const request: DeploymentRequest = { id, serviceId: 'notifications', version: '1.0.0', requestedBy: 'bench', requestedAt: new Date().toISOString(), change: change() };
      submissions.submit(request, Date.now(), Date.now() + 10_000);
      while (!outcome.get(id)) await new Promise((r) => setTimeout(r, 2));
      return performance.now() - t;
    };
    const http = async (): Promise<number> => {
      const id = `http-${n++}`;
      const t = performance.now();
      const s = await client.submit({ id, serviceId: 'notifications', version: '1.0.0', requestedAt: new Date().toISOString(), change: change() });
      if (s.result !== 'accepted') throw new Error(`${id}: ${s.result}`);
      const w = await client.awaitOutcome(id, { until: Date.now() + 30_000 });
      if (w.result !== 'finished' || w.status.outcome !== 'succeeded') throw new Error(`${id}: ${JSON.stringify(w)}`);
      return performance.now() - t;
    };
    for (let i = 0; i < 5; i++) {
      await local();
      await http();
    }
    const { rss: rssStart, heap: heapStart } = await memoryOf();
    // 1. Round trips, alternating so both see the same engine and the same history size.
    const localMs: number[] = [];
    const httpMs: number[] = [];
    for (let i = 0; i < 60; i++) {
      localMs.push(await local());
      httpMs.push(await http());
    }
    const overhead = quantile(httpMs, 0.5) - quantile(localMs, 0.5);

    // 2. Status reads, 8 clients for 3 s.
    const readUntil = performance.now() + 3_000;
    let reads = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (performance.now() < readUntil) {
          const r = await fetch(`${base}/v1/deployments/http-1`, { headers: { authorization: `Bearer ${viewer}` } });
          await r.arrayBuffer();
          if (r.status !== 200) throw new Error(`status read: ${r.status}`);
          reads++;
        }
      }),
    );
    const readsPerSecond = reads / 3;

    // 3. 200 SSE subscribers (in a process of their own) while 100 deployments are submitted at once: delay
    // from the entry's timestamp (the engine's clock, this machine's) to the subscriber reading it.
    const auditLog = new AuditLog(db);
    /** CPU time (user + system) a process has used, ms (Linux). */
    const cpuMs = (pid: number | undefined): number => {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        return (Number(fields[11]) + Number(fields[12])) * 10;
      } catch {
        return NaN;
      }
    };
    const burst = async (subscribers: number, prefix: string) => {
      const head = auditLog.tail(1)[0]?.seq ?? 0;
      const child = spawn(process.execPath, [...(process.env.SUBSCRIBER_NODE_ARGS?.split(' ') ?? []), join(process.cwd(), 'dist', 'bench', 'sse-subscribers.js'), `${base}/v1/events`, viewer, String(subscribers)]);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.resume();
      while (!out.includes('connected')) await new Promise((r) => setTimeout(r, 10));
      const serverCpu = cpuMs(server.pid);
      const clientCpu = cpuMs(child.pid);
      const start = performance.now();
      const ids = Array.from({ length: 100 }, (_, i) => `${prefix}-${i}`);
      await Promise.all(ids.map((id) => client.submit({ id, serviceId: 'notifications', version: '1.0.0', requestedAt: new Date().toISOString(), change: change() })));
      while (ids.some((id) => !outcome.get(id))) await new Promise((r) => setTimeout(r, 20));
      const seconds = (performance.now() - start) / 1000;
      await new Promise((r) => setTimeout(r, 500));
      const serverCpuMs = cpuMs(server.pid) - serverCpu;
      const clientCpuMs = cpuMs(child.pid) - clientCpu;
      child.stdin.write('stop\n');
      await new Promise((r) => child.once('exit', r));
      const { parsed, arrivals } = JSON.parse(out.slice(out.indexOf('{'))) as { parsed: number[]; arrivals: Array<Array<[number, number]>> };
      // Each entry's timestamp, by seq; every subscriber's chunk says which seqs had arrived by when.
      const tsOf = new Map<number, number>();
      for (let from = head; ; ) {
        const page = auditLog.since(from, 5_000);
        for (const e of page) tsOf.set(e.seq, Date.parse(e.ts));
        if (page.length < 5_000) break;
        from = page[page.length - 1]!.seq;
      }
      const delays = [...parsed];
      let complete = 0;
      for (const chunks of arrivals) {
        let seq = head;
        for (const [at, last] of chunks) {
          for (seq++; seq <= last; seq++) {
            const ts = tsOf.get(seq);
            if (ts !== undefined) delays.push(at - ts);
          }
          seq = last;
        }
        if (seq >= head + tsOf.size) complete++;
      }
      return { delays, parsed, seconds, serverCpuMs, clientCpuMs, complete: complete + (parsed.length >= tsOf.size ? 1 : 0), events: tsOf.size };
    };
    /** The server's own figure: entries written to the open streams, by histogram bucket (le, in s → count). */
    const writtenBuckets = async (): Promise<Map<string, number>> => {
      const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${viewer}` } })).text();
      return new Map([...text.matchAll(/^genops_event_stream_delay_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
    };
    // ROUNDS rounds, the same burst with one subscriber (what the engine's own burst work costs, apart from the
    // fan-out) then with 200: this machine is shared and noisy, so the median round is the one reported.
    const rounds: Array<{ alone: Awaited<ReturnType<typeof burst>>; crowd: Awaited<ReturnType<typeof burst>>; written: Map<string, number> }> = [];
    for (let r = 0; r < ROUNDS; r++) {
      const alone = await burst(1, `alone${r}`);
      const before = await writtenBuckets();
      const crowd = await burst(200, `burst${r}`);
      const after = await writtenBuckets();
      rounds.push({ alone, crowd, written: new Map([...after].map(([le, count]) => [le, count - (before.get(le) ?? 0)])) });
    }
    const p99Of = (xs: number[]): number => quantile(xs, 0.99);
    const middle = [...rounds].sort((a, b) => p99Of(a.crowd.delays) - p99Of(b.crowd.delays))[Math.floor(ROUNDS / 2)]!;
    const { alone, crowd, written } = middle;
    const { delays, seconds: burstSeconds } = crowd;
    const writtenAll = written.get('+Inf') ?? NaN;
    const writtenWithin = (le: string): number => round(((written.get(le) ?? NaN) / writtenAll) * 100);

    // 4. 10,000 requests with bad tokens (32 at a time) while one client times /healthz and a valid status read.
    const probe: number[] = [];
    let flooding = true;
    const prober = (async () => {
      while (flooding) {
        const t = performance.now();
        const r = await fetch(`${base}/v1/deployments/http-1`, { headers: { authorization: `Bearer ${viewer}` } });
        await r.arrayBuffer();
        probe.push(performance.now() - t);
        await new Promise((r2) => setTimeout(r2, 5));
      }
    })();
    const floodStart = performance.now();
    let next = 0;
    const statuses = new Map<number, number>();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < 10_000) {
          const i = next++;
          const r = await fetch(`${base}/v1/deployments`, { headers: { authorization: `Bearer gtk_${i.toString(16).padStart(16, '0')}_${'B'.repeat(43)}` } });
          await r.arrayBuffer();
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        }
      }),
    );
    const floodRate = 10_000 / ((performance.now() - floodStart) / 1000);
    flooding = false;
    await prober;

    // 5. Memory over many deployments: submitted 50 at a time, each run to its outcome; WARM of them first, then
    // MANY measured, read at every quarter.
    const serveMany = async (prefix: string, n: number, each: (done: number) => Promise<void>): Promise<void> => {
      for (let done = 0; done < n; done += 50) {
        await each(done);
        const ids = Array.from({ length: Math.min(50, n - done) }, (_, i) => `${prefix}-${done + i}`);
        await Promise.all(ids.map((id) => client.submit({ id, serviceId: 'notifications', version: '1.0.0', requestedAt: new Date().toISOString(), change: change() })));
        while (ids.some((id) => !outcome.get(id))) await new Promise((r) => setTimeout(r, 20));
      }
    };
    const { rss: rssBeforeWarm } = await memoryOf();
    await serveMany('warm', WARM, async () => undefined);
    const before = await memoryAtRest();
    const { rss: rssBefore, heap: heapBefore } = before;
    const manyStart = performance.now();
    /** A reading every tenth of the run (the last one is the end). */
    const readings: Array<Awaited<ReturnType<typeof memoryOf>>> = [];
    await serveMany('many', MANY, async (done) => {
      if (done > 0 && done % (MANY / 10) === 0) readings.push(await memoryOf());
    });
    const manySeconds = (performance.now() - manyStart) / 1000;
    readings.push(await memoryOf());
    const end = await memoryAtRest();
    const { rss: rssEnd, heap: heapEnd } = end;
    const heapHalf = readings[4]?.heap ?? NaN;
    /** Memory outside V8's heap (the native HNSW index, SQLite, buffers, the allocator), MiB: RSS less the heap V8 has committed. */
    const native = (m: { rss: number; heapTotal: number }): number => m.rss - m.heapTotal;
    const span = (xs: number[]): string => `${round(Math.min(...xs))}–${round(Math.max(...xs))}`;
    db.close();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));

    const p50h = quantile(httpMs, 0.5);
    const p50l = quantile(localMs, 0.5);
    const sseP99 = quantile(delays, 0.99);
    writeResults(
      'server',
      'npm run bench -- server',
      [
        { metric: 'gate round trip over HTTP (submit, wait on the event stream), LOW, p50', value: round(p50h), unit: 'ms' },
        { metric: 'gate round trip over HTTP, p99', value: round(quantile(httpMs, 0.99)), unit: 'ms' },
        { metric: 'gate round trip through the local queue (same run, polled every 2 ms), p50', value: round(p50l), unit: 'ms' },
        { metric: 'gate round trip through the local queue, p99', value: round(quantile(localMs, 0.99)), unit: 'ms' },
        { metric: 'HTTP overhead over local, p50', value: round(overhead), unit: 'ms', target: '≤ 10 ms', met: overhead <= 10 },
        { metric: 'status reads (GET /v1/deployments/:id), 8 clients', value: Math.round(readsPerSecond), unit: 'requests/s' },
        { metric: 'SSE: 200 subscribers, 100-deployment burst: delivery delay p50', value: quantile(delays, 0.5), unit: 'ms' },
        { metric: `SSE delivery delay p99 (the median of ${ROUNDS} rounds)`, value: sseP99, unit: 'ms', target: '≤ 50 ms', met: sseP99 <= 50 },
        { metric: 'SSE delivery delay p99 in each round', value: sseP99, unit: `ms (rounds: ${rounds.map((r) => p99Of(r.crowd.delays)).join(', ')} ms)` },
        { metric: 'the server\'s side of it (genops_event_stream_delay_seconds): entries written to the 200 streams within 10 / 25 / 50 ms of their timestamp', value: writtenWithin('0.01'), unit: `% / ${writtenWithin('0.025')}% / ${writtenWithin('0.05')}% (of ${writtenAll.toLocaleString('en-US')})` },
        { metric: 'of them the one subscriber parsing every event as our clients do (readEvents + JSON): p99', value: quantile(crowd.parsed, 0.99), unit: 'ms' },
        { metric: 'the same burst with 1 subscriber (the engine\'s burst work without the fan-out): delay p50', value: quantile(alone.delays, 0.5), unit: 'ms' },
        { metric: 'the same burst with 1 subscriber: delay p99', value: quantile(alone.delays, 0.99), unit: `ms (rounds: ${rounds.map((r) => p99Of(r.alone.delays)).join(', ')} ms)` },
        { metric: 'subscribers that received every one of the burst\'s entries', value: crowd.complete, unit: `of 200 (${crowd.events.toLocaleString('en-US')} entries each)` },
        { metric: 'server CPU during the burst: 200 subscribers / 1 subscriber', value: crowd.serverCpuMs, unit: `ms / ${alone.serverCpuMs} ms` },
        { metric: 'the subscribers\' process CPU during the burst (200 streams read)', value: crowd.clientCpuMs, unit: 'ms' },
        { metric: 'burst of 100 deployments to their outcomes, with 200 subscribers', value: round(burstSeconds, 2), unit: 's' },
        { metric: '10,000 bad-token requests (32 at a time): answered', value: Math.round(floodRate), unit: 'requests/s' },
        { metric: 'of them 401 (each audited) / 429 (rate limit)', value: statuses.get(401) ?? 0, unit: `401s; ${statuses.get(429) ?? 0} 429s` },
        { metric: 'a valid status read during the flood: p50', value: round(quantile(probe, 0.5)), unit: 'ms' },
        { metric: 'a valid status read during the flood: p99', value: round(quantile(probe, 0.99)), unit: 'ms' },
        { metric: 'server RSS after warm-up (after a full GC, as every memory figure)', value: round(rssStart), unit: 'MiB' },
        { metric: `server RSS before the warm-up run (after the figures above); after ${WARM.toLocaleString('en-US')} deployments of warm-up, at rest`, value: round(rssBeforeWarm), unit: `MiB; ${round(rssBefore)} MiB` },
        { metric: `server RSS at rest after ${MANY.toLocaleString('en-US')} more deployments served (${round(manySeconds)} s), against before them`, value: round(rssEnd), unit: `MiB (${rssEnd >= rssBefore ? '+' : ''}${round(((rssEnd - rssBefore) / rssBefore) * 100)}% on ${round(rssBefore)} MiB)`, target: 'no growth (within 10%)', met: rssEnd <= rssBefore * 1.1 },
        { metric: `server RSS right after a GC (not at rest: V8 still holding free pages) at each tenth of the ${MANY.toLocaleString('en-US')}`, value: round(readings[0]?.rss ?? NaN), unit: `MiB → ${readings.slice(1).map((q) => round(q.rss)).join(' → ')} MiB` },
        { metric: 'server V8 heap in use: after warm-up / before the run', value: round(heapStart), unit: `MiB / ${round(heapBefore)} MiB` },
        { metric: `server V8 heap in use after ${(MANY / 2).toLocaleString('en-US')} / ${MANY.toLocaleString('en-US')} deployments`, value: round(heapHalf), unit: `MiB / ${round(heapEnd)} MiB` },
        { metric: 'of RSS, the heap V8 keeps committed: at rest before → after; right after a GC at each tenth, from–to', value: round(before.heapTotal), unit: `MiB → ${round(end.heapTotal)} MiB; ${span(readings.map((q) => q.heapTotal))} MiB` },
        { metric: 'of RSS, memory outside the V8 heap (RSS less the committed heap), at rest before → after', value: round(native(before)), unit: `MiB → ${round(native(end))} MiB (${native(end) >= native(before) ? '+' : ''}${round(((native(end) - native(before)) / native(before)) * 100)}%; ${readings.map((q) => round(native(q))).join(', ')} MiB at each tenth)` },
      ],
      [
        `A separate \`genops-tui serve\` process with ${CONFIG} (bake 0, one 10 ms sample per stage, poll 10 ms) and --rate-limit 10000000: in the flood no request is turned away by the limit, so every one is refused with 401 and audited (the worst case for the server).`,
        'HTTP round trips use the client `gate --server` uses (HttpEngineClient), without starting Node; local ones do what `gate` does (the SQLite queue), polling every 2 ms instead of 25.',
        'SSE delay is measured from the audit entry\'s timestamp (the server\'s clock, the same machine) to the subscriber reading it; an entry is stamped when the engine\'s transaction begins. The engine loop spends at most 5 ms of a pass on new requests and 5 ms on due deployments before it lets the server answer requests and write to the streams (LiveRunner SLICE_MS), and a pass\'s entries are written to the streams as soon as it ends (EventHub.pokeAfterTask). The subscribers run in a process of their own (bench/sse-subscribers.ts), as real clients would; one parses every event as our clients do, the other 199 note per chunk read which ids had arrived (the seqs are consecutive), so their delays count every event without 199 parsers competing with the server for the 2 cores.',
        `Load average (1 min) at the start: ${loadAtStart.toFixed(1)}; at the end: ${(loadavg()[0] ?? NaN).toFixed(1)} (${cpus().length} cores).`,
        `Memory: ${WARM.toLocaleString('en-US')} deployments are served first (warm-up: caches fill, code is compiled), then ${MANY.toLocaleString('en-US')} are measured. ` + '`serve` keeps the 200 most recent finished deployments\' views (Engine.keepFinished) and reads older ones from the store. The server runs with --expose-gc and collects garbage (SIGUSR2, bench/gc-on-signal.ts) before each reading, so the V8 heap in use is live objects. RSS is that heap as V8 has it committed (after a full GC V8 keeps free pages, more or fewer with the allocation pattern of the moment: tens of MiB from one reading to the next, handed back once the process has idled some 9 s; the target is judged at rest, after 15 s of idling with a GC each second) plus memory outside it: the native HNSW index and the vector matrix of past deployments (which grow with history, by design), SQLite\'s page cache, buffers and the allocator\'s arenas.',
      ],
    );
  });
}
