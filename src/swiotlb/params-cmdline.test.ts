import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKernelCmdline, splitKernelCmdline } from './params-cmdline.js';

test('splitKernelCmdline() splits on whitespace and at the first equals sign', () => {
  const s = splitKernelCmdline('  ro\troot=/dev/sda1  quiet a=b=c ');
  assert.deepEqual(s.args, [
    { param: 'ro', value: null },
    { param: 'root', value: '/dev/sda1' },
    { param: 'quiet', value: null },
    { param: 'a', value: 'b=c' },
  ]);
  assert.equal(s.afterDashDash, null);
});

test('splitKernelCmdline() stops at a bare -- and keeps the rest for init', () => {
  const s = splitKernelCmdline('swiotlb=1000 -- swiotlb=force single');
  assert.deepEqual(s.args, [{ param: 'swiotlb', value: '1000' }]);
  assert.equal(s.afterDashDash, 'swiotlb=force single');
});

test('splitKernelCmdline() strips quotes around a value or a whole word', () => {
  assert.deepEqual(splitKernelCmdline('swiotlb="force"').args, [{ param: 'swiotlb', value: 'force' }]);
  assert.deepEqual(splitKernelCmdline('"swiotlb=force"').args, [{ param: 'swiotlb', value: 'force' }]);
  assert.deepEqual(splitKernelCmdline('x="a b" y').args, [{ param: 'x', value: 'a b' }, { param: 'y', value: null }]);
});

test('splitKernelCmdline() survives unbalanced quotes and odd equals signs', () => {
  assert.deepEqual(splitKernelCmdline('swiotlb="force quiet').args, [{ param: 'swiotlb', value: 'force quiet' }]);
  assert.deepEqual(splitKernelCmdline('=x "').args, [{ param: '=x', value: null }, { param: '', value: null }]);
  assert.deepEqual(splitKernelCmdline('a="').args, [{ param: 'a', value: '' }]);
  assert.deepEqual(splitKernelCmdline('').args, []);
});

test('parseKernelCmdline() applies every swiotlb word in order and ignores the rest', () => {
  const r = parseKernelCmdline('quiet swiotlb=force root=/dev/sda swiotlb=noforce swiotlbx=1 SWIOTLB=2');
  assert.equal(r.occurrences.length, 2);
  assert.equal(r.state.forceBounce, true);
  assert.equal(r.state.forceDisable, true);
  assert.equal(r.state.defaultNslabs, 32768);
});

test('parseKernelCmdline() records a bare swiotlb without changing anything', () => {
  const r = parseKernelCmdline('swiotlb swiotlb=');
  assert.deepEqual(r.occurrences.map((o) => o.value), [null, '']);
  assert.equal(r.state.defaultNslabs, 32768);
});

test('parseKernelCmdline() passes dynamicOption to the parser', () => {
  const r = parseKernelCmdline('swiotlb=65536,dynamic', { dynamicOption: true });
  assert.equal(r.state.dynamic, true);
  assert.equal(r.state.defaultNslabs, 65536);
});
