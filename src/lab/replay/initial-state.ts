/**
 * The pool as it was when a capture started. A trace taken on a machine that
 * has done DMA before starts mid-life: its first `pool:` line shows each
 * area's next-fit index, and slots already in use by mappings made before
 * the capture (a NIC's receive buffers, I/O in flight). The replay must start
 * from that state, or its first search already lands elsewhere.
 *
 * The index comes from the pool line. The mappings live at the start are the
 * ones the trace unmaps without having mapped them: a first pass collects
 * them, and the pool is seeded with their slots, as their unmaps free them.
 *
 * @module
 */
import { readTrace } from '../trace/reader.js';
import { IO_TLB_SIZE } from '../../swiotlb/constants.js';
import type { IoTlbMem } from '../../swiotlb/io-tlb-mem.js';
import { areaOf } from '../../swiotlb/pool.js';
import { commitSlots } from '../../swiotlb/slots.js';
import { freeRunAt } from '../../swiotlb/slot-bits.js';
import type { PoolEvent, UnmapSingleEvent } from '../trace/events.js';
import type { TraceEvent } from '../trace/trace-event.js';
import { DmaEntryTranslator } from './dma-entry.js';
import { listAt } from '../../util/list-at.js';
import type { DmaReplayDevice } from './dma-replay.js';

/** A mapping that was live when the capture started (seen only through its unmap). */
export interface InitialMapping {
  /** Trace device key (the `dev=` pointer) and name. */
  readonly dev: string;
  readonly name: string | null;
  readonly tlb: number;
  /** Mapping size, as the unmap gives it (dma-direct maps with alloc size = mapping size). */
  readonly size: number;
  readonly minalign: number;
  readonly dir: number;
  /** Line of the unmap that revealed it. */
  readonly line: number;
}

/** How the replay's pool was set up from the trace's first pool line. */
export interface InitialState {
  /** Line of the first pool line. */
  line: number;
  /** Slots the kernel had in use then (sum over areas). */
  slotsInUse: number;
  /** Mappings placed from their later unmaps. */
  mappings: number;
  /** Slots in use at the start that no unmap in the trace accounts for (0: the start state is fully known). */
  unplaced: number;
  /** Events before the first pool line (a capture started with DMA in flight; see lead-in.ts). */
  leadInEvents: number;
  /** Calls entered before the first pool line and still pending at it: the replay goes on with them. */
  inFlight: number;
  /** Of those, maps that already had their slots when the pool was read (placed at the kernel's slots, not compared). */
  inFlightPlaced: number;
}

/**
 * Whether a pool line shows slots in use (mappings made before it).
 *
 * @param ev - A pool line.
 * @returns true when some area's used is non-zero.
 * @remarks Context: any; pure.
 */
export function poolLineBusy(ev: PoolEvent): boolean {
  return ev.areaUsed.some((u) => u !== 0);
}

/** What a first pass finds about the state a trace starts from (its first pool line). */
export interface TraceStart {
  /** Mappings live at the first pool line, seen only through their unmaps after it, each once, in trace order. */
  readonly mappings: InitialMapping[];
  /** Maps that entered before the first pool line and returned after it: line of the entry → the kernel's result. */
  readonly inFlightMaps: ReadonlyMap<number, number>;
  /** Unmaps that entered before the first pool line and released (in-lock) after it: lines of the entries. */
  readonly inFlightUnmaps: ReadonlySet<number>;
}

/**
 * First pass over a trace: the state it starts from. Events before the first
 * pool line are lead-in (their effect is in the line's state, see lead-in.ts):
 * a mapping is live at the line when its unmap comes after the line and no
 * map after the line returned its address; an unmap that entered before the
 * line and released after it (in-lock probes) also unmaps a live mapping.
 * Maps in flight at the line are found with their results.
 *
 * @param path - Trace file (plain or gzip).
 * @param lenient - Skip malformed lines as the replay does.
 * @param devices - Per-device parameters of a dma:* trace (as the replay is given them).
 * @returns The start state's mappings and calls in flight.
 * @throws InputError for an unreadable trace (with file and line).
 * @remarks Context: process context; streams the file.
 */
