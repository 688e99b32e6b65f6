// Structural features combined with a text embedding (a model's, through /v1/embeddings), so that "similar"
// also means similar words: what the change is about and which service. Pure: the text vectors are computed
// beforehand (they need the network) and handed in; a text with none is an error, never a silent zero.
import type { DeploymentRequest } from './schemas.js';
import type { ServiceEntry } from './catalog.js';
import type { Embedder } from './embedding.js';

export interface TextEmbeddingSettings {
  model: string;
  dimensions: number;
  /** Share of the combined vector's length given to the text part (0..1); the rest is structure. */
  weight: number;
}

export class MissingTextVector extends Error {}

/** What is embedded as text for a request: its service's name and the change summary. */
export const textOf = (request: DeploymentRequest, entry: ServiceEntry): string => `${entry.service.name}\n${request.change.summary}`;

function scaled(v: readonly number[], length: number): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  const k = sum === 0 ? 0 : length / Math.sqrt(sum);
  return v.map((x) => x * k);
}

/**
 * An embedder whose vectors are built on a structural one: the database keeps the structural vector (the
 * `vector` column means the same whoever wrote it), and the index's vector is derived from it.
 */
export interface LayeredEmbedder extends Embedder {
  readonly structural: Embedder;
  /** The full vector from a stored structural one (float32-rounded), so a rebuild from SQLite is identical. */
  fromStructural(structural: readonly number[], request: DeploymentRequest, entry: ServiceEntry): number[];
}

export const isLayered = (e: Embedder): e is LayeredEmbedder => 'fromStructural' in e && 'structural' in e;

/**
 * `missing`: what a text with no vector gets: an error (whatif and evaluate fetch every vector up front), or,
 * in the live engine, whose endpoint may fail on one request, the structural part alone (the text part zero).
 */
export function combinedEmbedder(structural: Embedder, text: TextEmbeddingSettings, vectorOf: (text: string) => readonly number[] | undefined, missing: 'throw' | 'structural' = 'throw'): LayeredEmbedder {
  const w = text.weight;
  const fromStructural = (s: readonly number[], request: DeploymentRequest, entry: ServiceEntry): number[] => {
    const v = vectorOf(textOf(request, entry));
    if (!v && missing === 'structural') return [...scaled(s, Math.sqrt(1 - w * w)), ...new Array<number>(text.dimensions).fill(0)];
    if (!v) throw new MissingTextVector(`no text embedding for request ${request.id}`);
    if (v.length !== text.dimensions) throw new MissingTextVector(`text embedding for request ${request.id} has ${v.length} dimensions, expected ${text.dimensions}`);
    return [...scaled(s, Math.sqrt(1 - w * w)), ...scaled(v, w)];
  };
  return {
    structural,
    dimensions: structural.dimensions + text.dimensions,
    // A different model, size or weight changes what vectors mean: persisted indexes are rebuilt.
    version: `${structural.version}+text:${text.model}:${text.dimensions}:${w}`,
    fromStructural,
    embed: (request, entry) => fromStructural(structural.embed(request, entry), request, entry),
  };
}
