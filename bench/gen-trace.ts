/**
 * Write an oracle-format trace (the capture's kprobe events) of a random
 * workload driven through the model itself, so it replays with every decision
 * matching. Used to measure replay speed and memory on traces of any length.
 *
 * @module
 */
import { createWriteStream } from 'node:fs';
import { createGzip } from 'node:zlib';
import { once } from 'node:events';
import { createDevice } from '../src/machine/device.js';
import { createPrng } from '../src/machine/prng.js';
import { getProfile } from '../src/swiotlb/profiles.js';
import { createIoTlbMem } from '../src/swiotlb/io-tlb-mem.js';
import { swiotlbTblMapSingle, swiotlbTblUnmapSingle, lastRelease } from '../src/swiotlb/map-single.js';

const START = 0x79900000;

/**
 * Generate a trace file.
 *
 * @param path - Output (.gz is gzip-compressed).
 * @param maps - Number of map/unmap pairs.
 * @returns Events written.
 */
export async function generateOracleTrace(path: string, maps: number): Promise<number> {
  const mem = createIoTlbMem({ profile: getProfile('6.1'), start: START, nslabs: 32768, nareas: 2, forceBounce: true });
  const pool = mem.pools[0]!;
  const dev = createDevice({ name: '0000:00:02.0', minAlignMask: 0xfff, segmentBoundaryMask: 0xffffffff });
  const found: { area: number; slot: number; n: number }[] = [];
  mem.observer = { areaTried: (_p, area, index, n) => void (index >= 0 && found.push({ area, slot: index, n })) };
  const out = createWriteStream(path);
  const gz = path.endsWith('.gz') ? createGzip({ level: 1 }) : null;
  if (gz) gz.pipe(out);
  const sink = gz ?? out;
  const rnd = createPrng(1);
  const live: { tlb: number; size: number; cpu: number }[] = [];
  let counter = 1;
  let buf = `# tracer: nop\n`;
  const dp = 'dev=0xffff88807dc9a0d0';
  const emit = async (cpu: number, body: string) => {
    buf += `    kworker/u4:0-9       [00${cpu}] d.Z..   ${counter++}: ${body}\n`;
    if (buf.length > 1 << 20) {
      if (!sink.write(buf)) await once(sink, 'drain');
      buf = '';
    }
  };
  buf += `             cat-105     [000] ..Zff            ${counter++}: pool: (fops_io_tlb_used_open+0x5/0x20) start=0x${START.toString(16)} end=0x${pool.end.toString(16)} nslabs=32768 nareas=2 area_nslabs=16384 force=1 a0_used=0 a0_index=0 a1_used=0 a1_index=0\n`;
  for (let i = 0; i < maps; i++) {
    const cpu = rnd.nextInt(2);
    const size = [512, 4096, 8192, 65536, 131072][rnd.nextInt(5)]!;
    const orig = 0x1000000 + rnd.nextInt(1 << 20) * 512;
    await emit(cpu, `map_single: (swiotlb_tbl_map_single+0x5/0x6c0) ${dp} orig=0x${orig.toString(16)} msz=${size} asz=${size} amask=0x0 dir=2 attrs=0x0 name="0000:00:02.0" minalign=0xfff segbnd=0xffffffff mem=0xffffffff83fd4400`);
    found.length = 0;
    const tlb = swiotlbTblMapSingle(mem, dev, cpu, orig, size, size, 0, 2, 0);
    const f = found[0]!;
    await emit(cpu, `map_found: (swiotlb_tbl_map_single+0x579/0x6c0) area=${f.area} slot=${f.slot} nslots=${f.n} aindex=${pool.areaIndex[f.area]} aused=${pool.areaUsed[f.area]}`);
    await emit(cpu, `map_single_ret: (swiotlb_tbl_map_single+0x18e/0x6c0) ret=0x${tlb.toString(16)}`);
    live.push({ tlb, size, cpu });
    if (live.length > 32 || (live.length > 0 && rnd.nextInt(2) === 0)) {
      const m = live.splice(rnd.nextInt(live.length), 1)[0]!;
      await emit(m.cpu, `sync_for_cpu: (swiotlb_sync_single_for_cpu+0x5/0x30) ${dp} tlb=0x${m.tlb.toString(16)} size=${m.size} dir=2 name="0000:00:02.0"`);
      await emit(m.cpu, `unmap_single: (swiotlb_tbl_unmap_single+0x5/0x1a0) ${dp} tlb=0x${m.tlb.toString(16)} msz=${m.size} dir=2 attrs=0x20 name="0000:00:02.0" minalign=0xfff`);
      swiotlbTblUnmapSingle(mem, dev, m.tlb, m.size, 2, 0x20);
      const a = lastRelease.area;
      await emit(m.cpu, `unmap_release: (swiotlb_tbl_unmap_single+0x144/0x1a0) slot=${lastRelease.index} nslots=${lastRelease.nslots} aindex=${pool.areaIndex[a]} aused=${pool.areaUsed[a]}`);
    }
  }
  sink.write(buf);
  sink.end();
  await once(out, 'finish');
  return counter - 1;
}
