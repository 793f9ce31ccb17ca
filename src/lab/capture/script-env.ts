/**
 * The part of the capture script that finds tracefs, saves what it will
 * change and puts it back on every exit, and decides the mode from what the
 * running kernel offers. Nothing is changed before the EXIT trap is set.
 *
 * @module
 */
import { KPROBE_GROUP } from './kprobe-table.js';
import { sh } from './shell-quote.js';

/**
 * Helpers that write tracefs files, the saved state and the restore trap.
 *
 * @returns Shell text defining cap_wr, cap_append, cap_enable, cap_save,
 *   cap_restore and setting the traps.
 * @remarks Context: any; pure.
 */
export function scriptState(): string {
  return sh`CAP_SAVED=0; CAP_CLEANED=0; CAP_MOUNTED=0
CAP_ENABLED=; CAP_KPROBES=; CAP_ORIG_OPT=; CAP_ORIG_ON=; CAP_ORIG_BUF=; CAP_ORIG_PERCPU=; CAP_ORIG_CLOCK=
# Writes to tracefs files; failures are reported by the caller, not by the shell.
cap_wr() { { printf '%s\n' "$2" > "$1"; } 2>/dev/null; }
cap_append() { { printf '%s\n' "$2" >> "$1"; } 2>/dev/null; }
# buffer_size_kb text -> KiB to restore ("7 (expanded: 1408)" before first use -> 1408; "X" -> empty)
cap_kb() { case $1 in *expanded:*) v=\${1##*expanded: }; printf '%s\n' "\${v%%[!0-9]*}" ;; *) printf '%s\n' "\${1%%[!0-9]*}" ;; esac; }
cap_save() {
  CAP_ORIG_ON=$(cat "$T/tracing_on" 2>/dev/null)
  CAP_ORIG_CLOCK=$(sed -n 's/.*\[\([^]]*\)\].*/\1/p' "$T/trace_clock" 2>/dev/null)
  CAP_ORIG_BUF=$(cap_kb "$(cat "$T/buffer_size_kb" 2>/dev/null)")
  if [ -z "$CAP_ORIG_BUF" ]; then
    for c in "$T"/per_cpu/cpu*; do
      [ -r "$c/buffer_size_kb" ] && CAP_ORIG_PERCPU="$CAP_ORIG_PERCPU \${c##*/}:$(cap_kb "$(cat "$c/buffer_size_kb")")"
    done
  fi
  CAP_SAVED=1
}
# cap_enable GROUP/EVENT: switch an event on; remember it unless it was already on (then it is not ours)
cap_enable() {
  f=$T/events/$1/enable
  [ -e "$f" ] || return 1
  [ "$(cat "$f" 2>/dev/null)" = 1 ] && return 0
  cap_wr "$f" 1 || return 1
  CAP_ENABLED="$CAP_ENABLED $1"
}
# cap_drop_kprobes: disable and remove every kprobe this script added
cap_drop_kprobes() {
  keep=
  for e in $CAP_ENABLED; do
    case $e in ${KPROBE_GROUP}*/*) cap_wr "$T/events/$e/enable" 0 || warn "could not disable $e" ;; *) keep="$keep $e" ;; esac
  done
  CAP_ENABLED=$keep
  for k in $CAP_KPROBES; do cap_append "$T/kprobe_events" "-:$k" || warn "could not remove kprobe $k"; done
  CAP_KPROBES=
}
cap_restore() {
  [ "$CAP_CLEANED" = 1 ] && return 0
  CAP_CLEANED=1
  if [ "$CAP_SAVED" = 1 ]; then
    cap_wr "$T/tracing_on" 0
    cap_drop_kprobes
    for e in $CAP_ENABLED; do cap_wr "$T/events/$e/enable" 0 || warn "could not disable event $e"; done
    CAP_ENABLED=
    [ -z "$CAP_ORIG_CLOCK" ] || cap_wr "$T/trace_clock" "$CAP_ORIG_CLOCK" || warn "could not restore trace_clock $CAP_ORIG_CLOCK"
    if [ -n "$CAP_ORIG_BUF" ]; then
      cap_wr "$T/buffer_size_kb" "$CAP_ORIG_BUF" || warn "could not restore buffer_size_kb $CAP_ORIG_BUF"
    else
      for p in $CAP_ORIG_PERCPU; do cap_wr "$T/per_cpu/\${p%%:*}/buffer_size_kb" "\${p#*:}"; done
    fi
    [ -z "$CAP_ORIG_ON" ] || cap_wr "$T/tracing_on" "$CAP_ORIG_ON" || warn "could not restore tracing_on $CAP_ORIG_ON"
    [ -z "$CAP_ORIG_OPT" ] || cap_wr "\${CAP_OPTPROBES:-}" "$CAP_ORIG_OPT" || warn "could not put kprobe optimisation back to $CAP_ORIG_OPT"
  fi
  if [ "$CAP_MOUNTED" = 1 ]; then umount "$T" 2>/dev/null || warn "could not unmount $T"; fi
  # The call-site list (script-sites.ts) is a scratch file: gone even when stopped half-way.
  [ -z "\${CAP_RAW:-}" ] || rm -f "$CAP_RAW.sites"
  return 0
}
trap cap_restore EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
`;
}

