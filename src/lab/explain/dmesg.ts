/**
 * Read a kernel log (dmesg) for swiotlb's lines and say in plain words what
 * happened and what to try: how the pool was set up, and why each "swiotlb
 * buffer is full" happened (the pool was full, it was fragmented, or the
 * mapping could never fit any pool).
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { IO_TLB_MAX_MAPPING, IO_TLB_SIZE } from '../../swiotlb/constants.js';
import { explainKernelCmdline } from '../../swiotlb/params-explain.js';
import { InputError } from '../../util/errors.js';

/** One "buffer is full" kind, grouped by device, cause and size. */
export interface FullGroup {
  device: string;
  cause: 'too_large' | 'exhausted' | 'fragmented';
  size: number;
  count: number;
  total: number;
  /** Slots in use when it last happened. */
  used: number;
  firstLine: number;
}

/** What the log says. */
export interface DmesgReport {
  file: string;
  lines: number;
  swiotlbLines: number;
  cmdline: string | null;
  areas: number | null;
  poolMiB: number | null;
  confidential: boolean;
  full: FullGroup[];
  /** Other warnings swiotlb and dma-direct print (overflow, no pool, ...), with their first line. */
  warnings: { line: number; text: string }[];
  /** The explanation, one sentence per item. */
  findings: string[];
}

const TS = /^\[\s*\d+\.\d+\]\s*/;
const FULL = /^(?:(\S+) )?(\S+): swiotlb buffer is full \(sz: (\d+) bytes\), total (\d+) \(slots\), used (\d+) \(slots\)/;

/**
 * Explain a dmesg file.
 *
 * @param path - The log.
 * @returns The report.
 * @throws InputError when the file cannot be read.
 * @remarks Context: process context; streams the file.
 */
export async function explainDmesg(path: string): Promise<DmesgReport> {
  const r: DmesgReport = { file: path, lines: 0, swiotlbLines: 0, cmdline: null, areas: null, poolMiB: null, confidential: false, full: [], warnings: [], findings: [] };
  const groups = new Map<string, FullGroup>();
  let stream;
  try {
    stream = createReadStream(path, { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => {
      stream!.once('open', () => resolve());
      stream!.once('error', reject);
    });
  } catch {
    throw new InputError('unreadable', `Cannot read kernel log '${path}'`, { file: path });
  }
  try {
    await readLines(createInterface({ input: stream, crlfDelay: Infinity }), r, groups);
  } catch (e) {
    if (e instanceof InputError) throw e;
    // A directory, a device that fails mid-read, an I/O error: never a half report.
    throw new InputError('unreadable', `Cannot read kernel log '${path}': ${(e as Error).message}`, { file: path });
  }
  r.full = [...groups.values()].sort((a, b) => b.count - a.count);
  r.findings = findings(r);
  return r;
}

/** A decimal count from the log, or null when it is too large to be exact (no real kernel prints one). */
function count(digits: string): number | null {
  const v = Number(digits);
  return Number.isSafeInteger(v) ? v : null;
}

/** Read every line of the log into the report. */
async function readLines(lines: AsyncIterable<string>, r: DmesgReport, groups: Map<string, FullGroup>): Promise<void> {
  for await (const raw of lines) {
    r.lines++;
    const line = raw.replace(TS, '');
    let m: RegExpExecArray | null;
    if ((m = /^(?:Kernel )?[Cc]ommand line: (.*)$/.exec(line)) !== null) {
      if (r.cmdline === null) r.cmdline = m[1]!.trim();
      continue;
    }
    if (!/swiotlb|software IO TLB|bounce buffer|DMA addr|Buffer overflow detected|Access before mapping/i.test(line)) continue;
    r.swiotlbLines++;
    if ((m = /software IO TLB: area num (\d+)\./.exec(line)) !== null) r.areas = count(m[1]!) ?? r.areas;
    // [^\]]* rather than .*: linear time on a long line without the closing text.
    else if ((m = /software IO TLB: mapped \[mem [^\]]{0,100}\] \((\d+)MB\)/.exec(line)) !== null) r.poolMiB = count(m[1]!) ?? r.poolMiB;
    else if ((m = /SWIOTLB bounce buffer size (?:adjusted to|roundup to) (\d+)MB/.exec(line)) !== null) r.poolMiB = count(m[1]!) ?? r.poolMiB;
    else if (/Memory encryption is active/.test(line)) r.confidential = true;
    else if ((m = FULL.exec(line)) !== null) {
      const device = m[1] !== undefined ? `${m[1]} ${m[2]!}` : m[2]!;
      const size = count(m[3]!);
      const total = count(m[4]!);
      const used = count(m[5]!);
      if (size === null || total === null || used === null) {
        if (r.warnings.length < 50) r.warnings.push({ line: r.lines, text: `(a number on this line is too large to be real) ${line.slice(0, 250)}` });
        continue;
      }
      const nslots = Math.ceil(size / IO_TLB_SIZE);
      const cause: FullGroup['cause'] = size > IO_TLB_MAX_MAPPING ? 'too_large' : total - used < nslots ? 'exhausted' : 'fragmented';
      const key = `${device}\0${cause}\0${size}`;
      const g = groups.get(key);
      if (g === undefined) groups.set(key, { device, cause, size, count: 1, total, used, firstLine: r.lines });
      else {
        g.count++;
        g.used = used;
      }
    } else if (r.warnings.length < 50) r.warnings.push({ line: r.lines, text: line.slice(0, 300) });
  }
}

