/**
 * Checks on what the trace reader returns for a line it accepted: the event
 * is complete and its numbers are real numbers (no NaN or Infinity, no
 * fractional CPU, no line number other than the one given). Integers above
 * 2^53 are accepted where the kernel prints 64-bit counts (only inexact).
 *
 * @module
 */
import type { ParsedTraceLine, TraceEvent } from '../../src/lab/trace/index.js';
import { TRACE_EVENT_KINDS } from '../../src/lab/trace/index.js';
import { violation, type Outcome } from '../outcome.js';

const KINDS = new Set<string>(TRACE_EVENT_KINDS);

/** The first property holding NaN (or a non-number where arrays of numbers are expected). */
function nanField(ev: TraceEvent): string | null {
  for (const [k, v] of Object.entries(ev)) {
    if (typeof v === 'number' && Number.isNaN(v)) return k;
    if (Array.isArray(v)) {
      const items = v as unknown[];
      for (let i = 0; i < items.length; i++) {
        const x = items[i];
        if (typeof x !== 'number' || Number.isNaN(x)) return `${k}[${i}]`;
      }
    }
  }
  return null;
}

/**
 * Check one parsed event.
 *
 * @param ev - The event.
 * @param lineNo - The line number it was parsed with.
 * @returns A violation, or null when it is sound.
 * @remarks Context: any.
 */
export function checkEvent(ev: TraceEvent, lineNo: number): Outcome | null {
  if (!KINDS.has(ev.kind)) return violation('event_kind', `unknown kind ${ev.kind}`);
  if (ev.line !== lineNo) return violation('event_line', `${ev.kind}: line ${ev.line}, expected ${lineNo}`);
  if (!Number.isInteger(ev.cpu) || ev.cpu < 0) return violation('event_cpu', `${ev.kind}: cpu ${ev.cpu}`);
  if (!Number.isSafeInteger(ev.pid) || ev.pid < 0) return violation('event_pid', `${ev.kind}: pid ${ev.pid}`);
  if (!Number.isFinite(ev.ts) || ev.ts < 0) return violation('event_ts', `${ev.kind}: ts ${ev.ts}`);
  if (typeof ev.task !== 'string') return violation('event_task', `${ev.kind}: task ${String(ev.task)}`);
  const nan = nanField(ev);
  if (nan !== null) return violation('event_nan', `${ev.kind}.${nan} is not a number`);
  return null;
}

/**
 * Check the result of parseTraceLine().
 *
 * @param r - The result.
 * @param lineNo - The line number given.
 * @returns A violation, or null.
 * @remarks Context: any.
 */
export function checkParsedLine(r: ParsedTraceLine, lineNo: number): Outcome | null {
  switch (r.type) {
    case 'event':
      return checkEvent(r.event, lineNo);
    case 'lost':
      if (!Number.isInteger(r.cpu) || r.cpu < 0) return violation('lost_cpu', `cpu ${r.cpu}`);
      if (r.count !== null && (!Number.isInteger(r.count) || r.count < 0)) return violation('lost_count', `count ${r.count}`);
      return null;
    case 'unknown':
      return r.name === '' ? violation('unknown_empty_name', 'unknown event with an empty name') : null;
    default:
      return null;
  }
}
