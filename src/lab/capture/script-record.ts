/**
 * The recording part of the capture script: prepare the ring buffer and the
 * clock, switch the mode's events on, record for the time limit or the
 * command, then write the trace and its side files, put tracefs back and
 * report lost events.
 *
 * @module
 */
import { KPROBES } from './kprobe-table.js';
import { sh } from './shell-quote.js';

/**
 * Saving the state, then buffer, clock and events.
 *
 * @returns Shell text that leaves the clock in CAP_CLOCK and tracing off but armed.
 * @remarks Context: any; pure.
 */
export function scriptSetup(): string {
  return sh`cap_save
cap_wr "$T/tracing_on" 0 || die "cannot write $T/tracing_on (not root, or tracefs read-only?)"
{ : > "$T/trace"; } 2>/dev/null || die "cannot clear $T/trace"
cap_wr "$T/buffer_size_kb" "$CAP_BUFFER_KB" || die "cannot set buffer_size_kb to $CAP_BUFFER_KB KiB per CPU (not enough memory?)"
if grep -qw counter "$T/trace_clock" 2>/dev/null; then CAP_CLOCK=counter
elif grep -qw global "$T/trace_clock" 2>/dev/null; then
  CAP_CLOCK=global
  warn "trace_clock 'counter' is not available: using 'global'; events of two CPUs in the same clock tick may be out of order"
else
  CAP_CLOCK=$CAP_ORIG_CLOCK
  warn "neither 'counter' nor 'global' trace clock: keeping '$CAP_CLOCK'; events of different CPUs may be out of order"
fi
[ -z "$CAP_CLOCK" ] || cap_wr "$T/trace_clock" "$CAP_CLOCK" || die "cannot set trace_clock to $CAP_CLOCK"
CAP_API=-
[ "$CAP_MODE" != kprobes ] || cap_no_optprobes
if [ "$CAP_MODE" = kprobes ] && ! cap_add_kprobes; then
  warn "could not add the kprobes; the kernel said:"
  tail -n 5 "$T/error_log" >&2 2>/dev/null
  warn "recording swiotlb:swiotlb_bounced only"
  cap_drop_kprobes
  CAP_MODE=bounced
fi
[ "$CAP_MODE" != dma-events ] || cap_enable_dma
[ "$CAP_MODE" = bounced ] || cap_add_pool_probe
if [ -n "$CAP_BOUNCED_EV" ]; then cap_enable "$CAP_BOUNCED_EV" || die "cannot enable swiotlb:swiotlb_bounced"; fi
`;
}

/**
 * Recording: until the time limit, the command's end or Ctrl-C.
 *
 * @returns Shell text leaving the command's status (or `stopped`, `none`) in CAP_STATUS.
 * @remarks Context: any; pure.
 */
