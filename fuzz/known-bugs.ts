/**
 * Bugs in src/ the fuzzer found and that are not fixed yet, matched by crash
 * signature. The fuzz script still counts them as crashes (exit 1); the
 * short fuzz test skips them with the reason below until they are fixed.
 * When a fix lands, delete its entry: the test then fails if it comes back.
 *
 * @module
 */

/** One known bug. */
export interface KnownBug {
  readonly id: string;
  /** What goes wrong, for people. */
  readonly title: string;
  /** File and function in src/ where it happens. */
  readonly where: string;
  /** A minimal input that shows it. */
  readonly example: string;
  /** Signatures (crash codes, see outcome.ts) it produces. */
  readonly match: RegExp;
}

/** The known bugs. K1-K10, found by the first 1 M-input run, are fixed; a new one goes here with its signature. */
export const KNOWN_BUGS: readonly KnownBug[] = [
  {
    id: 'K11',
    title: 'a run on 1 GiB of RAM or less throws a RangeError: workloads put their buffers from 1 GiB up, whatever the RAM',
    where: 'src/lab/workloads/storage.ts (BUFFER_BASE = 0x4000_0000, used by every preset) -> src/machine/phys-memory.ts PhysMemory.checkSlow; effectiveConfig accepts machine.ramBytes from 64 MiB',
    example: 'config.toml: `durationMs = 1` and `[machine] ramBytes = 1073741824`; swiotlb-lab run --config config.toml -> internal error: Cannot copy from 262144 bytes at 0x40000000: ... is not RAM',
    match: /^RangeError@src\/machine\/phys-memory\.ts:PhysMemory\.checkSlow: Cannot (copy|fill|read|write)/,
  },
  {
    id: 'K12',
    title: 'a fractional seed is accepted by effectiveConfig, then the run throws a RangeError',
    where: 'src/lab/run-config.ts effectiveConfig (seed checked for range, not for being an integer) -> src/machine/prng.ts Prng',
    example: 'config.toml: `seed = 1.5`; swiotlb-lab run --config config.toml -> internal error: Cannot seed the PRNG with 1.5: expected an integer',
    match: /^RangeError@src\/machine\/prng\.ts:.*Cannot seed the PRNG/,
  },
  {
    id: 'K13',
    title: 'a huge swiotlb= slot count makes the run throw a RangeError instead of an error about the pool',
    where: 'src/lab/run.ts runConfig -> src/swiotlb/policies/fixed/policy.ts reserveBootPool -> src/machine/page-allocator.ts PageAllocator.reserveTopDown (size 2^53)',
    example: 'config.toml: `cmdline = "swiotlb=051557363112127"`; swiotlb-lab run --config config.toml -> internal error: Cannot reserve 9007199254740992 bytes: expected a positive integer',
    match: /^RangeError@src\/machine\/page-allocator\.ts:PageAllocator\.reserveTopDown: Cannot reserve/,
  },
  {
    id: 'K14',
    title: 'effectiveConfig passes policyOptions, workload.knobs and costs through unchecked, and takes a TOML date for a table: the effective config does not survive JSON',
    where: 'src/lab/run-config.ts effectiveConfig (isObject() is true for a Date; inf, nan and dates inside those tables kept as they are)',
    example: 'config.toml: `[costs]` `lockNs = inf` (or `bs = 1979-05-27T07:32:00Z` under [workload.knobs], or `costs = 1979-05-27T07:32:00Z`): the effective config has Infinity (a Date), JSON gives null (a string), and effectiveConfig of that is a different config or an error',
    match: /^violation:config_(not_reproducible|roundtrip_rejected)/,
  },
  {
    id: 'K15',
    title: 'explain: a number of more than 308 digits becomes Infinity in the report and its findings ("a mapping of Infinity bytes"; null in --json)',
    where: 'src/lab/explain/dmesg.ts explainDmesg (Number() of the matched digits, unchecked)',
    example: 'dmesg.txt: `nvme 0000:01:00.0: swiotlb buffer is full (sz: <400 nines> bytes), total <400 nines> (slots), used 3 (slots)`',
    match: /^violation:dmesg_number_not_finite/,
  },
  {
    id: 'K16',
    title: 'explain: an "area num" of more than 308 digits makes explain throw a RangeError (BigInt of Infinity)',
    where: 'src/lab/explain/dmesg.ts findings() passes r.areas as possibleCpus -> src/swiotlb/params-explain.ts -> src/swiotlb/sizing-defaults.ts adjustNareas -> src/swiotlb/sizing-math.ts toU32',
    example: 'dmesg.txt: `Command line: swiotlb=force` then `software IO TLB: area num <400 nines>.`; swiotlb-lab explain dmesg.txt -> internal error: The number Infinity cannot be converted to a BigInt',
    match: /^RangeError@src\/swiotlb\/sizing-math\.ts:toU32: The number N cannot be converted to a BigInt/,
  },
  {
    id: 'K17',
    title: 'explain of a directory throws a plain EISDIR Error, not InputError unreadable (the CLI still prints it and exits 2)',
    where: 'src/lab/explain/dmesg.ts explainDmesg (only the open is guarded; the read error escapes from the readline loop)',
    example: 'explainDmesg("/tmp") -> Error: EISDIR: illegal operation on a directory, read',
    match: /^Error\(EISDIR\)@outside-src: EISDIR/,
  },
  {
    id: 'K18',
    title: 'explain is quadratic in a line that repeats "software IO TLB: mapped [mem " without its "] (<n>MB)" end: 300 KB take seconds, 1 MB about half a minute',
    where: 'src/lab/explain/dmesg.ts explainDmesg, /software IO TLB: mapped \\[mem .*\\] \\((\\d+)MB\\)/ (unanchored, `.*` backtracks over the rest of the line from every occurrence)',
    example: 'dmesg.txt: one line of "software IO TLB: mapped [mem 0x0-0x1] (64M" repeated 8000 times (336 KB): about 3 s',
    match: /^hang:dmesg-mapped-prefix-repeated$/,
  },
];

/**
 * The known bug a crash signature belongs to.
 *
 * @param code - Crash signature (see outcome.ts).
 * @returns The bug, or undefined for a new crash.
 * @remarks Context: any.
 */
export function knownBug(code: string): KnownBug | undefined {
  return KNOWN_BUGS.find((b) => b.match.test(code));
}
