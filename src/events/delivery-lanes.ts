/**
 * The delivery worker's lanes and the slots they run in. A lane is one (endpoint, session): at most one
 * run of it works at a time, so a session's events reach an endpoint in order. Each lane is in one state:
 *
 *   idle ──start (a slot is free)──▶ working ──deliveries added──▶ stale
 *    ▲                                │   ▲                          │
 *    └────────────finish──────────────┘   └──── reading / finish ────┘
 *
 * - idle: no entry, no slot.
 * - working: a run holds the lane and a slot; it has read everything committed so far.
 * - stale: deliveries were committed after the run last read the lane's queue: it reads again before it
 *   lets go, and if it is already letting go (`finish`), a fresh run takes over the lane and its slot.
 *
 * A lane that found every slot taken sets `slotWanted`; whoever frees the next slot asks for a due query
 * (which clears it): that is how lanes that never got a slot are picked up.
 *
 * Every transition is a method here; the worker only calls them.
 */
export type LaneState = 'idle' | 'working' | 'stale';

/** What `start` did: took an idle lane, found it held by a run, or found no free slot. */
export type StartResult = 'started' | 'busy' | 'no-slot';

interface HeldLane {
  state: 'working' | 'stale';
  run: Promise<void>;
}

export const laneKey = (endpointId: string, sessionId: string): string => `${endpointId}\n${sessionId}`;

export class LaneTable {
  readonly #slots: number;
  readonly #held = new Map<string, HeldLane>();
  #slotWanted = false;

  constructor(slots: number) {
    this.#slots = slots;
  }

  state(key: string): LaneState {
    return this.#held.get(key)?.state ?? 'idle';
  }

  /** Slots not held by a lane. */
  freeSlots(): number {
    return this.#slots - this.#held.size;
  }

  /** Whether a lane found no slot since the last due query began. */
  get slotWanted(): boolean {
    return this.#slotWanted;
  }

  /** The runs of every held lane (to wait for them on stop). */
  runs(): Promise<void>[] {
    return [...this.#held.values()].map((lane) => lane.run);
  }

  get heldCount(): number {
    return this.#held.size;
  }

  /** idle → working, when a slot is free; `run` starts at once and holds the lane until it calls `finish`. */
  start(key: string, run: () => Promise<void>): StartResult {
    if (this.#held.has(key)) return 'busy';
    if (this.#held.size >= this.#slots) {
      this.#slotWanted = true;
      return 'no-slot';
    }
    const lane: HeldLane = { state: 'working', run: Promise.resolve() };
    this.#held.set(key, lane);
    lane.run = run();
    return 'started';
  }

  /** Deliveries were committed on the lane: an idle lane starts, a held one becomes stale. */
  added(key: string, run: () => Promise<void>): StartResult {
    const lane = this.#held.get(key);
    if (!lane) return this.start(key, run);
    lane.state = 'stale';
    return 'busy';
  }

  /** The lane's run reads its queue: stale → working (what was added so far is in this read). */
  reading(key: string): void {
    const lane = this.#held.get(key);
    if (lane) lane.state = 'working';
  }

  /**
   * The lane's run is done. A stale lane is taken over by `again` when one is given (the worker is
   * still running); otherwise the lane goes idle. Returns true when the freed slot was wanted.
   */
  finish(key: string, again: (() => Promise<void>) | null): boolean {
    const lane = this.#held.get(key);
    if (!lane) return false;
    if (lane.state === 'stale' && again) {
      lane.state = 'working';
      lane.run = again();
      return false;
    }
    this.#held.delete(key);
    return this.#slotWanted;
  }

  /**
   * A due query begins: it serves whoever wanted a slot, so the wish is cleared, unless no slot is free
   * (then the query is skipped and the wish stays). Returns the free slots.
   */
  dueQueryBegins(): number {
    const free = this.freeSlots();
    this.#slotWanted = free <= 0;
    return free;
  }
}