/**
 * Finding tracefs (or the test root), the kernel version and the machine.
 *
 * @returns Shell text setting T (tracefs), D (debugfs swiotlb dir), CAP_KVER,
 *   CAP_KNUM (major * 1000 + minor), CAP_ARCH and CAP_NCPU.
 * @remarks Context: any; pure.
 */
export function scriptLocate(): string {
  return sh`T=\${SWIOTLB_LAB_TRACEFS:-}
if [ -n "$T" ]; then
  [ -d "$T" ] || die "SWIOTLB_LAB_TRACEFS='$T' is not a directory"
else
  [ "$(id -u)" = 0 ] || die "run as root: tracefs needs it (sudo sh $0 ...)"
  if [ -e /sys/kernel/tracing/trace ]; then T=/sys/kernel/tracing
  elif [ -e /sys/kernel/debug/tracing/trace ]; then T=/sys/kernel/debug/tracing
  else
    T=/sys/kernel/tracing
    mount -t tracefs nodev "$T" 2>/dev/null || die "tracefs is not mounted and cannot be mounted on $T"
    CAP_MOUNTED=1
    say "mounted tracefs on $T (unmounted on exit)"
  fi
fi
[ -e "$T/trace" ] && [ -e "$T/tracing_on" ] || die "$T does not look like tracefs (no trace, tracing_on)"
D=\${SWIOTLB_LAB_DEBUGFS:-/sys/kernel/debug}/swiotlb
CAP_KVER=\${SWIOTLB_LAB_KERNEL:-$(uname -r)}
CAP_ARCH=$(uname -m)
cap_major=\${CAP_KVER%%.*}; cap_rest=\${CAP_KVER#*.}; cap_minor=\${cap_rest%%[!0-9]*}
case $cap_major in ''|*[!0-9]*) cap_major=0 ;; esac
case $cap_minor in ''|*[!0-9]*) cap_minor=0 ;; esac
CAP_KNUM=$((cap_major * 1000 + cap_minor))
CAP_KPATCH=\${CAP_KVER#*.*.}
if [ "$CAP_KPATCH" = "$CAP_KVER" ]; then CAP_KPATCH=0; else CAP_KPATCH=\${CAP_KPATCH%%[!0-9]*}; fi
case $CAP_KPATCH in ''|*[!0-9]*) CAP_KPATCH=0 ;; esac
# Distribution kernels put an ABI number in uname -r (Debian's 6.1.0-56-amd64 is 6.1.192): the upstream
# patch level is in uname -v (Debian) or /proc/version_signature (Ubuntu); it picks the replay's profile.
CAP_KUP=
if [ -z "\${SWIOTLB_LAB_KERNEL:-}" ] || [ -n "\${SWIOTLB_LAB_UNAME_V:-}" ]; then
  CAP_KUP=$(printf '%s\n' "\${SWIOTLB_LAB_UNAME_V:-$(uname -v 2>/dev/null)}" | sed -n 's/.*Debian \([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')
  [ -n "$CAP_KUP" ] || CAP_KUP=$(awk '{ print $NF }' "\${SWIOTLB_LAB_VERSION_SIGNATURE:-/proc/version_signature}" 2>/dev/null)
  case $CAP_KUP in "$cap_major.$cap_minor."[0-9]*) cap_p=\${CAP_KUP##*.}; CAP_KPATCH=\${cap_p%%[!0-9]*} ;; *) CAP_KUP= ;; esac
fi
CAP_NCPU=0
for c in "$T"/per_cpu/cpu*; do [ -d "$c" ] && CAP_NCPU=$((CAP_NCPU + 1)); done
[ "$CAP_NCPU" -gt 0 ] || CAP_NCPU=1
cap_avail=$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo 2>/dev/null)
if [ -n "$cap_avail" ] && [ $((CAP_BUFFER_KB * CAP_NCPU)) -gt $((cap_avail / 2)) ]; then
  die "the ring buffer would take $((CAP_BUFFER_KB * CAP_NCPU)) KiB ($CAP_BUFFER_KB KiB x $CAP_NCPU CPUs), more than half of the $cap_avail KiB available: lower --buffer-kb"
fi
`;
}

