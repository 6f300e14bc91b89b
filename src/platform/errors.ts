/**
 * The one error type of Dossier. Every failure a client may see has a stable code; the HTTP status
 * and the RFC 9457 problem document are derived from it in one place (servers/shared/error-handler).
 */

/** Stable error codes, documented in docs/ERRORS.md. */
export const ErrorCodes = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  probable_duplicate: 409,
  version_conflict: 409,
  invalid_transition: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  file_refused: 422,
  rate_limited: 429,
  internal: 500,
  integrity_failure: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** An expected failure with a client-safe message. Anything else becomes a generic 500. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra members for the problem document (must be safe to show to the caller). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, extra?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ErrorCodes[code];
    this.extra = extra;
  }
}

/** 404 for anything missing or not visible to the actor: never reveal existence. */
export function notFound(what: string): AppError {
  return new AppError('not_found', `${what} not found`);
}

export function validationError(message: string, errors?: { path: string; message: string }[]): AppError {
  return new AppError('validation', message, errors ? { errors } : undefined);
}
