/**
 * Builders for the `dma:*` events of 6.12 and 6.19+ (TP_printk formats of
 * include/trace/events/dma.h). Every body starts with the device name and
 * continues with `key=value` fields; fields a version does not print come
 * out as null.
 *
 * @module
 */
import type {
  DmaAllocEvent,
  DmaFreeEvent,
  DmaMapEvent,
  DmaMapSgErrEvent,
  DmaMapSgEvent,
  DmaSyncSgEvent,
  DmaSyncSingleEvent,
  DmaUnmapEvent,
  DmaUnmapSgEvent,
} from './dma-events.js';
import type { FieldReader } from './fields.js';
import type { FieldKey } from './keys.js';
import type { LineHeader } from './header.js';
import type { EventBuilder } from './oracle-parse.js';
import { dmaArray, dmaAttrs, dmaCount, dmaDir } from './dma-decode.js';
import { fieldKeys, wordBytes } from './keys.js';
import { decode, looksLikeKey } from './strings.js';

const K = fieldKeys('dir', 'dma_addr', 'size', 'phys_addr', 'virt_addr', 'phys_addrs', 'dma_addrs', 'sizes', 'flags', 'attrs', 'nents', 'ents', 'err');
const TRUNCATED = wordBytes('[TRUNCATED]');

/**
 * Read the device name (up to the first ` key=`) and start the fields after it.
 *
 * @param r - Reader of the current line.
 * @param h - Header of the current line.
 * @returns The shared device name.
 * @remarks Context: any.
 */
function beginDma(r: FieldReader, h: LineHeader): string {
  const { buf, end } = r;
  let sp = h.bodyStart;
  while (sp < end && !(buf[sp] === 32 && looksLikeKey(buf, sp + 1, end))) sp++;
  if (sp <= h.bodyStart || sp >= end) r.fail('missing_field', "expected '<device> key=value ...' (truncated line?)");
  r.begin(sp + 1);
  return r.strings.range(r.view, buf, h.bodyStart, sp);
}

/** An optional `%llx` address field. */
function optAddr(r: FieldReader, key: FieldKey): number | null {
  return r.has(key) ? r.addr(key, true) : null;
}

/** An optional `%p` field, kept as text. */
function optText(r: FieldReader, key: FieldKey): string | null {
  if (!r.has(key)) return null;
  const s = r.range(key);
  return decode(r.buf, s, r.valueEnd);
}

/** An optional `{..}` array field. */
function optArray(r: FieldReader, key: FieldKey): number[] | null {
  return r.has(key) ? dmaArray(r, key) : null;
}

function map(r: FieldReader, h: LineHeader): DmaMapEvent {
  const device = beginDma(r, h);
  return {
    kind: r.event as DmaMapEvent['kind'], line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid, irq: h.inIrq, device,
    dir: dmaDir(r), dmaAddr: r.addr(K.dma_addr, true), size: r.int(K.size), physAddr: r.addr(K.phys_addr, true), attrs: dmaAttrs(r),
  };
}

function unmap(r: FieldReader, h: LineHeader): DmaUnmapEvent {
  const device = beginDma(r, h);
  return {
    kind: r.event as DmaUnmapEvent['kind'], line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid, irq: h.inIrq, device,
    dir: dmaDir(r), dmaAddr: r.addr(K.dma_addr, true), size: r.int(K.size), attrs: dmaAttrs(r),
  };
}

function alloc(r: FieldReader, h: LineHeader): DmaAllocEvent {
  const device = beginDma(r, h);
  return {
    kind: r.event as DmaAllocEvent['kind'], line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid, irq: h.inIrq, device,
    dir: r.has(K.dir) ? dmaDir(r) : null, dmaAddr: r.addr(K.dma_addr, true), size: r.int(K.size),
    physAddr: optAddr(r, K.phys_addr), virtAddr: optText(r, K.virt_addr), physAddrs: optArray(r, K.phys_addrs),
    flags: r.word(K.flags), attrs: dmaAttrs(r),
  };
}