/**
 * The mode decision, made before anything is changed.
 *
 * @returns Shell text leaving the effective mode in CAP_MODE (the requested
 *   one in CAP_REQUESTED) and the bounced event path in CAP_BOUNCED_EV.
 * @remarks Context: any; pure.
 */
export function scriptMode(): string {
  return sh`# Prints why the kprobes mode cannot be used here; nothing when it can.
cap_kprobes_why() {
  if [ ! -e "$T/kprobe_events" ]; then echo "this kernel has no kprobe events (CONFIG_KPROBE_EVENTS)"
  elif [ "$CAP_ARCH" != x86_64 ]; then echo "the probes read x86_64 registers and this machine is $CAP_ARCH"
  elif [ "$CAP_KNUM" -lt 6001 ]; then echo "kernel $CAP_KVER is older than 6.1, the oldest the model knows"
  fi
}
CAP_REQUESTED=$CAP_MODE
case $CAP_MODE in
  auto)
    if [ -d "$T/events/dma" ]; then CAP_MODE=dma-events
    else
      cap_why=$(cap_kprobes_why)
      if [ -z "$cap_why" ]; then CAP_MODE=kprobes
      else warn "no dma:* events (kernel before 6.12) and no kprobes: $cap_why; recording swiotlb:swiotlb_bounced only"; CAP_MODE=bounced
      fi
    fi ;;
  dma-events) [ -d "$T/events/dma" ] || die "kernel $CAP_KVER has no dma:* events (they exist from 6.12 on): use --mode auto" ;;
  kprobes)
    cap_why=$(cap_kprobes_why)
    if [ -n "$cap_why" ]; then warn "refusing kprobes: $cap_why; recording swiotlb:swiotlb_bounced only"; CAP_MODE=bounced; fi ;;
esac
CAP_BOUNCED_EV=swiotlb/swiotlb_bounced
if [ ! -e "$T/events/$CAP_BOUNCED_EV/enable" ]; then
  [ "$CAP_MODE" != bounced ] || die "kernel $CAP_KVER has no swiotlb:swiotlb_bounced event (no CONFIG_SWIOTLB?): nothing to record"
  warn "kernel $CAP_KVER has no swiotlb:swiotlb_bounced event; recording without it"
  CAP_BOUNCED_EV=
fi
if [ "$CAP_MODE" != bounced ] && grep -q ":${KPROBE_GROUP}" "$T/kprobe_events" 2>/dev/null; then
  die "kprobes of group ${KPROBE_GROUP} already exist (left by a killed run?): see $T/kprobe_events; disable each and remove it with echo '-:${KPROBE_GROUP}/NAME' >> $T/kprobe_events, then run again"
fi
`;
}
