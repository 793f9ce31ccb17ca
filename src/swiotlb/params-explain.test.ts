import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainKernelCmdline, explainSwiotlbParams } from './params-explain.js';
import { formatParamFindings } from './params-findings.js';
import type { ParamFinding } from './params-findings.js';
import { parseSwiotlbParams } from './params.js';

function explain(cmdline: string, possibleCpus?: number): ParamFinding[] {
  return explainKernelCmdline(cmdline, possibleCpus === undefined ? {} : { possibleCpus }).findings;
}

function codes(findings: ParamFinding[]): string[] {
  return findings.map((f) => f.code);
}

function find(findings: ParamFinding[], code: string): ParamFinding {
  const f = findings.find((x) => x.code === code);
  assert.ok(f, `expected a finding ${code} in ${codes(findings).join(', ')}`);
  return f;
}

test('explainSwiotlbParams() says why force,32768 was ignored and how to write it', () => {
  const f = find(explain('swiotlb=force,32768'), 'ignored_remainder');
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /^'force,32768' was ignored: after the numbers the rest must be exactly 'force' or 'noforce'/);
  assert.match(f.message, /numbers after a keyword are never parsed/);
  assert.match(f.message, /swiotlb=32768,force/);
  assert.equal(f.param, 'swiotlb=force,32768');
});

test('explainSwiotlbParams() reports the 128-slot rounding and the power-of-two rounding at boot', () => {
  const fs = explain('swiotlb=1000');
  assert.equal(find(fs, 'rounded_slabs').message, '1000 slots rounded up to 1024 (a multiple of 128)');
  assert.match(find(fs, 'init_rounding').message, /1024 slots stay 1024 with up to 8 CPUs/);
  const cpus = explain('swiotlb=3000', 32);
  assert.match(find(cpus, 'init_rounding').message, /32 possible CPUs the pool has 32 areas and 4096 slots \(8 MiB\)/);
});

test('explainSwiotlbParams() explains 09 as octal 0 followed by 9 areas rounded to 16', () => {
  const fs = explain('swiotlb=09');
  assert.match(find(fs, 'octal_number').message, /octal: only '0' was read/);
  assert.match(find(fs, 'area_without_comma').message, /'9' was taken as the area count/);
  assert.equal(find(fs, 'area_rounded').message, '9 areas rounded up to 16 (a power of two)');
  assert.match(find(fs, 'slabs_rounded_for_areas').message, /from 0 to 2048 slots \(4 MiB\)/);
});

test('explainSwiotlbParams() warns that swiotlb=0 does not disable', () => {
  const f = find(explain('swiotlb=0'), 'zero_slabs');
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /does not disable swiotlb.*only 'noforce' disables it/);
  assert.match(find(explain('swiotlb=0', 4), 'init_rounding').message, /4 areas and 512 slots \(1 MiB\)/);
});

test('explainSwiotlbParams() warns that force and noforce together mean no swiotlb', () => {
  const fs = explain('swiotlb=force quiet swiotlb=noforce');
  const f = find(fs, 'force_and_noforce');
  assert.equal(f.occurrence, null);
  assert.match(f.message, /no swiotlb at all/);
  assert.deepEqual(codes(fs).slice(0, 2), ['force', 'noforce']);
  assert.equal(codes(fs).includes('init_rounding'), false);
});

test('explainSwiotlbParams() flags Force as case-sensitive', () => {
  assert.equal(find(explain('swiotlb=Force'), 'keyword_case').message, "'Force' was ignored: keywords are case-sensitive (write 'force')");
  assert.equal(find(explain('swiotlb=NOFORCE'), 'keyword_case').severity, 'warning');
});

test('explainSwiotlbParams() explains hex, octal and a hex prefix without digits', () => {
  assert.match(find(explain('swiotlb=0x8000'), 'hex_number').message, /hexadecimal: slot count 32768/);
  assert.match(find(explain('swiotlb=010'), 'octal_number').message, /octal: slot count 8, not 10/);
  const fs = explain('swiotlb=0x');
  assert.match(find(fs, 'incomplete_hex').message, /'0x' is not followed by a hex digit/);
  assert.match(find(fs, 'ignored_remainder').message, /^'x' was ignored/);
});

