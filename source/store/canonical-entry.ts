// RFC 8785 canonical JSON of an audit entry. The envelope's keys are fixed and already in canonical order
// (actor{id,kind}, deploymentId, event, payload, seq, ts), so it is written directly; a property test holds
// this equal to canonicalising the whole entry.
import { canonicalJson } from './canonical-json.js';

export interface EntryFields {
  seq: number;
  ts: string;
  actor: { kind: string; id: string };
  event: string;
  deploymentId: string | null;
  payload: Record<string, unknown>;
}

export function canonicalEntry(e: EntryFields): string {
  if (!Number.isSafeInteger(e.seq)) throw new Error('audit seq must be a safe integer');
  return (
    `{"actor":{"id":${canonicalJson(e.actor.id)},"kind":${canonicalJson(e.actor.kind)}},` +
    `"deploymentId":${e.deploymentId === null ? 'null' : canonicalJson(e.deploymentId)},` +
    `"event":${canonicalJson(e.event)},"payload":${canonicalJson(e.payload)},"seq":${e.seq},"ts":${canonicalJson(e.ts)}}`
  );
}
