// SHA-256 digests of the rows a decision reads, over their RFC 8785 canonical form, so the audit trail can
// vouch for rows kept outside it (imported history, the service catalog, the request) and `audit verify
// --deep` can name any row that no longer matches what the trail recorded.
import { createHash } from 'node:crypto';
import type { DeploymentRequest, HistoryRecord, Service } from '../domain/schemas.js';
import { canonicalJson } from './canonical-json.js';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export const requestDigest = (request: DeploymentRequest): string => sha256(canonicalJson(request));

export const serviceDigest = (service: Service): string => sha256(canonicalJson(service));

/** A finished deployment as history holds it: the request, the outcome and how it ended. */
export function historyDigest(r: HistoryRecord): string {
  return sha256(
    canonicalJson({
      request: r.request,
      outcome: r.outcome,
      finishedAt: r.finishedAt,
      ...(r.failureReason !== undefined ? { failureReason: r.failureReason } : {}),
      ...(r.stoppedAtStage !== undefined ? { stoppedAtStage: r.stoppedAtStage } : {}),
    }),
  );
}

/** The catalog as a whole: its services' digests by id, in id order. */
export function catalogDigest(services: Readonly<Record<string, string>>): string {
  return sha256(canonicalJson(services));
}
