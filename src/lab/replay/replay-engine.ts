/**
 * The replay engine: rebuilds the pool from a trace and drives the swiotlb
 * core through the same calls, in the trace's order, comparing every decision.
 *
 * Concurrency: with the oracle's in-lock probes, each area attempt
 * (map_found / map_area_full) and each release (unmap_release) is written
 * while the kernel held that area's spinlock, and the trace's counter clock
 * orders all events globally. Applying each attempt and release at its own
 * event therefore applies them in the kernel's per-area lock order, even when
 * two CPUs map at once. Calls nest per CPU (an interrupt can complete I/O
 * between a map's entry and its lock), so pending calls live on one stack per CPU.
 *
 * @module
 */
import { createDevice, type Device } from '../../machine/device.js';
import { MASK_ALL } from '../../machine/mask.js';
import { getProfile, type KernelProfile } from '../../swiotlb/profiles.js';
import { createIoTlbMem, memUsed, type IoTlbMem } from '../../swiotlb/io-tlb-mem.js';
import { areaOf, listRange } from '../../swiotlb/pool.js';
import { DMA_ATTR_SKIP_CPU_SYNC, IO_TLB_SIZE } from '../../swiotlb/constants.js';
import { SearchRequest, fillSearchRequest } from '../../swiotlb/search-request.js';
import { FoundSlots, searchPoolArea } from '../../swiotlb/find-slots.js';
import {
  prepareMap,
  completeMap,
  failMap,
  swiotlbTblUnmapSingle,
  swiotlbSyncSingleForCpu,
  swiotlbSyncSingleForDevice,
  lastRelease,
} from '../../swiotlb/map-single.js';
import { ContractError, InputError } from '../../util/errors.js';
import type { TraceEvent } from '../trace/trace-event.js';
import type { MapSingleEvent, UnmapSingleEvent, PoolEvent } from '../trace/events.js';
import type { ReplayMismatch, ReplayPoolConfig } from './replay-types.js';
import type { DmaDirection } from '../../swiotlb/constants.js';
import { ReplayTally } from './replay-tally.js';
import { DmaDebug } from '../../dma/dma-debug.js';
import { DmaEventReplayer } from './dma-replay.js';
import type { DmaTraceEvent } from '../trace/dma-events.js';
import { poolLineBusy, seedInitialState, type InitialState } from './initial-state.js';
import { decideInOrder, followKernel, takeOwn, type OrderedMap } from './entry-order.js';
import { EntryWindow } from './entry-window.js';
import { LeadIn, tookSlotsBeforeRead } from './lead-in.js';
import { PoolReadSkew } from './pool-read-skew.js';
import { DmaEntryTranslator, RET_UNDONE } from './dma-entry.js';
import { MinAlignEvidence } from './align-evidence.js';
import { releaseHolders } from './missed-unmaps.js';
import { listAt } from '../../util/list-at.js';
import { SWIOTLB_CALL_KINDS } from '../trace/trace-event.js';
import { DEFAULT_REPLAY_POOL, MAX_REPLAY_SLABS, NeedsDeviceParams, NeedsInitialMappings, NeedsPoolForDmaEvents, type ReplayEngineOptions } from './replay-options.js';

export { DEFAULT_REPLAY_POOL, MAX_REPLAY_SLABS, NeedsDeviceParams, NeedsInitialMappings, NeedsPoolForDmaEvents, type ReplayEngineOptions } from './replay-options.js';

interface PendingMap extends OrderedMap {
  readonly kind: 'map';
  readonly ev: MapSingleEvent;
  readonly dev: Device;
  readonly req: SearchRequest;
  readonly found: FoundSlots;
  readonly ready: boolean;
  nextArea: number;
  areasTried: number;
  done: boolean;
  /** Releases applied before it entered (entry captures: later ones may have come after its lock). */
  readonly relSeq: number;
  /** Commits applied before it entered (entry captures). */
  readonly commitSeq: number;
  /** It entered before the first pool line and had its slots when the pool was read: nothing left to decide. */
  beforeRead: boolean;
}
interface PendingUnmap {
  readonly kind: 'unmap';
  readonly ev: UnmapSingleEvent;
}

