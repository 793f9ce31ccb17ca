/**
 * The per-call inputs of a slot search, derived once per call (spec §3.1 and
 * the "Masks and stride per version" table of §3.3), in slot units.
 *
 * A candidate slot g (global index in its pool) is *aligned* when
 * `((tblSlot + g) & alignMask) === alignWant`, and it *crosses* the device's
 * segment boundary when `((tblSlot + g) mod maxSlots) + nslots > maxSlots`.
 *
 * @module
 */
import { IO_TLB_SHIFT, IO_TLB_SIZE, PAGE_SIZE, PAGE_SHIFT } from './constants.js';
import type { SearchFamily } from './profiles.js';
import { andLowMask, lowBits, MASK_ALL } from '../machine/mask.js';

const LOW = IO_TLB_SIZE - 1;
const PAGE_MASK = PAGE_SIZE - 1;

/** Mutable, reusable inputs of one map or alloc call (no allocation per map on the hot path). */
export class SearchRequest {
  /** Original address (0 for none). */
  origAddr = 0;
  /** Bytes mapped. */
  mappingSize = 0;
  /** Bytes the caller asked to reserve (<= 6.10 signature). */
  allocSize = 0;
  /** Caller's alloc_align_mask. */
  allocAlignMask = 0;
  /** Offset preserved from orig (may exceed a slot in V69+: padding). */
  offset = 0;
  /** In-slot part of the offset, stored in the slots' alloc_size. */
  inSlot = 0;
  /** Bytes searched for: offset (and padding) included. */
  searchSize = 0;
  /** DMA attributes of the call. */
  attrs = 0;
  /** Slots wanted. */
  nslots = 0;
  /** Candidate step after an aligned miss. */
  stride = 1;
  /** Slot-address bits tested (zero-required and orig-matching bits), in slot units. */
  alignMask = 0;
  /** Value those bits must have. */
  alignWant = 0;
  /** Smallest power of two above alignMask: the period of the aligned pattern. */
  period = 1;
  /** (pool DMA start & boundary mask) / IO_TLB_SIZE: the slot number of the pool start as the device sees it. */
  tblSlot = 0;
  /** tblSlot mod period. */
  tblSlotModPeriod = 0;
  /** Segment-boundary window in slots (a power of two). */
  maxSlots = 2 ** 53;
  /** Whether the run-skipping search is exact for this request (stride is a multiple of period). */
  fastOk = true;
  /** Cache key of the device/pool part (tblSlot, maxSlots): last pool DMA start and boundary mask. */
  cachedDmaStart = -1;
  cachedBoundary = -1;
  /** Cache key of the mask part: family, MA, AA, and (page or larger, orig 0) bits. */
  cachedFamily = '';
  cachedMA = -1;
  cachedAA = -1;
  cachedKey = -1;
  /** Slot-address bits that must equal orig's (slot units). */
  matchSlots = 0;
}

/**
 * Fill a request for one pool: masks and stride by family, boundary window by device.
 *
 * @param req - Request to fill.
 * @param family - Search family of the kernel profile.
 * @param minAlignMask - Device min_align_mask (MA).
 * @param allocAlignMask - Caller's alloc_align_mask (AA).
 * @param searchSize - Bytes searched for, including offset (and padding).
 * @param origAddr - Original address, 0 for none (swiotlb_alloc).
 * @param poolDmaStart - DMA address of the pool start (phys_to_dma_unencrypted).
 * @param boundaryMask - Device segment boundary mask (a low mask).
 * @remarks Context: any. No allocation.
 */
export function fillSearchRequest(
  req: SearchRequest,
  family: SearchFamily,
  minAlignMask: number,
  allocAlignMask: number,
  searchSize: number,
  origAddr: number,
  poolDmaStart: number,
  boundaryMask: number,
): void {
  const big = searchSize >= PAGE_SIZE;
  req.nslots = Math.ceil(searchSize / IO_TLB_SIZE);
  // The masks and stride depend only on these inputs: reuse them when unchanged
  // (consecutive maps of one device in one size class).
  const key = (big ? 1 : 0) | (origAddr === 0 ? 2 : 0);
  if (
    req.cachedFamily === family &&
    req.cachedMA === minAlignMask &&
    req.cachedAA === allocAlignMask &&
    req.cachedKey === key &&
    req.cachedDmaStart === poolDmaStart &&
    req.cachedBoundary === boundaryMask
  ) {
    const mask = req.alignMask;
    req.alignWant = mask === 0 ? 0 : (lowBits(origAddr, IO_TLB_SIZE * req.period) >> IO_TLB_SHIFT) & req.matchSlots;
    return;
  }
  deriveSearchRequest(req, family, minAlignMask, allocAlignMask, big, key, origAddr, poolDmaStart, boundaryMask);
}

