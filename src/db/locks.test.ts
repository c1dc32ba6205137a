// Tests for the cross-tab exclusive lock: the Web Locks path (with an in-memory LockManager that
// implements ifAvailable) and the IndexedDB lease fallback (two connections contending, expiry,
// takeover, renewal and loss, the injected opener, and cacheStore.ts's default-database wrapper).
import 'fake-indexeddb/auto'; // idb needs the IDB globals; the lease tests use their own factories
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openCacheStore, withExclusiveLock as withStoreLock, type CacheStore } from './cacheStore.ts';
import { isLockBusy, LeaseLostError, withExclusiveLock, type LeaseBackend } from './locks.ts';

/** Exclusive-only, in-memory Web Locks: enough to check ifAvailable and release semantics. */
class FakeLockManager implements LockManager {
  readonly held = new Set<string>();

  request<T>(name: string, callback: LockGrantedCallback<T>): Promise<Awaited<T>>;
  request<T>(name: string, options: LockOptions, callback: LockGrantedCallback<T>): Promise<Awaited<T>>;
  async request<T>(name: string, a: LockOptions | LockGrantedCallback<T>, b?: LockGrantedCallback<T>): Promise<Awaited<T>> {
    const options: LockOptions = typeof a === 'function' ? {} : a;
    const callback = typeof a === 'function' ? a : b;
    if (!callback) throw new TypeError('callback required');
    if (this.held.has(name)) {
      if (options.ifAvailable) return await callback(null);
      throw new Error('this fake does not queue waiting requests');
    }
    this.held.add(name);
    try {
      return await callback({ name, mode: options.mode ?? 'exclusive' });
    } finally {
      this.held.delete(name);
    }
  }