/** Replays oracle kprobe events against the model, one event at a time. */
export class ReplayEngine {
  readonly profile: KernelProfile;
  readonly tally = new ReplayTally();
  mem: IoTlbMem | null = null;
  poolConfig: ReplayPoolConfig | null = null;
  mode: 'in-lock' | 'entry' | 'dma-events' | 'empty' = 'empty';
  /** DMA-API checker (--check), or null. */
  readonly debug: DmaDebug | null;
  /** The dma:* replayer, created at the first dma:* event. */
  dmaReplayer: DmaEventReplayer | null = null;
  /** How the pool was seeded from the trace's first pool line, or null before it (or without one). */
  initialState: InitialState | null = null;
  readonly #bouncedCpus = new Set<number>();
  readonly #devices = new Map<string, Device>();
  readonly #stacks = new Map<number, (PendingMap | PendingUnmap)[]>();
  readonly #opts: ReplayEngineOptions;
  readonly #file: string;
  /** Entry captures: the recent past and the held-back future around the map being decided. */
  readonly #window: EntryWindow;
  #holding = false;
  /** The events before the first pool line. */
  readonly #leadIn = new LeadIn();
  /** Pool-line areas read on the other side of an adjacent release. */
  readonly #skew = new PoolReadSkew();
  /** dma:* traces: their events as an entry capture's (null when dmaWithoutPoolLine). */
  readonly #front: DmaEntryTranslator | null;
  readonly #fed: TraceEvent[] = [];
  /** Devices a min_align_mask hint was given for. */
  readonly #hinted = new Set<string>();
  /** dma:* traces: what the kernel's bounce addresses say about the min_align_mask of devices not given with --device. */
  readonly #alignEvidence = new MinAlignEvidence();

  /**
   * @param file - Trace file name, for errors.
   * @param opts - Options.
   */
  constructor(file: string, opts: ReplayEngineOptions = {}) {
    this.#file = file;
    this.#opts = opts;
    this.profile = getProfile(opts.kernel ?? '6.1');
    this.#window = new EntryWindow(opts.lookahead ?? 0);
    this.#front = opts.dmaWithoutPoolLine === true ? null : new DmaEntryTranslator(opts.devices ?? new Map(), (at, evs) => this.#holding && this.#window.insertAfter(at, evs));
    this.debug = opts.check === true ? new DmaDebug() : null;
  }

  /**
   * Consume one event in trace order.
   *
   * @param ev - The event.
   * @throws InputError for a trace the replay cannot use (events before any pool, unmatched in-lock events, a first pool line with slots in use and no initialMappings: NeedsInitialMappings).
   * @remarks Context: any (single-threaded replay).
   */
  onEvent(ev: TraceEvent): void {
    if (this.#front === null || this.#front.passesThrough) return this.#accept(ev);
    // A dma:* trace's events become the entry events they stand for.
    const fed = this.#fed;
    this.#front.feed(ev, fed);
    for (let i = 0; i < fed.length; i++) this.#accept(fed[i]!);
    fed.length = 0;
  }

  #accept(ev: TraceEvent): void {
    // Entry captures: hold events back so a map's decision can see the returns of the maps pending with it.
    const now = this.#holding ? this.#window.hold(ev) : ev;
    if (now !== null) this.#process(now);
  }

  /**
   * The dma:* part of the result: direct maps and operations, allocations,
   * bounced mappings never unmapped, and maps whose call ended without a
   * result (taken as failed at the call's last one); null for other traces.
   */
  dmaStats(): { directMaps: number; directOps: number; allocs: number; liveAtEnd: number; abandoned: number } | null {
    const f = this.#front;
    if (f !== null && f.translating) return { directMaps: f.directMaps, directOps: f.directOps, allocs: f.allocs, liveAtEnd: f.live(), abandoned: f.abandoned };
    const d = this.dmaReplayer;
    if (d === null) return null;
    return { directMaps: d.directMaps, directOps: d.directOps, allocs: d.allocs, liveAtEnd: d.live(), abandoned: 0 };
  }

