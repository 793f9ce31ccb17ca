/**
 * Real captures turned into the captures users make: cut where mappings are
 * live (a capture that starts mid-life), and stripped of the oracle's
 * in-lock probes (what the capture script records).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BUILTIN_TRACES } from '../../src/cli/replay-command.js';

/**
 * The lines of a bundled capture.
 *
 * @param name - Capture folder.
 * @returns Its trace's lines.
 */
export function fixtureLines(name: string): string[] {
  return gunzipSync(readFileSync(join(BUILTIN_TRACES, name, 'trace.txt.gz'))).toString('utf8').split('\n');
}

/**
 * Drop the in-lock events (map_found, map_area_full, unmap_release).
 *
 * @param lines - Trace lines.
 * @returns The lines an entry capture would have.
 */
export function withoutInLock(lines: string[]): string[] {
  return lines.filter((l) => !/ (map_found|map_area_full|unmap_release): /.test(l));
}

/**
 * The kernel's area state and the calls in progress, followed line by line
 * through a capture with in-lock probes (each area's last in-lock event
 * prints its index and used after the operation).
 */
class KernelAreas {
  readonly used: number[];
  readonly index: number[];
  readonly #pending = new Map<string, number>();
  /** Mappings live (found and not yet released). */
  live = 0;

  constructor(
    nareas: number,
    readonly areaNslabs: number,
  ) {
    this.used = new Array<number>(nareas).fill(0);
    this.index = new Array<number>(nareas).fill(0);
  }

  /** Follow one line; returns whether it is a map_found. */
  take(l: string): boolean {
    const cpu = /\[(\d+)\]/.exec(l)?.[1] ?? '';
    const depth = this.#pending.get(cpu) ?? 0;
    if (/ (map_single|unmap_single): /.test(l)) this.#pending.set(cpu, depth + 1);
    else if (/ (map_single_ret|unmap_release): /.test(l)) this.#pending.set(cpu, depth - 1);
    const found = /map_found: .* area=(\d+) slot=\d+ nslots=(\d+) aindex=(\d+) aused=(\d+)/.exec(l);
    const released = /unmap_release: .* slot=(\d+) nslots=(\d+) aindex=(\d+) aused=(\d+)/.exec(l);
    if (found !== null) {
      this.index[+found[1]!] = +found[3]!;
      this.used[+found[1]!] = +found[4]!;
      this.live++;
    } else if (released !== null) {
      const a = Math.floor(+released[1]! / this.areaNslabs);
      this.index[a] = +released[3]!;
      this.used[a] = +released[4]!;
      this.live--;
    }
    return found !== null;
  }

  /** Calls entered and not yet returned or released, over all CPUs. */
  inFlight(): number {
    let n = 0;
    for (const d of this.#pending.values()) n += d;
    return n;
  }

  /** A pool line like `template` with this state. */
  poolLine(template: string): string {
    let pool = template;
    for (let a = 0; a < this.used.length; a++) pool = pool.replace(new RegExp(`a${a}_used=\\d+ a${a}_index=\\d+`), `a${a}_used=${this.used[a]} a${a}_index=${this.index[a]}`);
    return pool;
  }
}

/**
 * A capture that starts mid-life, made from a real one: cut it where no call
 * is in progress but mappings are live, and start the rest with a pool line
 * of the kernel's area state at that point.
 */
export function cutMidLife(lines: string[], nareas: number, areaNslabs: number, minLive: number, startWithUnmap = false): { text: string; live: number } {
  const header = lines.filter((l) => l.startsWith('#'));
  const firstPool = lines.find((l) => l.includes(' pool: '))!;
  const k = new KernelAreas(nareas, areaNslabs);
  let seenPool = false;
  // nextCallIsUnmap[i]: the first map_single or unmap_single at line i or after is an unmap.
  const nextCallIsUnmap = new Uint8Array(lines.length + 1);
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    nextCallIsUnmap[i] = l.includes(' unmap_single: ') ? 1 : l.includes(' map_single: ') ? 0 : nextCallIsUnmap[i + 1]!;
  }
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('#')) continue;
    k.take(l);
    if (l.includes(' pool: ')) seenPool = true;
    // With startWithUnmap, the rest must begin with an unmap (a call in flight when the capture starts is not).
    if (seenPool && k.inFlight() === 0 && k.live >= minLive && i > lines.length / 3 && (!startWithUnmap || nextCallIsUnmap[i + 1] === 1)) {
      return { text: [...header, k.poolLine(firstPool), ...lines.slice(i + 1)].join('\n'), live: k.live };
    }
  }
  throw new Error('no idle point with live mappings');
}

/**
 * A capture that starts with DMA in flight, made from a real one, as the
 * capture script records it under load: the lines before its pool read stay
 * (a lead-in), and the pool line (the kernel's area state there) comes while
 * one map is in flight and mappings are live. With `placed`, the map has
 * taken its slots (the line follows its map_found); without, it has only
 * entered (the line follows its entry).
 *
 * @returns The trace, and the line of its pool line.
 */
export function cutInFlight(lines: string[], nareas: number, areaNslabs: number, placed: boolean): { text: string; poolLine: number } {
  const header = lines.filter((l) => l.startsWith('#'));
  const body = lines.filter((l) => !l.startsWith('#') && !l.includes(' pool: '));
  const firstPool = lines.find((l) => l.includes(' pool: '))!;
  const k = new KernelAreas(nareas, areaNslabs);
  for (let i = 0; i < body.length; i++) {
    const l = body[i]!;
    const found = k.take(l);
    const at = placed ? found : / map_single: /.test(l);
    if (at && k.inFlight() === 1 && k.live >= 8 && i > body.length / 3) {
      return { text: [...header, ...body.slice(0, i + 1), k.poolLine(firstPool), ...body.slice(i + 1)].join('\n'), poolLine: header.length + i + 2 };
    }
  }
  throw new Error('no point with one map in flight and live mappings');
}
