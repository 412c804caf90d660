/** pino's level names; `silent` turns logging off. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where sessions and auth state live. The SQLite filename is absolute, or `:memory:` for tests. */
export type DatabaseConfig =
  { readonly dialect: 'sqlite'; readonly filename: string } | { readonly dialect: 'postgres'; readonly url: string };

/** The gateway's whole configuration: parsed from the environment once, validated, then frozen. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** undefined: resolveApiKey() reads or generates the key under dataDir. */
  readonly apiKey: string | undefined;
  readonly database: DatabaseConfig;
  /** ENCRYPTION_KEY (32 bytes); undefined: resolveEncryptionKey() reads or generates it under dataDir. Never logged. */
  readonly encryptionKey: Buffer | undefined;
  /** Absolute path. */
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** Only set to point the gateway at a simulator (or a relay). */
  readonly waWsUrl: string | undefined;
  /** 64 lowercase hex chars (32 bytes): the Noise root key to trust instead of WhatsApp's. */
  readonly waRootPublicKey: string | undefined;
  readonly sessionStartConcurrency: number;
  /** Worker threads that run the Baileys sockets; 0 runs them on the main thread. Default `auto`: one per core, at most 8 (0 on one core). */
  readonly engineThreads: number;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  readonly bodyLimitBytes: number;
  /** Largest media a message may carry (decoded bytes); the messages route accepts base64 of that size. */
  readonly mediaMaxBytes: number;
  /** true: media URLs may point at loopback, private and reserved addresses (off: refused with 422). */
  readonly allowPrivateMediaUrls: boolean;
  /** Whole download of one media URL, redirects included. */
  readonly mediaFetchTimeoutMs: number;
  /** Media URL downloads at once; over it a send waits up to 10 s, then answers 429. */
  readonly mediaFetchConcurrency: number;
  /** A request (body included) must arrive within this; /events streams and the QR wait are not cut off by it. */
  readonly requestTimeoutMs: number;
  /** How long sent and received messages are kept for retries, quotes, reactions and media downloads. */
  readonly messageRetentionHours: number;
  /** How long events, finished webhook deliveries and status history (beyond each session's newest 50) are kept. */
  readonly eventRetentionHours: number;
  /** Baileys' keep-alive interval: a dead socket is noticed after 1–2 intervals (+5 s). */
  readonly keepAliveIntervalMs: number;
  /** How long Baileys waits for the WhatsApp handshake before giving up (408, then retried). */
  readonly connectTimeoutMs: number;
  /** Lifetime of each QR code; undefined keeps Baileys' 60 s first, 20 s after. Six codes, then the session stops. */
  readonly qrTimeoutMs: number | undefined;
  readonly webhookUrl: string | undefined;
  readonly webhookSecret: string | undefined;
  /** true: webhook targets may be loopback, private or reserved addresses (a receiver on the LAN). */
  readonly allowPrivateWebhooks: boolean;
  /** Per-request timeout of a webhook POST. */
  readonly webhookTimeoutMs: number;
  /** Backoff between delivery attempts: base, doubling, capped, with jitter. */
  readonly webhookRetryBaseMs: number;
  readonly webhookRetryMaxMs: number;
  /** Attempts before a delivery is marked failed and its session's later events go ahead. */
  readonly webhookMaxAttempts: number;
  /** An endpoint is disabled when its failure streak has this many failures and lasts this long. */
  readonly webhookDisableAfterFailures: number;
  readonly webhookDisableAfterMs: number;
  /** Interval of the heartbeat comment on /events. */
  readonly eventsHeartbeatMs: number;
  /** Requests per minute of a scoped API key created without its own `rateLimitPerMinute`. */
  readonly rateLimitPerMinute: number;
  /** Requests per minute of the admin key; null (ADMIN_RATE_LIMIT_PER_MINUTE=0, the default): unlimited. */
  readonly adminRateLimitPerMinute: number | null;
  /** Failed authentications one client address may make per window before further failures get 429. */
  readonly authFailureLimit: number;
  readonly authFailureWindowMs: number;
  /** Fastify's `trustProxy`: which proxies' X-Forwarded-For decides the client address (false: none). */
  readonly trustProxy: boolean | number | string;
}

/** Thrown by loadConfig with every problem found, one per line, so the operator fixes them in one go. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
  }
}