export function scriptRecord(): string {
  return sh`cap_mark() { cap_wr "$T/trace_marker" "swiotlb-lab: $*"; }
cap_pool_read() { [ "$CAP_POOL" != 1 ] || cat "$D/io_tlb_used" > /dev/null 2>&1; }
cap_debugfs() { for f in "$D"/*; do [ -f "$f" ] && printf '%s %s\n' "\${f##*/}" "$(cat "$f" 2>/dev/null)"; done; }
[ ! -d "$D" ] || cap_debugfs > "$CAP_STEM.debugfs-before.txt" 2>/dev/null
CAP_STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cap_wr "$T/tracing_on" 1 || die "cannot switch tracing on"
cap_mark "capture begin mode=$CAP_MODE clock=$CAP_CLOCK kernel=$CAP_KVER"
cap_pool_read
CAP_STOPPED=0; CAP_CHILD=; CAP_STATUS=none
# Ctrl-C, kill or hangup ends the recording, not the script: what was recorded is still written.
trap 'CAP_STOPPED=1; [ -z "$CAP_CHILD" ] || kill "$CAP_CHILD" 2>/dev/null' INT TERM HUP
if [ "$CAP_HAVE_COMMAND" = 1 ]; then
  say "recording ($CAP_MODE) while the command runs, at most $CAP_SECONDS s; Ctrl-C stops early"
  # timeout stops the command's whole process group at the limit, or when it is itself stopped.
  timeout "$CAP_SECONDS" sh -c "$CAP_COMMAND" &
  CAP_CHILD=$!
  CAP_STATUS=0
  [ "$CAP_STOPPED" = 1 ] || wait "$CAP_CHILD" || CAP_STATUS=$?
  if [ "$CAP_STOPPED" = 1 ]; then
    kill "$CAP_CHILD" 2>/dev/null
    # A signal that reaches the child before it is running timeout is lost: repeat it until the child is gone.
    # (only while that PID is still this shell's child: never signal a reused PID)
    ( while sleep 1; do
        [ "$(cut -d ' ' -f 4 "/proc/$CAP_CHILD/stat" 2>/dev/null)" = "$$" ] && kill "$CAP_CHILD" 2>/dev/null || exit 0
      done ) &
    cap_dog=$!
    wait "$CAP_CHILD" 2>/dev/null
    kill "$cap_dog" 2>/dev/null
  fi
else
  say "recording ($CAP_MODE) for $CAP_SECONDS s; Ctrl-C stops early"
  # Sleep in the foreground, a second at a time: a signal is acted on within a second, with no child to race.
  CAP_END=$(($(date +%s) + CAP_SECONDS))
  while [ "$CAP_STOPPED" = 0 ] && [ "$(date +%s)" -lt "$CAP_END" ]; do sleep 1; done
fi
if [ "$CAP_STOPPED" = 1 ]; then
  CAP_STATUS=stopped
  say "stopped early; writing what was recorded"
elif [ "$CAP_STATUS" = 124 ]; then warn "the command was still running after $CAP_SECONDS s and was stopped"
fi
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
cap_pool_read
cap_mark "capture end status=$CAP_STATUS"
cap_wr "$T/tracing_on" 0
CAP_ENDED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
`;
}

/**
 * Writing the trace and side files, restoring tracefs, compressing and reporting.
 *
 * @returns Shell text; prints the summary on stdout.
 * @remarks Context: any; pure.
 */
