/**
 * Whole trace lines: built from the field grammar (header columns in every
 * accepted layout, then an event body with fields missing, duplicated,
 * reordered or of the wrong type), or taken from the oracle captures and
 * mutated (see line-mutate.ts).
 *
 * @module
 */
import type { Rng } from '../rng.js';
import { EVENT_SHAPES, badValue, bodyPrefix, goodValue, type EventShape } from './event-grammar.js';
import { digitRun, randomText } from './strings.js';

const TASKS = ['kworker/u4:0', '<idle>', 'dd', 'cat', 'init', 'a b-c', 'x-1-2', 'kworker/1:1H', 'task[1]', '(tgid)', 'é-ü', ''];
const FLAGS = ['.....', 'd.Z1.', '..Zff', 'dNh2.', 'd....', ''];
const UNKNOWN_NAMES = ['sched_switch', 'map_singl', 'map_single_rett', 'MAP_FOUND', 'dma_map', 'pool2', 'poo', 'a b', 'x', 'dma_map_page_x'];

/**
 * The columns before the event name: `<task>-<pid> [(tgid)] [<cpu>] [flags] <ts>: `.
 *
 * @param rng - Case PRNG.
 * @returns The header text, ending with `: ` (or a broken variant).
 * @remarks Context: any.
 */
export function header(rng: Rng): string {
  const odd = rng.bool(0.25);
  const task = odd && rng.bool(0.3) ? randomText(rng, 12) : rng.pick(TASKS);
  const pid = odd && rng.bool(0.3) ? rng.pick(['', '-1', 'x', digitRun(rng), '9007199254740993']) : String(rng.int(5000));
  const tgid = rng.bool(0.1) ? ` (${rng.bool(0.8) ? rng.int(5000) : '-----'})` : '';
  const cpu = odd && rng.bool(0.3) ? rng.pick(['', 'a', '-1', digitRun(rng), '00000000000000000000000000001']) : String(rng.int(4)).padStart(3, '0');
  const flags = rng.bool(0.85) ? ` ${rng.pick(FLAGS)}` : '';
  const ts = odd && rng.bool(0.4)
    ? rng.pick(['', '1.', '.5', '1..2', '1.2.3', 'x', '-1', digitRun(rng), `${digitRun(rng)}.${digitRun(rng)}`, '1e3'])
    : rng.bool(0.5) ? String(rng.int(1e7)) : `${rng.int(1e5)}.${String(rng.int(1e6)).padStart(6, '0')}`;
  const pad = rng.bool(0.9) ? ' '.repeat(rng.range(1, 12)) : '';
  return `${' '.repeat(rng.int(16))}${task}-${pid}${tgid}${pad}[${cpu}]${flags}${' '.repeat(rng.range(odd ? 0 : 1, 12))}${ts}: `;
}

/** Structural perturbations of a body's `key=value` list. */
function perturb(rng: Rng, fields: string[], shape: EventShape): string[] {
  const out = [...fields];
  const n = rng.small(4);
  for (let k = 0; k < n; k++) {
    const i = rng.int(Math.max(1, out.length));
    rng.weighted<() => void>([
      [3, () => void out.splice(i, 1)],
      [2, () => void out.splice(i, 0, out[rng.int(Math.max(1, out.length))] ?? 'x=1')],
      [2, () => {
        const j = rng.int(Math.max(1, out.length));
        [out[i], out[j]] = [out[j] ?? '', out[i] ?? ''];
      }],
      [1, () => void out.splice(i, 0, rng.pick(['[TRUNCATED]', 'FORCE', 'NORMAL', 'x=1', 'a9999_used=1', 'a2_used=0', 'key=', '=v', '==', randomText(rng, 6)]))],
      [1, () => {
        const f = shape.fields[rng.int(Math.max(1, shape.fields.length))];
        if (f !== undefined) out.splice(i, 0, `${f[0]}=${badValue(rng, f[1])}`);
      }],
      [1, () => void out.reverse()],
    ])();
  }
  return out;
}

/**
 * An event line built from the grammar, right or subtly wrong.
 *
 * @param rng - Case PRNG.
 * @returns The line (no terminator unless the generator chose a CR).
 * @remarks Context: any.
 */
export function grammarLine(rng: Rng): string {
  const shape = rng.pick(EVENT_SHAPES);
  const wrongValues = rng.bool(0.5);
  let fields = shape.fields.map(([k, t]) => `${k}=${wrongValues && rng.bool(0.3) ? badValue(rng, t) : goodValue(rng, t)}`);
  if (shape.name === 'swiotlb_bounced') fields.push(rng.bool(0.9) ? rng.pick(['FORCE', 'NORMAL', 'NO_FORCE']) : rng.pick(['', 'force', 'swiotlb_force=FORCE', 'swiotlb_force=X']));
  if (shape.name === 'pool' && rng.bool(0.3)) {
    const areas = rng.pick([0, 1, 3, 4, 64]);
    fields = fields.filter((f) => !/^a\d+_/.test(f));
    for (let a = 0; a < areas; a++) fields.push(`a${a}_used=${rng.int(100)}`, `a${a}_index=${rng.int(100)}`);
  }
  if (rng.bool(0.4)) fields = perturb(rng, fields, shape);
  const name = rng.bool(0.95) ? shape.name : rng.pick(UNKNOWN_NAMES);
  const sep = rng.weighted([[20, ': '], [2, ':' + ' '.repeat(rng.range(2, 20))], [1, ':'], [1, ' '], [1, '']]);
  const prefix = bodyPrefix(rng, shape);
  const joiner = rng.weighted([[20, ' '], [1, '  '], [1, '\t']]);
  const body = [prefix, ...fields].filter((x) => x !== '').join(joiner);
  const tail = rng.weighted([[20, ''], [1, ' '], [1, '\r'], [1, '\0']]);
  return `${header(rng)}${name}${sep}${body}${tail}`;
}

/**
 * A line that is not an event: blank, comment, LOST, trace-cmd header, or junk.
 *
 * @param rng - Case PRNG.
 * @returns The line.
 * @remarks Context: any.
 */
export function otherLine(rng: Rng): string {
  return rng.weighted<() => string>([
    [2, () => rng.pick(['', ' ', '   ', '#', '# tracer: nop', '\r', '\t'])],
    [2, () => `CPU:${rng.pick(['1', '0', digitRun(rng), ''])} [${rng.pick(['LOST 12 EVENTS', 'LOST EVENTS', '3 EVENTS DROPPED', `LOST ${digitRun(rng)} EVENTS`, 'LOST x EVENTS', 'LOST'])}]`],
    [1, () => rng.pick(['cpus=2', 'version = 6', 'CPU 1 is empty', 'CPU0 is empty', 'trace-cmd: x', 'cpus=', 'cpus=x'])],
    [3, () => randomText(rng, 80)],
    [1, () => `${randomText(rng, 10)} [${rng.int(9)}] ${randomText(rng, 20)}`],
  ])();
}
