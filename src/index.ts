/**
 * swiotlb-lab: a decision-exact model of the Linux software IO TLB and a
 * laboratory for its designs. This is the package's public API; everything
 * not exported here may change.
 *
 * @module
 */
export { createSystem, LOW_MEMORY_END } from './dma/system.js';
export type { System, SystemOptions } from './dma/system.js';
export {
  DMA_MAPPING_ERROR,
  dmaCapable,
  dmaDirectMapPage,
  dmaDirectUnmapPage,
  dmaDirectSyncSingleForCpu,
  dmaDirectSyncSingleForDevice,
  isSwiotlbBuffer,
  swiotlbMap,
} from './dma/dma-direct.js';
export { dmaDirectMapSg, dmaDirectUnmapSg, dmaDirectSyncSg, scatterlist } from './dma/scatterlist.js';
export type { ScatterEntry } from './dma/scatterlist.js';
export { createDmaContext, devPolicy, isSwiotlbActive, isSwiotlbForceBounce } from './dma/dma-context.js';
export type { DmaContext, DmaCounters, DmaTraceHook } from './dma/dma-context.js';

export { createMachine } from './machine/machine.js';
export type { Machine, MachineOptions, MachineCounters } from './machine/machine.js';
export { createDevice, dmaReachLimit } from './machine/device.js';
export type { Device, DeviceOptions } from './machine/device.js';
export { dmaBitMask, parseMask, MASK_ALL } from './machine/mask.js';

export {
  IO_TLB_SHIFT,
  IO_TLB_SIZE,
  IO_TLB_SEGSIZE,
  IO_TLB_DEFAULT_NSLABS,
  DMA_BIDIRECTIONAL,
  DMA_TO_DEVICE,
  DMA_FROM_DEVICE,
  DMA_NONE,
  DMA_ATTR_SKIP_CPU_SYNC,
  DMA_ATTR_NO_WARN,
  DMA_ATTR_MAY_SLEEP,
} from './swiotlb/constants.js';
export type { DmaDirection } from './swiotlb/constants.js';
export { PROFILES, getProfile } from './swiotlb/profiles.js';
export type { KernelProfile, SearchFamily } from './swiotlb/profiles.js';
export { createIoTlbMem, memUsed, findPool } from './swiotlb/io-tlb-mem.js';
export type { IoTlbMem, IoTlbMemOptions, SwiotlbCounters, SearchObserver } from './swiotlb/io-tlb-mem.js';
export type { IoTlbPool } from './swiotlb/pool.js';
export { swiotlbTblMapSingle, swiotlbTblUnmapSingle, swiotlbSyncSingleForCpu, swiotlbSyncSingleForDevice, swiotlbReleaseSlots } from './swiotlb/map-single.js';
export { createRestrictedPool, swiotlbAlloc, swiotlbFree } from './swiotlb/alloc.js';
export { MAP_BLOCKED, MAP_DEFERRED, emptyStats } from './swiotlb/policy.js';
export type { SwiotlbPolicy, PolicyEnv, PolicyFactory, PolicyStats, CallContext, MapRequest, LiveBuffer, DeferredCompletion } from './swiotlb/policy.js';
export { FixedPolicy, createFixedPolicy } from './swiotlb/policies/fixed/policy.js';
export { swiotlbMaxMappingSize } from './swiotlb/limits.js';
export { readDebugfs, formatDebugfs } from './swiotlb/debugfs.js';
export type { SwiotlbDebugfs } from './swiotlb/debugfs.js';
export { describeFailure } from './swiotlb/failure.js';
export type { MappingFailure, FailureCode } from './swiotlb/failure.js';
export { parseSwiotlbParams } from './swiotlb/params.js';
export { parseKernelCmdline } from './swiotlb/params-cmdline.js';
export { explainKernelCmdline, explainSwiotlbParams } from './swiotlb/params-explain.js';
export { formatParamFindings } from './swiotlb/params-findings.js';
export { computeBootPool } from './swiotlb/sizing.js';
export type { BootPool, BootPoolOptions } from './swiotlb/sizing.js';

export { readTrace, parseTraceLine } from './lab/trace/index.js';
export type { TraceEvent, TraceReadStats } from './lab/trace/index.js';
export { replayTraceFile } from './lab/replay/replay-file.js';
export { ReplayEngine } from './lab/replay/replay-engine.js';
export { NeedsInitialMappings } from './lab/replay/replay-options.js';
export { scanInitialMappings, type InitialMapping, type InitialState } from './lab/replay/initial-state.js';
export type { ReplayResult, ReplayMismatch, ReplayPoolConfig } from './lab/replay/replay-types.js';
export { effectiveConfig, DEFAULT_RUN } from './lab/run-config.js';
export type { RunConfig } from './lab/run-config.js';
export { runConfig, runInputDigest } from './lab/run.js';
export type { RunResult } from './lab/run.js';
export { sizePool, formatSize } from './lab/size.js';
export type { SizeResult, SizePoint } from './lab/size.js';
export { renderReport } from './lab/report/report.js';
export { renderSizeReport } from './lab/report/size-report.js';
export { renderReplayReport } from './lab/report/replay-report.js';
export { escapeHtml } from './lab/report/page.js';

export { InputError, ContractError } from './util/errors.js';
