import { errorCatalogue, type ErrorCode } from './catalogue.ts';

/** The single error type that crosses layers; the HTTP error handler turns it into the seed's envelope. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Safe, client-facing detail (the envelope's `error` field). Never a stack, a body or a secret. */
  readonly detail: string | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(errorCatalogue[code].message, options);
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.detail = detail;
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;
