/**
 * A trace as a workload: its maps and unmaps, in trace order, as operations
 * the lab can run against any pool size and any design. Maps come from the
 * oracle's map_single (with the device's min_align_mask and boundary) or from
 * dma:* map events; an unmap refers to the map whose bounce address it
 * frees. Maps the kernel failed are kept (a bigger pool may serve them).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseTraceLine } from '../trace/parse-line.js';
import { InputError } from '../../util/errors.js';

/** One device seen in the trace. */
export interface TraceDevice {
  name: string;
  minAlignMask: number;
  segmentBoundaryMask: number;
}

/** The operations of a trace, as parallel arrays. */
export interface TraceOps {
  devices: TraceDevice[];
  /** +1 map, -1 unmap. */
  kind: Int8Array;
  /** Device index. */
  dev: Int32Array;
  cpu: Int32Array;
  /** For a map: orig; for an unmap: the index of the map it frees. */
  arg: Float64Array;
  size: Float64Array;
  dir: Int8Array;
  /** Trace line each operation came from (for errors). */
  line: Int32Array;
  count: number;
}

/**
 * Load a trace's operations (the whole file is read: fine for traces of a few hundred MB).
 *
 * @param path - Trace file (plain or gzip).
 * @returns The operations.
 * @throws InputError for unreadable or malformed traces (file and line).
 * @remarks Context: process context.
 */
export function loadTraceOps(path: string): TraceOps {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    throw new InputError('unreadable', `Cannot read trace '${path}'`);
  }
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new InputError('bad_gzip', `Cannot read the gzip stream: ${(e as Error).message}`, { file: path });
    }
  }
  const text = buf.toString('utf8');
  const devices: TraceDevice[] = [];
  const devIndex = new Map<string, number>();
  const kind: number[] = [];
  const dev: number[] = [];
  const cpu: number[] = [];
  const arg: number[] = [];
  const size: number[] = [];
  const dir: number[] = [];
  const lines: number[] = [];
  const pendingMap = new Map<number, { idx: number }[]>(); // cpu -> stack of maps awaiting their return
  const liveByAddr = new Map<string, number>(); // device:bounce address -> map index
  const devOf = (key: string, name: string, ma: number, bnd: number): number => {
    let i = devIndex.get(key);
    if (i === undefined) {
      i = devices.length;
      devices.push({ name, minAlignMask: ma, segmentBoundaryMask: bnd });
      devIndex.set(key, i);
    }
    return i;
  };
  const addMap = (d: number, c: number, orig: number, sz: number, dr: number): number => {
    kind.push(1);
    dev.push(d);
    cpu.push(c);
    arg.push(orig);
    size.push(sz);
    dir.push(dr);
    lines.push(lineNo);
    return kind.length - 1;
  };
  const addUnmap = (d: number, c: number, mapIdx: number): void => {
    kind.push(-1);
    dev.push(d);
    cpu.push(c);
    arg.push(mapIdx);
    size.push(size[mapIdx]!);
    dir.push(dir[mapIdx]!);
    lines.push(lineNo);
  };
  let lineNo = 0;
  let from = 0;
  while (from < text.length) {
    let nl = text.indexOf('\n', from);
    if (nl < 0) nl = text.length;
    const line = text.slice(from, nl);
    from = nl + 1;
    lineNo++;
    const p = parseTraceLine(line, lineNo, path);
    if (p.type !== 'event') continue;
    const ev = p.event;
    if (ev.kind === 'map_single') {
      const d = devOf(ev.dev, ev.name ?? ev.dev, ev.minalign, ev.segbnd);
      const idx = addMap(d, ev.cpu, ev.orig, ev.msz, ev.dir);
      const st = pendingMap.get(ev.cpu) ?? [];
      st.push({ idx });
      pendingMap.set(ev.cpu, st);
    } else if (ev.kind === 'map_single_ret') {
      const m = pendingMap.get(ev.cpu)?.pop();
      if (m !== undefined && ev.ret >= 0) liveByAddr.set(`${dev[m.idx]}:${ev.ret}`, m.idx);
    } else if (ev.kind === 'unmap_single') {
      const d = devOf(ev.dev, ev.name ?? ev.dev, ev.minalign, 0);
      const m = liveByAddr.get(`${d}:${ev.tlb}`);
      if (m !== undefined) {
        liveByAddr.delete(`${d}:${ev.tlb}`);
        addUnmap(d, ev.cpu, m);
      }
    } else if (ev.kind === 'dma_map_page' || ev.kind === 'dma_map_phys') {
      const d = devOf(ev.device, ev.device, 0, 0);
      const idx = addMap(d, ev.cpu, ev.physAddr, ev.size, ev.dir);
      if (ev.dmaAddr >= 0) liveByAddr.set(`${d}:${ev.dmaAddr}`, idx);
    } else if (ev.kind === 'dma_unmap_page' || ev.kind === 'dma_unmap_phys') {
      const d = devOf(ev.device, ev.device, 0, 0);
      const m = liveByAddr.get(`${d}:${ev.dmaAddr}`);
      if (m !== undefined) {
        liveByAddr.delete(`${d}:${ev.dmaAddr}`);
        addUnmap(d, ev.cpu, m);
      }
    }
  }
  if (kind.length === 0) throw new InputError('empty_trace', 'The trace holds no map or unmap events this workload can use (oracle kprobes or dma:* map events)', { file: path });
  return {
    devices,
    kind: Int8Array.from(kind),
    dev: Int32Array.from(dev),
    cpu: Int32Array.from(cpu),
    arg: Float64Array.from(arg),
    size: Float64Array.from(size),
    dir: Int8Array.from(dir),
    line: Int32Array.from(lines),
    count: kind.length,
  };
}
