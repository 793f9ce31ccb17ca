/**
 * The part of the capture script that switches events on: the dma:* events
 * (6.12+), the oracle's generic kprobes with the struct offsets they need,
 * and the `pool` probe fired by reading debugfs `io_tlb_used`.
 *
 * Offsets come from the running kernel's BTF when pahole is installed;
 * otherwise the device offsets are capture.sh's fallback values (Debian
 * 6.1 amd64) and the pool offsets follow the struct layout of the version
 * (6.1 - 6.4, 6.5, 6.6+).
 *
 * @module
 */
import { KPROBE_GROUP, KPROBES, kprobeDefinition, poolProbeBaseArgs, type SwiotlbApi } from './kprobe-table.js';
import { sh } from './shell-quote.js';

/** The dma:* events enabled in dma-events mode: streaming map, unmap and sync (6.12 and 6.19+ names). */
export const DMA_EVENTS: readonly string[] = [
  'dma_map_page', 'dma_unmap_page', 'dma_map_resource', 'dma_unmap_resource', 'dma_map_phys', 'dma_unmap_phys',
  'dma_map_sg', 'dma_map_sg_err', 'dma_unmap_sg',
  'dma_sync_single_for_cpu', 'dma_sync_single_for_device', 'dma_sync_sg_for_cpu', 'dma_sync_sg_for_device',
];

/** Most areas whose used/index the pool probe reads (kprobe events take at most 128 fields). */
export const POOL_MAX_AREAS = 32;

/** Double-quote a probe definition for the shell, keeping `$O_*`/`$P_*` offsets as variables. */
function quoteDefinition(def: string): string {
  return `"${def.replace(/\$(?![OP]_)/g, '\\$')}"`;
}

function addFunction(api: SwiotlbApi): string {
  const lines = KPROBES.map((k) => {
    // Entry probes go after the ftrace call; the kretprobe is the fallback of the return-site probes (script-sites.ts).
    const add = k.kind === 'p' ? `  cap_add_entry_probe ${k.name} ${k.symbol[api]} ${quoteDefinition(k.args[api].join(' '))}` : `  cap_add_map_ret ${quoteDefinition(kprobeDefinition(k, api))}`;
    return k.mandatory ? `${add} || return 1` : `${add} || warn "optional probe ${k.name} not added"`;
  });
  return [`cap_add_kprobes_${api}() {`, ...lines, '}'].join('\n');
}

/**
 * Offset lookup from BTF (pahole) with per-version fallbacks.
 *
 * @returns Shell text defining cap_off, cap_kconfig, cap_offsets_dev and cap_offsets_pool.
 * @remarks Context: any; pure.
 */
export function scriptOffsets(): string {
  return sh`CAP_PAHOLE=; CAP_OFF_DEFAULTS=
if command -v pahole >/dev/null 2>&1 && [ -r /sys/kernel/btf/vmlinux ]; then CAP_PAHOLE=1; fi
cap_to() { if command -v timeout >/dev/null 2>&1; then timeout 60 "$@"; else "$@"; fi; }
# cap_off VAR STRUCT MEMBER DEFAULT: the member's byte offset from BTF, else DEFAULT (noted in the meta file)
cap_off() {
  v=
  if [ -n "$CAP_PAHOLE" ]; then
    v=$(cap_to pahole -F btf -C "$2" /sys/kernel/btf/vmlinux 2>/dev/null |
      awk -v m="$3" '{ for (i = 1; i <= NF; i++) if ($i == m ";") { s = $(i + 2); gsub(/[^0-9]/, "", s); print s; exit } }')
  fi
  if [ -z "$v" ]; then v=$4; CAP_OFF_DEFAULTS="$CAP_OFF_DEFAULTS $2.$3"; fi
  eval "$1=\$v"
}
cap_kconfig() { # CONFIG_X -> its value in this kernel's config, if the config can be read
  if [ -r "/boot/config-$(uname -r)" ]; then sed -n "s/^$1=//p" "/boot/config-$(uname -r)"
  elif [ -r /proc/config.gz ] && command -v gzip >/dev/null 2>&1; then gzip -dc /proc/config.gz | sed -n "s/^$1=//p"
  fi
}
cap_offsets_dev() {
  cap_off O_PARMS device dma_parms 608
  cap_off O_IOTLBMEM device dma_io_tlb_mem 632
  cap_off O_MINALIGN device_dma_parameters min_align_mask 4
  cap_off O_SEGBND device_dma_parameters segment_boundary_mask 8
}
cap_offsets_pool() {
  if [ "$CAP_KNUM" -ge 6006 ]; then   # struct io_tlb_pool defpool first in io_tlb_mem
    cap_f=80; [ "$(cap_kconfig CONFIG_SWIOTLB_DYNAMIC)" != y ] || cap_f=120
    cap_off P_NAREAS io_tlb_pool nareas 36; cap_off P_AREA_NSLABS io_tlb_pool area_nslabs 40
    cap_off P_AREAS io_tlb_pool areas 48; cap_off P_FORCE io_tlb_mem force_bounce $cap_f
  elif [ "$CAP_KNUM" -ge 6005 ]; then   # io_tlb_mem without "used"
    cap_off P_NAREAS io_tlb_mem nareas 44; cap_off P_AREA_NSLABS io_tlb_mem area_nslabs 48
    cap_off P_AREAS io_tlb_mem areas 56; cap_off P_FORCE io_tlb_mem force_bounce 41
  else
    cap_off P_NAREAS io_tlb_mem nareas 52; cap_off P_AREA_NSLABS io_tlb_mem area_nslabs 56
    cap_off P_AREAS io_tlb_mem areas 64; cap_off P_FORCE io_tlb_mem force_bounce 49
  fi
  cap_off A_USED io_tlb_area used 0; cap_off A_INDEX io_tlb_area index 8
  A_SIZE=
  [ -z "$CAP_PAHOLE" ] || A_SIZE=$(cap_to pahole -F btf -C io_tlb_area /sys/kernel/btf/vmlinux 2>/dev/null | sed -n 's/.*size: \([0-9]*\),.*/\1/p' | head -n 1)
  if [ -z "$A_SIZE" ]; then
    A_SIZE=16
    for cap_c in CONFIG_DEBUG_SPINLOCK CONFIG_DEBUG_LOCK_ALLOC CONFIG_PREEMPT_RT; do
      [ "$(cap_kconfig $cap_c)" != y ] || A_SIZE=
    done
  fi
}
`;
}

