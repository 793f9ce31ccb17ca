/**
 * Replay a trace file against the model and collect the result.
 *
 * @module
 */
import { canonicalJson, sha256File, sha256Text } from '../../util/digest.js';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import { readTrace } from '../trace/reader.js';
import { NeedsDeviceParams, NeedsInitialMappings, NeedsPoolForDmaEvents, ReplayEngine, type ReplayEngineOptions } from './replay-engine.js';
import { scanTraceStart } from './initial-state.js';
import type { ReplayResult } from './replay-types.js';
import { memUsed } from '../../swiotlb/io-tlb-mem.js';
import { newCounters } from '../../swiotlb/io-tlb-mem.js';
import { InputError } from '../../util/errors.js';

/** Events an entry capture's replay holds back, so a map's decision can see the returns of maps pending with it. */
export const ENTRY_LOOKAHEAD = 4096;

/** Options of {@link replayTraceFile}. */
export interface ReplayFileOptions extends ReplayEngineOptions {
  /** Count and skip malformed lines instead of failing. */
  lenient?: boolean;
  /** Called as the file is read, with the bytes read so far. */
  onProgress?: (bytesRead: number) => void;
}

/**
 * Replay one trace (plain or gzip ftrace text).
 *
 * @param path - Trace file.
 * @param opts - Kernel profile, pool geometry fallback, lenient mode.
 * @returns The replay result (mismatches are data, not errors).
 * @throws InputError for an unreadable or unusable trace (with file and line).
 * @remarks Context: process context; streams the file, memory flat in its length.
 */
