/**
 * Digests that identify a result's inputs: SHA-256 over canonical JSON
 * (object keys sorted, so the same config gives the same digest however it
 * was written) and over file contents (so a trace is identified by its bytes,
 * not by where it sits on a machine).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * JSON with object keys sorted at every level.
 *
 * @param v - A JSON-compatible value.
 * @returns Its canonical text.
 * @remarks Context: any.
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * SHA-256 of text, as `sha256:<hex>`.
 *
 * @param text - The text (hashed as UTF-8).
 * @returns The digest.
 * @remarks Context: any.
 */
export function sha256Text(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/**
 * SHA-256 of a file's bytes, read in 1 MiB chunks (memory flat in its size).
 *
 * @param path - The file.
 * @returns The digest, as `sha256:<hex>`.
 * @throws the file system's error when the file cannot be read.
 * @remarks Context: process context; blocking reads.
 */
export function sha256File(path: string): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return `sha256:${h.digest('hex')}`;
}
