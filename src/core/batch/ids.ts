// Stable hashes of document ids: FNV-1a (32-bit, over UTF-8) picks a document's shard, so any tool
// can reproduce the assignment; a 64-bit hash set finds duplicate ids in 16 bytes per document
// instead of keeping every id string (a run over millions of ads stays small).

const encoder = new TextEncoder();

/** FNV-1a, 32 bits, over the UTF-8 bytes of `s`. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of encoder.encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Two independent 32-bit hashes of the UTF-16 code units (cyrb53's mixing, kept at 64 bits). */
function hash64(s: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

/**
 * A set of ids by 64-bit hash (open addressing in a Uint32Array). Two different ids collide with
 * probability about n^2 / 2^65: below 3e-6 for ten million ids, when one would be reported as a
 * duplicate of the other.
 */
export class IdSet {
  private table = new Uint32Array(2 * 1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds the id; false when it was already there. */
  add(id: string): boolean {
    let [a, b] = hash64(id);
    // (0, 0) marks an empty slot.
    if (a === 0 && b === 0) b = 1;
    if ((this.count + 1) * 2 > this.table.length / 2) this.grow();
    if (!this.insert(a, b)) return false;
    this.count++;
    return true;
  }

  private insert(a: number, b: number): boolean {
    const t = this.table;
    const mask = t.length / 2 - 1;
    for (let i = a & mask; ; i = (i + 1) & mask) {
      const x = t[2 * i];
      const y = t[2 * i + 1];
      if (x === 0 && y === 0) {
        t[2 * i] = a;
        t[2 * i + 1] = b;
        return true;
      }
      if (x === a && y === b) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.insert(old[i], old[i + 1]);
  }
}
