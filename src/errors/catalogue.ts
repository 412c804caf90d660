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
  MALFORMED_URL: { status: 400, message: 'Malformed URL' },
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
  MEDIA_UPLOAD_FAILED: { status: 502, message: 'Media upload to WhatsApp failed' },
  WHATSAPP_TIMEOUT: { status: 504, message: 'WhatsApp did not answer in time' },
  MESSAGE_NOT_FOUND: { status: 404, message: 'Message not found' },
  MESSAGE_HAS_NO_MEDIA: { status: 409, message: 'Message has no media' },
  INVALID_RECIPIENT: { status: 400, message: 'Invalid recipient' },
  INVALID_MESSAGE_CONTENT: { status: 400, message: 'Invalid message content' },
  MEDIA_TOO_LARGE: { status: 413, message: 'Media too large' },
  MEDIA_FETCH_FAILED: { status: 422, message: 'Media could not be fetched' },
  INVALID_WEBHOOK_URL: { status: 400, message: 'Invalid webhook URL' },
  INVALID_WEBHOOK_SECRET: { status: 400, message: 'Invalid webhook secret' },
  WEBHOOK_NOT_FOUND: { status: 404, message: 'Webhook not found' },
  DELIVERY_NOT_FOUND: { status: 404, message: 'Delivery not found' },
  DELIVERY_ENDPOINT_GONE: { status: 409, message: 'The webhook of this delivery no longer exists' },
  INVALID_LAST_EVENT_ID: { status: 400, message: 'Invalid Last-Event-ID' },
  GATEWAY_STARTING: { status: 503, message: 'Gateway is starting' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'Database unavailable' },
  FETCH_FAILED: { status: 500, message: 'Failed to fetch session credentials' },
  // Unexpected failures (the database, a bug), one code per group of routes; the cause is in the gateway log.
  SESSION_COMMAND_FAILED: { status: 500, message: 'Session command failed' },
  MESSAGING_FAILED: { status: 500, message: 'Messaging request failed' },
  WEBHOOK_REQUEST_FAILED: { status: 500, message: 'Webhook request failed' },
  EVENT_STREAM_FAILED: { status: 500, message: 'Event stream failed' },
  INTERNAL: { status: 500, message: 'Internal server error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
