import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPolicyConformance } from '../conformance.case.js';
import { createFixedPolicy } from './policy.js';
import { createMachine } from '../../../machine/machine.js';
import { getProfile } from '../../profiles.js';
import { DMA_TO_DEVICE } from '../../constants.js';

runPolicyConformance('fixed', createFixedPolicy);

test('policy fixed: an 8 MiB frame buffer fails as too_large, and the pool never grows', () => {
  const machine = createMachine({ ramBytes: 2 * 1024 ** 3, memory: 'accounting' });
  const p = createFixedPolicy({ machine, profile: getProfile('6.12'), cpus: 2, poolBytes: 64 << 20, nareas: 2, forceBounce: true, confidential: false });
  const dev = machine.addDevice({ name: 'display', dmaMask: 2 ** 30 - 1 });
  assert.equal(p.map({ dev, orig: 0x5000_0000, size: 8 << 20, allocAlignMask: 0, dir: DMA_TO_DEVICE, attrs: 0 }, { cpu: 0, maySleep: true, now: 0 }), -1);
  assert.equal(p.lastFailure?.code, 'too_large');
  const s = p.stats(1e9);
  assert.equal(s.reservedBytes, 64 << 20);
  assert.equal(s.reservedByteNs, (64 << 20) * 1e9);
  assert.equal(s.pools, 1);
});
