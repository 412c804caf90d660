/**
 * What became of one webhook delivery attempt, for observers such as the metrics (`operations/`):
 * `delivered` (the endpoint answered 2xx), `retrying` (it failed and another attempt is planned) or
 * `failed` (it failed and the delivery gave up). Deliveries failed in bulk, by disabling or removing an
 * endpoint, are not attempts and are not reported.
 */
export const DELIVERY_OUTCOMES = ['delivered', 'retrying', 'failed'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export interface DeliveryOutcomeReport {
  outcome: DeliveryOutcome;
  /** ISO time the event was accepted into the outbox. */
  eventTimestamp: string;
  /** When the attempt ended. */
  at: Date;
}

export type DeliveryOutcomeListener = (report: DeliveryOutcomeReport) => void;