export function scriptFinish(): string {
  const names = KPROBES.map((k) => k.name).concat('pool').join('|');
  return sh`{ cat "$T/trace" > "$CAP_RAW"; } 2>/dev/null || die "cannot write the trace to $CAP_RAW"
CAP_EVENTS=$(grep -vc '^#' "$CAP_RAW")
CAP_LOST=0; CAP_LOST_CPUS=
for c in "$T"/per_cpu/cpu*; do
  [ -r "$c/stats" ] || continue
  printf '== %s\n' "\${c##*/}"; cat "$c/stats"
done > "$CAP_STEM.ringbuffer-stats.txt" 2>/dev/null
for c in "$T"/per_cpu/cpu*; do
  [ -r "$c/stats" ] || continue
  n=$(awk -F': *' '$1 == "overrun" || $1 == "commit overrun" || $1 == "dropped events" { s += $2 } END { print s + 0 }' "$c/stats")
  CAP_LOST=$((CAP_LOST + n))
  [ "$n" -eq 0 ] || CAP_LOST_CPUS="$CAP_LOST_CPUS \${c##*/}=$n"
done
CAP_MISSES=n/a; CAP_RET_SHORT=
if [ -n "$CAP_KPROBES" ] && [ -r "$T/kprobe_profile" ]; then
  cat "$T/kprobe_profile" > "$CAP_STEM.kprobe_profile.txt" 2>/dev/null
  CAP_MISSES=$(awk '$1 ~ /^([a-z_]+\/)?(${names})$/ { s += $3 } END { print s + 0 }' "$T/kprobe_profile")
  # Returns well short of entries (beyond the calls in flight at either end): results went unrecorded.
  CAP_RET_SHORT=$(awk '$1 ~ /^([a-z_]+\/)?map_single$/ { m += $2 } $1 ~ /^([a-z_]+\/)?map_single_ret$/ { r += $2 } END { if (m - r > 64 && r * 10 < m * 9) print r + 0, m + 0 }' "$T/kprobe_profile")
fi
[ ! -d "$D" ] || cap_debugfs > "$CAP_STEM.debugfs-after.txt" 2>/dev/null
dmesg 2>/dev/null | grep -iE 'software IO TLB|swiotlb|bounce buf|Command line' > "$CAP_STEM.dmesg.txt"
cap_restore
{
  printf '%s=%s\n' uname_r "$(uname -r)" kernel_as "$CAP_KVER" kernel_upstream "$CAP_KUP" arch "$CAP_ARCH" mode "$CAP_MODE" \
    requested_mode "$CAP_REQUESTED" probe_api "$CAP_API" trace_clock "$CAP_CLOCK" buffer_size_kb "$CAP_BUFFER_KB" \
    cpus "$CAP_NCPU" seconds "$CAP_SECONDS" command "$CAP_COMMAND" command_status "$CAP_STATUS" \
    started "$CAP_STARTED" ended "$CAP_ENDED" events "$CAP_EVENTS" lost_events "$CAP_LOST" \
    kprobe_misses "$CAP_MISSES" pool_probe "$CAP_POOL" pool_areas "$CAP_POOL_AREAS" \
    offsets_from "\${CAP_PAHOLE:+btf}\${CAP_PAHOLE:-defaults}" offsets_defaulted "$CAP_OFF_DEFAULTS" \
    device_offsets "dma_parms=\${O_PARMS:--} dma_io_tlb_mem=\${O_IOTLBMEM:--} min_align_mask=\${O_MINALIGN:--} segment_boundary_mask=\${O_SEGBND:--}" \
    pool_offsets "nareas=\${P_NAREAS:--} area_nslabs=\${P_AREA_NSLABS:--} areas=\${P_AREAS:--} force_bounce=\${P_FORCE:--} area_size=\${A_SIZE:--}" \
    kernel_cmdline "$(cat /proc/cmdline 2>/dev/null)"
} > "$CAP_STEM.meta.txt"
CAP_FINAL=$CAP_RAW
if command -v gzip >/dev/null 2>&1; then
  gzip -f "$CAP_RAW" && CAP_FINAL=$CAP_RAW.gz
else warn "no gzip: the trace stays uncompressed"
fi
cap_prof='<profile>'   # README "Kernel profiles"
case $CAP_KNUM in
  6001) cap_prof=6.1; [ "$CAP_KPATCH" -ge 40 ] || cap_prof=6.1.0 ;;
  6006) cap_prof=6.9; [ "$CAP_KPATCH" -ge 35 ] || cap_prof=6.6.24; [ "$CAP_KPATCH" -ge 24 ] || cap_prof=6.6.0 ;;
  6007|6008) cap_prof=6.6.0 ;;
  6009|6010) cap_prof=6.9 ;;
  *) [ "$CAP_KNUM" -lt 6011 ] || cap_prof=6.12 ;;
esac
printf 'swiotlb-lab capture: done\n'
printf '  kernel   %s (%s), mode %s, clock %s\n' "$CAP_KVER" "$CAP_ARCH" "$CAP_MODE" "$CAP_CLOCK"
printf '  trace    %s (%s events)\n' "$CAP_FINAL" "$CAP_EVENTS"
printf '  also     %s.meta.txt, %s.dmesg.txt, %s.ringbuffer-stats.txt\n' "$CAP_STEM" "$CAP_STEM" "$CAP_STEM"
printf '  lost     %s events (ring buffer%s), kprobe misses %s\n' "$CAP_LOST" "$CAP_LOST_CPUS" "$CAP_MISSES"
printf '  replay   npx swiotlb-lab replay %s --kernel %s\n' "$CAP_FINAL" "$cap_prof"
if [ "$CAP_LOST" -gt 0 ]; then
  warn "$CAP_LOST events were lost (\${CAP_LOST_CPUS# }): the trace is incomplete and its replay will not match; run again with a larger --buffer-kb or a shorter --seconds"
fi
case $CAP_MISSES in ''|n/a|0) ;; *) warn "$CAP_MISSES kprobe hits were missed (nested probes): the trace is incomplete" ;; esac
if [ -n "$CAP_RET_SHORT" ]; then
  warn "map_single_ret fired \${CAP_RET_SHORT% *} times for \${CAP_RET_SHORT#* } map_single hits: most maps have no recorded result, so the replay cannot check them (a return probe that did not fire; under QEMU, multi-threaded TCG has done this, use -accel tcg,thread=single)"
fi
exit 0
`;
}
