/**
 * A map of lists, one per key, each made on first use.
 *
 * @module
 */

/**
 * The list a map holds for a key, made empty and stored on first use.
 *
 * @param m - The map.
 * @param key - The key (a CPU number, say).
 * @returns The key's list, kept in the map.
 * @remarks Context: any.
 */
export function listAt<K, T>(m: Map<K, T[]>, key: K): T[] {
  let l = m.get(key);
  if (l === undefined) {
    l = [];
    m.set(key, l);
  }
  return l;
}
