/**
 * Builders for the oracle's kprobe events (capture.sh, in-lock and fallback
 * probes), `swiotlb_bounced` and trace markers. Each turns the current line
 * (already split by LineHeader) into a fresh event object, reading fields
 * in the order the probes print them.
 *
 * @module
 */
import type { PoolEvent, SwiotlbBouncedEvent, SyncSingleEvent, TracingMarkEvent } from './events.js';
import type { FieldReader } from './fields.js';
import type { LineHeader } from './header.js';
import { fieldKeys, wordBytes } from './keys.js';
import { decode } from './strings.js';
import { BARE } from './tokens.js';
import type { TraceEvent } from './trace-event.js';

/** Turns the current line into an event; throws InputError when it is malformed. */
export type EventBuilder = (r: FieldReader, h: LineHeader) => TraceEvent;

const K = fieldKeys(
  'dev', 'orig', 'msz', 'asz', 'amask', 'dir', 'attrs', 'name', 'minalign', 'segbnd', 'mem', 'area', 'slot',
  'nslots', 'aindex', 'aused', 'ret', 'tlb', 'size', 'start', 'end', 'nslabs', 'nareas', 'area_nslabs', 'force',
  'dma_mask', 'dev_addr', 'swiotlb_force',
);
const FORCE = wordBytes('FORCE');
const NORMAL = wordBytes('NORMAL');
const NO_FORCE = wordBytes('NO_FORCE');
const DEV_NAME = wordBytes('dev_name: ');
const DMA_MASK = wordBytes('dma_mask=');
const MARK = wordBytes('tracing_mark_write: ');
const AREA_FIELD_RE = /^a(\d{1,4})_(used|index)$/;

/**
 * Start the fields of a kprobe body, past the `(symbol+off/size)` or
 * kretprobe `(caller+off/size <- symbol)` prefix.
 *
 * @param r - Reader of the current line.
 * @param h - Header of the current line.
 * @remarks Context: any; hot path.
 */
function beginProbe(r: FieldReader, h: LineHeader): void {
  const { buf, end } = r;
  let p = h.bodyStart;
  if (buf[p] === 40) {
    p = buf.indexOf(41, p);
    if (p < 0 || p >= end) r.fail('bad_line', "expected ')' after the probe address (truncated line?)");
    p++;
    while (p < end && buf[p] === 32) p++;
  }
  r.begin(p);
}

function pool(r: FieldReader, h: LineHeader): PoolEvent {
  beginProbe(r, h);
  r.tokens();
  const used: number[] = [];
  const index: number[] = [];
  for (let i = 0; i < r.n; i++) {
    const m = r.ve[i] === BARE ? null : AREA_FIELD_RE.exec(decode(r.buf, r.ks[i]!, r.ke[i]!));
    if (m === null) continue;
    const v = r.int({ name: m[0], eq: wordBytes(`${m[0]}=`), hint: undefined });
    (m[2] === 'used' ? used : index)[Number(m[1])] = v;
  }
  for (let a = 0; a < Math.max(used.length, index.length); a++) {
    if (used[a] === undefined) r.need(`a${a}_used`);
    if (index[a] === undefined) r.need(`a${a}_index`);
  }
  return {
    kind: 'pool', line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid,
    start: r.addr(K.start), end: r.addr(K.end), nslabs: r.int(K.nslabs), nareas: r.int(K.nareas),
    areaNslabs: r.int(K.area_nslabs), force: r.int(K.force) !== 0, areaUsed: used, areaIndex: index,
  };
}

function syncSingle(r: FieldReader, h: LineHeader): SyncSingleEvent {
  beginProbe(r, h);
  return {
    kind: r.event as SyncSingleEvent['kind'], line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid,
    dev: r.word(K.dev), tlb: r.addr(K.tlb), size: r.int(K.size), dir: r.int(K.dir), name: r.str(K.name),
  };
}

