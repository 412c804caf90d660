import { BLOCKED_ADDRESS } from './outbound-address.ts';

/** What went wrong with an outbound request, in words fit for an API answer (never a raw socket error). */
export type TransportFailure =
  | 'blocked_address'
  | 'timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'dns_failure'
  | 'unreachable'
  | 'tls_error'
  | 'invalid_response'
  | 'invalid_url'
  | 'connection_error';

const BY_CODE: Record<string, TransportFailure> = {
  [BLOCKED_ADDRESS]: 'blocked_address',
  ETIMEDOUT: 'timeout',
  ABORT_ERR: 'timeout',
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ENOTFOUND: 'dns_failure',
  EAI_AGAIN: 'dns_failure',
  EAI_FAIL: 'dns_failure',
  EAI_NODATA: 'dns_failure',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
  EPROTO: 'tls_error',
  ERR_INVALID_URL: 'invalid_url',
};

/** Maps a node:net/http/tls error to its failure class. */
export function classifyTransportError(err: unknown): TransportFailure {
  const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : '';
  if (err instanceof Error && err.name === 'AbortError') return 'timeout';
  const known = BY_CODE[code];
  if (known) return known;
  if (code.startsWith('HPE_')) return 'invalid_response';
  if (/^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code)) return 'tls_error';
  return 'connection_error';
}

/** `http_4xx`, `http_5xx`, … for a status outside 2xx. */
export const statusFailure = (statusCode: number): string => `http_${Math.floor(statusCode / 100)}xx`;
