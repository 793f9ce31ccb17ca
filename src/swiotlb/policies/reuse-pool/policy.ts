/**
 * `reuse-pool`: the Hyper-V confidential-VM design of 2021 (RFC "HV: Add
 * bounce buffer support for Isolation VM"). No shared contiguous pool: a
 * mapping takes single pages (ceil((offset + size) / 4 KiB), so no 256 KiB
 * limit and no fragmentation of large mappings); freed pages stay with their
 * device for reuse instead of being unshared and freed; new pages come in
 * batches (64) shared with one hypercall per batch; a periodic job (every
 * 30 s, run from tick()) unshares and frees pages idle for 30 s, down to the
 * device's reserve.
 *
 * Atomic callers (ctx.maySleep false) in a confidential VM cannot share new
 * pages (set_memory_decrypted() may sleep): they use cached pages or fail
 * with `would_block`, as the RFC refused in interrupt context on SNP. Outside
 * a confidential VM they allocate like GFP_ATOMIC. isBounceBuffer() answers
 * for pages of live mappings only (one hash probe, counted as one node).
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import { ContractError, hex } from '../../../util/errors.js';
import { DMA_ATTR_SKIP_CPU_SYNC, DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE, PAGE_SIZE, type DmaDirection } from '../../constants.js';
import type { MappingFailure } from '../../failure.js';
import type { CallContext, MapRequest, PolicyEnv, SwiotlbPolicy } from '../../policy.js';
import { resolveReusePoolOptions, type ReusePoolOptions } from './options.js';
import { PageMapping } from './page-mapping.js';
import { ReusePoolState } from './pool-state.js';

/** Per-device reusable page pools with batched sharing and idle decay: the DMA path. */
export class ReusePoolPolicy extends ReusePoolState implements SwiotlbPolicy {
  #lastFailure: MappingFailure | null = null;

  /** Failure of the last map that returned -1. */
  get lastFailure(): MappingFailure | null {
    return this.#lastFailure;
  }

  /**
   * Map a buffer onto single pages of the device's pool.
   *
   * @param req - The request (allocAlignMask beyond a page is not honoured: pages are page aligned).
   * @param ctx - CPU, context, time.
   * @returns The bounce address (first page + the original's in-page offset), or -1 with lastFailure
   *   (`too_large` above maxMappingSize, `would_block`, `no_memory`).
   * @throws ContractError (`zero_size`) for a 0-byte map.
   * @remarks Context: any; allocates new pages only where ctx allows (see the module notes).
   */
  map(req: MapRequest, ctx: CallContext): number {
    const s = this.counts;
    s.maps++;
    const { dev, orig, size } = req;
    if (!(size > 0)) throw new ContractError('zero_size', `Cannot map ${size} bytes: expected at least 1`);
    const npages = Math.ceil(((orig % PAGE_SIZE) + size) / PAGE_SIZE);
    const max = this.maxMappingSize(dev);
    if (size > max) return this.#fail({ code: 'too_large', size, maxMappingSize: max, nslots: npages });
    this.usage.advance(ctx.now);
    const held = this.devices.heldPages;
    const dp = this.devices.get(dev, ctx.now);
    this.meter.lockAcquisitions++;
    const pages = new Float64Array(npages);
    const mayAlloc = ctx.maySleep || !this.cfg.confidential;
    const why = dp.obtain(npages, pages, this.source, mayAlloc, ctx.maySleep, this.cfg.placement === 'contiguous', ctx.now);
    this.usage.addReserved((this.devices.heldPages - held) * PAGE_SIZE);
    if (why === 'would_block') return this.#fail({ code: 'would_block', size });
    if (why !== null) return this.#fail({ code: 'no_memory', size, order: 0 });
    const m = new PageMapping(dev, orig, size, pages);
    this.meter.kmallocs++;
    dp.attach(m);
    this.usage.addInUse(npages * PAGE_SIZE);
    this.mappings.set(m.tlb, m);
    // Bounce to the device whatever the direction (the kernel's rule).
    m.bounce(this.machine.memory, 0, size, true, this.meter);
    return m.tlb;
  }

