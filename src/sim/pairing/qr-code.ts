import { SimError } from '../sim-error.ts';

const QR_PREFIX = 'https://wa.me/settings/linked_devices#';

/** The five fields of the QR string Baileys shows (fact sheet §6). */
export interface QrCode {
  readonly ref: string;
  /** Companion Noise static key (32 bytes). */
  readonly noisePub: Buffer;
  /** Companion Signal identity key (32 bytes). */
  readonly identityPub: Buffer;
  /** HMAC key of `pair-success` (32 bytes). */
  readonly advSecret: Buffer;
  readonly platformId: string;
}

function key(field: string | undefined, name: string): Buffer {
  const bytes = Buffer.from(field ?? '', 'base64');
  if (bytes.length !== 32) throw new SimError('bad-input', `malformed QR: ${name} must be 32 bytes of base64`);
  return bytes;
}

/** Parses `https://wa.me/settings/linked_devices#ref,noisePub,identityPub,advSecret,platformId`. */
export function parseQrCode(qr: unknown): QrCode {
  if (typeof qr !== 'string' || !qr.startsWith(QR_PREFIX)) {
    throw new SimError('bad-input', `malformed QR: expected a string starting with ${QR_PREFIX}`);
  }
  const [ref, noisePub, identityPub, advSecret, platformId] = qr.slice(QR_PREFIX.length).split(',');
  if (!ref) throw new SimError('bad-input', 'malformed QR: no ref');
  return {
    ref,
    noisePub: key(noisePub, 'noise key'),
    identityPub: key(identityPub, 'identity key'),
    advSecret: key(advSecret, 'adv secret'),
    platformId: platformId ?? '',
  };
}
