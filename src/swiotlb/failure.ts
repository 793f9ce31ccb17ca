/**
 * Mapping failures as data: a discriminated union keyed by `code`, carrying
 * the numbers that explain it, and a pretty-printer.
 *
 * @module
 */

/** Why a map or alloc failed. */
export type MappingFailure =
  | { code: 'too_large'; size: number; maxMappingSize: number; nslots: number }
  | { code: 'no_space'; size: number; nslots: number; totalSlots: number; usedSlots: number }
  | { code: 'fragmented'; size: number; nslots: number; totalSlots: number; usedSlots: number; freeSlots: number }
  | { code: 'livelock'; size: number; nslots: number; area: number; areaIndex: number }
  | { code: 'no_swiotlb'; size: number }
  | { code: 'invalid_size'; mappingSize: number; allocSize: number }
  | { code: 'mask_unreachable'; dmaAddr: number; size: number; dmaLimit: number }
  | { code: 'not_page_aligned'; addr: number }
  | { code: 'no_memory'; size: number; order: number }
  | { code: 'would_block'; size: number };

/** Every failure code. */
export type FailureCode = MappingFailure['code'];

/**
 * Describe a failure in one sentence for people.
 *
 * @param f - The failure.
 * @returns Text.
 * @remarks Context: any.
 */
export function describeFailure(f: MappingFailure): string {
  switch (f.code) {
    case 'too_large':
      return `mapping of ${f.size} bytes needs ${f.nslots} slots; no swiotlb mapping can exceed ${f.maxMappingSize} bytes`;
    case 'no_space':
      return `no room for ${f.nslots} slots (${f.size} bytes): ${f.usedSlots} of ${f.totalSlots} slots in use`;
    case 'fragmented':
      return `${f.freeSlots} slots free but no run of ${f.nslots} contiguous aligned slots (${f.size} bytes)`;
    case 'livelock':
      return `the 6.1 search would spin forever in area ${f.area} (index ${f.areaIndex}) looking for ${f.nslots} slots`;
    case 'no_swiotlb':
      return `no swiotlb pool exists to bounce ${f.size} bytes`;
    case 'invalid_size':
      return `mapping size ${f.mappingSize} exceeds allocation size ${f.allocSize}`;
    case 'mask_unreachable':
      return `DMA address 0x${f.dmaAddr.toString(16)}+${f.size} is beyond the device's reach 0x${f.dmaLimit.toString(16)}`;
    case 'not_page_aligned':
      return `swiotlb_alloc found a slot at 0x${f.addr.toString(16)} that is not page aligned`;
    case 'no_memory':
      return `the page allocator refused an order-${f.order} allocation for ${f.size} bytes`;
    case 'would_block':
      return `mapping of ${f.size} bytes would have to wait, and the caller cannot sleep`;
  }
}