  async query(): Promise<LockManagerSnapshot> {
    return { held: [...this.held].map((name) => ({ name, mode: 'exclusive' as const, clientId: 'test' })), pending: [] };
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('withExclusiveLock with Web Locks', () => {
  it('runs fn exclusively, answers busy without waiting, and releases afterwards', async () => {
    const locks = new FakeLockManager();
    const gate = deferred();
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const first = withExclusiveLock(
      'regen',
      async (signal) => {
        expect(signal.aborted).toBe(false);
        entered();
        await gate.promise;
        return 'first';
      },
      { locks },
    );
    await inside;
    expect(locks.held.has('regen')).toBe(true);

    const second = vi.fn(async () => 'second');
    expect(await withExclusiveLock('regen', second, { locks })).toEqual({ busy: true });
    expect(second).not.toHaveBeenCalled();
    // Another name is independent.
    expect(await withExclusiveLock('other', async () => 42, { locks })).toBe(42);

    gate.resolve();
    expect(await first).toBe('first');
    expect(locks.held.size).toBe(0);
    const third = await withExclusiveLock('regen', async () => 'third', { locks });
    expect(isLockBusy(third)).toBe(false);
    expect(third).toBe('third');
  });

  it('releases the lock when fn throws', async () => {
    const locks = new FakeLockManager();
    await expect(withExclusiveLock('regen', async () => Promise.reject(new Error('boom')), { locks })).rejects.toThrow('boom');
    expect(await withExclusiveLock('regen', async () => 'ok', { locks })).toBe('ok');
  });

  it('does not touch the lease fallback when a LockManager is given', async () => {
    const lease: LeaseBackend = {
      tryAcquireLease: vi.fn(async () => false),
      renewLease: vi.fn(async () => false),
      releaseLease: vi.fn(async () => undefined),
    };
    expect(await withExclusiveLock('regen', async () => 'ok', { locks: new FakeLockManager(), lease })).toBe('ok');
    expect(lease.tryAcquireLease).not.toHaveBeenCalled();
  });
});

describe('withExclusiveLock with the IndexedDB lease fallback', () => {
  const opened: CacheStore[] = [];
  let clock = 0;
  async function twoTabs(): Promise<[CacheStore, CacheStore]> {
    const factory = new IDBFactory();
    const a = await openCacheStore({ factory, name: 'locks', now: () => clock });
    const b = await openCacheStore({ factory, name: 'locks', now: () => clock });
    opened.push(a, b);
    return [a, b];
  }

  afterEach(() => {
    for (const s of opened.splice(0)) s.close();
    clock = 0;
  });

  /** Counts renewals so a test can wait for one without assuming timer timing. */
  function counting(store: CacheStore): LeaseBackend & { renewals: number } {
    const wrapped = {
      renewals: 0,
      tryAcquireLease: (n: string, h: string, t: number) => store.tryAcquireLease(n, h, t),
      renewLease: async (n: string, h: string, t: number) => {
        const ok = await store.renewLease(n, h, t);
        wrapped.renewals++;
        return ok;
      },
      releaseLease: (n: string, h: string) => store.releaseLease(n, h),
    };
    return wrapped;
  }

  it('lets only one of two connections hold the lock, then the other', async () => {
    const [a, b] = await twoTabs();
    const gate = deferred();
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const held = a.withExclusiveLock(
      'regen',
      async () => {
        entered();
        await gate.promise;
        return 'a';
      },
      { locks: null },
    );
    await inside;
    const fromB = vi.fn(async () => 'b');
    expect(await b.withExclusiveLock('regen', fromB, { locks: null })).toEqual({ busy: true });
    expect(fromB).not.toHaveBeenCalled();
    expect(await b.withExclusiveLock('other-name', async () => 'free', { locks: null })).toBe('free');

    gate.resolve();
    expect(await held).toBe('a');
    expect(await b.withExclusiveLock('regen', fromB, { locks: null })).toBe('b');
  });

  it('releases the lease when fn throws', async () => {
    const [a, b] = await twoTabs();
    await expect(a.withExclusiveLock('regen', async () => Promise.reject(new Error('boom')), { locks: null })).rejects.toThrow('boom');
    expect(await b.withExclusiveLock('regen', async () => 'b', { locks: null })).toBe('b');
  });

  it('lets an expired lease of a crashed holder be taken over', async () => {
    const [a, b] = await twoTabs();
    // A "tab" takes the lease and dies: it is never renewed nor released.
    clock = 1000;
    expect(await a.tryAcquireLease('regen', 'crashed-tab', 5000)).toBe(true);
    clock = 5999;
    expect(await b.withExclusiveLock('regen', async () => 'b', { locks: null, leaseMs: 5000 })).toEqual({ busy: true });
    clock = 6000;
    expect(await b.withExclusiveLock('regen', async () => 'b', { locks: null, leaseMs: 5000 })).toBe('b');
    // Released after use: a third holder gets it even before any expiry.
    expect(await a.tryAcquireLease('regen', 'third', 5000)).toBe(true);
    // The holder itself may re-take (renew) its own lease; others may not while it is valid.
    expect(await a.tryAcquireLease('regen', 'third', 5000)).toBe(true);
    expect(await b.tryAcquireLease('regen', 'fourth', 5000)).toBe(false);
  });

  it('renews the lease while held, so a long holder is not taken over', async () => {
    const [a, b] = await twoTabs();
    const lease = counting(a);
    const result = await withExclusiveLock(
      'regen',
      async () => {
        clock = 900; // close to the original expiry at 1000
        const before = lease.renewals;
        await vi.waitFor(() => expect(lease.renewals).toBeGreaterThan(before + 1));
        clock = 1500; // past the original expiry, within the renewed one
        expect(await b.tryAcquireLease('regen', 'intruder', 1000)).toBe(false);
        return 'done';
      },
      { locks: null, lease, leaseMs: 1000, renewMs: 5 },
    );
    expect(result).toBe('done');
  });

  it('aborts the signal when the lease was lost, and does not release the new holder', async () => {
    const [a, b] = await twoTabs();
    const lease = counting(a);
    let reason: unknown;
    await withExclusiveLock(
      'regen',
      async (signal) => {
        // Stall past the expiry (e.g. a frozen tab), then someone else takes over.
        clock = 5000;
        expect(await b.tryAcquireLease('regen', 'newcomer', 1000)).toBe(true);
        await vi.waitFor(() => expect(signal.aborted).toBe(true));
        reason = signal.reason;
      },
      { locks: null, lease, leaseMs: 1000, renewMs: 5 },
    );
    expect(reason).toBeInstanceOf(LeaseLostError);
    // The old holder's release did not remove the newcomer's lease.
    expect(await a.tryAcquireLease('regen', 'third', 1000)).toBe(false);
    expect(await b.renewLease('regen', 'newcomer', 1000)).toBe(true);
  });

  it("cacheStore's withExclusiveLock opens the default database for the lease when given no backend and no Web Locks", async () => {
    const gate = deferred();
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const held = withStoreLock(
      'default-db-lock',
      async () => {
        entered();
        await gate.promise;
        return 1;
      },
      { locks: null },
    );
    await inside;
    expect(await withStoreLock('default-db-lock', async () => 2, { locks: null })).toEqual({ busy: true });
    gate.resolve();
    expect(await held).toBe(1);
    expect(await withStoreLock('default-db-lock', async () => 3, { locks: null })).toBe(3);
  });

  it('uses an injected lease opener only without Web Locks, closes it afterwards, and refuses to run without any', async () => {
    const [a] = await twoTabs();
    const close = vi.fn();
    const openLease = vi.fn(async () => ({
      tryAcquireLease: (n: string, h: string, t: number) => a.tryAcquireLease(n, h, t),
      renewLease: (n: string, h: string, t: number) => a.renewLease(n, h, t),
      releaseLease: (n: string, h: string) => a.releaseLease(n, h),
      close,
    }));
    expect(await withExclusiveLock('opened', async () => 'ok', { locks: new FakeLockManager(), openLease })).toBe('ok');
    expect(openLease).not.toHaveBeenCalled();
    expect(await withExclusiveLock('opened', async () => 'ok', { locks: null, openLease })).toBe('ok');
    expect(openLease).toHaveBeenCalledTimes(1);
    expect(close).toHaveBeenCalledTimes(1);
    expect(await a.tryAcquireLease('opened', 'next', 1000)).toBe(true); // released before closing
    const fn = vi.fn(async () => 'never');
    await expect(withExclusiveLock('nothing', fn, { locks: null })).rejects.toThrow(/no lease backend/);
    expect(fn).not.toHaveBeenCalled();
  });
});
