/**
 * The kprobe events of the capture script: the oracle's generic fallback
 * probes (capture.sh without the pinned in-lock offsets) with the same event
 * names and fields, so the trace reader parses them as `map_single`,
 * `map_single_ret`, `unmap_single`, `sync_for_cpu`, `sync_for_device`, and
 * the `pool` probe that snapshots io_tlb_default_mem when debugfs
 * `io_tlb_used` is read.
 *
 * Fetch arguments use the x86_64 calling convention (di, si, dx, cx, r8, r9,
 * then the stack). Two API shapes exist: 6.1 - 6.10 (alloc_size argument,
 * public unmap/sync functions) and 6.11+ (no alloc_size; the work is done by
 * `__swiotlb_tbl_unmap_single` / `__swiotlb_sync_single_for_*`, which take
 * the pool as a last argument). Struct field offsets stay shell variables
 * (`$O_PARMS` ...) that the script fills in on the machine.
 *
 * @module
 */

/** Kernel API shape of the probed functions. */
export type SwiotlbApi = 'v61' | 'v611';

/** One kprobe or kretprobe event. */
export interface KprobeSpec {
  /** Event name, as the oracle names it and the reader expects. */
  readonly name: string;
  /** `p` (entry kprobe) or `r` (kretprobe). */
  readonly kind: 'p' | 'r';
  /** Whether the capture is useless without it (the script falls back to `bounced`). */
  readonly mandatory: boolean;
  /** Probed function per API shape. */
  readonly symbol: Readonly<Record<SwiotlbApi, string>>;
  /** Fetch arguments per API shape, `key=fetcharg:type`, in print order. */
  readonly args: Readonly<Record<SwiotlbApi, readonly string[]>>;
}

/** Kprobe group of every event the script adds (the reader ignores groups). */
export const KPROBE_GROUP = 'swiotlb_lab';

/** dev_name(dev): `dev->kobj.name`, the first member of the first member, so no offset. */
const NAME = 'name=+0(+0(%di)):string';
/** dev->dma_parms->min_align_mask (offsets filled in by the script). */
const MINALIGN = 'minalign=+$O_MINALIGN(+$O_PARMS(%di)):x32';
const SEGBND = 'segbnd=+$O_SEGBND(+$O_PARMS(%di)):x64';
const MEM = 'mem=+$O_IOTLBMEM(%di):x64';

const SYNC_ARGS = ['dev=%di:x64', 'tlb=%si:x64', 'size=%dx:u64', 'dir=%cx:s32', NAME];

/** The probes, in the order they are added. */
export const KPROBES: readonly KprobeSpec[] = [
  {
    name: 'map_single',
    kind: 'p',
    mandatory: true,
    symbol: { v61: 'swiotlb_tbl_map_single', v611: 'swiotlb_tbl_map_single' },
    args: {
      // (dev, orig_addr, mapping_size, alloc_size, alloc_align_mask, dir, attrs): attrs is the 7th, on the stack above the return address.
      // Read from the stack, not as $arg7: $argN is refused anywhere but a function's first byte (the probe sits after the ftrace call).
      v61: ['dev=%di:x64', 'orig=%si:x64', 'msz=%dx:u64', 'asz=%cx:u64', 'amask=%r8:x32', 'dir=%r9:s32', 'attrs=+8($stack):x64', NAME, MINALIGN, SEGBND, MEM],
      // (dev, orig_addr, mapping_size, alloc_align_mask, dir, attrs): no alloc_size, so asz repeats mapping_size.
      v611: ['dev=%di:x64', 'orig=%si:x64', 'msz=%dx:u64', 'asz=%dx:u64', 'amask=%cx:x32', 'dir=%r8:s32', 'attrs=%r9:x64', NAME, MINALIGN, SEGBND, MEM],
    },
  },
  {
    name: 'map_single_ret',
    kind: 'r',
    mandatory: true,
    symbol: { v61: 'swiotlb_tbl_map_single', v611: 'swiotlb_tbl_map_single' },
    args: { v61: ['ret=$retval:x64'], v611: ['ret=$retval:x64'] },
  },
  {
    name: 'unmap_single',
    kind: 'p',
    mandatory: true,
    symbol: { v61: 'swiotlb_tbl_unmap_single', v611: '__swiotlb_tbl_unmap_single' },
    args: {
      v61: ['dev=%di:x64', 'tlb=%si:x64', 'msz=%dx:u64', 'dir=%cx:s32', 'attrs=%r8:x64', NAME, MINALIGN],
      v611: ['dev=%di:x64', 'tlb=%si:x64', 'msz=%dx:u64', 'dir=%cx:s32', 'attrs=%r8:x64', NAME, MINALIGN],
    },
  },
  {
    name: 'sync_for_cpu',
    kind: 'p',
    mandatory: false,
    symbol: { v61: 'swiotlb_sync_single_for_cpu', v611: '__swiotlb_sync_single_for_cpu' },
    args: { v61: SYNC_ARGS, v611: SYNC_ARGS },
  },
  {
    name: 'sync_for_device',
    kind: 'p',
    mandatory: false,
    symbol: { v61: 'swiotlb_sync_single_for_device', v611: '__swiotlb_sync_single_for_device' },
    args: { v61: SYNC_ARGS, v611: SYNC_ARGS },
  },
];

/**
 * The `kprobe_events` line of one probe, with shell variables left for the script.
 *
 * @param spec - The probe.
 * @param api - Kernel API shape.
 * @returns E.g. `r:swiotlb_lab/map_single_ret swiotlb_tbl_map_single ret=$retval:x64`.
 * @remarks Context: any; pure.
 */
export function kprobeDefinition(spec: KprobeSpec, api: SwiotlbApi): string {
  return `${spec.kind}:${KPROBE_GROUP}/${spec.name} ${spec.symbol[api]} ${spec.args[api].join(' ')}`;
}

/**
 * The base fields of the `pool` probe (the per-area fields are appended by the script).
 *
 * @returns Fetch arguments reading io_tlb_default_mem at the offsets `$P_*`.
 * @remarks Context: any; pure.
 */
export function poolProbeBaseArgs(): string[] {
  const s = '@io_tlb_default_mem';
  return [
    `start=${s}+0:x64`,
    `end=${s}+8:x64`,
    `nslabs=${s}+24:u64`,
    `nareas=${s}+$P_NAREAS:u32`,
    `area_nslabs=${s}+$P_AREA_NSLABS:u32`,
    `force=${s}+$P_FORCE:u8`,
  ];
}
