import type { Metric, Registry } from 'prom-client';

/** Seconds. A credentials read takes tens of microseconds, a send milliseconds, an SSE stream minutes. */
export const HTTP_DURATION_BUCKETS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** Index = status code / 100. */
const STATUS_CLASSES = ['other', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

type Labels = { route: string; method: string; status_class: string };

/**
 * One exported sample, as prom-client's own histograms give them to its registry: the label set of the
 * cell is `sharedLabels` (one object per cell, whose text the registry caches), `le` the only own label.
 */
interface Sample {
  metricName: string;
  labels: Readonly<Record<string, string | number>>;
  sharedLabels: Labels;
  value: number;
}

const NO_LABELS = Object.freeze({});

/** One label set: per-bucket counts (the last slot is above every bound), sum and count. */
class DurationCell {
  readonly labels: Labels;
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(labels: Labels, buckets: number) {
    this.labels = labels;
    this.counts = new Float64Array(buckets + 1);
  }
}

/**
 * The request-duration histogram of the HTTP API, labelled by route pattern, method and status class.
 *
 * This is the one fast path of the metrics, and it exists because prom-client's `Histogram` (even through
 * `labels(...)` children) builds a label object, validates it and hashes it into a string key on every
 * observation: about 0.5 µs and several allocations, on a request that costs ~28 µs of CPU in all
 * (docs/benchmarks.md). Here each route gets its cells once (`forRoute`, when the route is registered),
 * and an observation is a bucket search and three additions, without allocating. prom-client's registry
 * still writes the text: this object gives it the same `get()` shape its own histograms do.
 */
export class RouteDurationHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly #bounds: Float64Array;
  readonly #cells: DurationCell[] = [];

  constructor(options: { name: string; help: string; registry: Registry; buckets?: readonly number[] }) {
    this.name = options.name;
    this.help = options.help;
    this.#bounds = Float64Array.from(options.buckets ?? HTTP_DURATION_BUCKETS);
    // The registry only reads `name`, `get()` and `reset()`; its type lists prom-client's own classes.
    options.registry.registerMetric(this as unknown as Metric);
  }

  /** The recorder of one route pattern; call once per route, at registration. */
  forRoute(route: string): RouteDurations {
    return new RouteDurations(
      route,
      (method, statusClass) => {
        const cell = new DurationCell(
          { route, method, status_class: STATUS_CLASSES[statusClass]! },
          this.#bounds.length,
        );
        this.#cells.push(cell);
        return cell;
      },
      this.#bounds,
    );
  }

  async get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Sample[] }> {
    const values: Sample[] = [];
    for (const cell of this.#cells) {
      let cumulative = 0;
      for (let i = 0; i < this.#bounds.length; i++) {
        cumulative += cell.counts[i]!;
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { le: this.#bounds[i]! },
          sharedLabels: cell.labels,
          value: cumulative,
        });
      }
      const { labels } = cell;
      values.push({
        metricName: `${this.name}_bucket`,
        labels: { le: '+Inf' },
        sharedLabels: labels,
        value: cell.count,
      });
      values.push({ metricName: `${this.name}_sum`, labels: NO_LABELS, sharedLabels: labels, value: cell.sum });
      values.push({ metricName: `${this.name}_count`, labels: NO_LABELS, sharedLabels: labels, value: cell.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    for (const cell of this.#cells) {
      cell.counts.fill(0);
      cell.sum = 0;
      cell.count = 0;
    }
  }
}

/** The cells of one route, made on first use per method and status class (so unused ones are not exported). */
export class RouteDurations {
  readonly route: string;
  readonly #make: (method: string, statusClass: number) => DurationCell;
  readonly #bounds: Float64Array;
  readonly #byMethod = new Map<string, Array<DurationCell | undefined>>();

  constructor(route: string, make: (method: string, statusClass: number) => DurationCell, bounds: Float64Array) {
    this.route = route;
    this.#make = make;
    this.#bounds = bounds;
  }

  observe(method: string, statusCode: number, seconds: number): void {
    let cells = this.#byMethod.get(method);
    if (cells === undefined) {
      cells = [undefined, undefined, undefined, undefined, undefined, undefined];
      this.#byMethod.set(method, cells);
    }
    const klass = statusCode >= 100 && statusCode < 600 ? (statusCode / 100) | 0 : 0;
    const cell = (cells[klass] ??= this.#make(method, klass));
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]!) i++;
    cell.counts[i] = cell.counts[i]! + 1;
    cell.sum += seconds;
    cell.count++;
  }
}
