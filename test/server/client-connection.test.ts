// A client over HTTP says when the server stops answering and when it is back (once each), so a gate
// waiting through a server restart does not go quiet. Here the server is not there at first.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpEngineClient } from '../../source/client/http-client.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('HttpEngineClient.onConnectionChange', () => {
  it('tells once that the server does not answer, with why, and once that it answers again', async () => {
    const port = await freePort();
    const client = new HttpEngineClient(`http://127.0.0.1:${port}`, 'gtk_test', { retryMs: 10_000 });
    const told: Array<[boolean, string]> = [];
    client.onConnectionChange = (up, detail) => told.push([up, detail]);
    const asking = client.identity();
    // Several retries fail before the server comes up; each is not told again.
    await new Promise((r) => setTimeout(r, 700));
    expect(told).toHaveLength(1);
    expect(told[0]![0]).toBe(false);
    expect(told[0]![1]).toMatch(/ECONNREFUSED/);
    const server = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: 'ci', role: 'requester' }));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    expect(await asking).toBe('ci');
    expect(told.map(([up]) => up)).toEqual([false, true]);
  });

  it('counts its retry window from the first failure, not from the call: a slow answer before it does not use it up', async () => {
    let calls = 0;
    const server = createServer((_, res) => {
      calls += 1;
      if (calls === 1) {
        // A server busy for longer than the whole window, then restarting (503): the client still retries.
        setTimeout(() => {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'restarting' }));
        }, 1_500);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: 'ci', role: 'requester' }));
    });
    servers.push(server);
    const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
    const client = new HttpEngineClient(`http://127.0.0.1:${port}`, 'gtk_test', { retryMs: 1_000 });
    expect(await client.identity()).toBe('ci');
    expect(calls).toBe(2);
  });
});