test('explainSwiotlbParams() covers commas, extra numbers and overrides', () => {
  assert.match(find(explain('swiotlb=,8'), 'areas_only').message, /only the area count is set/);
  assert.match(find(explain('swiotlb=,,,force'), 'ignored_remainder').message, /only one comma is skipped/);
  assert.match(find(explain('swiotlb=1,2,3'), 'ignored_remainder').message, /at most two numbers/);
  const o = find(explain('swiotlb=1000 swiotlb=4096'), 'slabs_overridden');
  assert.equal(o.occurrence, 1);
  assert.match(o.message, /1024/);
  assert.equal(codes(explain('swiotlb=32768,4,force')).includes('ignored_remainder'), false);
});

test('explainSwiotlbParams() covers area truncation, overflow and 0 areas', () => {
  assert.match(find(explain('swiotlb=,4294967297'), 'area_truncated').message, /truncated to 1/);
  assert.match(find(explain('swiotlb=,2147483649'), 'area_overflow').message, /stays unset/);
  assert.equal(find(explain('swiotlb=,0'), 'area_zero').message, '0 areas means 1 area');
  assert.match(find(explain('swiotlb=99999999999999999999'), 'number_overflow').message, /wrapped around/);
});

test('explainSwiotlbParams() notes an explicit default size, a bare word and no parameter', () => {
  assert.match(find(explain('swiotlb=32768'), 'default_size_explicit').message, /cannot tell it was given/);
  assert.equal(find(explain('swiotlb'), 'no_value').severity, 'warning');
  assert.equal(find(explain('swiotlb='), 'empty_value').severity, 'warning');
  assert.deepEqual(codes(explain('root=/dev/sda')), ['no_parameter']);
});

test('explainSwiotlbParams() reports undefined behaviour above 2^63', () => {
  const fs = explain('swiotlb=0xC000000000000000,1');
  assert.equal(find(fs, 'undefined_behaviour').severity, 'warning');
  assert.equal(find(fs, 'slabs_rounded_for_areas').severity, 'warning');
});

test('explainSwiotlbParams() explains v2 options only with dynamicOption', () => {
  const r = parseSwiotlbParams('32768,dynamic,bogus', { dynamicOption: true });
  const fs = explainSwiotlbParams(r, { dynamicOption: true });
  assert.deepEqual(codes(fs).filter((c) => c === 'dynamic' || c === 'invalid_option'), ['dynamic', 'invalid_option']);
  assert.match(find(fs, 'invalid_option').message, /Invalid swiotlb option: bogus/);
});

test('formatParamFindings() groups findings per parameter word, then overall', () => {
  const text = formatParamFindings(explain('swiotlb=1000 swiotlb=Force'));
  assert.deepEqual(text.split('\n').filter((l) => !l.startsWith('  ')), ['swiotlb=1000', 'swiotlb=Force', 'overall']);
  assert.match(text, /^ {2}warning: 'Force' was ignored/m);
});

test('explainKernelCmdline() with the high pool grammar explains the third number, its base and rounding', () => {
  const f = explainKernelCmdline('swiotlb=4096,4,0x2ff01', { highPoolOption: true }).findings;
  assert.match(find(f, 'hex_number').message, /high pool slot count 196353/);
  assert.match(find(f, 'rounded_high_slabs').message, /196353 high pool slots rounded up to 196480/);
  assert.match(find(f, 'high_slabs').message, /extra 64-bit pool's size \(the RFC's grammar\): 196480 slots \(383\.75 MiB\)/);
  assert.ok(!codes(f).includes('ignored_remainder'));
  assert.match(find(explainKernelCmdline('swiotlb=4096,4,0', { highPoolOption: true }).findings, 'no_high_pool').message, /means no high pool/);
  // Mainline reads at most two numbers.
  assert.match(find(explain('swiotlb=4096,4,0x2ff01'), 'ignored_remainder').message, /at most two numbers are read/);
});
