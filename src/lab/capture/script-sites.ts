/**
 * Where the capture script puts its kprobes so that none misses a hit.
 *
 * A kprobe at a function's first byte sits on the ftrace call and is handled
 * through ftrace with interrupts on; a kretprobe's handlers run so too. A
 * completion interrupt that arrives meanwhile and hits another probe finds a
 * probe already running, and that hit is missed: on a real 6.1 kernel under
 * NVMe load about 7 % of the unmaps were. So the script:
 * - puts each entry probe on the instruction after the ftrace call (+5, or
 *   +9 behind an IBT endbr64), where it is an int3 probe whose handler runs
 *   with interrupts off;
 * - turns kprobe optimisation off while it records (an optimised probe is a
 *   jump whose handler runs with interrupts on), and puts the setting back;
 * - reads the return value of swiotlb_tbl_map_single() not with a kretprobe
 *   but with an int3 probe on the instruction after each call to it, found
 *   by reading the callers' code through a kprobe (`@caller+offset` fetches)
 *   fired by opening debugfs `io_tlb_used`, and scanning it for a 5-byte
 *   `call rel32` whose target is the function. Without debugfs, or when no
 *   call is found, it falls back to the kretprobe and says what that costs.
 *
 * @module
 */
import { KPROBE_GROUP } from './kprobe-table.js';
import { sh } from './shell-quote.js';

/** Callers of swiotlb_tbl_map_single() whose return sites are probed (dma-direct, dma-iommu, Xen). */
export const MAP_SINGLE_CALLERS: readonly string[] = ['swiotlb_map', 'iommu_dma_map_page', 'xen_swiotlb_map_page'];

/** Most code bytes read from one caller (its size from kallsyms, else this; xen_swiotlb_map_page is 1,312 bytes on 6.1). */
export const CODE_BYTES = 4096;

/** Code words fetched by one probe event (its definition stays well under tracefs's 4 KiB line limit). */
const WORDS_PER_PROBE = 64;

/**
 * The awk program that finds `call rel32` instructions to a target in code
 * words printed as `wN=0x...` (little-endian x64 values; word N holds bytes
 * 8N to 8N+7, whatever order the lines come in).
 *
 * Variable `d` is the target's address minus the code's start, `max` the
 * caller's size (a call found past it is another function's); the program
 * prints, one per line, the offset of the instruction after each such call.
 *
 * @returns The awk program text (no single quotes, so it can sit in '...').
 * @remarks Context: any; pure.
 */
export function callScanAwk(): string {
  return [
    'BEGIN { for (i = 0; i < 256; i++) hexv[sprintf("%02x", i)] = i; n = 0 }',
    // Each word goes where its index says: probes on one function fire in no fixed order (newest first on 6.1).
    '{ for (f = 1; f <= NF; f++) { if ($f !~ /^w[0-9]+=0x/) continue',
    '    w = substr($f, 2, index($f, "=") - 2) + 0',
    '    h = tolower(substr($f, index($f, "=0x") + 3)); while (length(h) < 16) h = "0" h',
    '    for (k = 7; k >= 0; k--) b[8 * w + 7 - k] = hexv[substr(h, 2 * k + 1, 2)]',
    '    if (8 * w + 8 > n) n = 8 * w + 8 } }',
    'END { for (i = 0; i + 5 <= n; i++) if (b[i] == 232) {',
    '    rel = b[i + 1] + b[i + 2] * 256 + b[i + 3] * 65536 + b[i + 4] * 16777216',
    '    if (rel >= 2147483648) rel -= 4294967296',
    '    if (i + 5 + rel == d && i + 5 < max) print i + 5 } }',
  ].join('\n');
}

/**
 * Shell functions: kprobe optimisation off and back, entry probes after the
 * ftrace call, and the return sites of swiotlb_tbl_map_single().
 *
 * @returns Shell text defining cap_no_optprobes, cap_add_entry_probe,
 *   cap_ksym_addr, cap_scan_calls, cap_ret_sites and cap_add_map_ret.
 * @remarks Context: any; pure.
 */
