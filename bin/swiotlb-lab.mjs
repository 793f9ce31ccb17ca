#!/usr/bin/env node
// Entry point of the swiotlb-lab command: loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
// A larger inlining budget for the simulation's call chains (src/util/jit.ts), set before any of its code is hot.
const { tuneJit } = await import('../src/util/jit.ts');
tuneJit();
// No SIGINT handler: runs are synchronous, so Node's default (exit at once, status 130) is what a user wants;
// output files are renamed into place only when complete (src/util/atomic-write.ts), so a target is never
// half-written (a kill inside the brief final write can leave only a `<target>.tmp-<pid>` file beside it).
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