  /**
   * Process the events held back for lookahead (call once the trace has ended).
   *
   * @throws InputError as onEvent() does.
   * @remarks Context: any (single-threaded replay).
   */
  flush(): void {
    if (this.#front !== null) {
      this.#front.finish(this.#fed);
      for (const ev of this.#fed) this.#accept(ev);
      this.#fed.length = 0;
      if (this.#front.translating && this.mem === null && this.#opts.pool === undefined) throw new NeedsPoolForDmaEvents(this.#file);
    }
    for (let ev = this.#window.release(); ev !== undefined; ev = this.#window.release()) this.#process(ev);
    for (const m of this.#skew.expired(Infinity)) this.tally.mismatch(m);
    const inferred = this.#alignEvidence.inferred();
    if (inferred.size > 0 && this.#opts.inferDevices !== false) throw new NeedsDeviceParams(this.#file, inferred);
    // Calls and no pool line anywhere: the lead-in never ended.
    if (this.mem === null && this.#leadIn.firstLine > 0) this.#requireMem(this.#leadIn.firstLine);
  }

  /** Pool-line areas that matched once a release within a few events of the line was counted on the other side of the read. */
  get poolReadSkewed(): number {
    return this.#skew.explained;
  }

  /** The kernel's result of a pending map when its return is among the events held back. */
  #kernelResultOf(o: PendingMap): number | undefined {
    const s = this.#stacks.get(o.ev.cpu);
    if (s === undefined) return undefined;
    let above = 0;
    for (let i = s.length - 1; i >= 0 && s[i] !== o; i--) if (s[i]!.kind === 'map') above++;
    return this.#window.resultInSight(o.ev.cpu, above);
  }

  #process(ev: TraceEvent): void {
    this.tally.events++;
    // Any event of a CPU says its last unmap has released by now.
    this.#window.heardFrom(ev.cpu);
    // Until the trace shows whether unmaps release in-lock or at entry, they wait: so do pool-line areas waiting for one.
    if (this.#skew.waiting && this.mode !== 'empty') for (const m of this.#skew.expired(ev.line)) this.tally.mismatch(m);
    try {
      this.#dispatch(ev);
    } catch (e) {
      if (e instanceof InputError && e.code === 'unmatched_event' && this.#opts.lenient === true) {
        this.tally.unmatched++;
        this.tally.warn(e.message);
        return;
      }
      if (e instanceof ContractError) {
        // The kernel would have corrupted its lists or hit a BUG; record and go on.
        this.tally.warn(`line ${ev.line}: ${e.message}`);
        this.tally.mismatch(this.#mismatch(ev.line, 'contract', { event: ev.kind }, { error: e.code }, -1));
      } else throw e;
    }
  }

  #dispatch(ev: TraceEvent): void {
    // Calls and in-lock events before the first pool line are lead-in (see lead-in.ts).
    if (this.mem === null && this.#opts.pool === undefined && SWIOTLB_CALL_KINDS.has(ev.kind)) {
      this.#leadIn.onEvent(ev);
      return;
    }
    switch (ev.kind) {
      case 'pool':
        return this.#onPool(ev);
      case 'map_single':
        return this.#onMapSingle(ev);
      case 'map_area_full':
      case 'map_found':
        return this.#onAreaEvent(ev);
      case 'map_single_ret':
        return this.#onMapRet(ev);
      case 'unmap_single':
        return this.#onUnmapSingle(ev);
      case 'unmap_release':
        return this.#onRelease(ev);
      case 'sync_for_cpu':
      case 'sync_for_device': {
        const mem = this.#requireMem(ev.line);
        const dev = this.#device(ev.dev, ev.name, null, null, ev.line);
        this.tally.syncs++;
        this.debug?.sync(dev, ev.tlb, ev.size, ev.dir as DmaDirection, `${this.#file}:${ev.line}`);
        if (ev.kind === 'sync_for_cpu') swiotlbSyncSingleForCpu(mem, dev, ev.tlb, ev.size, ev.dir as DmaDirection);
        else swiotlbSyncSingleForDevice(mem, dev, ev.tlb, ev.size, ev.dir as DmaDirection);
        return;
      }
      case 'swiotlb_bounced':
        this.tally.bounced++;
        this.#bouncedCpus.add(ev.cpu);
        return;
      case 'tracing_mark_write':
      case 'unmap_single_ret':
        return;
      default:
        return this.#onDmaEvent(ev);
    }
  }

  #onDmaEvent(ev: DmaTraceEvent): void {
    if (this.dmaReplayer === null) {
      if (this.mode === 'in-lock') return; // the probes already cover swiotlb; dma:* adds nothing
      if (this.mem === null) {
        const p = this.#opts.pool;
        if (p !== undefined) this.#build(p.start, p.nslabs, p.nareas, p.force ?? true, 'options');
        else this.#build(DEFAULT_REPLAY_POOL.start, DEFAULT_REPLAY_POOL.nslabs, DEFAULT_REPLAY_POOL.nareas, true, 'default');
      }
      this.mode = 'dma-events';
      this.dmaReplayer = new DmaEventReplayer(this.mem!, this.tally, this.poolConfig!.source !== 'default', this.#opts.devices ?? new Map(), this.#bouncedCpus);
    }
    this.dmaReplayer.onEvent(ev);
  }

  #stack(cpu: number): (PendingMap | PendingUnmap)[] {
    return listAt(this.#stacks, cpu);
  }

  #requireMem(line: number): IoTlbMem {
    if (this.mem !== null) return this.mem;
    const p = this.#opts.pool;
    if (p === undefined) {
      throw new InputError('no_pool', 'The trace maps before any `pool:` line; give the pool geometry (--pool-start, --nslabs, --nareas)', {
        file: this.#file,
        line,
      });
    }
    this.#build(p.start, p.nslabs, p.nareas, p.force ?? true, 'options', line);
    return this.mem!;
  }

  #build(start: number, nslabs: number, nareas: number, force: boolean, source: ReplayPoolConfig['source'], line = 0): void {
    const where = { file: this.#file, ...(line > 0 ? { line } : {}) };
    if (nslabs < 1 || nslabs > MAX_REPLAY_SLABS) {
      throw new InputError('bad_pool', `Cannot model a pool of ${nslabs} slots: expected 1 to ${MAX_REPLAY_SLABS} (32 GiB)`, where);
    }
    try {
      this.mem = createIoTlbMem({ profile: this.profile, start, nslabs, nareas, forceBounce: force, searchImpl: this.#opts.searchImpl ?? 'fast' });
    } catch (e) {
      if (e instanceof InputError) throw new InputError(e.code, e.message, where);
      throw e;
    }
    const pool = this.mem.pools[0]!;
    this.poolConfig = { start, end: pool.end, nslabs, nareas, areaNslabs: pool.areaNslabs, force, source };
    if (source !== 'default') this.#front?.setPool(start, pool.end);
  }

  #onPool(ev: PoolEvent): void {
    if (this.mem === null) {
      if (ev.nslabs <= 0 || ev.nareas <= 0 || ev.nslabs % ev.nareas !== 0) {
        throw new InputError('bad_pool', `Pool line has nslabs=${ev.nslabs} nareas=${ev.nareas}: expected nareas to divide nslabs`, { file: this.#file, line: ev.line });
      }
      this.#build(ev.start, ev.nslabs, ev.nareas, ev.force, 'trace', ev.line);
      this.#seed(ev);
      this.#resumeLeadIn(ev);
    }
    // A pool line reads each area's used and index: compare them (a release adjacent on another CPU may fall on either side of the read).
    const pool = this.mem!.pools[0]!;
    for (let a = 0; a < pool.nareas; a++) {
      const ku = ev.areaUsed[a];
      const ki = ev.areaIndex[a];
      if (ku === undefined || ki === undefined) continue;
      const mu = pool.areaUsed[a]!;
      const mi = pool.areaIndex[a]!;
      if (mu === ku && mi === ki) {
        this.tally.matched++;
        continue;
      }
      const m = this.#mismatch(ev.line, 'pool', { area: a, used: ku, index: ki }, { area: a, used: mu, index: mi }, a * pool.areaNslabs + ki);
      const skew = mi === ki ? this.#skew.check(ev.line, ev.cpu, a, mu - ku, m) : 'mismatch';
      if (skew === 'matched') this.tally.matched++;
      else if (skew === 'mismatch') this.tally.mismatch(m);
    }
  }

  /**
   * Go on with the calls pending when the first pool line ended the lead-in,
   * oldest first: a map is searched for at its return as usual unless it
   * had its slots when the pool was read (its in-lock map_found came before
   * the line, or tookSlotsBeforeRead() says so from its result); an unmap
   * still releases when its in-lock release comes.
   */
  #resumeLeadIn(ev: PoolEvent): void {
    const mem = this.mem!;
    const pool = mem.pools[0]!;
    const unexplained = new Int32Array(pool.nareas);
    for (let a = 0; a < pool.nareas; a++) unexplained[a] = (ev.areaUsed[a] ?? 0) - pool.areaUsed[a]!;
    const calls = [...this.#leadIn.pending().values()].flat().sort((x, y) => x.ev.line - y.ev.line);
    let inFlight = 0;
    let placed = 0;
    for (const c of calls) {
      if (c.kind === 'unmap') {
        if (this.#opts.inFlightUnmaps?.has(c.ev.line) !== true) continue; // released at its entry, before the read
        this.#stack(c.ev.cpu).push({ kind: 'unmap', ev: c.ev });
        inFlight++;
        continue;
      }
      this.#onMapSingle(c.ev);
      inFlight++;
      const s = this.#stack(c.ev.cpu);
      const p = s[s.length - 1] as PendingMap;
      p.areasTried = c.areaEvents;
      p.nextArea = (p.nextArea + c.areaEvents) % pool.nareas;
      if (!p.ready) continue;
      let kernel = -1;
      if (c.foundSlot >= 0) kernel = pool.start + c.foundSlot * IO_TLB_SIZE + p.req.inSlot;
      else if (c.areaEvents === 0) {
        const ret = this.#opts.inFlightMaps?.get(c.ev.line);
        if (ret !== undefined && tookSlotsBeforeRead(pool, ev, unexplained, p.req, ret)) kernel = ret;
      }
      if (kernel < 0 || !followKernel(mem, p, kernel, false)) continue;
      // The line's index already counts these slots.
      pool.areaIndex[p.undoArea] = ev.areaIndex[p.undoArea] ?? pool.areaIndex[p.undoArea]!;
      p.beforeRead = true;
      placed++;
    }
    const st = this.initialState!;
    if (placed > 0) {
      st.unplaced = 0;
      for (let a = 0; a < pool.nareas; a++) st.unplaced += Math.max(0, (ev.areaUsed[a] ?? 0) - pool.areaUsed[a]!);
    }
    st.leadInEvents = this.#leadIn.events;
    st.inFlight = inFlight;
    st.inFlightPlaced = placed;
  }

  /** Start from the state of the first pool line: its area indexes, and the slots of mappings made before the capture. */
  #seed(ev: PoolEvent): void {
    const initial = this.#opts.initialMappings;
    if (initial === undefined && poolLineBusy(ev)) throw new NeedsInitialMappings(this.#file, ev.line, ev.areaUsed.reduce((a, u) => a + u, 0));
    this.initialState = seedInitialState(this.mem!, ev, initial ?? []);
    if (this.debug === null || initial === undefined) return;
    for (const m of initial) {
      this.debug.map(this.#device(m.dev, m.name, m.minalign, null, m.line), m.tlb, m.size, m.dir as DmaDirection, ev.line, `${this.#file}:${ev.line} (live when the capture started)`);
    }
  }

  /**
   * The device of a trace event, by its `dev=` key. Events print what they
   * know: maps the min_align_mask and boundary, unmaps the min_align_mask,
   * syncs neither (null). A trace that starts mid-life may show a device
   * first in a sync or unmap, so a later event that knows more replaces the
   * guessed values.
   */
  #device(key: string, name: string | null, minAlign: number | null, segbnd: number | null, line: number): Device {
    const boundary = segbnd === null ? null : segbnd === 0 ? MASK_ALL : segbnd;
    const old = this.#devices.get(key);
    if (old !== undefined && (minAlign === null || old.minAlignMask === minAlign) && (boundary === null || old.segmentBoundaryMask === boundary)) return old;
    let dev: Device;
    try {
      dev = createDevice({ name: name ?? old?.name ?? key, minAlignMask: minAlign ?? old?.minAlignMask ?? 0, segmentBoundaryMask: boundary ?? old?.segmentBoundaryMask ?? MASK_ALL });
    } catch (e) {
      if (e instanceof InputError) throw new InputError(e.code, e.message, { file: this.#file, line });
      throw e;
    }
    // The same device, better known: it keeps its id (dma-debug's mappings are keyed by it).
    if (old !== undefined) dev = { ...dev, id: old.id };
    this.#devices.set(key, dev);
    return dev;
  }

  #onMapSingle(ev: MapSingleEvent): void {
    const mem = this.#requireMem(ev.line);
    const dev = this.#device(ev.dev, ev.name, ev.minalign, ev.segbnd, ev.line);
    const req = new SearchRequest();
    const ready = prepareMap(mem, dev, ev.orig, ev.msz, ev.asz, ev.amask, ev.attrs, req);
    const pool = mem.pools[0]!;
    if (ready) fillSearchRequest(req, this.profile.family, dev.minAlignMask, req.allocAlignMask, req.searchSize, req.origAddr, pool.start + dev.dmaOffset, dev.segmentBoundaryMask);
    const found = new FoundSlots();
    this.#stack(ev.cpu).push({ kind: 'map', ev, dev, cpu: ev.cpu, req, found, ready, nextArea: ev.cpu & (pool.nareas - 1), areasTried: 0, done: false, undoArea: -1, undoIndex: 0, relSeq: this.#window.releaseSeq, commitSeq: this.#window.commitSeq, beforeRead: false });
  }

  #topMap(cpu: number, line: number, what: string): PendingMap {
    const s = this.#stack(cpu);
    const top = s[s.length - 1];
    if (top === undefined || top.kind !== 'map') {
      throw new InputError('unmatched_event', `${what} on CPU ${cpu} has no pending map_single on that CPU`, { file: this.#file, line });
    }
    return top;
  }

  #onAreaEvent(ev: Extract<TraceEvent, { kind: 'map_area_full' | 'map_found' }>): void {
    this.mode = 'in-lock';
    const p = this.#topMap(ev.cpu, ev.line, ev.kind);
    const mem = this.mem!;
    const pool = mem.pools[0]!;
    const area = p.nextArea;
    p.nextArea = area + 1 >= pool.nareas ? 0 : area + 1;
    p.areasTried++;
    const got = p.ready && !p.done ? searchPoolArea(mem, pool, area, p.req, p.found) : false;
    if (got) p.done = true;
    const kernel: Record<string, number> = { area: ev.area, nslots: ev.nslots, aindex: ev.aindex, aused: ev.aused };
    const model: Record<string, number> = { area, nslots: p.req.nslots, aindex: pool.areaIndex[area]!, aused: pool.areaUsed[area]! };
    if (ev.kind === 'map_found') kernel.slot = ev.slot;
    model.slot = got ? p.found.index : -1;
    if (ev.kind === 'map_area_full') delete model.slot;
    const same = Object.keys(kernel).every((k) => kernel[k] === model[k]) && (ev.kind === 'map_found') === got;
    if (same) this.tally.matched++;
    else this.tally.mismatch(this.#mismatch(ev.line, ev.kind, kernel, { ...model, found: got ? 1 : 0 }, ev.kind === 'map_found' ? ev.slot : area * pool.areaNslabs + ev.aindex));
  }

  #onMapRet(ev: Extract<TraceEvent, { kind: 'map_single_ret' }>): void {
    // A map returns and no in-lock event came before it anywhere: a capture without in-lock probes.
    if (this.mode === 'empty') this.#enterEntryMode();
    const p = this.#topMap(ev.cpu, ev.line, 'map_single_ret');
    this.#stack(ev.cpu).pop();
    const mem = this.mem!;
    this.tally.maps++;
    if (ev.ret === RET_UNDONE) return this.#undone(p);
    if (this.mode === 'dma-events' && ev.ret >= 0 && this.#opts.devices?.has(p.dev.name) !== true) {
      this.#alignEvidence.observe(p.dev.name, p.ev.orig, ev.ret);
      if ((ev.ret & (IO_TLB_SIZE - 1)) !== 0 && p.dev.minAlignMask === 0) this.#minAlignHint(p, ev.ret, ev.line);
    }
    let tlb = -1;
    let followed = false;
    if (p.ready) {
      if (p.areasTried === 0 && !p.beforeRead) {
        // No in-lock probes (entry capture): the map is decided at its return, in an order the trace allows.
        followed = this.#decideAtReturn(p, ev.ret, ev.line);
      }
      tlb = p.done ? completeMap(mem, p.dev, p.req, p.found) : failMap(mem, p.dev, p.req, p.found);
    }
    if (tlb < 0) this.tally.failure(mem.lastFailure?.code ?? 'unknown');
    const used = memUsed(mem);
    if (used > this.tally.peakUsed) this.tally.peakUsed = used;
    if (tlb >= 0) this.debug?.map(p.dev, tlb, p.ev.msz, p.ev.dir as DmaDirection, ev.line, `${this.#file}:${p.ev.line}`);
    if (followed) return; // counted when decided
    if (p.beforeRead && tlb === ev.ret) return; // decided before the trace's start state: nothing to compare
    if (tlb === ev.ret) this.tally.matched++;
    else this.tally.mismatch(this.#mismatch(ev.line, this.#retDecision(), { ret: ev.ret }, { ret: tlb }, p.done ? p.found.index : -1));
  }

  /**
   * A dma:* trace does not give a device's min_align_mask, and a bounce
   * address inside a slot shows the device has one: say once per device
   * which --device option gives it.
   */
  #minAlignHint(p: PendingMap, kernel: number, line: number): void {
    const name = p.dev.name;
    if (this.#hinted.has(name)) return;
    this.#hinted.add(name);
    // What the bounce addresses so far show (observe() has seen this one).
    const mask = `0x${(this.#alignEvidence.inferred().get(name)?.mask ?? 0x7ff).toString(16)}`;
    this.tally.warnings.unshift(
      `line ${line}: the kernel bounced ${name}'s buffer 0x${p.ev.orig.toString(16)} to 0x${kernel.toString(16)}, keeping its offset inside a slot: the device has a min_align_mask (NVMe's is 0xfff), which dma:* events do not print; replay with --device '${name},min_align_mask=${mask}' (the device's real value) or its maps will not match`,
    );
  }

  /** What a map's return decides, as a mismatch names it. */
  #retDecision(): string {
    return this.mode === 'dma-events' ? 'dma_map' : 'map_single_ret';
  }

  /**
   * A map the kernel made and undid inside one call whose result the trace
   * does not give (a scatterlist that failed at a later segment): the model
   * maps it its own way and releases it at once, so the area's index moves
   * as the kernel's did. Nothing is compared.
   */
  #undone(p: PendingMap): void {
    const mem = this.mem!;
    if (!p.ready || !(p.done || takeOwn(mem, p))) {
      failMap(mem, p.dev, p.req, p.found);
      return;
    }
    const tlb = completeMap(mem, p.dev, p.req, p.found);
    lastRelease.index = -1;
    swiotlbTblUnmapSingle(mem, p.dev, tlb, p.ev.msz, p.ev.dir as DmaDirection, DMA_ATTR_SKIP_CPU_SYNC);
    this.tally.unmaps++;
  }

  /**
   * Decide a map of an entry capture at its return (see entry-order.ts):
   * in return order, or after another CPU's pending map; when no allowed
   * order gives the kernel's result, count the mismatch and follow the
   * kernel's slots so later decisions start from the kernel's state.
   *
   * @returns true when the decision was already counted (matched by reordering, or a mismatch).
   */
  #decideAtReturn(p: PendingMap, kernel: number, line: number): boolean {
    const mem = this.mem!;
    const others: PendingMap[] = [];
    for (const [cpu, s] of this.#stacks) if (cpu !== p.ev.cpu) for (const o of s) if (o.kind === 'map') others.push(o);
    const releases = this.#window.releasesFor(p.relSeq, p.ev.cpu);
    const commits = this.#window.commitsFor(p.commitSeq, p.ev.cpu);
    const d = decideInOrder(mem, p, others, releases, commits, kernel, (o) => this.#kernelResultOf(o as PendingMap));
    if (d.verdict === 'same') {
      this.#committed(p);
      return false;
    }
    if (d.verdict === 'reordered') {
      // Explained by the lock order: matched, and the kernel's slots are taken.
      this.tally.reordered++;
      this.tally.matched++;
    } else this.tally.mismatch(this.#mismatch(line, this.#retDecision(), { ret: kernel }, { ret: d.model }, -1));
    const pool = mem.pools[0]!;
    const area = kernel >= 0 ? areaOf(pool, Math.floor((kernel - pool.start) / IO_TLB_SIZE)) : -1;
    // A map of another CPU committed in that area while this one was pending left the index where it is: the
    // kernel may have taken this one's lock before theirs, and then the index is theirs (its slots, before the
    // index, say so). An index no such map left had drifted from the kernel's: it follows the kernel's slots.
    const keepIndex = area >= 0 && this.#window.indexFromCommitSince(area, p.commitSeq, pool.areaIndex[area]!, pool.areaNslabs);
    let follows = followKernel(mem, p, kernel, keepIndex);
    if (!follows && kernel >= 0 && this.#opts.releaseMissedUnmaps === true) {
      // The model still holds slots the kernel gave out: their unmaps are missing from the trace (see missed-unmaps.ts).
      const freed = releaseHolders(mem, Math.floor((kernel - p.req.inSlot - pool.start) / IO_TLB_SIZE), p.req.nslots);
      follows = freed > 0 && followKernel(mem, p, kernel, keepIndex);
      if (follows) this.tally.releasedHolders += freed;
    }
    if (follows) {
      if (d.verdict === 'differs') this.tally.followed++;
    } else takeOwn(mem, p);
    this.#committed(p);
    return true;
  }

  /**
   * The trace has no in-lock probes: from now on unmaps release at their
   * entry. Unmaps seen before the first map returned waited for an
   * unmap_release that will not come (a capture that starts with unmaps):
   * they release now, in trace order.
   */
  #enterEntryMode(): void {
    this.mode = this.#front?.translating === true ? 'dma-events' : 'entry';
    // From here on events pass through the lookahead window, in order, whatever the trace shows later.
    this.#holding = true;
    const waiting: UnmapSingleEvent[] = [];
    for (const [cpu, s] of this.#stacks) {
      for (const e of s) if (e.kind === 'unmap') waiting.push(e.ev);
      this.#stacks.set(cpu, s.filter((e) => e.kind !== 'unmap'));
    }
    waiting.sort((a, b) => a.line - b.line);
    for (const ev of waiting) this.#unmap(ev);
  }

  /** Note a map's commit in its area (entry captures: the order search reads it). */
  #committed(p: PendingMap): void {
    if (!p.done) return;
    this.#window.committed({ cpu: p.ev.cpu, index: p.found.index, nslots: p.found.nslots, searchSize: p.req.searchSize, inSlot: p.req.inSlot, area: p.undoArea, indexBefore: p.undoIndex });
  }

  #onUnmapSingle(ev: UnmapSingleEvent): void {
    this.#requireMem(ev.line);
    if (this.mode === 'entry' || this.mode === 'dma-events') {
      this.#unmap(ev);
      return;
    }
    this.#stack(ev.cpu).push({ kind: 'unmap', ev });
  }

  #unmap(ev: UnmapSingleEvent): void {
    const mem = this.mem!;
    const dev = this.#device(ev.dev, ev.name, ev.minalign, null, ev.line);
    this.tally.unmaps++;
    this.debug?.unmap(dev, ev.tlb, ev.msz, ev.dir as DmaDirection, `${this.#file}:${ev.line}`, ev.line);
    lastRelease.index = -1;
    swiotlbTblUnmapSingle(mem, dev, ev.tlb, ev.msz, ev.dir as DmaDirection, ev.attrs);
    if (lastRelease.index >= 0) this.tally.matched += this.#skew.released(ev.line, ev.cpu, lastRelease.area, lastRelease.nslots);
    if (this.mode !== 'entry' && this.mode !== 'dma-events') return;
    // Remembered for the order search of maps pending now (a release applied early may explain their results).
    this.#window.released({ cpu: ev.cpu, index: lastRelease.index, nslots: lastRelease.nslots, size: ev.msz, off: ev.tlb & 0x7ff & dev.minAlignMask });
  }

  #onRelease(ev: Extract<TraceEvent, { kind: 'unmap_release' }>): void {
    this.mode = 'in-lock';
    const s = this.#stack(ev.cpu);
    const top = s[s.length - 1];
    if (top === undefined || top.kind !== 'unmap') {
      throw new InputError('unmatched_event', `unmap_release on CPU ${ev.cpu} has no pending unmap_single on that CPU`, { file: this.#file, line: ev.line });
    }
    s.pop();
    lastRelease.index = -1;
    this.#unmap(top.ev);
    const pool = this.mem!.pools[0]!;
    const area = lastRelease.area;
    const kernel = { slot: ev.slot, nslots: ev.nslots, aindex: ev.aindex, aused: ev.aused };
    const model = { slot: lastRelease.index, nslots: lastRelease.nslots, aindex: area >= 0 ? pool.areaIndex[area]! : -1, aused: area >= 0 ? pool.areaUsed[area]! : -1 };
    if (kernel.slot === model.slot && kernel.nslots === model.nslots && kernel.aindex === model.aindex && kernel.aused === model.aused) this.tally.matched++;
    else this.tally.mismatch(this.#mismatch(ev.line, 'unmap_release', kernel, model, ev.slot));
  }

  #mismatch(line: number, decision: string, kernel: Record<string, number | string>, model: Record<string, number | string>, slot: number): ReplayMismatch {
    let area: ReplayMismatch['area'] = null;
    const pool = this.mem?.pools[0];
    if (pool !== undefined && slot >= 0 && slot < pool.nslabs) {
      const a = Math.floor(slot / pool.areaNslabs);
      const from = Math.max(a * pool.areaNslabs, slot - 8);
      const to = Math.min((a + 1) * pool.areaNslabs, slot + 9);
      area = { area: a, index: pool.areaIndex[a]!, used: pool.areaUsed[a]!, slotsFrom: from, list: listRange(pool, from, to) };
    }
    return { line, text: '', decision, kernel, model, area };
  }

  /**
   * Calls still pending at the end of the trace (a truncated capture).
   *
   * @returns Number of map or unmap entries with no matching return/release.
   * @remarks Context: any.
   */
  pendingCalls(): number {
    let n = 0;
    for (const s of this.#stacks.values()) n += s.length;
    return n;
  }
}
