// A small Prometheus HTTP API client: instant and range queries (POST, form-encoded, so long queries fit),
// custom headers and a bearer token, a timeout on every request, and results reduced to one value or one
// series. Any failure rejects with a PrometheusError whose message says what went wrong in a few words.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export class PrometheusError extends Error {
  override name = 'PrometheusError';
}

export interface PrometheusClientOptions {
  address: string;
  headers?: Readonly<Record<string, string>>;
  /** Read on every request, so a rotated token file is picked up. */
  bearerToken?: () => Promise<string | undefined>;
  timeoutMs: number;
  fetch?: typeof fetch;
}

const sampleValue = z.tuple([z.number(), z.string()]);
const responseSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleValue })) }),
      z.object({ resultType: z.literal('matrix'), result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(sampleValue) })) }),
      z.object({ resultType: z.literal('scalar'), result: sampleValue }),
      z.object({ resultType: z.literal('string'), result: sampleValue }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);
type QueryData = Extract<z.infer<typeof responseSchema>, { status: 'success' }>['data'];

const cut = (s: string, n = 200): string => (s.length > n ? `${s.slice(0, n)}…` : s);
const seriesName = (metric: Record<string, string>): string => `{${Object.entries(metric).map(([k, v]) => `${k}="${v}"`).join(',')}}`;

/** A sample value as Prometheus writes it: a decimal string, or NaN / +Inf / -Inf, which are refused. */
export function parseValue(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new PrometheusError(`non-finite value ${cut(text, 20)}`);
  return value;
}

function tooMany(series: Array<{ metric: Record<string, string> }>): PrometheusError {
  const shown = series.slice(0, 2).map((s) => seriesName(s.metric)).join(', ');
  return new PrometheusError(`query returned ${series.length} series (${cut(shown, 120)}${series.length > 2 ? ', …' : ''}); aggregate it to one, e.g. sum(...) or histogram_quantile(0.99, sum by (le) (...))`);
}

export class PrometheusClient {
  private readonly fetch: typeof fetch;
  constructor(private readonly options: PrometheusClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** The query's value at `atMs`: undefined for an empty vector (no data); one series at most. */
  async instant(query: string, atMs: number): Promise<number | undefined> {
    const data = await this.request('query', { query, time: (atMs / 1000).toFixed(3) });
    if (data.resultType === 'scalar') return parseValue(data.result[1]);
    if (data.resultType !== 'vector') throw new PrometheusError(`expected an instant vector or a scalar, got a ${data.resultType}`);
    if (data.result.length > 1) throw tooMany(data.result);
    const only = data.result[0];
    return only === undefined ? undefined : parseValue(only.value[1]);
  }

  /**
   * The query's values from `startMs` to `endMs` every `stepMs`, by timestamp in ms: one series at most (an
   * empty map when there is none). Non-finite points are kept as NaN for the caller to judge.
   */
  async range(query: string, startMs: number, endMs: number, stepMs: number): Promise<Map<number, number>> {
    const data = await this.request('query_range', { query, start: (startMs / 1000).toFixed(3), end: (endMs / 1000).toFixed(3), step: `${stepMs / 1000}s` });
    if (data.resultType !== 'matrix') throw new PrometheusError(`expected a range vector, got a ${data.resultType}`);
    if (data.result.length > 1) throw tooMany(data.result);
    const points = new Map<number, number>();
    for (const [ts, text] of data.result[0]?.values ?? []) points.set(Math.round(ts * 1000), text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text));
    return points;
  }

  private async request(path: 'query' | 'query_range', params: Record<string, string>): Promise<QueryData> {
    const headers: Record<string, string> = { ...this.options.headers, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const token = await this.options.bearerToken?.();
    if (token) headers.authorization = `Bearer ${token}`;
    const url = `${this.options.address.replace(/\/+$/, '')}/api/v1/${path}`;
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, { method: 'POST', headers, body: new URLSearchParams(params), signal: AbortSignal.timeout(this.options.timeoutMs) });
      text = await response.text();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') throw new PrometheusError(`timed out after ${this.options.timeoutMs} ms`);
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new PrometheusError(`unreachable${cause || (error instanceof Error ? `: ${error.message}` : '')}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new PrometheusError(`HTTP ${response.status}: ${cut(text.trim() || response.statusText)}`);
    }
    const parsed = responseSchema.safeParse(body);
    if (!parsed.success) throw new PrometheusError(`HTTP ${response.status}: unexpected answer ${cut(text)}`);
    if (parsed.data.status === 'error') throw new PrometheusError(`HTTP ${response.status}: ${parsed.data.errorType ?? 'error'}: ${cut(parsed.data.error ?? '')}`);
    if (!response.ok) throw new PrometheusError(`HTTP ${response.status}`);
    return parsed.data.data;
  }
}

/** A bearer token from an environment variable or a file (trailing newline dropped), read when asked. */
export function bearerTokenFrom(env: string | undefined, file: string | undefined, environment: NodeJS.ProcessEnv = process.env): (() => Promise<string | undefined>) | undefined {
  if (env !== undefined) return async () => environment[env];
  if (file !== undefined) return async () => (await readFile(file, 'utf8')).trim();
  return undefined;
}
