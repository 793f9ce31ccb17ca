/**
 * Kernel log lines the dmesg reader (src/lab/explain/dmesg.ts) understands,
 * built with numbers right, huge, hex where decimal is expected and the
 * other way round, plus the lines around them (other subsystems, noise),
 * behind a timestamp that is right, missing or malformed, or a journalctl
 * or printk-level prefix.
 *
 * @module
 */
import type { Rng } from '../rng.js';
import { kernelCmdline } from './cmdline.js';
import { numberText, randomText } from './strings.js';

const DEVICES = ['nvme 0000:00:02.0', 'virtio-pci 0000:00:02.0', 'ahci 0000:00:1f.2', 'i915 0000:00:02.0', 'xhci_hcd 0000:00:14.0', 'nvme', 'swiotlb', 'a b c', '0000:00:02.0', ''];
const NOISE = [
  'Unknown kernel command line parameters "nokaslr", will be passed to user space.',
  'on the kernel command line',
  'PCI: Using configuration type 1 for base access',
  'Memory: 8123456K/8388608K available',
  'random: crng init done',
];

/** A number where the kernel prints a decimal one: mostly realistic, sometimes hex, huge, negative or not a number. */
function num(rng: Rng, typical: () => number): string {
  return rng.weighted<() => string>([[8, () => String(typical())], [3, () => numberText(rng)], [1, () => rng.pick(['-1', '', ' ', 'x', '1.5', '1e3', '0x', 'NaN', 'Infinity', '١'])]])();
}

/**
 * One line's message (without a timestamp).
 *
 * @param rng - Case PRNG.
 * @returns The message.
 * @remarks Context: any.
 */
export function dmesgMessage(rng: Rng): string {
  const slots = (): number => rng.pick([0, 1, 128, 2048, 4096, 8192, 32768, 262144, rng.int(1 << 20)]);
  const size = (): number => rng.pick([1, 2048, 4096, 65536, 221184, 258048, 262144, 262145, 8388608, rng.int(1 << 24)]);
  return rng.weighted<() => string>([
    [3, () => `${rng.pick(['Command line', 'Kernel command line', 'command line', 'kernel command line'])}: ${kernelCmdline(rng)}`],
    [3, () => `software IO TLB: area num ${num(rng, () => rng.pick([0, 1, 2, 4, 64, 1024]))}.`],
    [3, () => `software IO TLB: mapped [mem 0x${rng.int(2 ** 32).toString(16).padStart(16, '0')}-0x${rng.int(2 ** 32).toString(16).padStart(16, '0')}] (${num(rng, () => rng.pick([0, 4, 64, 512, 1024]))}MB)`],
    [1, () => `SWIOTLB bounce buffer size ${rng.pick(['adjusted to', 'roundup to'])} ${num(rng, () => rng.pick([0, 4, 64, 1024]))}MB`],
    [1, () => rng.pick(['Memory encryption is active', 'AMD Memory Encryption Features active: SEV SEV-ES', 'Memory Encryption is active'])],
    [8, () => `${rng.pick(DEVICES)}: swiotlb buffer is full (sz: ${num(rng, size)} bytes), total ${num(rng, slots)} (slots), used ${num(rng, slots)} (slots)`],
    [1, () => `${rng.pick(DEVICES)}: DMA addr 0x${rng.int(2 ** 32).toString(16)}+${num(rng, size)} overflow (mask ${rng.int(2 ** 32).toString(16)}, bus limit 0).`],
    [1, () => rng.pick(['Can not allocate SWIOTLB buffer earlier and can\'t now provide you with the DMA bounce buffer', 'software IO TLB: Cannot allocate buffer', 'software IO TLB: tearing down default memory pool'])],
    [1, () => `${rng.pick(DEVICES)}: ${rng.pick(['Buffer overflow detected', 'Access before mapping'])}: ${num(rng, size)} bytes`],
    [2, () => rng.pick(NOISE)],
    [1, () => randomText(rng, 40)],
  ])();
}

/**
 * The prefix of a line: the usual `[ seconds.micros] `, or one that is missing, malformed or of another tool.
 *
 * @param rng - Case PRNG.
 * @returns The prefix.
 * @remarks Context: any.
 */
export function dmesgPrefix(rng: Rng): string {
  const secs = `${rng.int(100_000)}.${String(rng.int(1_000_000)).padStart(6, '0')}`;
  return rng.weighted<() => string>([
    [10, () => `[${secs.padStart(12)}] `],
    [2, () => ''],
    [1, () => rng.pick([`[${secs}`, `${secs}] `, '[] ', '[ ] ', '[abc] ', '[1] ', '[-1.0] ', '[1e5.0] ', '[ 1.2.3] ', `[${'9'.repeat(40)}.0] `, '[\t1.0]\t'])],
    [1, () => `<${rng.int(8)}>[${secs.padStart(12)}] `],
    [1, () => `Jan 01 00:00:00 host kernel: `],
  ])();
}

/**
 * A whole line: prefix and message.
 *
 * @param rng - Case PRNG.
 * @returns The line (no line ending).
 * @remarks Context: any.
 */
export function dmesgLine(rng: Rng): string {
  return dmesgPrefix(rng) + dmesgMessage(rng);
}