/** `dev_name: %s dma_mask=%llx dev_addr=%llx size=%zu FORCE|NORMAL` (prefix-less hex). */
function swiotlbBounced(r: FieldReader, h: LineHeader): SwiotlbBouncedEvent {
  const { buf, end } = r;
  const b = h.bodyStart;
  if (!DEV_NAME.at(r.view, buf, b, end)) r.fail('missing_field', "expected field 'dev_name: '");
  // The name ends at the first space if 'dma_mask=' follows (the usual case), else at the last ' dma_mask='.
  let k = b + 10;
  while (k < end && buf[k] !== 32) k++;
  if (!DMA_MASK.at(r.view, buf, k + 1, end)) k = buf.subarray(b, end).lastIndexOf(' dma_mask=') + b;
  if (k < b + 9) r.fail('missing_field', "expected field 'dma_mask' (truncated line?)");
  const devName = r.strings.range(r.view, buf, b + 10, k);
  r.begin(k + 1);
  const dmaMask = r.mask(K.dma_mask, true);
  const devAddr = r.addr(K.dev_addr, true);
  const size = r.int(K.size);
  let force = r.skipWord(FORCE) ? 1 : r.skipWord(NORMAL) || r.skipWord(NO_FORCE) ? 0 : -1;
  if (force < 0 && r.has(K.swiotlb_force)) {
    const s = r.range(K.swiotlb_force);
    const word = buf.toString('latin1', s, r.valueEnd);
    force = word === 'FORCE' ? 1 : word === 'NORMAL' || word === 'NO_FORCE' ? 0 : -1;
  }
  if (force < 0) r.fail('missing_field', "expected 'FORCE' or 'NORMAL' at the end (truncated line?)");
  return {
    kind: 'swiotlb_bounced', line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid,
    devName, dmaMask, devAddr, size, force: force === 1,
  };
}

/** `tracing_mark_write: <text>`; trace-cmd's `print: tracing_mark_write: <text>` too. */
function marker(r: FieldReader, h: LineHeader): TracingMarkEvent {
  let b = h.bodyStart;
  if (r.event === 'print' && MARK.at(r.view, r.buf, b, r.end)) b += 20;
  return {
    kind: 'tracing_mark_write', line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid,
    text: decode(r.buf, b, r.end),
  };
}

/** Builders by event name, for the oracle's probes (both capture modes) and swiotlb/ftrace events. */
export const ORACLE_BUILDERS: ReadonlyMap<string, EventBuilder> = new Map<string, EventBuilder>([
  ['map_single', (r, h) => {
    beginProbe(r, h);
    return {
      kind: 'map_single', line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid,
      dev: r.word(K.dev), orig: r.addr(K.orig), msz: r.int(K.msz), asz: r.int(K.asz), amask: r.mask(K.amask),
      dir: r.int(K.dir), attrs: r.int(K.attrs), name: r.str(K.name), minalign: r.mask(K.minalign),
      segbnd: r.mask(K.segbnd), mem: r.word(K.mem),
    };
  }],
  ['map_area_full', (r, h) => {
    beginProbe(r, h);
    return {
      kind: 'map_area_full', line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid,
      area: r.int(K.area), nslots: r.int(K.nslots), aindex: r.int(K.aindex), aused: r.int(K.aused),
    };
  }],
  ['map_found', (r, h) => {
    beginProbe(r, h);
    return {
      kind: 'map_found', line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid,
      area: r.int(K.area), slot: r.int(K.slot), nslots: r.int(K.nslots), aindex: r.int(K.aindex), aused: r.int(K.aused),
    };
  }],
  ['map_single_ret', (r, h) => {
    beginProbe(r, h);
    return { kind: 'map_single_ret', line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid, ret: r.addr(K.ret) };
  }],
  ['unmap_single', (r, h) => {
    beginProbe(r, h);
    return {
      kind: 'unmap_single', line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid,
      dev: r.word(K.dev), tlb: r.addr(K.tlb), msz: r.int(K.msz), dir: r.int(K.dir), attrs: r.int(K.attrs),
      name: r.str(K.name), minalign: r.mask(K.minalign),
    };
  }],
  ['unmap_release', (r, h) => {
    beginProbe(r, h);
    return {
      kind: 'unmap_release', line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid,
      slot: r.int(K.slot), nslots: r.int(K.nslots), aindex: r.int(K.aindex), aused: r.int(K.aused),
    };
  }],
  ['unmap_single_ret', (r, h) => {
    beginProbe(r, h);
    return { kind: 'unmap_single_ret', line: r.lineNo, cpu: h.cpu, ts: h.ts, task: h.task, pid: h.pid };
  }],
  ['sync_for_cpu', syncSingle],
  ['sync_for_device', syncSingle],
  ['pool', pool],
  ['swiotlb_bounced', swiotlbBounced],
  ['tracing_mark_write', marker],
  ['print', marker],
]);
