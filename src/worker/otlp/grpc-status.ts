// gRPC status codes as the OTLP/gRPC sender (transport.ts) reads them: names, which are
// retried (the OTLP specification's list), the HTTP-to-gRPC mapping, and how servers word a
// message over their size limit. Worker only.

export const GRPC_CODES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];
export const RETRYABLE_GRPC = new Set([1, 4, 8, 10, 11, 14, 15]);
const UNKNOWN = 2;
export const RESOURCE_EXHAUSTED = 8;
export const UNAVAILABLE = 14;
/** How gRPC servers (grpc-go, grpc-js) word RESOURCE_EXHAUSTED for a message over their limit. */
export const TOO_LARGE_TEXT = /larger than max|message too large|too large/i;

/** The gRPC status of an HTTP status that is not 200 (gRPC's HTTP-to-gRPC status mapping). */
export function grpcStatusOfHttp(status: number): number {
  switch (status) {
    case 400: return 13; // INTERNAL
    case 401: return 16; // UNAUTHENTICATED
    case 403: return 7; // PERMISSION_DENIED
    case 404: return 12; // UNIMPLEMENTED
    case 429: case 502: case 503: case 504: return UNAVAILABLE;
    default: return UNKNOWN;
  }
}

export function grpcMessage(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
