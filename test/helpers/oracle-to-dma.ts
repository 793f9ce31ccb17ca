/**
 * Turn an oracle kprobe trace into the dma:* events a 6.12 kernel would have
 * written for the same calls (test helper): map at the return, unmap and sync
 * by address, swiotlb_bounced kept.
 *
 * @module
 */
const DIRS = ['BIDIRECTIONAL', 'TO_DEVICE', 'FROM_DEVICE', 'NONE'];

/**
 * Convert oracle trace text to dma:* trace text.
 *
 * @param text - Oracle trace (plain text).
 * @returns ftrace text with dma:* events.
 */
export function oracleToDmaEvents(text: string): string {
  const out: string[] = ['# tracer: nop'];
  const pending = new Map<string, Record<string, string>[]>();
  let n = 1;
  for (const line of text.split('\n')) {
    const m = /^(\s*.+?-\d+\s+\[(\d+)\]\s+\S+\s+)\d+: (\w+): (.*)$/.exec(line);
    if (!m) continue;
    const [, head, cpu, ev, body] = m;
    const f: Record<string, string> = {};
    for (const kv of body!.matchAll(/(\w+)=("[^"]*"|\S+)/g)) f[kv[1]!] = kv[2]!.replace(/^"|"$/g, '');
    const h = head!.replace(/\s*$/, ' ');
    const st = pending.get(cpu!) ?? [];
    pending.set(cpu!, st);
    const hex = (v: string) => BigInt(v).toString(16);
    if (ev === 'swiotlb_bounced') out.push(`${h}${n++}: swiotlb_bounced: ${body}`);
    else if (ev === 'map_single') st.push(f);
    else if (ev === 'map_single_ret') {
      const a = st.pop()!;
      out.push(`${h}${n++}: dma_map_page: ${a.name} dir=${DIRS[Number(a.dir)]} dma_addr=${hex(f.ret!)} size=${a.msz} phys_addr=${hex(a.orig!)} attrs=${a.attrs === '0x100' ? 'NO_WARN' : ''}`);
    } else if (ev === 'unmap_single') {
      out.push(`${h}${n++}: dma_unmap_page: ${f.name} dir=${DIRS[Number(f.dir)]} dma_addr=${hex(f.tlb!)} size=${f.msz} attrs=`);
    } else if (ev === 'sync_for_cpu') {
      out.push(`${h}${n++}: dma_sync_single_for_cpu: ${f.name} dir=${DIRS[Number(f.dir)]} dma_addr=${hex(f.tlb!)} size=${f.size}`);
    }
  }
  return `${out.join('\n')}\n`;
}