function findings(r: DmesgReport): string[] {
  const out: string[] = [];
  if (r.cmdline !== null && /(^|\s)swiotlb=/.test(r.cmdline)) {
    for (const f of explainKernelCmdline(r.cmdline, r.areas !== null ? { possibleCpus: r.areas } : {}).findings) if (f.severity === 'warning') out.push(`Your swiotlb= setting: ${f.message}.`);
  }
  const setup = [r.poolMiB !== null ? `a ${r.poolMiB} MiB pool` : null, r.areas !== null ? `${r.areas} areas (one lock each; a CPU starts in area cpu mod ${r.areas})` : null].filter(Boolean);
  if (setup.length > 0) out.push(`swiotlb was set up with ${setup.join(' and ')}.`);
  if (r.confidential) out.push('This is a confidential VM: every DMA goes through the swiotlb, so its size decides how much I/O can be in flight.');
  for (const g of r.full) {
    const n = Math.ceil(g.size / IO_TLB_SIZE);
    const times = g.count === 1 ? 'once' : `${g.count} times`;
    if (g.cause === 'too_large') {
      out.push(`${g.device}: a mapping of ${g.size} bytes failed ${times}. No swiotlb= size can help: one bounce buffer holds at most 256 KiB (less the device's min_align_mask). The driver must split such buffers (respect dma_max_mapping_size()), or a design without the limit is needed (per-buffer allocation, page-granular pools). "used ${g.used}" near 0 is the tell.`);
    } else if (g.cause === 'exhausted') {
      out.push(`${g.device}: a mapping of ${g.size} bytes (${n} slots) failed ${times} because the pool was full: ${g.used} of ${g.total} slots in use. Either more I/O was in flight than the pool holds (raise swiotlb=, e.g. swiotlb=${Math.min(2 ** Math.ceil(Math.log2(g.total * 2)), 2 ** 21)}; swiotlb-lab size finds the smallest that works for your workload) or mappings are never unmapped (a leak: run your workload with swiotlb-lab --check, or the kernel's CONFIG_DMA_API_DEBUG).`);
    } else {
      out.push(`${g.device}: a mapping of ${g.size} bytes (${n} slots) failed ${times} with ${g.total - g.used} of ${g.total} slots free: the free slots were scattered, with no run of ${n} contiguous slots inside one 128-slot segment (fragmentation). A larger pool helps (swiotlb-lab size measures how much); so do smaller I/O sizes or fewer areas.`);
    }
  }
  if (r.full.length === 0) out.push('No "swiotlb buffer is full" in this log.');
  if (r.warnings.some((w) => /DMA addr .* overflow/.test(w.text))) out.push('A "DMA addr ... overflow" line means a device could not reach a buffer and no swiotlb existed to bounce it: boot with swiotlb enabled (or fix the device\'s DMA mask).');
  if (r.warnings.some((w) => /Can not allocate SWIOTLB buffer earlier/.test(w.text))) out.push('"Can not allocate SWIOTLB buffer earlier" means a device needed bouncing but the kernel set up no pool at boot (swiotlb=noforce, or no addressing limit seen at boot).');
  return out;
}

/**
 * Format a report for people.
 *
 * @param r - The report.
 * @returns Text ending in a newline.
 * @remarks Context: any.
 */
export function formatDmesg(r: DmesgReport): string {
  const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?'); // eslint-disable-line no-control-regex
  const out = [`${clean(r.file)}: ${r.lines} lines, ${r.swiotlbLines} about swiotlb`, ''];
  for (const f of r.findings) out.push(`- ${clean(f)}`);
  return `${out.join('\n')}\n`;
}
