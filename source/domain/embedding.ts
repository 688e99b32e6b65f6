// Pillar 1's deterministic embedder: a fixed-dimension, L2-normalised vector from a request and its service.
// Structural features carry most weight; signed feature hashing of words adds what the change is about.
import type { DeploymentRequest, Tier } from './schemas.js';
import type { ServiceEntry } from './catalog.js';
import { localTime } from './local-time.js';

export interface Embedder {
  readonly dimensions: number;
  /** Bumped whenever vectors change meaning, so persisted indexes are rebuilt. */
  readonly version: string;
  embed(request: DeploymentRequest, entry: ServiceEntry): number[];
  /**
   * A finished deployment's vector as evidence, when it differs from its request's (text embeddings add the
   * failure reason: see text-embedding.ts). Absent: `embed`.
   */
  embedEvidence?(request: DeploymentRequest, entry: ServiceEntry, failureReason: string | undefined): number[];
}

/** The vector a finished, executed deployment is indexed under. */
export const evidenceVector = (embedder: Embedder, request: DeploymentRequest, entry: ServiceEntry, failureReason: string | undefined): number[] =>
  embedder.embedEvidence ? embedder.embedEvidence(request, entry, failureReason) : embedder.embed(request, entry);

const TIER_INDEX: Record<Tier, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const STRUCTURAL = 13;
const HASHED = 51;
/** Share of the vector's length given to hashed words (the rest is structure). */
const TEXT_WEIGHT = 0.6;
const HOURS_PER_WEEK = 168;

/** FNV-1a, 32-bit: a stable hash across runs and platforms. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((t) => t.length >= 2 && t.length <= 40);
}

const log1pScaled = (x: number, max: number): number => Math.min(1, Math.log10(1 + Math.max(0, x)) / Math.log10(1 + max));

function normalise(v: number[], length = 1): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  if (sum === 0) return v;
  const k = length / Math.sqrt(sum);
  return v.map((x) => x * k);
}

export const featureEmbedder: Embedder = {
  dimensions: STRUCTURAL + HASHED,
  version: 'feature-v1',
  embed(request, entry) {
    const s = new Array<number>(STRUCTURAL).fill(0);
    const service = entry.service;
    s[TIER_INDEX[service.tier]] = 1;
    s[4] = log1pScaled(request.change.linesChanged, 10_000);
    s[5] = log1pScaled(request.change.filesChanged, 500);
    s[6] = request.change.dbMigration ? 1 : 0;
    s[7] = request.change.configChange ? 1 : 0;
    s[8] = request.change.hotfix ? 1 : 0;
    const t = localTime(Date.parse(request.requestedAt), service.timezone);
    const angle = (2 * Math.PI * (((t.weekday + 6) % 7) * 24 + t.hour + t.minute / 60)) / HOURS_PER_WEEK;
    s[9] = 0.5 * Math.sin(angle);
    s[10] = 0.5 * Math.cos(angle);
    s[11] = log1pScaled(service.dependencies.length, 32);
    s[12] = log1pScaled(entry.dependents.length, 32);

    const h = new Array<number>(HASHED).fill(0);
    const words = [...tokens(service.name), ...service.dependencies.flatMap(tokens), ...tokens(request.change.summary)];
    for (const w of words) {
      const x = fnv1a(w);
      const slot = x % HASHED;
      h[slot] = (h[slot] ?? 0) + ((x >>> 31) & 1 ? -1 : 1);
    }
    const structural = normalise(s, Math.sqrt(1 - TEXT_WEIGHT * TEXT_WEIGHT));
    const text = normalise(h, TEXT_WEIGHT);
    return normalise([...structural, ...text]);
  },
};

/** Cosine similarity of two L2-normalised vectors: their dot product. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) dot += (a[i] as number) * (b[i] as number);
  return dot;
}
