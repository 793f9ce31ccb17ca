/**
 * AVL tree operations over a NodeStore (a = left, b = right, aux = height),
 * keyed by range start. The tree lookup's balanced-search-tree engine, a
 * stand-in for the kernel's rbtree / maple tree: same O(log n) descent, and
 * its node visits are what the lab counts.
 *
 * @module
 */
import { ContractError } from '../../util/errors.js';
import { NIL, type NodeStore } from './node-store.js';

function h(s: NodeStore<unknown>, n: number): number {
  return n === NIL ? 0 : s.aux[n]!;
}

function fix(s: NodeStore<unknown>, n: number): void {
  s.aux[n] = 1 + Math.max(h(s, s.a[n]!), h(s, s.b[n]!));
}

function rotateRight(s: NodeStore<unknown>, n: number): number {
  const l = s.a[n]!;
  s.a[n] = s.b[l]!;
  s.b[l] = n;
  fix(s, n);
  fix(s, l);
  return l;
}

function rotateLeft(s: NodeStore<unknown>, n: number): number {
  const r = s.b[n]!;
  s.b[n] = s.a[r]!;
  s.a[r] = n;
  fix(s, n);
  fix(s, r);
  return r;
}

function balance(s: NodeStore<unknown>, n: number): number {
  fix(s, n);
  const bf = h(s, s.a[n]!) - h(s, s.b[n]!);
  if (bf > 1) {
    const l = s.a[n]!;
    if (h(s, s.a[l]!) < h(s, s.b[l]!)) s.a[n] = rotateLeft(s, l);
    return rotateRight(s, n);
  }
  if (bf < -1) {
    const r = s.b[n]!;
    if (h(s, s.b[r]!) < h(s, s.a[r]!)) s.b[n] = rotateRight(s, r);
    return rotateLeft(s, n);
  }
  return n;
}

/** Nodes compared by the last avlInsert() (read by the caller for its counters). */
export const avlWork = { visited: 0 };

/**
 * Insert node x (its start is the key) under root.
 *
 * @param s - Store.
 * @param root - Subtree root or NIL.
 * @param x - Fresh node (links NIL).
 * @returns The new subtree root; avlWork.visited holds the nodes compared.
 * @throws ContractError (`lookup_duplicate`) when a node with the same start exists.
 * @remarks Context: caller holds the tree's lock. No allocation.
 */
export function avlInsert(s: NodeStore<unknown>, root: number, x: number): number {
  avlWork.visited = 0;
  s.aux[x] = 1;
  return ins(s, root, x);
}

function ins(s: NodeStore<unknown>, n: number, x: number): number {
  if (n === NIL) return x;
  avlWork.visited++;
  const k = s.start[x]!;
  if (k < s.start[n]!) s.a[n] = ins(s, s.a[n]!, x);
  else if (k > s.start[n]!) s.b[n] = ins(s, s.b[n]!, x);
  else throw new ContractError('lookup_duplicate', `Cannot insert a second range starting at ${k}`);
  return balance(s, n);
}

/**
 * Unlink the node whose start equals key (it must be in the tree).
 *
 * @param s - Store.
 * @param root - Subtree root.
 * @param key - Start of the node to unlink.
 * @returns The new subtree root.
 * @remarks Context: caller holds the tree's lock. No allocation; the node itself is not released.
 */
export function avlDelete(s: NodeStore<unknown>, root: number, key: number): number {
  const n = root;
  if (n === NIL) return NIL;
  if (key < s.start[n]!) s.a[n] = avlDelete(s, s.a[n]!, key);
  else if (key > s.start[n]!) s.b[n] = avlDelete(s, s.b[n]!, key);
  else {
    const l = s.a[n]!;
    const r = s.b[n]!;
    if (l === NIL) return r;
    if (r === NIL) return l;
    let m = r;
    while (s.a[m] !== NIL) m = s.a[m]!;
    s.b[m] = deleteMin(s, r);
    s.a[m] = l;
    return balance(s, m);
  }
  return balance(s, n);
}

function deleteMin(s: NodeStore<unknown>, n: number): number {
  if (s.a[n] === NIL) return s.b[n]!;
  s.a[n] = deleteMin(s, s.a[n]!);
  return balance(s, n);
}

/**
 * The node with the greatest start <= addr (the only range that can contain
 * addr, since ranges never overlap).
 *
 * @param s - Store.
 * @param root - Root or NIL.
 * @returns The node or NIL; avlWork.visited holds the nodes compared.
 * @remarks Context: caller holds the tree's lock. Hot path: no allocation.
 */
export function avlFloor(s: NodeStore<unknown>, root: number, addr: number): number {
  let best = NIL;
  let visited = 0;
  for (let n = root; n !== NIL; ) {
    visited++;
    if (s.start[n]! <= addr) {
      best = n;
      n = s.b[n]!;
    } else n = s.a[n]!;
  }
  avlWork.visited = visited;
  return best;
}

/**
 * Height of a subtree (for tests and reports).
 *
 * @param s - Store.
 * @param root - Root or NIL.
 * @returns Height (0 for an empty tree).
 * @remarks Context: any.
 */
export function avlHeight(s: NodeStore<unknown>, root: number): number {
  return h(s, root);
}
