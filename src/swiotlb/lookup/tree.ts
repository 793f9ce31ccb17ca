/**
 * `tree`: the structure argued for in review (RFC v1 used a maple tree per
 * allocator; an rbtree was suggested), here an AVL tree keyed by buffer
 * start as the balanced-tree stand-in: a lookup costs a root-to-leaf descent,
 * about log2(n) compared nodes, whether the buffer was used a moment ago or
 * not. One lock per operation (an rbtree needs it for readers too; a maple
 * tree's RCU reads would not, which the lab can account by ignoring
 * lockAcquisitions of finds).
 *
 * By default one tree serves the whole allocator (RFC v1); `perDevice` keeps
 * one tree per device, to compare the structures alone against the MRU list.
 * There is no "has buffers" flag: every device pays the descent.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import { avlDelete, avlFloor, avlInsert, avlWork } from './avl.js';
import { DeviceIndex } from './device-index.js';
import { newLookupCounters, type BufferLookup, type LookupCounters } from './lookup-types.js';
import { ANY_OWNER, NIL, NodeStore } from './node-store.js';

/** Options of {@link TreeLookup}. */
export interface TreeLookupOptions {
  /** One tree per device instead of one per allocator; default false. */
  perDevice?: boolean;
}

/** Balanced search tree(s) of ranges keyed by start. */
export class TreeLookup<T> implements BufferLookup<T> {
  readonly kind = 'tree' as const;
  readonly counters: LookupCounters = newLookupCounters();
  readonly perDevice: boolean;
  readonly #s = new NodeStore<T>();
  readonly #devs = new DeviceIndex();
  /** Root of the allocator-wide tree. */
  #root = NIL;

  /**
   * Create an empty tree.
   *
   * @param options - Scope.
   * @remarks Context: any.
   */
  constructor(options: TreeLookupOptions = {}) {
    this.perDevice = options.perDevice ?? false;
  }

  /** {@inheritDoc BufferLookup.size} */
  get size(): number {
    return this.#s.live;
  }

  /**
   * {@inheritDoc BufferLookup.insert}: a null device makes an entry every device sees (allocator-wide tree only).
   * @remarks Context: any; takes the tree's lock.
   */
  insert(dev: Device | null, start: number, end: number, payload: T): void {
    const d = dev === null ? ANY_OWNER : this.#devs.ensure(dev);
    const n = this.#s.alloc(start, end, d, payload);
    this.counters.lockAcquisitions++;
    this.counters.inserts++;
    if (this.perDevice && d !== ANY_OWNER) this.#devs.head[d] = avlInsert(this.#s, this.#devs.head[d]!, n);
    else this.#root = avlInsert(this.#s, this.#root, n);
    this.counters.nodesVisited += avlWork.visited;
  }

  /**
   * {@inheritDoc BufferLookup.remove}
   * @remarks Context: any; takes the tree's lock.
   */
  remove(dev: Device, addr: number): T | null {
    const n = this.#search(dev, addr);
    if (n === NIL) return null;
    const d = this.#s.owner[n]!;
    if (this.perDevice && d !== ANY_OWNER) this.#devs.head[d] = avlDelete(this.#s, this.#devs.head[d]!, this.#s.start[n]!);
    else this.#root = avlDelete(this.#s, this.#root, this.#s.start[n]!);
    this.counters.removes++;
    return this.#s.release(n);
  }

  /**
   * {@inheritDoc BufferLookup.find}
   * @remarks Context: any; takes the tree's lock. Hot path: no allocation.
   */
  find(dev: Device, addr: number): T | null {
    const n = this.#search(dev, addr);
    return n === NIL ? null : (this.#s.payload[n] as T);
  }

  #search(dev: Device, addr: number): number {
    const c = this.counters;
    c.lookups++;
    c.lockAcquisitions++;
    const d = this.#devs.slotOf(dev);
    const s = this.#s;
    let n = avlFloor(s, this.#root, addr);
    c.nodesVisited += avlWork.visited;
    if (n !== NIL && (addr >= s.end[n]! || (s.owner[n] !== ANY_OWNER && s.owner[n] !== d))) n = NIL;
    if (n === NIL && this.perDevice && d >= 0) {
      n = avlFloor(s, this.#devs.head[d]!, addr);
      c.nodesVisited += avlWork.visited;
      if (n !== NIL && addr >= s.end[n]!) n = NIL;
    }
    return n;
  }
}
