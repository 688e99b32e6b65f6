// A refusal a handler or hook raises: the status, a message for the caller and, for 401/403, why in one
// word (missing, wrong, expired, revoked, role, own_request, not_own_request) for the audit entry.
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly why?: string,
  ) {
    super(message);
  }
}

export const errorCode = (status: number): string =>
  ({ 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 408: 'request_timeout', 409: 'refused', 413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'rate_limited', 503: 'unavailable' })[status] ??
  (status < 500 ? 'bad_request' : 'internal');