function free(r: FieldReader, h: LineHeader): DmaFreeEvent {
  const device = beginDma(r, h);
  return {
    kind: r.event as DmaFreeEvent['kind'], line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid, irq: h.inIrq, device,
    dir: r.has(K.dir) ? dmaDir(r) : null, dmaAddr: r.addr(K.dma_addr, true), size: r.int(K.size),
    physAddr: optAddr(r, K.phys_addr), virtAddr: optText(r, K.virt_addr), physAddrs: optArray(r, K.phys_addrs),
    attrs: r.has(K.attrs) ? dmaAttrs(r) : null,
  };
}

function mapSg(r: FieldReader, h: LineHeader): DmaMapSgEvent {
  const device = beginDma(r, h);
  // Read in print order: dir [nents ents [TRUNCATED]] dma_addrs sizes phys_addrs attrs.
  const dir = dmaDir(r);
  const nents = dmaCount(r, K.nents);
  const ents = dmaCount(r, K.ents);
  const truncated = r.skipWord(TRUNCATED);
  return {
    kind: 'dma_map_sg', line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid, irq: h.inIrq, device,
    dir, dmaAddrs: dmaArray(r, K.dma_addrs), sizes: dmaArray(r, K.sizes), physAddrs: dmaArray(r, K.phys_addrs),
    attrs: dmaAttrs(r), nents, ents, truncated,
  };
}

function mapSgErr(r: FieldReader, h: LineHeader): DmaMapSgErrEvent {
  const device = beginDma(r, h);
  return {
    kind: 'dma_map_sg_err', line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid, irq: h.inIrq, device,
    dir: dmaDir(r), physAddrs: dmaArray(r, K.dma_addrs), err: r.int(K.err), attrs: dmaAttrs(r),
  };
}

function unmapSg(r: FieldReader, h: LineHeader): DmaUnmapSgEvent {
  const device = beginDma(r, h);
  return {
    kind: 'dma_unmap_sg', line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid, irq: h.inIrq, device,
    dir: dmaDir(r), physAddrs: dmaArray(r, K.phys_addrs), attrs: dmaAttrs(r),
  };
}

function syncSingle(r: FieldReader, h: LineHeader): DmaSyncSingleEvent {
  const device = beginDma(r, h);
  return {
    kind: r.event as DmaSyncSingleEvent['kind'], line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid, irq: h.inIrq, device,
    dir: dmaDir(r), dmaAddr: r.addr(K.dma_addr, true), size: r.int(K.size),
  };
}

function syncSg(r: FieldReader, h: LineHeader): DmaSyncSgEvent {
  const device = beginDma(r, h);
  return {
    kind: r.event as DmaSyncSgEvent['kind'], line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid, irq: h.inIrq, device,
    dir: dmaDir(r), dmaAddrs: dmaArray(r, K.dma_addrs), sizes: dmaArray(r, K.sizes),
  };
}

/** Builders by event name for every dma:* event of 6.12 and 6.19+. */
export const DMA_BUILDERS: ReadonlyMap<string, EventBuilder> = new Map<string, EventBuilder>([
  ['dma_map_page', map],
  ['dma_map_resource', map],
  ['dma_map_phys', map],
  ['dma_unmap_page', unmap],
  ['dma_unmap_resource', unmap],
  ['dma_unmap_phys', unmap],
  ['dma_alloc', alloc],
  ['dma_alloc_pages', alloc],
  ['dma_alloc_sgt', alloc],
  ['dma_alloc_sgt_err', alloc],
  ['dma_free', free],
  ['dma_free_pages', free],
  ['dma_free_sgt', free],
  ['dma_map_sg', mapSg],
  ['dma_map_sg_err', mapSgErr],
  ['dma_unmap_sg', unmapSg],
  ['dma_sync_single_for_cpu', syncSingle],
  ['dma_sync_single_for_device', syncSingle],
  ['dma_sync_sg_for_cpu', syncSg],
  ['dma_sync_sg_for_device', syncSg],
]);