export async function scanTraceStart(path: string, lenient: boolean, devices: ReadonlyMap<string, DmaReplayDevice> = new Map()): Promise<TraceStart> {
  const live = new Set<number>();
  const seen = new Set<number>();
  const mappings: InitialMapping[] = [];
  const inFlightMaps = new Map<number, number>();
  const inFlightUnmaps = new Set<number>();
  // Per CPU, the lines of map entries and of unmap entries not yet returned or released (only while lead-in calls are pending).
  const maps = new Map<number, number[]>();
  const unmaps = new Map<number, UnmapSingleEvent[]>();
  let poolLine = 0;
  let leadInPending = 0;
  // In-lock probes release at unmap_release; without them (entry captures) an unmap released at its entry, before the line.
  let inLock = false;
  const liveAtStart = (ev: UnmapSingleEvent): void => {
    if (seen.has(ev.tlb)) return;
    seen.add(ev.tlb);
    mappings.push({ dev: ev.dev, name: ev.name, tlb: ev.tlb, size: ev.msz, minalign: ev.minalign, dir: ev.dir, line: ev.line });
  };
  // A dma:* trace is read as the entry events it stands for, as the replay reads it.
  const front = new DmaEntryTranslator(devices);
  const fed: TraceEvent[] = [];
  const onEvent = (ev: TraceEvent): void => {
    if (poolLine === 0) {
      if (ev.kind === 'pool') {
        poolLine = ev.line;
        if (!inLock) unmaps.clear();
        for (const s of maps.values()) leadInPending += s.length;
        for (const s of unmaps.values()) leadInPending += s.length;
      } else if (ev.kind === 'map_found' || ev.kind === 'map_area_full') inLock = true;
      else if (ev.kind === 'map_single') listAt(maps, ev.cpu).push(ev.line);
      else if (ev.kind === 'map_single_ret') maps.get(ev.cpu)?.pop();
      else if (ev.kind === 'unmap_single') listAt(unmaps, ev.cpu).push(ev);
      else if (ev.kind === 'unmap_release') {
        inLock = true;
        unmaps.get(ev.cpu)?.pop();
      }
      return;
    }
    if (ev.kind === 'map_single') {
      if (leadInPending > 0) listAt(maps, ev.cpu).push(ev.line);
    } else if (ev.kind === 'map_single_ret') {
      const entry = leadInPending > 0 ? maps.get(ev.cpu)?.pop() : undefined;
      if (entry !== undefined && entry < poolLine) {
        inFlightMaps.set(entry, ev.ret);
        leadInPending--;
      }
      if (ev.ret >= 0) live.add(ev.ret);
    } else if (ev.kind === 'unmap_single') {
      if (inLock && leadInPending > 0) listAt(unmaps, ev.cpu).push(ev);
      if (live.delete(ev.tlb)) return;
      liveAtStart(ev);
    } else if (ev.kind === 'unmap_release' && leadInPending > 0) {
      const entry = unmaps.get(ev.cpu)?.pop();
      if (entry !== undefined && entry.line < poolLine) {
        inFlightUnmaps.add(entry.line);
        leadInPending--;
        if (!live.delete(entry.tlb)) liveAtStart(entry);
      }
    }
  };
  const drain = (): void => {
    for (const e of fed) onEvent(e);
    fed.length = 0;
  };
  await readTrace(path, {
    file: path,
    lenient,
    onEvent: (ev) => {
      front.feed(ev, fed);
      drain();
    },
  });
  front.finish(fed);
  drain();
  return { mappings, inFlightMaps, inFlightUnmaps };
}

/**
 * The mappings a trace unmaps without having mapped them after its first
 * pool line (see scanTraceStart()).
 *
 * @param path - Trace file (plain or gzip).
 * @param lenient - Skip malformed lines as the replay does.
 * @returns Each such mapping once, in trace order.
 * @throws InputError for an unreadable trace (with file and line).
 * @remarks Context: process context; streams the file.
 */
export async function scanInitialMappings(path: string, lenient: boolean): Promise<InitialMapping[]> {
  return (await scanTraceStart(path, lenient)).mappings;
}

/**
 * Seed a freshly built single-pool allocator with the state of the trace's
 * first pool line: the live mappings' slots (placed as their unmaps will
 * free them), then each area's index.
 *
 * @param mem - The allocator, just built from the pool line (nothing in use).
 * @param ev - The first pool line.
 * @param initial - Mappings live at the start (empty when the line shows none in use).
 * @returns What was seeded.
 * @remarks Context: replay, before any call of the trace is applied.
 */
export function seedInitialState(mem: IoTlbMem, ev: PoolEvent, initial: readonly InitialMapping[]): InitialState {
  const pool = mem.pools[0]!;
  let placed = 0;
  for (const m of initial) {
    // Where the release will look: the slot of tlb less its in-slot offset, and the slots its size spans from there.
    const off = m.tlb & (IO_TLB_SIZE - 1) & m.minalign;
    const index = Math.floor((m.tlb - off - pool.start) / IO_TLB_SIZE);
    const nslots = Math.ceil((m.size + off) / IO_TLB_SIZE);
    // Two unmaps of one start slot, or overlapping ranges: the trace contradicts itself there; leave it to the comparisons.
    if (index < 0 || nslots < 1 || index + nslots > pool.nslabs || freeRunAt(pool.bits, index) < nslots) continue;
    commitSlots(pool, areaOf(pool, index), index, nslots, m.size + off, off);
    mem.totalUsed += nslots;
    placed++;
  }
  if (mem.totalUsed > mem.usedHiwater) mem.usedHiwater = mem.totalUsed;
  let slotsInUse = 0;
  let unplaced = 0;
  for (let a = 0; a < pool.nareas; a++) {
    const used = ev.areaUsed[a] ?? 0;
    slotsInUse += used;
    unplaced += Math.max(0, used - pool.areaUsed[a]!);
    const index = ev.areaIndex[a];
    if (index !== undefined && index >= 0 && index < pool.areaNslabs) pool.areaIndex[a] = index;
  }
  return { line: ev.line, slotsInUse, mappings: placed, unplaced, leadInEvents: 0, inFlight: 0, inFlightPlaced: 0 };
}
