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
import type { PoolEvent } from '../trace/events.js';

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

/**
 * First pass over a trace: the mappings it unmaps without having mapped them.
 *
 * @param path - Trace file (plain or gzip).
 * @param lenient - Skip malformed lines as the replay does.
 * @returns Each such mapping once, in trace order.
 * @throws InputError for an unreadable trace (with file and line).
 * @remarks Context: process context; streams the file.
 */
export async function scanInitialMappings(path: string, lenient: boolean): Promise<InitialMapping[]> {
  const live = new Set<number>();
  const seen = new Set<number>();
  const out: InitialMapping[] = [];
  await readTrace(path, {
    file: path,
    lenient,
    onEvent: (ev) => {
      if (ev.kind === 'map_single_ret') {
        if (ev.ret >= 0) live.add(ev.ret);
      } else if (ev.kind === 'unmap_single') {
        if (live.delete(ev.tlb) || seen.has(ev.tlb)) return;
        seen.add(ev.tlb);
        out.push({ dev: ev.dev, name: ev.name, tlb: ev.tlb, size: ev.msz, minalign: ev.minalign, dir: ev.dir, line: ev.line });
      }
    },
  });
  return out;
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
  return { line: ev.line, slotsInUse, mappings: placed, unplaced };
}
