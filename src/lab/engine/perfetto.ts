/**
 * Record a run as Chrome Trace Event JSON, which the Perfetto UI and
 * chrome://tracing open: one track per simulated CPU with each map and unmap
 * call as a slice, one async track per device with a slice per mapping
 * lifetime, and counters for the bytes in use and reserved. Times are
 * simulated microseconds. Strings go through JSON.stringify (escaped).
 *
 * @module
 */
import { writeFileAtomic } from '../../util/atomic-write.js';

const MAX_EVENTS = 2_000_000;

/** Collects trace events in memory (bounded) and writes them atomically. */
export class PerfettoRecorder {
  readonly #events: string[] = [];
  readonly #open = new Map<string, number>();
  readonly #devices = new Map<number, string>();
  #id = 0;
  /** Events left out once the cap was reached. */
  dropped = 0;

  #push(e: object): void {
    if (this.#events.length >= MAX_EVENTS) {
      this.dropped++;
      return;
    }
    this.#events.push(JSON.stringify(e));
  }

  /**
   * A DMA call on a CPU.
   *
   * @param cpu - CPU.
   * @param name - `map` or `unmap`.
   * @param device - Device name.
   * @param startNs - Start (ns).
   * @param endNs - End (ns).
   * @param size - Bytes.
   * @param failed - Whether a map failed (and why).
   * @remarks Context: simulation loop.
   */
  call(cpu: number, name: string, device: string, startNs: number, endNs: number, size: number, failed: string | null): void {
    this.#push({ name: failed === null ? name : `${name} failed: ${failed}`, cat: 'dma', ph: 'X', ts: startNs / 1000, dur: Math.max(0.001, (endNs - startNs) / 1000), pid: 1, tid: cpu, args: { device, size } });
  }

  /**
   * A mapping's life begins.
   *
   * @param devId - Device id.
   * @param device - Device name.
   * @param dma - DMA address (identifies the mapping until unmapped).
   * @param size - Bytes.
   * @param atNs - Time (ns).
   * @remarks Context: simulation loop.
   */
  mapStart(devId: number, device: string, dma: number, size: number, atNs: number): void {
    this.#devices.set(devId, device);
    const id = ++this.#id;
    this.#open.set(`${devId}:${dma}`, id);
    this.#push({ name: `${size} B`, cat: device, ph: 'b', id, ts: atNs / 1000, pid: 2, tid: devId, args: { dma: `0x${dma.toString(16)}`, size } });
  }

  /**
   * A mapping's life ends.
   *
   * @param devId - Device id.
   * @param device - Device name.
   * @param dma - DMA address.
   * @param atNs - Time (ns).
   * @remarks Context: simulation loop.
   */
  mapEnd(devId: number, device: string, dma: number, atNs: number): void {
    const key = `${devId}:${dma}`;
    const id = this.#open.get(key);
    if (id === undefined) return;
    this.#open.delete(key);
    this.#push({ name: 'mapping', cat: device, ph: 'e', id, ts: atNs / 1000, pid: 2, tid: devId });
  }

  /**
   * Pool counters at a moment.
   *
   * @param atNs - Time (ns).
   * @param inUse - Bytes in use.
   * @param reserved - Bytes reserved.
   * @remarks Context: simulation loop.
   */
  counters(atNs: number, inUse: number, reserved: number): void {
    this.#push({ name: 'swiotlb', ph: 'C', ts: atNs / 1000, pid: 3, args: { 'in use (bytes)': inUse, 'reserved (bytes)': reserved } });
  }

  /**
   * Write the trace atomically (a temporary file, then rename).
   *
   * @param path - Output file.
   * @param cpus - CPUs (to name their tracks).
   * @remarks Context: process context.
   */
  write(path: string, cpus: number): void {
    const meta: object[] = [
      { name: 'process_name', ph: 'M', pid: 1, args: { name: 'CPUs (DMA API calls)' } },
      { name: 'process_name', ph: 'M', pid: 2, args: { name: 'devices (mapping lifetimes)' } },
      { name: 'process_name', ph: 'M', pid: 3, args: { name: 'swiotlb pool' } },
      ...Array.from({ length: cpus }, (_, c) => ({ name: 'thread_name', ph: 'M', pid: 1, tid: c, args: { name: `CPU ${c}` } })),
      ...[...this.#devices].map(([id, name]) => ({ name: 'thread_name', ph: 'M', pid: 2, tid: id, args: { name } })),
    ];
    const all = [...meta.map((m) => JSON.stringify(m)), ...this.#events];
    writeFileAtomic(path, chunks(`{"displayTimeUnit":"ns","otherData":{"dropped":${this.dropped}},"traceEvents":[\n`, all, '\n]}\n'));
  }
}

/** The file's text in pieces of 10,000 events. */
function* chunks(head: string, events: string[], tail: string): Generator<string> {
  yield head;
  for (let i = 0; i < events.length; i += 10000) yield `${events.slice(i, i + 10000).join(',\n')}${i + 10000 < events.length ? ',\n' : ''}`;
  yield tail;
}