/**
 * The uncached part of fillSearchRequest(): derive masks, stride and the
 * boundary window from scratch and remember the inputs they came from (kept
 * apart so the cached path stays small enough to inline).
 */
function deriveSearchRequest(
  req: SearchRequest,
  family: SearchFamily,
  minAlignMask: number,
  allocAlignMask: number,
  big: boolean,
  key: number,
  origAddr: number,
  poolDmaStart: number,
  boundaryMask: number,
): void {
  req.cachedFamily = family;
  req.cachedMA = minAlignMask;
  req.cachedAA = allocAlignMask;
  req.cachedKey = key;
  const MA = minAlignMask;
  let AA = allocAlignMask;
  let zero = 0; // bits (bytes) of the slot address that must be zero
  let match = 0; // bits (bytes) that must equal orig's
  let stride: number;
  switch (family) {
    case 'V61':
    case 'V61s': {
      const A = family === 'V61s' ? AA | LOW : AA;
      match = MA & ~(family === 'V61s' ? A : LOW);
      stride = (match >>> IO_TLB_SHIFT) + 1;
      if (big) stride = Math.max(stride, stride << (PAGE_SHIFT - IO_TLB_SHIFT));
      stride = Math.max(stride, (A >>> IO_TLB_SHIFT) + 1);
      break;
    }
    case 'V66a':
      match = (MA | AA | (big ? PAGE_MASK : 0)) & ~LOW;
      stride = (match >>> IO_TLB_SHIFT) + 1;
      break;
    case 'V66b':
    case 'V69': {
      if (family === 'V69' && AA === 0 && MA === 0 && big) AA = PAGE_MASK;
      const A = AA | LOW;
      match = MA & ~A;
      zero = A & ~LOW;
      stride = (Math.max(A, match) >>> IO_TLB_SHIFT) + 1;
      if (family === 'V66b' && big) stride = Math.max(stride, PAGE_SHIFT - IO_TLB_SHIFT + 1);
      break;
    }
  }
  if (origAddr === 0) match = 0; // "orig_addr != 0" guards the match test in every family
  const zeroSlots = zero >>> IO_TLB_SHIFT;
  const matchSlots = match >>> IO_TLB_SHIFT;
  const mask = zeroSlots | matchSlots;
  let period = 1;
  while (period <= mask) period *= 2;
  if (req.cachedDmaStart !== poolDmaStart || req.cachedBoundary !== boundaryMask) {
    req.tblSlot = Math.floor(andLowMask(poolDmaStart, boundaryMask) / IO_TLB_SIZE);
    req.maxSlots = boundaryMask === MASK_ALL ? 2 ** 53 : Math.ceil((boundaryMask + 1) / IO_TLB_SIZE);
    req.cachedDmaStart = poolDmaStart;
    req.cachedBoundary = boundaryMask;
  }
  req.stride = stride;
  req.alignMask = mask;
  req.matchSlots = matchSlots;
  // Only the orig bits under the (small) mask matter: take them without a division.
  req.alignWant = mask === 0 ? 0 : lowBits(origAddr, IO_TLB_SIZE * period) >> IO_TLB_SHIFT & matchSlots;
  req.period = period;
  req.tblSlotModPeriod = period === 1 ? 0 : req.tblSlot % period;
  req.fastOk = stride % period === 0;
}

/**
 * Whether global slot g passes the alignment test.
 *
 * @param req - Filled request.
 * @param g - Global slot index.
 * @returns true when aligned.
 * @remarks Context: any. Hot path.
 */
export function isAligned(req: SearchRequest, g: number): boolean {
  // period is a power of two: the mask is the remainder (both terms are small non-negative ints).
  return ((req.tblSlotModPeriod + g) & (req.period - 1) & req.alignMask) === req.alignWant;
}

/**
 * Whether a run of req.nslots from global slot g crosses the segment boundary
 * (iommu_is_span_boundary()).
 *
 * @param req - Filled request.
 * @param g - Global slot index.
 * @returns true when it crosses.
 * @remarks Context: any. Hot path.
 */
export function crossesBoundary(req: SearchRequest, g: number): boolean {
  return ((req.tblSlot + g) % req.maxSlots) + req.nslots > req.maxSlots;
}
