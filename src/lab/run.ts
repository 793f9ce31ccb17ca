/**
 * Run one configuration: boot the machine and the chosen swiotlb design,
 * attach the workload, simulate, and collect exact counts next to the time
 * the cost model gives them.
 *
 * @module
 */
import { canonicalJson, sha256File, sha256Text } from '../util/digest.js';
import { createMachine, type Machine } from '../machine/machine.js';
import { getProfile } from '../swiotlb/profiles.js';
import { computeBootPool } from '../swiotlb/sizing.js';
import { IO_TLB_SIZE } from '../swiotlb/constants.js';
import type { PolicyStats } from '../swiotlb/policy.js';
import { createDmaContext } from '../dma/dma-context.js';
import { resolveCosts, type CostName } from './cost/cost-model.js';
import { METER_FIELDS, readMeter } from './cost/pricer.js';
import { StatsMeter } from './cost/stats-meter.js';
import { Simulation } from './engine/simulation.js';
import type { SeriesPoint } from './engine/time-series.js';
import { getPolicy } from './policy-registry.js';
import { getWorkload } from './workloads/index.js';
import { resolveKnobs } from './workloads/workload.js';
import type { RunConfig } from './run-config.js';
import { InputError } from '../util/errors.js';
import { DmaDebug } from '../dma/dma-debug.js';
import type { PerfettoRecorder } from './engine/perfetto.js';
import { takeSlotMap, type SlotMap } from './engine/slot-map.js';
import { diagnoseLeaks, type LeakDiagnosis } from '../dma/leak-diagnosis.js';
import { DataCheck, type DataCheckResult } from './engine/data-check.js';
import { coherentPoolBytes } from '../swiotlb/dynamic/coherent-pool-param.js';

/** The result of one run. Deterministic for a given config. */
export interface RunResult {
  schemaVersion: 1;
  config: RunConfig;
  /** SHA-256 of the effective config, with a trace workload's path replaced by the trace's own digest. */
  inputDigest: string;
  knobs: Record<string, number | string | boolean>;
  pool: { nslabs: number; nareas: number; bytes: number; forceBounce: boolean; bootLog: string[] };
  policy: PolicyStats;
  devices: Record<string, unknown>[];
  /** Exact counts of priced work and the time the cost model gives each (ns). */
  work: Record<string, { count: number; ns: number }>;
  estimatedCpuNs: number;
  simulatedNs: number;
  events: number;
  occupancy: SeriesPoint[];
  reserved: SeriesPoint[];
  /** Failed maps so far, cumulative, on the same time axis (a point's max is the count at its window's end). */
  failures: SeriesPoint[];
  /** The default pool's slots at the first failed map a bigger pool could fix, or at the end; null for designs without slot pools. */
  slotMap: SlotMap | null;
  /** Bytes in use per slot pool over time (`pool <id>`, and all transient pools as one); empty for designs without slot pools. */
  poolOccupancy: Record<string, SeriesPoint[]>;
  costs: Record<CostName, number>;
  /** Byte-mode data check: every transfer's bytes followed to where the kernel puts them (machine.memory 'bytes'), else null. */
  dataCheck: DataCheckResult | null;
  /** dma-debug findings and the leak diagnosis (runs with check: true). */
  dmaDebug: { counts: DmaDebug['counts']; findings: DmaDebug['findings']; diagnosis: LeakDiagnosis } | null;
}

const UNIT_OF: Record<string, CostName> = {
  bytesCopied: 'copyNsPerByte',
  copies: 'copyNsPerCall',
  searchSteps: 'searchStepNs',
  lockAcquisitions: 'lockNs',
  nodesVisited: 'nodeVisitNs',
  pageAllocs: 'pageAllocNs',
  pagesAllocated: 'pageAllocNsPerPage',
  pageFrees: 'pageFreeNs',
  kmallocs: 'kmallocNs',
  hypercalls: 'hypercallNs',
  hypercallPages: 'hypercallNsPerPage',
};

/**
 * The digest of a run's inputs: the same config and trace bytes give the same
 * digest on any machine, wherever the trace sits.
 *
 * @param c - Effective configuration (a trace workload's file must be readable).
 * @returns `sha256:<hex>`.
 * @remarks Context: process context; reads a trace file once.
 */
export function runInputDigest(c: RunConfig): string {
  const knobs = { ...c.workload.knobs };
  if (c.workload.name === 'trace' && typeof knobs.path === 'string') knobs.path = sha256File(knobs.path);
  return sha256Text(canonicalJson({ ...c, workload: { ...c.workload, knobs } }));
}

/**
 * The largest contiguous RAM range below 4 GiB (the most memblock_alloc_low()
 * can give the boot pool on a freshly booted machine).
 *
 * @param machine - The machine.
 * @returns Bytes.
 * @remarks Context: boot.
 */
function largestLowRange(machine: Machine): number {
  let best = 0;
  let runStart = -1;
  let runEnd = -1;
  for (const zone of [0, 1] as const) {
    for (const r of machine.map.ramRanges(zone)) {
      const end = Math.min(r.end, 2 ** 32);
      if (r.start === runEnd) runEnd = end;
      else {
        runStart = r.start;
        runEnd = end;
      }
      best = Math.max(best, runEnd - runStart);
    }
  }
  return best;
}

/**
 * Run a configuration.
 *
 * @param c - Effective configuration.
 * @param extra - Optional recorders (a Perfetto trace) and a progress callback (simulated time, end time), called every 65,536 events.
 * @returns The result.
 * @throws InputError for unusable configurations (unknown policy/workload/kernel, no pool).
 * @remarks Context: synchronous; CPU-bound for the run's length.
 */
