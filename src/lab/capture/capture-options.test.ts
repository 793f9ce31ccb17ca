import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAPTURE_BOUNDS, CAPTURE_MAX_TEXT, validateCaptureOptions } from './capture-options.js';
import { InputError } from '../../util/errors.js';

test('validateCaptureOptions fills in 30 s, 8192 KiB, ./swiotlb-trace.txt, auto and no command', () => {
  assert.deepEqual(validateCaptureOptions({}), { seconds: 30, bufferKb: 8192, out: './swiotlb-trace.txt', mode: 'auto', command: null });
});

test('validateCaptureOptions accepts both ends of each range and rejects one past them', () => {
  const s = CAPTURE_BOUNDS.seconds;
  const b = CAPTURE_BOUNDS.bufferKb;
  assert.equal(validateCaptureOptions({ seconds: s.min }).seconds, 1);
  assert.equal(validateCaptureOptions({ seconds: s.max }).seconds, 86_400);
  assert.equal(validateCaptureOptions({ bufferKb: b.min }).bufferKb, 64);
  assert.equal(validateCaptureOptions({ bufferKb: b.max }).bufferKb, 1_048_576);
  for (const bad of [{ seconds: 0 }, { seconds: s.max + 1 }, { seconds: 1.5 }, { bufferKb: b.min - 1 }, { bufferKb: b.max + 1 }, { bufferKb: NaN }]) {
    assert.throws(() => validateCaptureOptions(bad), InputError, JSON.stringify(bad));
  }
});

test('validateCaptureOptions names the option, the value and the range in its message', () => {
  assert.throws(() => validateCaptureOptions({ seconds: 0 }), { code: 'bad_option', message: 'Cannot use --seconds 0: expected a whole number of seconds from 1 to 86400' });
  assert.throws(() => validateCaptureOptions({ mode: 'ebpf' }), { message: "Cannot use --mode 'ebpf': expected one of auto, dma-events, kprobes, bounced" });
});

test('validateCaptureOptions rejects empty, over-long, NUL, multi-line and directory paths and empty commands', () => {
  for (const out of ['', 'a\nb', 'a\rb', 'dir/', 'x\0y', 'p'.repeat(CAPTURE_MAX_TEXT + 1)]) {
    assert.throws(() => validateCaptureOptions({ out }), InputError, JSON.stringify(out));
  }
  assert.throws(() => validateCaptureOptions({ command: '' }), InputError);
  assert.throws(() => validateCaptureOptions({ command: 'c'.repeat(CAPTURE_MAX_TEXT + 1) }), InputError);
});

test('validateCaptureOptions keeps quotes, $(...) and backquotes in --out and --command as text', () => {
  const nasty = "it's $(touch x) `id` \"q\" ;rm";
  const o = validateCaptureOptions({ out: `${nasty}.txt`, command: `${nasty}\nsecond line` });
  assert.equal(o.out, `${nasty}.txt`);
  assert.equal(o.command, `${nasty}\nsecond line`);
});
