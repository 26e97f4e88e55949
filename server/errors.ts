/** The one error shape of the API: {"error": {"code", "message", "details"}} with its status. */
export type ApiErrorCode =
  | 'invalid_json'
  | 'invalid_input'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'idempotency_conflict'
  | 'rule_refused'
  | 'pin_locked'
  | 'pin_wrong'
  | 'rate_limited'
  | 'internal';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): { error: { code: string; message: string; details?: unknown } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export const badRequest = (message: string, details?: unknown): ApiError =>
  new ApiError(400, 'invalid_input', message, details);
export const invalidJson = (): ApiError =>
  new ApiError(400, 'invalid_json', 'the request body is not valid JSON');
export const notFound = (what: string): ApiError =>
  new ApiError(404, 'not_found', `${what} not found`);
export const forbidden = (message: string): ApiError => new ApiError(403, 'forbidden', message);
