import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MinAlignEvidence } from './align-evidence.js';

test('bounce addresses that keep the offset and the 4 KiB bit show min_align_mask 0xfff', () => {
  const e = new MinAlignEvidence();
  e.observe('nvme', 0x2b92710, 0x7b905710);
  e.observe('nvme', 0x2b93000, 0x7b906000);
  e.observe('nvme', 0x2b94200, 0x7b91b200); // 0x1000 bit differs: not 0x1fff
  assert.deepEqual([...e.inferred()], [['nvme', { mask: 0xfff, inSlot: 2 }]]);
});

test('the offset kept but the 2 KiB slot bit not: 0x7ff; slot-aligned addresses only: nothing shown', () => {
  const e = new MinAlignEvidence();
  e.observe('a', 0x1100, 0x7d100100);
  e.observe('a', 0x2100, 0x7d100900);
  e.observe('b', 0x1000, 0x7d100800);
  e.observe('b', 0x3710, 0x7d101000);
  assert.deepEqual([...e.inferred()], [['a', { mask: 0x7ff, inSlot: 2 }]]);
});

test('a mask wider than 0xfff needs 32 maps behind it (each such bit matches by chance half the time)', () => {
  const few = new MinAlignEvidence();
  for (let i = 0; i < 8; i++) few.observe('d', 0x10710 + i * 0x10000, 0x7d100710 + i * 0x10000);
  assert.equal(few.inferred().get('d')!.mask, 0xfff);
  const many = new MinAlignEvidence();
  for (let i = 0; i < 32; i++) many.observe('d', 0x10710 + i * 0x10000, 0x7d100710 + i * 0x10000);
  assert.equal(many.inferred().get('d')!.mask, 0xffff);
});
