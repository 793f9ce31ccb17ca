/**
 * A `dma:*` trace (6.12+) read as an entry capture. swiotlb_map() writes
 * `swiotlb:swiotlb_bounced` before it asks the allocator for slots, and the
 * DMA API writes `dma:dma_map_page` (or `dma_map_sg`, one event for a whole
 * list) after the map returned: together they bracket each bounced map as the
 * capture script's `map_single` and `map_single_ret` probes do on older
 * kernels. This module turns them into those events, so a `dma:*` trace goes
 * through the same replay: maps decided at their return in a lock order the
 * trace allows, the kernel's slots followed after a difference, the calls
 * before the pool read as lead-in, the mappings live at it placed.
 *
 * A map's entry goes out when its bounce event comes, unless another map of
 * that CPU is still open: then it is held until the event closing it (the
 * next segment of a scatterlist is only mapped after the one before it; an
 * interrupt's map is closed before the map it interrupted). The closing
 * event finds its entries by CPU, original address and size. A map call
 * that fails on a full pool leaves no event but its bounce events; when a
 * later call of the CPU closes in task context, the maps opened before it
 * ended that way: the last of them failed, the others were undone.
 *
 * Which kind of trace it is shows at its first call event: a `dma:*` event,
 * or one of the capture script's or the oracle's kprobe events (those traces
 * have `swiotlb_bounced` events too, and they stay as they are). Until then
 * events are held, in order.
 *
 * The trace gives neither the device's min_align_mask nor its segment
 * boundary: they come from the replay's per-device parameters (the replay
 * reads a min_align_mask off the kernel's bounce addresses when they show
 * one, see align-evidence.ts). DMA addresses are taken as bounce addresses
 * (no DMA offset, as on x86).
 *
 * @module
 */
import type { MapSingleEvent, MapSingleRetEvent, SwiotlbBouncedEvent, SyncSingleEvent, TraceEventBase, UnmapSingleEvent } from '../trace/events.js';
import type { DmaTraceEvent } from '../trace/dma-events.js';
import { SWIOTLB_CALL_KINDS, type TraceEvent } from '../trace/trace-event.js';
import type { DmaReplayDevice } from './dma-replay.js';
import { LiveBounces, type LiveMapping } from './dma-live.js';
import { listAt } from '../../util/list-at.js';

/** Events held at most while the kind of trace is unknown (a trace of swiotlb_bounced events alone is then passed on as it is). */
const MAX_HELD = 4096;

/** A return whose result the trace does not give: the kernel mapped it and undid it (a scatterlist that failed later). */
export const RET_UNDONE = -2;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A bounced map waiting for the event that closes it. */
interface OpenMap {
  readonly ev: Mutable<MapSingleEvent>;
  /** The bounce event it stands for (its entry belongs right after it). */
  readonly anchor: TraceEvent;
  /** Its entry has gone out. */
  sent: boolean;
}

/**
 * Put events right after one the replay still holds back.
 *
 * @returns false when that event has already been replayed (the caller then sends them in order).
 */
export type PlaceAfter = (at: TraceEvent, events: readonly TraceEvent[]) => boolean;

/** Turns dma:* and swiotlb_bounced events into the capture script's entry-mode events. */
export class DmaEntryTranslator {
  /** Maps that went to the device directly. */
  directMaps = 0;
  /** Unmaps and syncs of addresses that were not bounced. */
  directOps = 0;
  /** Coherent allocations and frees seen. */
  allocs = 0;
  /** Maps whose call ended without a result in the trace (taken as failed at their last segment). */
  abandoned = 0;
  readonly #devices: ReadonlyMap<string, DmaReplayDevice>;
  readonly #open = new Map<number, OpenMap[]>();
  /** Live bounced mappings by device and DMA address, and by device and original address (dma_unmap_sg gives only those). */
  readonly #live = new LiveBounces();
  /** `dma` once a dma:* event came, `kprobe` once a kprobe event came (or too many events passed undecided). */
  #kind: 'undecided' | 'dma' | 'kprobe' = 'undecided';
  readonly #held: TraceEvent[] = [];

  readonly #place: PlaceAfter | null;

