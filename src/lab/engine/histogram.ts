/**
 * A log-linear latency histogram: 16 sub-buckets per power of two (values are
 * placed within 1/16 = 6.25 % of their true size), exact count, sum, min and
 * max. Percentiles report the upper edge of the bucket holding that rank, so
 * they are deterministic and never below the true value.
 *
 * @module
 */

const SUB = 16;
const MAX_EXP = 48;

/** Latency histogram in nanoseconds. */
export class Histogram {
  readonly #counts = new Float64Array(MAX_EXP * SUB + SUB);
  count = 0;
  sum = 0;
  min = Infinity;
  max = 0;

  /**
   * Record one value.
   *
   * @param ns - Non-negative value.
   * @remarks Context: any. No allocation.
   */
  record(ns: number): void {
    this.count++;
    this.sum += ns;
    if (ns < this.min) this.min = ns;
    if (ns > this.max) this.max = ns;
    this.#counts[Histogram.bucketOf(ns)]!++;
  }

  /**
   * The bucket a value falls in.
   *
   * @param ns - Value.
   * @returns Bucket index.
   */
  static bucketOf(ns: number): number {
    if (ns < SUB) return ns > 0 ? Math.floor(ns) : 0;
    if (ns < 0x7fffffff) {
      const v = ns | 0;
      const e = 31 - Math.clz32(v);
      return (e - 3) * SUB + ((v >>> (e - 4)) & (SUB - 1));
    }
    const e = Math.floor(Math.log2(ns));
    const sub = Math.floor((ns / 2 ** e - 1) * SUB);
    return Math.min((e - 3) * SUB + sub, MAX_EXP * SUB + SUB - 1);
  }

  /** Upper edge of a bucket. */
  static upperEdge(b: number): number {
    if (b < SUB) return b + 1;
    const e = Math.floor(b / SUB) + 3;
    const sub = b % SUB;
    return 2 ** e * (1 + (sub + 1) / SUB);
  }

  /**
   * The value at a quantile.
   *
   * @param q - Quantile in [0, 1].
   * @returns Upper edge of the bucket holding that rank (capped at the exact max); 0 when empty.
   * @remarks Context: any.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    const c = this.#counts;
    for (let b = 0; b < c.length; b++) {
      seen += c[b]!;
      if (seen >= rank) return Math.min(Histogram.upperEdge(b), this.max);
    }
    return this.max;
  }

  /**
   * The distribution by powers of two, for charts.
   *
   * @returns [upper edge in ns, count] per non-empty octave (values in [edge/2, edge)), ascending.
   * @remarks Context: any.
   */
  octaves(): [number, number][] {
    const byEdge = new Map<number, number>();
    const c = this.#counts;
    for (let b = 0; b < c.length; b++) {
      if (c[b] === 0) continue;
      const lower = b === 0 ? 0 : Histogram.upperEdge(b - 1);
      const edge = lower < 1 ? 1 : 2 ** (Math.floor(Math.log2(lower)) + 1);
      byEdge.set(edge, (byEdge.get(edge) ?? 0) + c[b]!);
    }
    return [...byEdge.entries()].sort((a, b) => a[0] - b[0]);
  }

  /**
   * Summary for results.
   *
   * @returns count, mean, p50, p99, max (ns).
   * @remarks Context: any.
   */
  summary(): { count: number; meanNs: number; p50Ns: number; p99Ns: number; maxNs: number } {
    return {
      count: this.count,
      meanNs: this.count === 0 ? 0 : round(this.sum / this.count),
      p50Ns: round(this.quantile(0.5)),
      p99Ns: round(this.quantile(0.99)),
      maxNs: round(this.max),
    };
  }

  /**
   * Non-empty buckets as [upper edge, count] pairs (for report histograms).
   *
   * @returns Pairs in ascending order.
   * @remarks Context: any.
   */
  buckets(): [number, number][] {
    const out: [number, number][] = [];
    this.#counts.forEach((n, b) => {
      if (n > 0) out.push([round(Histogram.upperEdge(b)), n]);
    });
    return out;
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