/**
 * Registration of the kprobes, the pool probe and the dma:* events.
 *
 * @returns Shell text defining cap_add_probe, cap_add_kprobes, cap_add_pool_probe and cap_enable_dma.
 * @remarks Context: any; pure.
 */
export function scriptProbes(): string {
  const dmaList = DMA_EVENTS.join(' ');
  const poolBase = poolProbeBaseArgs().join(' ');
  return sh`# cap_add_probe_in GROUP NAME DEFINITION: add a kprobe event and enable it
cap_add_probe_in() {
  cap_append "$T/kprobe_events" "$3" || return 1
  CAP_KPROBES="$CAP_KPROBES $1/$2"
  cap_enable "$1/$2"
}
cap_add_probe() { cap_add_probe_in ${KPROBE_GROUP} "$1" "$2"; }
${addFunction('v61')}
${addFunction('v611')}
cap_ksym() { [ -r /proc/kallsyms ] && awk -v s="$1" '$3 == s { f = 1; exit } END { exit !f }' /proc/kallsyms; }
cap_add_kprobes() {
  if [ -n "\${SWIOTLB_LAB_KERNEL:-}" ]; then CAP_API=v61; [ "$CAP_KNUM" -lt 6011 ] || CAP_API=v611
  elif cap_ksym __swiotlb_tbl_unmap_single; then CAP_API=v611
  elif cap_ksym swiotlb_tbl_unmap_single; then CAP_API=v61
  else CAP_API=v61; [ "$CAP_KNUM" -lt 6011 ] || CAP_API=v611
  fi
  cap_offsets_dev
  [ -z "$CAP_OFF_DEFAULTS" ] || warn "no pahole or no BTF: device offsets are Debian 6.1 amd64's, so minalign/segbnd/mem may be wrong on this kernel (install pahole)"
  if [ "$CAP_API" = v611 ]; then cap_add_kprobes_v611; else cap_add_kprobes_v61; fi
}
cap_nareas() { # areas of the default pool: dmesg, else possible CPUs rounded up to a power of two
  n=$(dmesg 2>/dev/null | sed -n 's/.*software IO TLB: area num \([0-9]*\).*/\1/p' | tail -n 1)
  if [ -z "$n" ]; then
    p=$(cat /sys/devices/system/cpu/possible 2>/dev/null); p=\${p##*[-,]}
    case $p in ''|*[!0-9]*) p=0 ;; esac
    n=1; while [ "$n" -le "$p" ]; do n=$((n * 2)); done
  fi
  [ "$n" -le ${POOL_MAX_AREAS} ] || n=${POOL_MAX_AREAS}
  printf '%s\n' "$n"
}
CAP_POOL=0; CAP_POOL_AREAS=0
cap_add_pool_probe() {
  [ -e "$T/kprobe_events" ] || return 0
  if [ ! -r "$D/io_tlb_used" ]; then
    warn "no $D/io_tlb_used (debugfs not mounted?): no pool line, give the replay --pool-start/--nslabs/--nareas"
    return 0
  fi
  cap_offsets_pool
  CAP_POOL_AREAS=0; [ -z "$A_SIZE" ] || CAP_POOL_AREAS=$(cap_nareas)
  [ -n "$A_SIZE" ] || warn "lock debugging changes struct io_tlb_area and pahole is missing: the pool line has no per-area state"
  args="${poolBase}"
  i=0
  while [ "$i" -lt "$CAP_POOL_AREAS" ]; do
    args="$args a\${i}_used=+$((i * A_SIZE + A_USED))(@io_tlb_default_mem+$P_AREAS):u64 a\${i}_index=+$((i * A_SIZE + A_INDEX))(@io_tlb_default_mem+$P_AREAS):u32"
    i=$((i + 1))
  done
  if cap_add_entry_probe pool fops_io_tlb_used_open "$args"; then CAP_POOL=1; else warn "could not add the pool probe (it needs io_tlb_default_mem in /proc/kallsyms, CONFIG_KALLSYMS_ALL): no pool line"; fi
}
cap_enable_dma() {
  n=0
  for e in ${dmaList}; do cap_enable "dma/$e" && n=$((n + 1)); done
  [ "$n" -gt 0 ] || die "no dma:* map, unmap or sync event could be enabled"
  say "enabled $n dma:* map/unmap/sync events"
}
`;
}
