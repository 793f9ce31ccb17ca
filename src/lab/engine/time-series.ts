/**
 * A bounded time series of a level (slots in use, bytes reserved) over
 * simulated time: at most `maxPoints` points; when full, neighbouring points
 * merge (keeping the max and the time-weighted mean), so a run of many hours
 * keeps a fixed size. The exact integral and peak are kept apart.
 *
 * @module
 */

/** One point: the window [t, next t) with its max and time-weighted mean. */
export interface SeriesPoint {
  t: number;
  max: number;
  mean: number;
}

/** A downsampling level series. */
export class LevelSeries {
  readonly #max: number;
  #points: SeriesPoint[] = [];
  #lastT = 0;
  #lastV = 0;
  /** Exact integral of the level over time (level x ns). */
  integral = 0;
  /** Exact peak. */
  peak = 0;
  #window: number;
  #cur: SeriesPoint;
  #curArea = 0;

  /**
   * @param windowNs - Initial width of a point in ns.
   * @param maxPoints - Most points kept (even, >= 4).
   */
  constructor(windowNs: number, maxPoints = 2000) {
    this.#window = windowNs;
    this.#max = maxPoints;
    this.#cur = { t: 0, max: 0, mean: 0 };
  }

  /**
   * The level changed at time t (t never decreases).
   *
   * @param t - Simulated time (ns).
   * @param v - New level.
   * @remarks Context: simulation loop.
   */
  set(t: number, v: number): void {
    this.#advance(t);
    this.#lastV = v;
    if (v > this.peak) this.peak = v;
    if (v > this.#cur.max) this.#cur.max = v;
  }

  #advance(t: number): void {
    while (t >= this.#cur.t + this.#window) {
      const end = this.#cur.t + this.#window;
      this.#accumulate(end);
      this.#cur.mean = this.#curArea / this.#window;
      this.#points.push(this.#cur);
      if (this.#points.length >= this.#max) this.#halve();
      this.#cur = { t: end, max: this.#lastV, mean: 0 };
      this.#curArea = 0;
    }
    this.#accumulate(t);
  }

  #accumulate(t: number): void {
    const dt = t - this.#lastT;
    this.integral += dt * this.#lastV;
    this.#curArea += dt * this.#lastV;
    this.#lastT = t;
  }

  #halve(): void {
    const p = this.#points;
    const out: SeriesPoint[] = [];
    for (let i = 0; i + 1 < p.length; i += 2) {
      out.push({ t: p[i]!.t, max: Math.max(p[i]!.max, p[i + 1]!.max), mean: (p[i]!.mean + p[i + 1]!.mean) / 2 });
    }
    this.#points = out;
    this.#window *= 2;
    // The open point's start must be on the new grid.
    this.#cur.t = out.length === 0 ? 0 : out[out.length - 1]!.t + this.#window;
  }

  /**
   * Close the series at time t and return its points.
   *
   * @param t - End of the run.
   * @returns The points (the last one partial).
   * @remarks Context: end of run.
   */
  finish(t: number): SeriesPoint[] {
    this.#advance(t);
    const width = t - this.#cur.t;
    const last = { t: this.#cur.t, max: this.#cur.max, mean: width > 0 ? this.#curArea / width : this.#lastV };
    return [...this.#points, last];
  }
}