export function scriptSites(): string {
  const callers = MAP_SINGLE_CALLERS.join(' ');
  return sh`CAP_KALLSYMS=\${SWIOTLB_LAB_KALLSYMS:-/proc/kallsyms}
CAP_OPTPROBES=\${SWIOTLB_LAB_OPTPROBES:-/proc/sys/debug/kprobes-optimization}
# kprobe optimisation off while recording (an optimised probe's handler runs with interrupts on); put back by cap_restore
cap_no_optprobes() {
  [ -w "$CAP_OPTPROBES" ] || return 0
  v=$(cat "$CAP_OPTPROBES" 2>/dev/null)
  [ "$v" != 0 ] || return 0
  if cap_wr "$CAP_OPTPROBES" 0; then CAP_ORIG_OPT=$v; else warn "could not turn kprobe optimisation off ($CAP_OPTPROBES): probes may miss hits nested in others"; fi
}
# cap_is_ftraced SYM: whether SYM begins with an ftrace call (then a probe at +0 goes through ftrace)
cap_is_ftraced() { awk -v s="$1" '$1 == s { f = 1; exit } END { exit !f }' "$T/available_filter_functions" 2>/dev/null; }
# cap_add_entry_probe NAME SYM ARGS: an int3 probe on SYM's first instruction after the ftrace call (+5, or +9 after endbr64)
cap_add_entry_probe() {
  if cap_is_ftraced "$2"; then
    for o in 5 9; do cap_add_probe "$1" "p:${KPROBE_GROUP}/$1 $2+$o $3" && return 0; done
    warn "no probe place after the ftrace call of $2 was accepted: probing its first byte, where hits nested in it can be missed"
  fi
  cap_add_probe "$1" "p:${KPROBE_GROUP}/$1 $2 $3"
}
# cap_ksym_addr SYM: its address, or nothing (also when kptr_restrict hides addresses as zeros)
cap_ksym_addr() { awk -v s="$1" '$3 == s { if ($1 !~ /^0+$/) print $1; exit }' "$CAP_KALLSYMS" 2>/dev/null; }
# cap_ksym_size SYM: bytes from SYM to the next symbol (kallsyms lists kernel text in address order)
cap_ksym_size() {
  cap_z=$(awk -v s="$1" 'f { print $1; exit } $3 == s { a = $1; f = 1 }' "$CAP_KALLSYMS" 2>/dev/null)
  [ -n "$cap_z" ] || { echo 0; return 0; }
  echo $((0x\${cap_z#????????} - 0x$(cap_ksym_addr "$1" | cut -c9-)))
}
# cap_scan_calls D MAX: offsets below MAX after each call rel32 to (code start + D) in the wN=0x... words on stdin
cap_scan_calls() {
  awk -v d="$1" -v max="$2" '
${callScanAwk()}'
}
# cap_ret_sites: CALLER+OFFSET of the instruction after each call to swiotlb_tbl_map_single, one per line
cap_ret_sites() {
  CAP_SITES_WHY="no debugfs $D/io_tlb_used to fire the code-reading probe"
  [ -r "$D/io_tlb_used" ] || return 0
  CAP_SITES_WHY="swiotlb_tbl_map_single has no address in $CAP_KALLSYMS (kptr_restrict hides them?)"
  cap_t=$(cap_ksym_addr swiotlb_tbl_map_single)
  [ -n "$cap_t" ] || return 0
  cap_code=
  for cap_c in ${callers}; do
    cap_a=$(cap_ksym_addr "$cap_c")
    [ -n "$cap_a" ] || continue
    cap_z=$(cap_ksym_size "$cap_c")
    [ "$cap_z" -gt 0 ] && [ "$cap_z" -le ${CODE_BYTES} ] || cap_z=${CODE_BYTES}
    cap_w=0
    while [ "$cap_w" -lt $(((cap_z + 7) / 8)) ]; do
      cap_def="p:${KPROBE_GROUP}/code_$cap_c$cap_w fops_io_tlb_used_open"
      cap_i=$cap_w
      while [ "$cap_i" -lt $((cap_w + ${WORDS_PER_PROBE})) ]; do cap_def="$cap_def w$cap_i=@$cap_c+$((cap_i * 8)):x64"; cap_i=$((cap_i + 1)); done
      cap_add_probe "code_$cap_c$cap_w" "$cap_def" || break
      cap_code="$cap_code code_$cap_c$cap_w"
      cap_w=$cap_i
    done
  done
  [ -n "$cap_code" ] || { CAP_SITES_WHY="the code-reading probes were refused"; return 0; }
  cap_wr "$T/tracing_on" 1
  cat "$D/io_tlb_used" > /dev/null 2>&1
  cap_wr "$T/tracing_on" 0
  for cap_c in ${callers}; do
    cap_a=$(cap_ksym_addr "$cap_c")
    [ -n "$cap_a" ] || continue
    # The target relative to the caller, from the low 32 bits (kernel text shares the high ones; a shell's
    # arithmetic may clamp a full 64-bit address).
    cap_z=$(cap_ksym_size "$cap_c")
    [ "$cap_z" -gt 0 ] && [ "$cap_z" -le ${CODE_BYTES} ] || cap_z=${CODE_BYTES}
    grep " code_\${cap_c}[0-9]*: " "$T/trace" 2>/dev/null |
      cap_scan_calls "$((0x\${cap_t#????????} - 0x\${cap_a#????????}))" "$cap_z" | sed "s/^/$cap_c+/"
  done
  CAP_SITES_WHY="read $(grep -c " code_" "$T/trace" 2>/dev/null) code lines of its callers and found no call to it"
  for cap_p in $cap_code; do
    cap_wr "$T/events/${KPROBE_GROUP}/$cap_p/enable" 0
    cap_append "$T/kprobe_events" "-:${KPROBE_GROUP}/$cap_p"
    CAP_ENABLED=$(printf '%s\n' $CAP_ENABLED | grep -vx "${KPROBE_GROUP}/$cap_p" | tr '\n' ' ')
    CAP_KPROBES=$(printf '%s\n' $CAP_KPROBES | grep -vx "${KPROBE_GROUP}/$cap_p" | tr '\n' ' ')
  done
  : > "$T/trace" 2>/dev/null
}
# cap_add_map_ret FALLBACK: map_single_ret probes on the return sites, or the FALLBACK kretprobe definition
cap_add_map_ret() {
  cap_n=0
  CAP_SITES_WHY=
  # Not in a subshell: cap_ret_sites adds and removes probes, and says why it found nothing.
  cap_ret_sites > "$CAP_RAW.sites" 2>/dev/null
  for cap_s in $(cat "$CAP_RAW.sites" 2>/dev/null); do
    cap_g=${KPROBE_GROUP}; [ "$cap_n" = 0 ] || cap_g=${KPROBE_GROUP}_r$cap_n
    cap_add_probe_in "$cap_g" map_single_ret "p:$cap_g/map_single_ret $cap_s ret=%ax:x64" && cap_n=$((cap_n + 1))
  done
  rm -f "$CAP_RAW.sites"
  if [ "$cap_n" -gt 0 ]; then say "reading swiotlb_tbl_map_single's result after its $cap_n call site(s)"; return 0; fi
  warn "could not find where swiotlb_tbl_map_single returns ($CAP_SITES_WHY): using a return probe, which can miss hits nested in it"
  cap_add_probe map_single_ret "$1"
}
`;
}
