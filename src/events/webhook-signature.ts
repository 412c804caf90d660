import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A new Standard Webhooks secret: `whsec_` + 32 random bytes in base64. */
export const generateWebhookSecret = (): string => `${PREFIX}${randomBytes(32).toString('base64')}`;

/** Whether a secret is `whsec_<base64>` with a key of 16 to 64 bytes (what the API accepts). */
export function isStandardSecret(secret: string): boolean {
  if (!secret.startsWith(PREFIX)) return false;
  const encoded = secret.slice(PREFIX.length);
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) return false;
  const length = Buffer.from(encoded, 'base64').length;
  return length >= 16 && length <= 64;
}

/**
 * The HMAC key of a secret: the base64-decoded part of `whsec_…`; any other string (only the global
 * WEBHOOK_SECRET may be one) is used as its UTF-8 bytes.
 */
export function secretKey(secret: string): Buffer {
  return secret.startsWith(PREFIX) ? Buffer.from(secret.slice(PREFIX.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** The three Standard Webhooks headers for one attempt: HMAC-SHA256 over `id.timestamp.body`. */
export function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  const signature = createHmac('sha256', secretKey(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${signature}`,
  };
}
