/**
 * `swiotlb-lab params <cmdline>`: what a `swiotlb=` setting actually does
 * (the kernel parses it silently) and the pool it gives at boot.
 *
 * @module
 */
import { Command, Option } from 'commander';
import { explainKernelCmdline } from '../swiotlb/params-explain.js';
import { formatParamFindings } from '../swiotlb/params-findings.js';
import { computeBootPool } from '../swiotlb/sizing.js';
import { getProfile, PROFILES } from '../swiotlb/profiles.js';
import { parsePositiveIntOption } from './options.js';
import { parseSize } from './size-option.js';
import { explainDmesg, formatDmesg } from '../lab/explain/dmesg.js';

/**
 * Add the params command to a program.
 *
 * @param program - The root command.
 * @remarks Context: process context.
 */
export function registerParams(program: Command): void {
  program
    .command('params')
    .description("explain what a kernel command line's swiotlb= words actually do, and the pool they give at boot")
    .argument('<cmdline...>', "kernel command line or just 'swiotlb=...' (quote it)")
    .addOption(new Option('--kernel <version>', 'kernel profile').choices([...PROFILES.keys()]).default('6.12'))
    .option('--cpus <n>', 'possible CPUs', (v) => parsePositiveIntOption(v, '--cpus'), 4)
    .option('--ram <size>', 'RAM, e.g. 8G or 2048M', (v) => parseSize(v, '--ram'), 4 * 1024 ** 3)
    .option('--confidential', 'a confidential VM (SEV/TDX): 6 % of RAM, forced bouncing')
    .addOption(new Option('--arch <arch>', 'architecture sizing rules').choices(['x86', 'arm64']).default('x86'))
    .addOption(
      new Option('--grammar <name>', "how swiotlb= is read: 'kernel' (mainline), 'dynamic' (the 2023 v2 series' option list), 'highmem' (the 64-bit pool RFC: a third number sizes the high pool)")
        .choices(['kernel', 'dynamic', 'highmem'])
        .default('kernel'),
    )
    .option('--json', 'print one JSON document')
    .action((words: string[], o: { kernel: string; cpus: number; ram: number; confidential?: boolean; arch: 'x86' | 'arm64'; grammar: 'kernel' | 'dynamic' | 'highmem'; json?: boolean }) => {
      const cmdline = words.join(' ');
      const profile = getProfile(o.kernel);
      const grammar = { dynamicOption: o.grammar === 'dynamic', highPoolOption: o.grammar === 'highmem' };
      const { findings } = explainKernelCmdline(cmdline, { possibleCpus: o.cpus, ...grammar });
      const boot = computeBootPool({
        cmdline,
        possibleCpus: o.cpus,
        ramBytes: o.ram,
        arch: o.arch,
        confidentialVm: o.confidential === true,
        limitNareas: profile.limitNareas,
        halvingOnMemblockFailure: profile.halvingOnMemblockFailure,
        forceBounceBeforeAlloc: profile.forceBounceBeforeAlloc,
        ...grammar,
      });
      if (o.json === true) {
        process.stdout.write(`${JSON.stringify({ schemaVersion: 1, cmdline, kernel: profile.name, cpus: o.cpus, ramBytes: o.ram, findings, boot }, null, 2)}\n`);
        return;
      }
      const out = [formatParamFindings(findings).trimEnd(), ''];
      out.push(`at boot (kernel ${profile.name}, ${o.cpus} CPUs, ${o.ram / 1024 ** 3} GiB RAM${o.confidential === true ? ', confidential VM' : ''}):`);
      if (boot.outcome === 'allocated') {
        out.push(`  pool ${boot.nslabs} slots (${boot.bytes / 1024 ** 2} MiB), ${boot.nareas} areas of ${boot.areaNslabs} slots, ${boot.forceBounce ? 'every mapping bounces (force)' : 'bounces only what a device cannot reach'}`);
      } else out.push(`  no pool: ${boot.outcome.replace(/_/g, ' ')}`);
      if (boot.highNslabs > 0) out.push(`  high pool ${boot.highNslabs} slots (${boot.highNslabs * 2048 / 1024 ** 2} MiB) for devices whose DMA mask reaches above 4 GiB`);
      for (const l of boot.logLines) out.push(`  dmesg: ${l}`);
      process.stdout.write(`${out.join('\n')}\n`);
    });
}

/**
 * Add the explain command (kernel logs) to a program.
 *
 * @param program - The root command.
 * @remarks Context: process context.
 */
export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('read a kernel log (dmesg) and say what swiotlb did and why each "swiotlb buffer is full" happened')
    .argument('<dmesg>', 'a file with kernel log lines (dmesg, journalctl -k, a console log)')
    .option('--json', 'print one JSON document')
    .action(async (file: string, o: { json?: boolean }) => {
      const r = await explainDmesg(file);
      process.stdout.write(o.json === true ? `${JSON.stringify(r, null, 2)}\n` : formatDmesg(r));
    });
}