export async function replayTraceFile(path: string, opts: ReplayFileOptions = {}): Promise<ReplayResult> {
  // A capture that says it lost events: the replay may release mappings whose unmaps it lacks (see missed-unmaps.ts).
  const meta = captureMeta(path);
  const incomplete = meta !== null && meta.misses + meta.lost > 0;
  let engineOpts: ReplayEngineOptions = { lookahead: ENTRY_LOOKAHEAD, ...(incomplete ? { releaseMissedUnmaps: true } : {}), ...opts };
  const read = async (e: ReplayEngine): ReturnType<typeof readTrace> => {
    const stats = await readTrace(path, { file: path, lenient: opts.lenient ?? false, onEvent: (ev) => e.onEvent(ev), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    e.flush();
    return stats;
  };
  const scan = async (o: ReplayEngineOptions): Promise<ReplayEngineOptions> => {
    const start = await scanTraceStart(path, opts.lenient ?? false, o.devices);
    return { ...o, initialMappings: start.mappings, inFlightMaps: start.inFlightMaps, inFlightUnmaps: start.inFlightUnmaps };
  };
  let engine: ReplayEngine;
  let stats: Awaited<ReturnType<typeof readTrace>>;
  const notes: string[] = [];
  // Each thing a pass can find out sends the replay round again, at most once each.
  for (const seen = new Set<string>(); ; ) {
    engine = new ReplayEngine(path, engineOpts);
    try {
      stats = await read(engine);
      break;
    } catch (e) {
      if (!(e instanceof NeedsPoolForDmaEvents || e instanceof NeedsInitialMappings || e instanceof NeedsDeviceParams) || seen.has(e.code)) throw e;
      seen.add(e.code);
      if (e instanceof NeedsPoolForDmaEvents) {
        // dma:* events and no pool line: each bounced map on the default pool, addresses not compared.
        engineOpts = { ...engineOpts, dmaWithoutPoolLine: true };
      } else if (e instanceof NeedsInitialMappings) {
        // The capture started on a pool in use: find the mappings live then and the calls in flight (a first pass), and replay from that state.
        engineOpts = await scan(engineOpts);
      } else {
        // dma:* events do not print min_align_mask; the kernel's bounce addresses showed it.
        const devices = new Map(engineOpts.devices ?? []);
        for (const [name, { mask, inSlot }] of e.inferred) {
          devices.set(name, { ...devices.get(name), minAlignMask: mask });
          notes.push(
            `${name}: min_align_mask 0x${mask.toString(16)} read off its bounce addresses (${inSlot} of them kept the buffer's offset inside a slot; dma:* events do not print it): give --device '${name},min_align_mask=...' to set it`,
          );
        }
        engineOpts = { ...engineOpts, devices };
        if (engineOpts.initialMappings !== undefined) engineOpts = await scan(engineOpts);
      }
    }
  }
  const t = engine.tally;
  t.warnings.unshift(...completenessWarnings(meta, stats.overwritten));
  t.warnings.push(...notes);
  const init = engine.initialState;
  if (init !== null && init.unplaced > 0) {
    t.warnings.unshift(
      `${init.unplaced} of the ${init.slotsInUse} slots in use when the capture started (pool line at line ${init.line}) belong to mappings the trace never unmaps: the replay cannot place them, so searches that meet them may decide differently`,
    );
  }
  if (init !== null && (init.leadInEvents > stats.events / 2 || (init.leadInEvents > 0 && stats.overwritten > 0))) {
    t.warnings.unshift(
      `${init.leadInEvents} of the trace's ${stats.events} events come before its first pool line (line ${init.line}) and are not replayed${
        stats.overwritten > 0 ? ': the ring buffer overwrote the beginning of the capture, with the pool line read at its start; capture again with a larger --buffer-kb or for less time' : ''
      }`,
    );
  }
  if (t.releasedHolders > 0) {
    t.warnings.unshift(
      `${t.releasedHolders} mappings still held slots the kernel gave out again: the capture lost their unmaps, so the replay released them there and went on from the kernel's state; the maps that showed it count as differing`,
    );
  }
  const pending = engine.pendingCalls();
  // Put first so no warning cap can hide it; pendingAtEnd says the same as data.
  if (pending > 0) t.warnings.unshift(`${pending} map/unmap calls had no return or release at the end of the trace (truncated capture?)`);
  if (engine.mode === 'empty' && t.bounced > 0) {
    t.warn(`the trace has only swiotlb_bounced events (${t.bounced}): no unmaps, so occupancy cannot be replayed; capture dma:* events (6.12+) or the kprobes of swiotlb-lab capture-script`);
  }
  if (engine.poolConfig?.source === 'default') {
    t.warn('the trace does not give the pool placement: bounce addresses are not compared (give --pool-start/--nslabs/--nareas to compare them)');
  }
  const mem = engine.mem;
  if (t.firstMismatch !== null) t.firstMismatch.text = await lineAt(path, t.firstMismatch.line);
  // The trace is identified by its bytes, not its path; the search implementation is left out (both decide alike).
  const inputDigest = sha256Text(
    canonicalJson({
      trace: sha256File(path),
      kernel: engine.profile.name,
      lenient: opts.lenient ?? false,
      check: opts.check ?? false,
      pool: opts.pool ?? null,
      devices: opts.devices !== undefined ? [...opts.devices.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [],
      // The side file's word that events were lost changes decisions (missed-unmaps.ts).
      ...(incomplete ? { lostEvents: true } : {}),
    }),
  );
  return {
    schemaVersion: 1,
    file: path,
    inputDigest,
    kernel: engine.profile.name,
    mode: engine.mode,
    events: stats.events,
    lines: stats.lines,
    maps: t.maps,
    unmaps: t.unmaps,
    syncs: t.syncs,
    failures: t.failures,
    failuresByCode: t.failuresByCode,
    matched: t.matched,
    mismatched: t.mismatched,
    reordered: t.reordered,
    followed: t.followed,
    firstMismatch: t.firstMismatch,
    pool: engine.poolConfig,
    peakUsed: t.peakUsed,
    usedAtEnd: mem === null ? 0 : memUsed(mem),
    counters: mem === null ? newCounters() : { ...mem.counters },
    log: mem === null ? [] : [...mem.log],
    warnings: [...t.warnings],
    unknownEvents: { ...stats.unknownByName },
    lostEvents: stats.lost.events,
    overwrittenEvents: stats.overwritten,
    malformedLines: stats.malformed.total,
    gzip: stats.gzip,
    dma: engine.dmaStats(),
    bouncedEvents: t.bounced,
    pendingAtEnd: pending,
    poolReadSkewed: engine.poolReadSkewed,
    releasedHolders: t.releasedHolders,
    initialState: init,
    dmaDebug: engine.debug === null ? null : { counts: engine.debug.counts, findings: engine.debug.findings, liveAtEnd: engine.debug.live().length },
  };
}

/**
 * What says a capture is incomplete besides its own `[LOST]` lines: the
 * ftrace header's count of events the ring buffer overwrote, and the
 * capture's side file (see captureMeta()) with its ring-buffer losses and
 * missed kprobe hits. A missed unmap leaves slots in use in the model that
 * the kernel freed, so every later decision may differ.
 *
 * @param meta - What the side file says, or null without one.
 * @param overwritten - Events the header says were overwritten.
 * @returns Warnings, most important first.
 */
function completenessWarnings(meta: CaptureMeta | null, overwritten: number): string[] {
  const out: string[] = [];
  if (meta !== null && meta.misses > 0) out.push(`the capture missed ${meta.misses} kprobe hits (${meta.file}): calls are missing from the trace, so decisions after the first of them may differ from the kernel's without the model being wrong`);
  if (meta !== null && meta.lost > 0) out.push(`the capture lost ${meta.lost} events in the ring buffer (${meta.file}): the trace is incomplete`);
  if (overwritten > 0) out.push(`the ring buffer overwrote ${overwritten} events before the trace was read (ftrace header entries-in-buffer/entries-written): the trace lacks its beginning or gaps, so decisions may differ from the kernel's without the model being wrong`);
  return out;
}

/** What a capture's side file says about its completeness. */
interface CaptureMeta {
  /** Its file name. */
  readonly file: string;
  /** Probe hits the kernel dropped (nested kprobes). */
  readonly misses: number;
  /** Events the ring buffer lost. */
  readonly lost: number;
}

/**
 * The side file of a capture: the capture script's STEM.meta.txt
 * (`kprobe_misses=N`, `lost_events=N`), or the oracle harness's meta.txt next
 * to its trace.txt[.gz] (`  kprobe_misses N`, `  ringbuffer_overrun N`).
 */
function captureMeta(path: string): CaptureMeta | null {
  const script = path.replace(/(\.txt)?(\.gz)?$/, '') + '.meta.txt';
  const harness = join(dirname(path), 'meta.txt');
  const meta = script !== path && existsSync(script) ? script : /(^|\/)trace\.txt(\.gz)?$/.test(path) && existsSync(harness) ? harness : null;
  if (meta === null) return null;
  const text = readFileSync(meta, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^\\s*${name}[= ](\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { file: basename(meta), misses: field('kprobe_misses'), lost: field('lost_events') + field('ringbuffer_overrun') };
}

/**
 * Fetch one line of a (possibly gzip) text file, streaming.
 *
 * @param path - File.
 * @param lineNo - 1-based line number.
 * @returns The line, or '' when the file is shorter.
 * @remarks Context: process context.
 */
export async function lineAt(path: string, lineNo: number): Promise<string> {
  const head = Buffer.alloc(2);
  const { openSync, readSync, closeSync } = await import('node:fs');
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    throw new InputError('unreadable', `Cannot read ${path}`);
  }
  readSync(fd, head, 0, 2, 0);
  closeSync(fd);
  const raw = createReadStream(path);
  const input = head[0] === 0x1f && head[1] === 0x8b ? raw.pipe(createGunzip()) : raw;
  const dec = new StringDecoder('utf8');
  let n = 1;
  let cur = '';
  for await (const chunk of input) {
    const text = dec.write(chunk as Buffer);
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) {
        if (n === lineNo) cur += text.slice(from);
        break;
      }
      if (n === lineNo) {
        raw.destroy();
        return (cur + text.slice(from, nl)).replace(/\r$/, '');
      }
      n++;
      from = nl + 1;
    }
  }
  return cur;
}
