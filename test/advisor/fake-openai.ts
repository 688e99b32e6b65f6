// A local server speaking enough of the OpenAI Chat Completions (and embeddings) protocol for tests, over real
// HTTP on 127.0.0.1 and an ephemeral port. Each request is answered by the next scripted behaviour, or by the
// default one; every request body is kept for assertions.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** A raw body (sent as is) or a value sent as JSON. */
  body?: string | object;
  delayMs?: number;
}

export type Behaviour = (request: { path: string; body: Record<string, unknown> }) => Reply;

/** A Chat Completions response whose message content is `content`. */
export function completion(content: string, usage = { prompt_tokens: 321, completion_tokens: 42 }): object {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'test-model',
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null } }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

export const answer = (a: { recommendation: string; confidence: number; rationale: string; evidenceIds: string[] }): Reply => ({ body: completion(JSON.stringify(a)) });

export interface FakeOpenAi {
  url: string;
  requests: Array<{ path: string; body: Record<string, unknown>; at: number }>;
  /** The next requests' answers, in order: fixed replies or functions of the request. */
  script(...behaviours: Array<Behaviour | Reply>): void;
  setDefault(behaviour: Behaviour): void;
  close(): Promise<void>;
}

export async function startFakeOpenAi(initial: Behaviour = () => ({ status: 500, body: { error: { message: 'no behaviour' } } })): Promise<FakeOpenAi> {
  const queue: Behaviour[] = [];
  let fallback = initial;
  const requests: FakeOpenAi['requests'] = [];
  const pending = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        // keep {}
      }
      const path = req.url ?? '';
      requests.push({ path, body, at: Date.now() });
      const reply = (queue.shift() ?? fallback)({ path, body });
      const send = (): void => {
        if (res.destroyed) return;
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(text);
      };
      if (reply.delayMs) {
        const t = setTimeout(() => {
          pending.delete(t);
          send();
        }, reply.delayMs);
        pending.add(t);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...b) => queue.push(...b.map((x): Behaviour => (typeof x === 'function' ? x : () => x))),
    setDefault: (b) => {
      fallback = b;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of pending) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
