import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coherentPoolBytes, memparse } from './coherent-pool-param.js';

test('memparse reads a number in any base with a K to E suffix, wrapping like a 64-bit shift', () => {
  assert.deepEqual(
    ['4M', '4m', '0x10k', '1G', '010M', '512', '2T', 'abc', '', '16E', '3x', '1.5M'].map(memparse),
    [4 << 20, 4 << 20, 16384, 2 ** 30, 8 << 20, 512, 2 * 2 ** 40, 0, 0, 0, 3, 1],
  );
});

test('coherent_pool=: the last one on the command line wins; none means the default (0)', () => {
  assert.equal(coherentPoolBytes('swiotlb=force coherent_pool=2M quiet coherent_pool=8M'), 8 << 20);
  assert.equal(coherentPoolBytes('swiotlb=4096'), 0);
  assert.equal(coherentPoolBytes('coherent_pool'), 0);
  assert.equal(coherentPoolBytes('coherent_pool=4M -- coherent_pool=1G'), 4 << 20, 'words after -- belong to init');
});
