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

/**
 * What is embedded as text. A query (a request being assessed) is its service's name and change summary: all a
 * request carries. Evidence (a finished, executed deployment in the index) adds its failure reason when it has
 * one: known only once it failed, it is often what a new change is about, so a change worded like a past
 * failure's cause finds that failure even when the past change's own summary said something else.
 */
export const textOf = (request: DeploymentRequest, entry: ServiceEntry, failureReason?: string): string =>
  failureReason ? `${entry.service.name}\n${request.change.summary}\n${failureReason}` : `${entry.service.name}\n${request.change.summary}`;

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
  /**
   * The full vector from a stored structural one (float32-rounded), so a rebuild from SQLite is identical; with
   * a failure reason, evidence's (see textOf).
   */
  fromStructural(structural: readonly number[], request: DeploymentRequest, entry: ServiceEntry, failureReason?: string): number[];
  embedEvidence(request: DeploymentRequest, entry: ServiceEntry, failureReason: string | undefined): number[];
}

export const isLayered = (e: Embedder): e is LayeredEmbedder => 'fromStructural' in e && 'structural' in e;

/**
 * `missing`: what a text with no vector gets: an error (whatif and evaluate fetch every vector up front), or,
 * in the live engine, whose endpoint may fail on one request, what is known: for evidence whose failure reason
 * is not embedded (yet), its summary's vector (embedded when it was submitted); else the structural part
 * alone (the text part zero).
 */
export function combinedEmbedder(structural: Embedder, text: TextEmbeddingSettings, vectorOf: (text: string) => readonly number[] | undefined, missing: 'throw' | 'structural' = 'throw'): LayeredEmbedder {
  const w = text.weight;
  const fromStructural = (s: readonly number[], request: DeploymentRequest, entry: ServiceEntry, failureReason?: string): number[] => {
    let v = vectorOf(textOf(request, entry, failureReason));
    if (!v && failureReason && missing === 'structural') v = vectorOf(textOf(request, entry));
    if (!v && missing === 'structural') return [...scaled(s, Math.sqrt(1 - w * w)), ...new Array<number>(text.dimensions).fill(0)];
    if (!v) throw new MissingTextVector(`no text embedding for request ${request.id}`);
    if (v.length !== text.dimensions) throw new MissingTextVector(`text embedding for request ${request.id} has ${v.length} dimensions, expected ${text.dimensions}`);
    return [...scaled(s, Math.sqrt(1 - w * w)), ...scaled(v, w)];
  };
  return {
    structural,
    dimensions: structural.dimensions + text.dimensions,
    // A different model, size or weight changes what vectors mean: persisted indexes are rebuilt ("reasons":
    // evidence's text includes failure reasons since; indexes built before are rebuilt too).
    version: `${structural.version}+text:${text.model}:${text.dimensions}:${w}:reasons`,
    fromStructural,
    embed: (request, entry) => fromStructural(structural.embed(request, entry), request, entry),
    embedEvidence: (request, entry, failureReason) => fromStructural(structural.embed(request, entry), request, entry, failureReason),
  };
}