export function runConfig(c: RunConfig, extra: { perfetto?: PerfettoRecorder; onProgress?: (now: number, end: number) => void } = {}): RunResult {
  const profile = getProfile(c.kernel);
  const entry = getPolicy(c.policy);
  const preset = getWorkload(c.workload.name);
  const knobs = resolveKnobs(preset, c.workload.knobs);
  const costs = resolveCosts(c.costs);
  // A CMA region, when asked for, sits below 1 GiB so bus-limited devices (a display engine) can reach it.
  const cma = c.machine.cmaMiB > 0 ? { cma: { size: c.machine.cmaMiB * 1024 * 1024, limit: 0x4000_0000 } } : {};
  const machine = createMachine({ ramBytes: c.machine.ramBytes, memory: c.machine.memory, confidential: c.machine.confidential, ...cma });
  const lowRange = largestLowRange(machine);
  const boot = computeBootPool({
    cmdline: c.cmdline,
    possibleCpus: c.machine.cpus,
    ramBytes: c.machine.ramBytes,
    arch: c.machine.arch,
    confidentialVm: c.machine.confidential,
    limitNareas: profile.limitNareas,
    halvingOnMemblockFailure: profile.halvingOnMemblockFailure,
    forceBounceBeforeAlloc: profile.forceBounceBeforeAlloc,
    highPoolOption: entry.highPoolGrammar === true,
    // memblock_alloc_low() fails for more than the largest free range below 4 GiB (then the kernel halves).
    canAllocate: (bytes) => bytes <= lowRange,
  });
  if (boot.outcome !== 'allocated') throw new InputError('no_pool', `The kernel sets up no swiotlb pool for this configuration (${boot.outcome.replace(/_/g, ' ')}): add swiotlb=force or a confidential machine`);
  const policy = entry.factory(
    {
      machine,
      profile,
      cpus: c.machine.cpus,
      poolBytes: boot.nslabs * IO_TLB_SIZE,
      nareas: boot.nareas,
      forceBounce: boot.forceBounce,
      confidential: c.machine.confidential,
      atomicPoolBytes: coherentPoolBytes(c.cmdline),
    },
    { ...entry.optionsFromBoot?.(boot), ...c.policyOptions },
  );
  const dma = createDmaContext(policy, boot.forceBounce);
  const durationNs = c.durationMs * 1e6;
  const debug = c.check ? new DmaDebug() : undefined;
  const data = c.machine.memory === 'bytes' ? new DataCheck(machine.memory, c.seed) : undefined;
  const sim = new Simulation({
    machine,
    dma,
    policy,
    cpus: c.machine.cpus,
    costs,
    seed: c.seed,
    durationNs,
    sampleNs: c.sampleMs * 1e6,
    ...(debug ? { debug } : {}),
    ...(data ? { data } : {}),
    ...(extra.perfetto ? { perfetto: extra.perfetto } : {}),
    ...(extra.onProgress ? { onProgress: extra.onProgress } : {}),
  });
  preset.build(sim, machine, knobs, c.machine.cpus);
  sim.run();
  const end = durationNs;
  const stats = policy.stats(end);
  const after = new Float64Array(METER_FIELDS.length);
  readMeter(policy.meter ?? new StatsMeter(policy, () => end), after);
  const work: RunResult['work'] = {};
  let total = 0;
  METER_FIELDS.forEach((f, i) => {
    const count = after[i]! - sim.meterStart[i]!;
    const unit = f === 'cmaAllocs' ? costs.cmaAllocNs - costs.pageAllocNs : costs[UNIT_OF[f]!];
    const ns = count * unit;
    total += ns;
    work[f] = { count, ns: Math.round(ns) };
  });
  const calls = [...sim.metrics.values()].reduce((a, m) => a + m.maps * costs.mapCallNs + m.unmaps * costs.unmapCallNs, 0);
  work.dmaCalls = { count: [...sim.metrics.values()].reduce((a, m) => a + m.maps + m.unmaps, 0), ns: Math.round(calls) };
  work.interrupts = { count: sim.irqs, ns: Math.round(sim.irqs * costs.irqNs) };
  total += calls + sim.irqs * costs.irqNs;
  for (const p of policy.live()) {
    const m = [...sim.metrics.values()].find((x) => x.name === p.dev.name);
    if (m) m.leaked++;
  }
  let dmaDebug: RunResult['dmaDebug'] = null;
  if (debug !== undefined) {
    const names = new Map(machine.devices().map((d) => [d.id, d.name] as const));
    dmaDebug = { counts: debug.counts, findings: debug.findings, diagnosis: diagnoseLeaks(debug, names, end, stats.mapFailures, stats.peakReservedBytes) };
  }
  return {
    schemaVersion: 1,
    config: c,
    inputDigest: runInputDigest(c),
    knobs,
    pool: { nslabs: boot.nslabs, nareas: boot.nareas, bytes: boot.bytes, forceBounce: boot.forceBounce, bootLog: boot.logLines },
    policy: stats,
    devices: [...sim.metrics.values()].map((m) => {
      m.finish(end);
      return m.toJSON();
    }),
    work,
    estimatedCpuNs: Math.round(total),
    simulatedNs: end,
    events: sim.events,
    occupancy: sim.samples.occupancy.finish(end),
    reserved: sim.samples.reserved.finish(end),
    failures: sim.samples.failures.finish(end),
    slotMap: sim.slotMap ?? takeSlotMap(policy, end, 'end of run'),
    poolOccupancy: sim.samples.pools.finish(end),
    costs,
    dataCheck: data ? data.finish(machine.devices(), end) : null,
    dmaDebug,
  };
}