  /**
   * {@inheritDoc SwiotlbPolicy.unmap}
   * The pages go back to the device's free list; nothing is unshared or freed here.
   *
   * @throws ContractError (`unmap_not_mapped`) when tlb is not the address of a live mapping of dev.
   * @remarks Context: any.
   */
  unmap(dev: Device, tlb: number, size: number, dir: DmaDirection, attrs: number, ctx: CallContext): void {
    const m = this.#find(dev, tlb);
    if (m === undefined || m.tlb !== tlb) {
      throw new ContractError('unmap_not_mapped', `Cannot unmap ${hex(tlb)} for ${dev.name}: it is not the address of a live mapping`);
    }
    const s = this.counts;
    s.unmaps++;
    if ((attrs & DMA_ATTR_SKIP_CPU_SYNC) === 0 && (dir === DMA_FROM_DEVICE || dir === DMA_BIDIRECTIONAL)) {
      m.bounce(this.machine.memory, 0, size, false, this.meter);
    }
    this.meter.lockAcquisitions++;
    this.usage.advance(ctx.now);
    this.mappings.delete(tlb);
    this.devices.get(dev, ctx.now).give(m, ctx.now);
    this.usage.addInUse(-m.pages.length * PAGE_SIZE);
  }

  /** {@inheritDoc SwiotlbPolicy.syncForCpu} */
  syncForCpu(dev: Device, tlb: number, size: number, dir: DmaDirection): void {
    this.#sync(dev, tlb, size, dir, true);
  }

  /** {@inheritDoc SwiotlbPolicy.syncForDevice} */
  syncForDevice(dev: Device, tlb: number, size: number, dir: DmaDirection): void {
    this.#sync(dev, tlb, size, dir, false);
  }

  /** {@inheritDoc SwiotlbPolicy.isBounceBuffer} */
  isBounceBuffer(dev: Device, addr: number): boolean {
    return this.#find(dev, addr) !== undefined;
  }

  /** The live mapping of dev whose pages hold addr: one hash probe, counted as a lookup of one node. */
  #find(dev: Device, addr: number): PageMapping | undefined {
    this.counts.lookups++;
    this.meter.nodesVisited++;
    return this.devices.find(dev, addr);
  }

  #sync(dev: Device, tlb: number, size: number, dir: DmaDirection, forCpu: boolean): void {
    const m = this.#find(dev, tlb);
    if (m === undefined) throw new ContractError('unmap_not_swiotlb', `Cannot sync ${hex(tlb)} for ${dev.name}: it is not in a live bounce buffer`);
    this.counts.syncs++;
    if (dir === DMA_BIDIRECTIONAL || dir === (forCpu ? DMA_FROM_DEVICE : DMA_TO_DEVICE)) {
      m.bounce(this.machine.memory, m.positionOf(tlb), size, !forCpu, this.meter);
    } else if (dir !== (forCpu ? DMA_TO_DEVICE : DMA_FROM_DEVICE)) {
      throw new ContractError('bad_direction', `Cannot sync for ${forCpu ? 'cpu' : 'device'} with direction ${dir}: the kernel would BUG`);
    }
  }

  #fail(f: MappingFailure): number {
    const s = this.counts;
    s.mapFailures++;
    s.failuresByCode[f.code] = (s.failuresByCode[f.code] ?? 0) + 1;
    this.#lastFailure = f;
    return -1;
  }
}

/**
 * Build the reuse-pool policy. env.poolBytes and env.nareas are not used: there is no shared pool.
 *
 * @param env - Environment.
 * @param options - Batch, decay, reserve, cap and placement.
 * @returns The policy, holding no pages yet.
 * @throws InputError (code `bad_reuse_pool`) for unusable options.
 * @remarks Context: process context (boot).
 */
export function createReusePoolPolicy(env: PolicyEnv, options: ReusePoolOptions = {}): ReusePoolPolicy {
  return new ReusePoolPolicy(env.machine, env.profile, resolveReusePoolOptions(env, options));
}
