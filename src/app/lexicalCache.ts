// The page's English label index, kept in IndexedDB so a returning visit restores it (about a tenth
// of the time) instead of building it from the taxonomy at every start. Keyed by the taxonomy's
// contentHash, the serialized form's version and the id of the bundle that built it, so an index made
// by other code or for another taxonomy is never reused. Best effort throughout: any failure means
// "build it", and an index is stored only where it leaves the embedding caches ample room.
import { openDB, type IDBPDatabase } from 'idb';
import { LEXICAL_INDEX_FORMAT, restoreLexicalIndex, serializeLexicalIndex, type LexicalIndex, type SerializedLexicalIndex } from '../core/lexical.ts';

const DB_NAME = 'esco-label-index';
const STORE = 'indexes';
/** Free space (quota - usage) below which no index is stored: about ten times its size (10 MB for ESCO). */
export const MIN_FREE_BYTES = 100_000_000;

interface Stored {
  key: string;
  data: SerializedLexicalIndex;
}

/** The storage key; `buildId` identifies the code that builds the index (null: do not store, as in dev). */
export function lexicalCacheKey(contentHash: string, buildId: string): string {
  return `${contentHash}|${LEXICAL_INDEX_FORMAT}|${buildId}`;
}

function open(): Promise<IDBPDatabase> {
  return openDB(DB_NAME, 1, {
    upgrade(db) {
      db.createObjectStore(STORE, { keyPath: 'key' });
    },
  });
}

/** The stored index for `key`, or null (none, another version, unreadable, no IndexedDB). */
export async function loadStoredLexicalIndex(key: string): Promise<LexicalIndex | null> {
  let db: IDBPDatabase | undefined;
  try {
    db = await open();
    const row = (await db.get(STORE, key)) as Stored | undefined;
    return row ? restoreLexicalIndex(row.data) : null;
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

/**
 * Stores `index` under `key` and drops any other (older taxonomy or code), when the origin has at
 * least MIN_FREE_BYTES free; returns whether it was stored.
 */
export async function storeLexicalIndex(key: string, index: LexicalIndex, estimate: () => Promise<StorageEstimate | undefined> = defaultEstimate): Promise<boolean> {
  let db: IDBPDatabase | undefined;
  try {
    const est = await estimate();
    if (!est || est.quota === undefined || est.usage === undefined || est.quota - est.usage < MIN_FREE_BYTES) return false;
    const data = serializeLexicalIndex(index);
    db = await open();
    const tx = db.transaction(STORE, 'readwrite');
    for (const k of await tx.store.getAllKeys()) if (k !== key) await tx.store.delete(k);
    await tx.store.put({ key, data } satisfies Stored);
    await tx.done;
    return true;
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

async function defaultEstimate(): Promise<StorageEstimate | undefined> {
  return globalThis.navigator?.storage?.estimate?.();
}
