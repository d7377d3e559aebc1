// A small in-process metrics registry that renders the Prometheus text format (0.0.4).
// No imports, no I/O: any layer can increment a counter or observe a histogram; the
// /metrics route renders it. Values are per process (each hub process is its own target).
//
//   const pushed = registry.counter('omnihub_things_total', 'Things done', ['channel']);
//   pushed.inc({ channel: 'shopify' });

export type Labels = Readonly<Record<string, string>>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

function labelText(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const pairs = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

abstract class Metric {
  protected readonly series = new Map<string, { values: string[] }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    for (const l of labelNames) if (!LABEL.test(l) || l === 'le') throw new Error(`invalid label name ${l}`);
  }
  abstract readonly type: 'counter' | 'gauge' | 'histogram';

  protected key(labels: Labels = {}): { key: string; values: string[] } {
    const values = this.labelNames.map((n) => {
      const v = labels[n];
      if (v === undefined) throw new Error(`${this.name}: missing label ${n}`);
      return String(v);
    });
    return { key: JSON.stringify(values), values };
  }

  protected header(): string[] {
    return [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
  }

  abstract render(): string[];
  abstract reset(): void;
}

/** A value per label set, rendered one line each: what counters and gauges share. */
abstract class ValueMetric extends Metric {
  private readonly values = new Map<string, { labels: string[]; value: number }>();

  protected add(labels: Labels | undefined, by: number): void {
    const { key, values } = this.key(labels);
    const cur = this.values.get(key);
    if (cur) cur.value += by;
    else this.values.set(key, { labels: values, value: by });
  }

  protected put(labels: Labels | undefined, value: number): void {
    const { key, values } = this.key(labels);
    this.values.set(key, { labels: values, value });
  }

  get(labels?: Labels): number {
    return this.values.get(this.key(labels).key)?.value ?? 0;
  }

  render(): string[] {
    const lines = this.header();
    for (const s of this.values.values())
      lines.push(`${this.name}${labelText(this.labelNames, s.labels)} ${formatValue(s.value)}`);
    return lines;
  }

  reset(): void {
    this.values.clear();
  }
}

export class Counter extends ValueMetric {
  readonly type = 'counter' as const;

  inc(labels?: Labels, by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.name}: a counter only goes up (got ${by})`);
    this.add(labels, by);
  }
}

export class Gauge extends ValueMetric {
  readonly type = 'gauge' as const;

  set(labels: Labels | undefined, value: number): void {
    this.put(labels, value);
  }

  inc(labels?: Labels, by = 1): void {
    this.add(labels, by);
  }

  dec(labels?: Labels, by = 1): void {
    this.add(labels, -by);
  }
}

/** Seconds, from 5 ms to 60 s: fits HTTP calls to channels. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Histogram extends Metric {
  readonly type = 'histogram' as const;
  private readonly values = new Map<string, { labels: string[]; counts: number[]; sum: number; count: number }>();

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly buckets: readonly number[] = DEFAULT_BUCKETS,
  ) {
    super(name, help, labelNames);
    if (!buckets.length || buckets.some((b, i) => i > 0 && b <= (buckets[i - 1] as number))) {
      throw new Error(`${name}: buckets must be increasing`);
    }
  }

  observe(labels: Labels | undefined, value: number): void {
    if (!Number.isFinite(value)) return;
    const { key, values } = this.key(labels);
    let s = this.values.get(key);
    if (!s) {
      s = { labels: values, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.values.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++)
      if (value <= (this.buckets[i] as number)) s.counts[i] = (s.counts[i] as number) + 1;
    s.sum += value;
    s.count += 1;
  }

  /** Starts a timer; call the result to observe the elapsed seconds. */
  startTimer(labels?: Labels): () => number {
    const start = performance.now();
    return () => {
      const seconds = (performance.now() - start) / 1000;
      this.observe(labels, seconds);
      return seconds;
    };
  }

  count(labels?: Labels): number {
    return this.values.get(this.key(labels).key)?.count ?? 0;
  }

  render(): string[] {
    const lines = this.header();
    for (const s of this.values.values()) {
      this.buckets.forEach((b, i) => {
        lines.push(`${this.name}_bucket${labelText(this.labelNames, s.labels, ['le', formatValue(b)])} ${s.counts[i]}`);
      });
      lines.push(`${this.name}_bucket${labelText(this.labelNames, s.labels, ['le', '+Inf'])} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(this.labelNames, s.labels)} ${formatValue(s.sum)}`);
      lines.push(`${this.name}_count${labelText(this.labelNames, s.labels)} ${s.count}`);
    }
    return lines;
  }

  reset(): void {
    this.values.clear();
  }
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();

  private register<M extends Metric>(metric: M): M {
    const existing = this.metrics.get(metric.name);
    if (existing) {
      // Registering the same metric twice (a module loaded twice) returns the first one.
      if (existing.type !== metric.type || existing.labelNames.join() !== metric.labelNames.join()) {
        throw new Error(`metric ${metric.name} is already registered with another type or labels`);
      }
      return existing as M;
    }
    this.metrics.set(metric.name, metric);
    return metric;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.register(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.register(new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets?: readonly number[]): Histogram {
    return this.register(new Histogram(name, help, labelNames, buckets));
  }

  /** The registry in Prometheus text format, metrics sorted by name. */
  render(): string {
    const names = [...this.metrics.keys()].sort();
    const lines: string[] = [];
    for (const n of names) lines.push(...(this.metrics.get(n) as Metric).render());
    return `${lines.join('\n')}\n`;
  }

  /** Clears every value (tests). */
  reset(): void {
    for (const m of this.metrics.values()) m.reset();
  }
}

/** The process-wide registry. */
export const metrics = new MetricsRegistry();

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
