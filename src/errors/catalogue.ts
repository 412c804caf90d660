/**
 * The one error catalogue. Every error the API can answer with is listed here, with its HTTP status and
 * the message clients see. Messages that the seed spec fixes are quoted from it verbatim.
 */
export const errorCatalogue = {
  INVALID_API_KEY: { status: 401, message: 'Invalid API key' },
  SESSION_NOT_FOUND: { status: 404, message: 'Session not found' },
  SESSION_EXISTS: { status: 409, message: 'Session already exists' },
  INVALID_SESSION_ID: { status: 400, message: 'Invalid session id' },
  RESERVED_SESSION_ID: { status: 400, message: 'Session id is reserved' },
  VALIDATION_FAILED: { status: 400, message: 'Invalid request' },
  MALFORMED_JSON: { status: 400, message: 'Malformed JSON body' },
  BODY_TOO_LARGE: { status: 413, message: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type' },
  ROUTE_NOT_FOUND: { status: 404, message: 'Route not found' },
  QR_NOT_AVAILABLE: { status: 409, message: 'No QR code available for this session' },
  SESSION_NOT_AUTHENTICATED: { status: 409, message: 'Session is not authenticated' },
  SESSION_ALREADY_LINKED: { status: 409, message: 'Session is already linked' },
  SESSION_NOT_RUNNING: { status: 409, message: 'Session is not running' },
  PAIRING_CODE_FAILED: { status: 409, message: 'Pairing code could not be requested' },
  INVALID_PHONE_NUMBER: { status: 400, message: 'Invalid phone number' },
  ENGINE_FAILURE: { status: 502, message: 'WhatsApp engine error' },
  FETCH_FAILED: { status: 500, message: 'Failed to fetch session credentials' },
  INTERNAL: { status: 500, message: 'Internal server error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
