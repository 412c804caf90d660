/** Why a simulator operation was refused; maps to an HTTP status in the control API. */
export type SimErrorKind = 'bad-input' | 'not-found' | 'conflict';

const STATUS: Readonly<Record<SimErrorKind, number>> = { 'bad-input': 400, 'not-found': 404, conflict: 409 };

/** An expected, caller-caused error (unknown phone, malformed QR, …), never a simulator bug. */
export class SimError extends Error {
  readonly kind: SimErrorKind;

  constructor(kind: SimErrorKind, message: string) {
    super(message);
    this.name = 'SimError';
    this.kind = kind;
  }

  /** HTTP status for the control API. */
  get status(): number {
    return STATUS[this.kind];
  }
}
