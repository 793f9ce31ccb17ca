/**
 * Deterministic memory fragmentation for tests and benchmarks: hold some of the
 * free pages of a zone so that free memory is plentiful but contiguous runs are
 * short, the state in which high-order allocations fail.
 *
 * Held pages are neither free nor allocated (they count in no allocation
 * counter); release() gives them back and coalesces them.
 *
 * @module
 */
import { MAX_ORDER } from './constants.js';
import type { FreeArea } from './free-area.js';
import type { ZoneName } from './gfp.js';
import type { PageAllocator } from './page-allocator.js';
import { Prng } from './prng.js';

/** How to choose the pages to hold. */
export type FragmentPattern =
  /** Hold the last page of every `stride` pages: no free block above order log2(stride) - 1 survives. */
  | { kind: 'stride'; stride: number }
  /** Hold each free page with probability `fraction`, drawn from a mulberry32 stream seeded with `seed`. */
  | { kind: 'random'; fraction: number; seed: number };

/** What fragmentMemory() did, and how to undo it. */
export interface FragmentHandle {
  /** Pages held. */
  readonly heldPages: number;
  /**
   * Return every held page to the allocator, coalescing it with free buddies.
   *
   * @returns Nothing; a second call does nothing.
   * @remarks Context: any.
   */
  release(): void;
}

/**
 * Fragment the free memory of some zones (and CMA) of an allocator.
 *
 * @param pages - The page allocator.
 * @param zones - Zones to fragment, e.g. ['dma32'] or ['dma', 'dma32', 'normal', 'cma'].
 * @param pattern - Which free pages to hold.
 * @returns A handle with the number of held pages and a release().
 * @throws RangeError for a stride that is not a power of two >= 2 or a fraction outside [0, 1].
 * @remarks Context: any; cost is linear in the free pages of the zones. Same state and pattern, same result.
 */
export function fragmentMemory(pages: PageAllocator, zones: readonly (ZoneName | 'cma')[], pattern: FragmentPattern): FragmentHandle {
  let hold: (pfn: number) => boolean;
  if (pattern.kind === 'stride') {
    const stride = pattern.stride;
    if (!Number.isInteger(stride) || stride < 2 || stride > 2 ** (MAX_ORDER + 1) || !Number.isInteger(Math.log2(stride))) {
      throw new RangeError(`Cannot fragment with stride ${stride}: expected a power of two in 2..${2 ** (MAX_ORDER + 1)}`);
    }
    hold = (pfn) => pfn % stride === stride - 1;
  } else {
    const fraction = pattern.fraction;
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`Cannot fragment with fraction ${fraction}: expected 0..1`);
    const prng = new Prng(pattern.seed);
    hold = () => prng.nextFloat() < fraction;
  }
  const areas: FreeArea[] = [];
  const heldByArea: Int32Array[] = [];
  let total = 0;
  for (const z of zones) {
    const area = pages.area(z);
    if (area === null || areas.includes(area)) continue;
    const blocks: number[] = [];
    area.drain(blocks);
    // Held pfns of this area, in address order of the drained blocks.
    const held: number[] = [];
    for (let i = 0; i < blocks.length; i += 2) {
      const start = blocks[i]!;
      const end = start + 2 ** blocks[i + 1]!;
      for (let pfn = start; pfn < end; pfn++) {
        if (hold(pfn)) held.push(pfn);
        else area.release(pfn, 0);
      }
    }
    areas.push(area);
    heldByArea.push(Int32Array.from(held));
    total += held.length;
  }
  let released = false;
  return {
    heldPages: total,
    release(): void {
      if (released) return;
      released = true;
      for (let a = 0; a < areas.length; a++) {
        const area = areas[a]!;
        for (const pfn of heldByArea[a]!) area.release(pfn, 0);
      }
    },
  };
}
