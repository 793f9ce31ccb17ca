/**
 * The union of every event the trace reader delivers.
 *
 * @module
 */
import type { DmaTraceEvent } from './dma-events.js';
import type { OracleTraceEvent, SwiotlbBouncedEvent, TracingMarkEvent } from './events.js';

/** Every event the reader delivers, discriminated by `kind` (the trace's event name). */
export type TraceEvent = OracleTraceEvent | SwiotlbBouncedEvent | TracingMarkEvent | DmaTraceEvent;

/** The `kind` of a {@link TraceEvent}. */
export type TraceEventKind = TraceEvent['kind'];

/** Every {@link TraceEventKind}, in the order stats list them. */
export const TRACE_EVENT_KINDS: readonly TraceEventKind[] = [
  'map_single',
  'map_area_full',
  'map_found',
  'map_single_ret',
  'unmap_single',
  'unmap_release',
  'unmap_single_ret',
  'sync_for_cpu',
  'sync_for_device',
  'pool',
  'swiotlb_bounced',
  'tracing_mark_write',
  'dma_map_page',
  'dma_map_resource',
  'dma_map_phys',
  'dma_unmap_page',
  'dma_unmap_resource',
  'dma_unmap_phys',
  'dma_alloc',
  'dma_alloc_pages',
  'dma_alloc_sgt',
  'dma_alloc_sgt_err',
  'dma_free',
  'dma_free_pages',
  'dma_free_sgt',
  'dma_map_sg',
  'dma_map_sg_err',
  'dma_unmap_sg',
  'dma_sync_single_for_cpu',
  'dma_sync_single_for_device',
  'dma_sync_sg_for_cpu',
  'dma_sync_sg_for_device',
];

/**
 * The kprobe events of a call into swiotlb (the oracle's and the capture
 * script's): the first nine kinds but `unmap_single_ret`, which marks no
 * state change.
 */
export const SWIOTLB_CALL_KINDS: ReadonlySet<TraceEventKind> = new Set(TRACE_EVENT_KINDS.slice(0, TRACE_EVENT_KINDS.indexOf('pool')).filter((k) => k !== 'unmap_single_ret'));