  /**
   * @param devices - min_align_mask and segment boundary per device name.
   * @param place - Puts a map's result right after its entry in the events the replay holds back (null: results go where they are read).
   */
  constructor(devices: ReadonlyMap<string, DmaReplayDevice>, place: PlaceAfter | null = null) {
    this.#devices = devices;
    this.#place = place;
  }

  /**
   * Whether the trace turned out to be a dma:* trace (its events are being translated).
   *
   * @returns true once a dma:* event came before any kprobe event.
   * @remarks Context: any.
   */
  get translating(): boolean {
    return this.#kind === 'dma';
  }

  /**
   * Whether the trace turned out not to be a dma:* trace: every event now passes through unchanged.
   *
   * @returns true once a kprobe event decided it.
   * @remarks Context: any.
   */
  get passesThrough(): boolean {
    return this.#kind === 'kprobe';
  }

  /**
   * Take one event of the trace, in order.
   *
   * @param ev - Any trace event.
   * @param out - Receives the events to replay in its place, in order: none while the kind of trace is unknown,
   *   the event itself when it needs no translation, or the entry-mode events a dma:* or swiotlb_bounced event stands for.
   * @remarks Context: replay (and its first pass), single-threaded.
   */
  feed(ev: TraceEvent, out: TraceEvent[]): void {
    if (this.#kind === 'undecided') {
      if (isDmaEvent(ev)) {
        this.#kind = 'dma';
        for (const h of this.#held) this.#translated(h, out);
        this.#held.length = 0;
      } else if (SWIOTLB_CALL_KINDS.has(ev.kind) || this.#held.length >= MAX_HELD) {
        this.#kind = 'kprobe';
        out.push(...this.#held);
        this.#held.length = 0;
      } else {
        this.#held.push(ev);
        return;
      }
    }
    if (this.#kind === 'dma') this.#translated(ev, out);
    else out.push(ev);
  }

  /**
   * The end of the trace: events still held go on as they are.
   *
   * @param out - Receives them.
   * @remarks Context: replay, single-threaded.
   */
  finish(out: TraceEvent[]): void {
    out.push(...this.#held);
    this.#held.length = 0;
  }

  #translated(ev: TraceEvent, out: TraceEvent[]): void {
    if (ev.kind === 'swiotlb_bounced' || isDmaEvent(ev)) this.translate(ev, out);
    else {
      if (ev.kind === 'pool') this.setPool(ev.start, ev.end);
      out.push(ev);
    }
  }

  /**
   * Note where the pool is (from a pool line).
   *
   * @param start - First bounce address.
   * @param end - One past the last.
   * @remarks Context: replay, single-threaded.
   */
  setPool(start: number, end: number): void {
    this.#live.setPool(start, end);
  }

  /**
   * Translate one event.
   *
   * @param ev - A swiotlb_bounced or dma:* event.
   * @param out - Receives the entry-mode events it stands for, in order (the bounce event itself included).
   * @remarks Context: replay, single-threaded.
   */
  translate(ev: SwiotlbBouncedEvent | DmaTraceEvent, out: TraceEvent[]): void {
    switch (ev.kind) {
      case 'swiotlb_bounced':
        out.push(ev);
        return this.#bounced(ev, out);
      case 'dma_map_page':
      case 'dma_map_phys':
        return this.#closing(ev, ev.device, [{ phys: ev.physAddr, size: ev.size, dma: ev.dmaAddr }], ev.dir, ev.attrs, out);
      case 'dma_map_sg': {
        const n = Math.min(ev.dmaAddrs.length, ev.physAddrs.length);
        const segs = Array.from({ length: n }, (_, i) => ({ phys: ev.physAddrs[i]!, size: ev.sizes[i] ?? 0, dma: ev.dmaAddrs[i]! }));
        return this.#closing(ev, ev.device, segs, ev.dir, ev.attrs, out);
      }
      case 'dma_map_sg_err':
        return this.#sgFailed(ev, out);
      case 'dma_unmap_page':
      case 'dma_unmap_phys':
        return this.#unmap(ev, ev.device, this.#live.byDma(ev.device, ev.dmaAddr, ev.size), ev.dir, ev.attrs, out);
      case 'dma_unmap_sg':
        for (const p of ev.physAddrs) this.#unmap(ev, ev.device, this.#live.byPhys(ev.device, p), ev.dir, ev.attrs, out);
        return;
      case 'dma_sync_single_for_cpu':
      case 'dma_sync_single_for_device':
        return this.#sync(ev, ev.device, ev.dmaAddr, ev.size, ev.dir, ev.kind === 'dma_sync_single_for_cpu', out);
      case 'dma_sync_sg_for_cpu':
      case 'dma_sync_sg_for_device':
        for (let i = 0; i < ev.dmaAddrs.length; i++) this.#sync(ev, ev.device, ev.dmaAddrs[i]!, ev.sizes[i] ?? 0, ev.dir, ev.kind === 'dma_sync_sg_for_cpu', out);
        return;
      case 'dma_map_resource':
        this.directMaps++;
        return;
      case 'dma_unmap_resource':
        this.directOps++;
        return;
      default:
        this.allocs++;
    }
  }

  /**
   * Bounced mappings the trace never unmapped.
   *
   * @returns Their count.
   * @remarks Context: any.
   */
  live(): number {
    return this.#live.size;
  }

  #entry(ev: TraceEventBase, device: string, phys: number, size: number): Mutable<MapSingleEvent> {
    const p = this.#devices.get(device) ?? {};
    return {
      kind: 'map_single',
      ...columns(ev),
      dev: device,
      orig: phys,
      msz: size,
      asz: size,
      amask: 0,
      dir: 0,
      attrs: 0,
      name: device,
      minalign: p.minAlignMask ?? 0,
      segbnd: p.segmentBoundaryMask ?? 0,
      mem: '',
    };
  }

  #bounced(ev: SwiotlbBouncedEvent, out: TraceEvent[]): void {
    const list = listAt(this.#open, ev.cpu);
    const m: OpenMap = { ev: this.#entry(ev, ev.devName, ev.devAddr, ev.size), anchor: ev, sent: list.length === 0 };
    list.push(m);
    if (m.sent) out.push(m.ev);
  }

  /** The open map of this CPU a closing event's segment belongs to: the newest with its address and size not yet taken. */
  #find(list: OpenMap[], device: string, phys: number, size: number, taken: readonly OpenMap[]): OpenMap | undefined {
    for (let i = list.length - 1; i >= 0; i--) {
      const m = list[i]!;
      if (m.ev.orig === phys && m.ev.msz === size && m.ev.dev === device && !taken.includes(m)) return m;
    }
    return undefined;
  }

  /**
   * A closing event: the map calls it ends on its CPU. Each segment but the
   * last was mapped before the next segment's bounce event, so its result
   * goes right after its entry while the replay still holds those events
   * back; the last one's goes here. Back in task context, the maps opened
   * before this call ended without a result (a call that failed on a full
   * pool: 6.12 writes dma_map_sg_err only for other errors): the last of
   * them failed, the others were mapped and undone.
   */
  #closing(ev: DmaTraceEvent, device: string, segs: readonly { phys: number; size: number; dma: number }[], dir: number, attrs: number, out: TraceEvent[]): void {
    const list = listAt(this.#open, ev.cpu);
    const taken: OpenMap[] = [];
    const matched = segs.map((g) => {
      const m = this.#find(list, device, g.phys, g.size, taken);
      if (m !== undefined) taken.push(m);
      return m;
    });
    let oldest = list.length;
    for (const m of taken) oldest = Math.min(oldest, list.indexOf(m));
    if (!ev.irq && taken.length > 0 && oldest > 0) {
      const gone = list.slice(0, oldest);
      gone.forEach((m, k) => this.#finish(ev, list, m, k === gone.length - 1 ? -1 : RET_UNDONE, m.ev.dir, m.ev.attrs, true, out));
      this.abandoned += gone.length;
    }
    const last = matched.findLastIndex((m) => m !== undefined);
    segs.forEach((g, i) => {
      const m = matched[i];
      if (m !== undefined) this.#finish(ev, list, m, g.dma, dir, attrs, i < last, out);
      else if (g.dma === -1 || g.dma === g.phys) this.directMaps++;
      else {
        // Bounced with no bounce event before it (the event was not recorded): entry and return together.
        const e = this.#entry(ev, device, g.phys, g.size);
        e.dir = dir;
        e.attrs = attrs;
        out.push(e, retEvent(ev, g.dma));
      }
      if (g.dma !== -1 && (m !== undefined || g.dma !== g.phys)) {
        this.#live.add(device, { dma: g.dma, size: g.size, phys: g.phys });
      }
    });
    this.#openNext(list, out);
  }

  /** End an open map with the kernel's result: right after its entry when `early` and the replay still holds it back, else here. */
  #finish(ev: DmaTraceEvent, list: OpenMap[], m: OpenMap, ret: number, dir: number, attrs: number, early: boolean, out: TraceEvent[]): void {
    list.splice(list.indexOf(m), 1);
    m.ev.dir = dir;
    m.ev.attrs = attrs;
    const r = retEvent(ev, ret);
    if (early && this.#place !== null && this.#place(m.sent ? m.ev : m.anchor, m.sent ? [r] : [m.ev, r])) return;
    if (!m.sent) out.push(m.ev);
    m.sent = true;
    out.push(r);
  }

  /** Send the oldest held entry of a CPU once no sent map of it is open. */
  #openNext(list: OpenMap[], out: TraceEvent[]): void {
    if (list.length === 0 || list.some((o) => o.sent)) return;
    list[0]!.sent = true;
    out.push(list[0]!.ev);
  }

  /** A scatterlist that failed with an error 6.12 reports: the segments before the failing one were mapped and undone, the last one failed. */
  #sgFailed(ev: Extract<DmaTraceEvent, { kind: 'dma_map_sg_err' }>, out: TraceEvent[]): void {
    const list = this.#open.get(ev.cpu);
    if (list === undefined) return;
    const mine = list.filter((o) => o.ev.dev === ev.device && ev.physAddrs.includes(o.ev.orig));
    mine.forEach((m, k) => this.#finish(ev, list, m, k === mine.length - 1 ? -1 : RET_UNDONE, ev.dir, ev.attrs, true, out));
    this.#openNext(list, out);
  }

  #unmap(ev: DmaTraceEvent, device: string, m: LiveMapping | undefined, dir: number, attrs: number, out: TraceEvent[]): void {
    if (m === undefined) {
      this.directOps++;
      return;
    }
    this.#live.remove(device, m);
    const u: UnmapSingleEvent = {
      kind: 'unmap_single',
      ...columns(ev),
      dev: device,
      tlb: m.dma,
      msz: m.size,
      dir,
      attrs,
      name: device,
      minalign: this.#devices.get(device)?.minAlignMask ?? 0,
    };
    out.push(u);
  }

  #sync(ev: DmaTraceEvent, device: string, dma: number, size: number, dir: number, forCpu: boolean, out: TraceEvent[]): void {
    if (!this.#live.covers(device, dma, size)) {
      this.directOps++;
      return;
    }
    const s: SyncSingleEvent = { kind: forCpu ? 'sync_for_cpu' : 'sync_for_device', ...columns(ev), dev: device, tlb: dma, size, dir, name: device };
    out.push(s);
  }

}

/** The columns an event stands at (line, CPU, time, task), for the events made in its place. */
function columns(ev: TraceEventBase): TraceEventBase {
  return { line: ev.line, cpu: ev.cpu, ts: ev.ts, task: ev.task, pid: ev.pid };
}

function retEvent(ev: DmaTraceEvent, ret: number): MapSingleRetEvent {
  return { kind: 'map_single_ret', ...columns(ev), ret };
}

/**
 * Whether an event is one of the generic dma:* events.
 *
 * @param ev - An event.
 * @returns true for dma_map_page, dma_unmap_sg, dma_alloc and the rest.
 * @remarks Context: any; pure.
 */
export function isDmaEvent(ev: TraceEvent): ev is DmaTraceEvent {
  return ev.kind.startsWith('dma_');
}
