import assert from 'node:assert/strict';
import { createSystem, dmaDirectMapPage, dmaDirectUnmapPage, readDebugfs, DMA_FROM_DEVICE } from 'swiotlb-lab';

// Boot Linux 6.12's swiotlb with a 16 MiB pool, forced bouncing, 2 CPUs, real bytes.
const sys = createSystem({
  kernel: '6.12',
  cmdline: 'swiotlb=8192,force',
  cpus: 2,
  memory: 'bytes',
  devices: [{ name: '0000:00:02.0', minAlignMask: 0xfff }], // an NVMe-like device
});
const nvme = sys.device('0000:00:02.0');

// The driver maps a 4 KiB buffer for the device to fill, on CPU 1.
const buf = 0x0123_4a00;
const dma = dmaDirectMapPage(sys.dma, nvme, 1, buf, 4096, DMA_FROM_DEVICE, 0);
assert.equal(dma % 4096, buf % 4096); // min_align_mask keeps the low 12 bits

// The device writes into the bounce buffer; unmap copies it back.
sys.machine.memory.write(dma, new TextEncoder().encode('hello from the device'));
assert.deepEqual(readDebugfs(sys.mem!), { io_tlb_nslabs: 8192, io_tlb_used: 3, io_tlb_used_hiwater: 3, io_tlb_transient_nslabs: 0 });
dmaDirectUnmapPage(sys.dma, nvme, dma, 4096, DMA_FROM_DEVICE, 0);
assert.equal(new TextDecoder().decode(sys.machine.memory.read(buf, 21)), 'hello from the device');

// A mapping larger than 256 KiB can never bounce: the failure is data.
assert.equal(dmaDirectMapPage(sys.dma, nvme, 0, buf, 8 << 20, DMA_FROM_DEVICE, 0), -1);
console.log(sys.dma.lastFailure); // { code: 'too_large', size: 8389120, maxMappingSize: 258048, nslots: 4097 }
console.log(sys.mem!.log.at(-1)); // 0000:00:02.0: swiotlb buffer is full (sz: 8389120 bytes), total 8192 (slots), used 0 (slots)
