/**
 * Public API of the trace reader: stream ftrace / trace-cmd text (plain or
 * gzip) of the swiotlb oracle and of the 6.12+ `dma:*` events into typed
 * events.
 *
 * @module
 */
export { readTrace, MAX_LINE_LENGTH } from './reader.js';
export type { ReadTraceOptions } from './reader.js';
export { parseTraceLine } from './parse-line.js';
export type { ParsedTraceLine } from './parse-line.js';
export { MALFORMED_EXAMPLES } from './stats.js';
export type { MalformedExample, TraceReadStats } from './stats.js';
export { TRACE_EVENT_KINDS } from './trace-event.js';
export type { TraceEvent, TraceEventKind } from './trace-event.js';
export { DMA_ATTR_BY_NAME } from './dma-decode.js';
export type {
  MapAreaFullEvent,
  MapFoundEvent,
  MapSingleEvent,
  MapSingleRetEvent,
  OracleTraceEvent,
  PoolEvent,
  SwiotlbBouncedEvent,
  SyncSingleEvent,
  TraceEventBase,
  TracingMarkEvent,
  UnmapReleaseEvent,
  UnmapSingleEvent,
  UnmapSingleRetEvent,
} from './events.js';
export type {
  DmaAllocEvent,
  DmaEventBase,
  DmaFreeEvent,
  DmaMapEvent,
  DmaMapSgErrEvent,
  DmaMapSgEvent,
  DmaSyncSgEvent,
  DmaSyncSingleEvent,
  DmaTraceEvent,
  DmaUnmapEvent,
  DmaUnmapSgEvent,
} from './dma-events.js';
