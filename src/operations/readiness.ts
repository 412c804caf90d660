import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.ts';
import { withTimeout } from './with-timeout.ts';

export interface ReadinessOptions {
  /** A cheap query (`select 1`); rejects when the database does not answer. */
  probeDatabase: () => Promise<void>;
  logger: Logger;
  /** How long the probe may take (default 1 s, well inside a Kubernetes probe's timeout). */
  timeoutMs?: number;
}

/**
 * Whether the gateway should get traffic (`GET /ready`): the start-up restore has been handed every stored
 * session, and the database answers now. `/health` (liveness) stays true through both, so an orchestrator
 * holds traffic back instead of restarting a gateway that waits for its database.
 */
export class Readiness {
  readonly #options: ReadinessOptions;
  #restoreScheduled = false;
  #databaseFailing = false;

  constructor(options: ReadinessOptions) {
    this.#options = options;
  }

  /** Called by the composition root once every stored session is restoring (connected or not). */
  markRestoreScheduled(): void {
    this.#restoreScheduled = true;
  }

  /** Resolves when ready; otherwise throws the catalogued 503 (GATEWAY_STARTING or DATABASE_UNAVAILABLE). */
  async check(): Promise<void> {
    if (!this.#restoreScheduled) throw new AppError('GATEWAY_STARTING', 'stored sessions are still being restored');
    const timeoutMs = this.#options.timeoutMs ?? 1_000;
    try {
      await withTimeout(this.#options.probeDatabase(), timeoutMs, 'the database');
    } catch (err) {
      // Logged when it starts failing, not at every probe; the answer itself names no host or driver error.
      if (!this.#databaseFailing) this.#options.logger.warn({ err }, 'readiness: the database does not answer');
      this.#databaseFailing = true;
      throw new AppError('DATABASE_UNAVAILABLE', 'the database does not answer a health query; see the gateway log');
    }
    if (this.#databaseFailing) this.#options.logger.info('readiness: the database answers again');
    this.#databaseFailing = false;
  }
}
