import { AppError } from '../../errors/app-error.ts';
import type { UploadFailure } from './baileys-log-tap.ts';

const ALL_HOSTS_FAILED = 'Media upload failed on all hosts';

function boomStatus(err: unknown): number | undefined {
  const status = (err as { output?: { statusCode?: unknown } } | null)?.output?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * What a failed Baileys call means for the client, as a catalogued error: an upstream failure (502/504)
 * that names its cause, or the session's connection closing under the call (409). `action` says what was
 * being done ("send", "read receipt", …); `uploadFailures` are the hosts' causes Baileys logged meanwhile.
 */
export function explainEngineError(
  err: unknown,
  action: string,
  uploadFailures: readonly UploadFailure[] = [],
): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (message === ALL_HOSTS_FAILED) {
    const causes = uploadFailures.map((failure) => `${failure.host}: ${failure.cause}`);
    const detail =
      causes.length > 0
        ? `media upload failed on all hosts (${causes.join('; ')})`
        : 'media upload failed on all hosts';
    return new AppError('MEDIA_UPLOAD_FAILED', detail, { cause: err });
  }
  const status = boomStatus(err);
  if (status === 408 || message === 'Timed Out') {
    return new AppError('WHATSAPP_TIMEOUT', `${action}: no answer from WhatsApp in time`, { cause: err });
  }
  if (status === 428 || message === 'Connection Closed') {
    return new AppError('SESSION_NOT_AUTHENTICATED', `${action}: the connection to WhatsApp closed`, { cause: err });
  }
  // Baileys' Boom messages are short protocol facts ("not-acceptable", "Media not found");
  // other errors stay in the log.
  const detail =
    status !== undefined
      ? `${action}: ${message} (${status})`
      : `${action} failed in the WhatsApp engine; see the gateway log`;
  return new AppError('ENGINE_FAILURE', detail, { cause: err });
}
