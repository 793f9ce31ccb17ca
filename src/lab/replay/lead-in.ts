/**
 * The events before a trace's first pool line. The capture script turns
 * tracing on before it reads the pool (the read is the `pool:` line), so a
 * capture started while DMA is in flight begins with a lead-in: calls made
 * before the state the pool line gives. Their effect is in that state (a
 * map that returned holds its slots there, an unmap that released freed
 * them), so the replay does not apply them; it starts at the pool line.
 *
 * What it must keep are the calls still pending at the line: a map that
 * entered before the read and returns after it took its slots on one side of
 * the read or the other, and an unmap whose in-lock release comes after the
 * line still holds its slots there. Those go on the replay's per-CPU stacks
 * at the pool line, oldest first.
 *
 * @module
 */
import { IO_TLB_SIZE } from '../../swiotlb/constants.js';
import { areaOf, type IoTlbPool } from '../../swiotlb/pool.js';
import type { SearchRequest } from '../../swiotlb/search-request.js';
import type { MapSingleEvent, PoolEvent, UnmapSingleEvent } from '../trace/events.js';
import type { TraceEvent } from '../trace/trace-event.js';
import { listAt } from '../../util/list-at.js';

/** A call that entered before the first pool line and had not finished when the lead-in ended. */
export type LeadInCall =
  | {
      readonly kind: 'map';
      readonly ev: MapSingleEvent;
      /** In-lock area attempts written before the line. */
      areaEvents: number;
      /** The slot of its map_found before the line (the kernel decided it before the read), or -1. */
      foundSlot: number;
    }
  | { readonly kind: 'unmap'; readonly ev: UnmapSingleEvent };

/** Follows the calls of a lead-in, per CPU, until the first pool line. */
export class LeadIn {
  /** Events seen before the first pool line. */
  events = 0;
  /** Line of the lead-in's first event (0: none). */
  firstLine = 0;
  readonly #calls = new Map<number, LeadInCall[]>();

  /**
   * Take one event of the lead-in.
   *
   * @param ev - An swiotlb probe event before the first pool line.
   * @remarks Context: replay, single-threaded.
   */
  onEvent(ev: TraceEvent): void {
    if (this.events++ === 0) this.firstLine = ev.line;
    switch (ev.kind) {
      case 'map_single':
        listAt(this.#calls, ev.cpu).push({ kind: 'map', ev, areaEvents: 0, foundSlot: -1 });
        return;
      case 'map_area_full':
      case 'map_found': {
        const m = this.#last(ev.cpu, 'map');
        if (m === undefined || m.kind !== 'map') return;
        m.areaEvents++;
        if (ev.kind === 'map_found') m.foundSlot = ev.slot;
        return;
      }
      case 'map_single_ret':
        // A return with no entry: the map was in flight when tracing came on, and its slots are in the pool line.
        this.#remove(ev.cpu, 'map');
        return;
      case 'unmap_single':
        listAt(this.#calls, ev.cpu).push({ kind: 'unmap', ev });
        return;
      case 'unmap_release':
        this.#remove(ev.cpu, 'unmap');
        return;
      default:
    }
  }

  /**
   * The calls pending when the lead-in ended, per CPU, each CPU's oldest first.
   *
   * @returns CPU → calls.
   * @remarks Context: replay, at the first pool line.
   */
  pending(): ReadonlyMap<number, readonly LeadInCall[]> {
    return this.#calls;
  }

  #last(cpu: number, kind: LeadInCall['kind']): LeadInCall | undefined {
    const l = this.#calls.get(cpu);
    if (l === undefined) return undefined;
    for (let i = l.length - 1; i >= 0; i--) if (l[i]!.kind === kind) return l[i];
    return undefined;
  }

  #remove(cpu: number, kind: LeadInCall['kind']): void {
    const l = this.#calls.get(cpu);
    if (l === undefined) return;
    for (let i = l.length - 1; i >= 0; i--) {
      if (l[i]!.kind === kind) {
        l.splice(i, 1);
        return;
      }
    }
  }
}

/**
 * Whether a map in flight at the first pool line had already taken its
 * slots when the pool was read. The kernel moves an area's index to just
 * past the slots it gives out, so the map came before the read when the
 * line's index for the area of the kernel's slots is that position and the
 * line counts slots in use there that no mapping placed so far explains.
 *
 * @param pool - The replay's pool, seeded from the line.
 * @param line - The first pool line.
 * @param unexplained - Per area: slots the line shows in use beyond those placed (updated when this returns true).
 * @param req - The map's search request (its slot count and in-slot offset).
 * @param kernel - The bounce address the kernel returned for it.
 * @returns true when its slots are in the line's state.
 * @remarks Context: replay, at the first pool line.
 */
export function tookSlotsBeforeRead(pool: IoTlbPool, line: PoolEvent, unexplained: Int32Array, req: SearchRequest, kernel: number): boolean {
  if (kernel < 0) return false;
  const index = Math.floor((kernel - req.inSlot - pool.start) / IO_TLB_SIZE);
  if (index < 0 || index + req.nslots > pool.nslabs) return false;
  const area = areaOf(pool, index);
  const local = index - area * pool.areaNslabs;
  const after = local + req.nslots < pool.areaNslabs ? local + req.nslots : 0;
  if (line.areaIndex[area] !== after || unexplained[area]! < req.nslots) return false;
  unexplained[area]! -= req.nslots;
  return true;
}
