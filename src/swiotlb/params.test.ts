import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSwiotlbParams, applySwiotlbParam, defaultsFromParse } from './params.js';
import { createSwiotlbDefaults } from './sizing-defaults.js';

const P = 'software IO TLB: ';

function parse(value: string | string[]) {
  return parseSwiotlbParams(value);
}

test('parseSwiotlbParams() takes a decimal slab count as is when a multiple of 128', () => {
  const r = parse('65536');
  assert.equal(r.state.defaultNslabs, 65536);
  assert.equal(r.state.defaultNareas, 0);
  assert.deepEqual(r.logLines, []);
});

test('parseSwiotlbParams() aligns the slab count up to 128 (1000 -> 1024)', () => {
  assert.equal(parse('1000').state.defaultNslabs, 1024);
  assert.equal(parse('3000').state.defaultNslabs, 3072);
});

test('parseSwiotlbParams() auto-detects hex and octal like simple_strtoul', () => {
  assert.equal(parse('0x8000').state.defaultNslabs, 32768);
  assert.equal(parse('0X8000').state.defaultNslabs, 32768);
  assert.equal(parse('0xfF80').state.defaultNslabs, 65408);
  const oct = parse('010');
  assert.equal(oct.occurrences[0]?.slabs?.value, 8);
  assert.equal(oct.occurrences[0]?.slabs?.base, 8);
  assert.equal(oct.state.defaultNslabs, 128);
});

test('parseSwiotlbParams() sets only the area count for ,8', () => {
  const r = parse(',8');
  assert.equal(r.state.defaultNslabs, 32768);
  assert.equal(r.state.defaultNareas, 8);
  assert.deepEqual(r.logLines, [`${P}area num 8.`]);
});

test('parseSwiotlbParams() rounds the area count up to a power of two at parse time (16384,3 -> 4)', () => {
  const r = parse('16384,3');
  assert.equal(r.state.defaultNslabs, 16384);
  assert.equal(r.state.defaultNareas, 4);
  assert.deepEqual(r.logLines, [`${P}area num 4.`]);
});

test('parseSwiotlbParams() rounds the slab count when the area count is given (1000,2)', () => {
  const r = parse('1000,2');
  assert.equal(r.state.defaultNslabs, 1024);
  const r2 = parse('3000,1');
  assert.equal(r2.state.defaultNslabs, 4096);
  assert.deepEqual(r2.logLines, [`${P}area num 1.`, `${P}SWIOTLB bounce buffer size roundup to 8MB`]);
});

test('parseSwiotlbParams() accepts force with or without commas after the numbers', () => {
  for (const v of ['32768force', '32768,4,force', '32768,,force', 'force', ',force', ',,force']) {
    const r = parse(v);
    assert.equal(r.state.forceBounce, true, v);
    assert.equal(r.state.defaultNslabs, 32768, v);
  }
  assert.equal(parse('32768,4,force').state.defaultNareas, 4);
});

test('parseSwiotlbParams() ignores anything that is not exactly force or noforce', () => {
  for (const v of ['force,32768', 'force,', 'Force', 'FORCE', 'abc', ',,,force', 'force ', 'noforce,1']) {
    const r = parse(v);
    assert.equal(r.state.forceBounce, false, v);
    assert.equal(r.state.forceDisable, false, v);
    assert.equal(r.state.defaultNslabs, 32768, v);
    assert.deepEqual(r.logLines, [], v);
  }
  assert.equal(parse('force,32768').occurrences[0]?.remainder, 'force,32768');
});

test('parseSwiotlbParams() reads 0x without a hex digit as octal 0 and ignores the x', () => {
  const r = parse('0x');
  assert.equal(r.state.defaultNslabs, 0);
  assert.equal(r.occurrences[0]?.slabs?.base, 8);
  assert.equal(r.occurrences[0]?.remainder, 'x');
  assert.equal(parse('0xg').state.defaultNslabs, 0);
});

test('parseSwiotlbParams() reads 09 as octal 0 then 9 as the area count (16 areas)', () => {
  const r = parse('09');
  assert.equal(r.state.defaultNareas, 16);
  assert.equal(r.occurrences[0]?.slabs?.text, '0');
  assert.equal(r.occurrences[0]?.areas?.text, '9');
  assert.equal(r.occurrences[0]?.firstComma, false);
  assert.equal(r.state.defaultNslabs, 2048);
  assert.deepEqual(r.logLines, [`${P}area num 16.`, `${P}SWIOTLB bounce buffer size roundup to 4MB`]);
});

test('parseSwiotlbParams() accumulates occurrences: force then noforce sets both flags', () => {
  const r = parse(['force', 'noforce']);
  assert.equal(r.state.forceBounce, true);
  assert.equal(r.state.forceDisable, true);
  assert.equal(r.occurrences.length, 2);
  const later = parse(['1000', '4096']);
  assert.equal(later.state.defaultNslabs, 4096);
});

test('parseSwiotlbParams() keeps 0 slabs (swiotlb=0 does not disable)', () => {
  const r = parse('0');
  assert.equal(r.state.defaultNslabs, 0);
  assert.equal(r.state.forceDisable, false);
});

test('parseSwiotlbParams() wraps 64-bit overflow silently', () => {
  const max = parse('18446744073709551615');
  assert.equal(max.occurrences[0]?.slabs?.overflowed, false);
  assert.equal(max.state.defaultNslabs, 0); // ALIGN wraps past 2^64
  const over = parse('18446744073709551616');
  assert.equal(over.occurrences[0]?.slabs?.overflowed, true);
  assert.equal(over.occurrences[0]?.slabs?.valueText, '0');
  assert.equal(parse('18446744073709551744').state.defaultNslabs, 128); // 2^64 + 128
});

test('parseSwiotlbParams() truncates the area count to unsigned int', () => {
  assert.equal(parse(',4294967297').state.defaultNareas, 1);
  const neg = parse('1,2147483648');
  assert.deepEqual(neg.logLines, [`${P}area num -2147483648.`, `${P}SWIOTLB bounce buffer size roundup to 536870912MB`]);
  const zero = parse(',2147483649'); // rounds up to 2^32, which truncates to 0
  assert.equal(zero.state.defaultNareas, 0);
  assert.deepEqual(zero.logLines, [`${P}area num 0.`]);
});

test('parseSwiotlbParams() flags roundup_pow_of_two() of a count above 2^63 as undefined behaviour', () => {
  const r = parse('0xC000000000000000,1');
  assert.equal(r.state.undefinedBehaviour, true);
  assert.equal(r.state.defaultNslabs, 1);
  // 2^63 + 128 is held as the double 2^63 (documented precision limit): no rounding, no UB.
  const near = parse('0x8000000000000080,1');
  assert.equal(near.state.defaultNslabs, 2 ** 63);
  assert.equal(near.state.undefinedBehaviour, false);
  assert.equal(parse('0xFFFFFFFFFFFFFF00').state.defaultNslabs, 2 ** 64 - 2048);
});

test('parseSwiotlbParams() stops at a NUL and treats non-ASCII text as non-digits', () => {
  assert.equal(parse('force\u0000junk').state.forceBounce, true);
  assert.equal(parse('\u0663\u0662').state.defaultNslabs, 32768);
  assert.equal(parse('12\u00e9').occurrences[0]?.remainder, '\u00e9');
});

test('parseSwiotlbParams() with dynamicOption splits the rest into options', () => {
  const r = parseSwiotlbParams('32768,force,dynamic', { dynamicOption: true });
  assert.equal(r.state.forceBounce, true);
  assert.equal(r.state.dynamic, true);
  assert.deepEqual(r.logLines, []);
  const bad = parseSwiotlbParams('force,32768,,Dyn', { dynamicOption: true });
  assert.equal(bad.state.forceBounce, true);
  assert.deepEqual(bad.logLines, [
    `${P}Invalid swiotlb option: 32768`,
    `${P}Invalid swiotlb option: `,
    `${P}Invalid swiotlb option: Dyn`,
  ]);
  assert.deepEqual(parseSwiotlbParams('force,', { dynamicOption: true }).logLines, []);
  assert.equal(parseSwiotlbParams('dynamic').state.dynamic, false);
});

test('applySwiotlbParam() leaves the state alone for a bare swiotlb (NULL value)', () => {
  const d = createSwiotlbDefaults();
  const occ = applySwiotlbParam(d, null);
  assert.equal(occ.value, null);
  assert.deepEqual(occ.after, occ.before);
});

test('defaultsFromParse() returns an independent copy with the parse log', () => {
  const r = parse('09');
  const d = defaultsFromParse(r);
  d.log.push('x');
  assert.equal(r.logLines.length, 2);
  assert.equal(d.defaultNareas, 16);
});

test('the 64-bit pool RFC grammar reads a third number as the high pool slot count; mainline ignores it', () => {
  const hi = parseSwiotlbParams('4096,4,3145728,force', { highPoolOption: true });
  assert.equal(hi.state.defaultNslabs, 4096);
  assert.equal(hi.state.defaultNareas, 4);
  assert.equal(hi.state.highNslabs, 3145728);
  assert.equal(hi.state.forceBounce, true);
  assert.equal(hi.occurrences[0]!.thirdComma, true);
  // No area count: two commas; the size rounds up to 128 slots like the low pool's.
  const noAreas = parseSwiotlbParams('4096,,1000', { highPoolOption: true });
  assert.equal(noAreas.state.highNslabs, 1024);
  assert.equal(noAreas.occurrences[0]!.areas, null);
  assert.equal(parseSwiotlbParams('0x10000,2,0x300000', { highPoolOption: true }).state.highNslabs, 0x300000);
  // The last swiotlb= wins, and one without a third number leaves the high size as it was.
  assert.equal(parseSwiotlbParams(['4096,4,8192', '2048'], { highPoolOption: true }).state.highNslabs, 8192);
  // Mainline: after two numbers the rest must be exactly force or noforce, so all of it is ignored.
  const kernel = parseSwiotlbParams('4096,4,3145728,force');
  assert.equal(kernel.state.highNslabs, 0);
  assert.equal(kernel.state.forceBounce, false);
  assert.equal(kernel.occurrences[0]!.remainder, '3145728,force');
});
