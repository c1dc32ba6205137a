// Cross-tab exclusive locks, so two tabs (or their workers) never regenerate or replace the same
// embedding cache at once. Web Locks are used where present (they are released by the browser when a
// tab or worker dies); otherwise a lease stored in IndexedDB stands in: a holder id plus an expiry
// that is renewed while held, so a crashed tab's lease runs out instead of blocking forever.
// This module imports nothing: the lease storage is injected (cacheStore.ts implements LeaseBackend and
// wraps withExclusiveLock with its default database), so the dependency points one way only.

/** Returned instead of the callback's result when someone else holds the lock. */
export interface LockBusy {
  busy: true;
}

const BUSY: LockBusy = Object.freeze({ busy: true as const });

export function isLockBusy(value: unknown): value is LockBusy {
  return value === BUSY || (typeof value === 'object' && value !== null && (value as { busy?: unknown }).busy === true);
}

/** Storage for the lease fallback; the cache store implements it (see cacheStore.ts). */
export interface LeaseBackend {
  /** Takes the lease when it is free, expired or already ours; atomic across connections. */
  tryAcquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends our lease; false when it is no longer ours (it expired and was taken over). */
  renewLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Drops the lease if it is still ours. */
  releaseLease(name: string, holder: string): Promise<void>;
}

/** A lease backend opened for one lock and closed after it (e.g. a database connection). */
export interface OpenedLeaseBackend extends LeaseBackend {
  close(): void;
}

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

export interface ExclusiveLockOptions {
  /**
   * Web Locks manager. Left out: `navigator.locks` when the environment has one. null: never use Web
   * Locks (forces the lease fallback).
   */
  locks?: LockManager | null;
  /** Where the fallback lease lives. */
  lease?: LeaseBackend;
  /**
   * Opens a backend for the fallback lease when `lease` is left out; only called when Web Locks are
   * unavailable, and closed once the lock is released. cacheStore.ts's withExclusiveLock passes one
   * that opens the default cache database.
   */
  openLease?: () => Promise<OpenedLeaseBackend>;
  /**
   * Lease lifetime. Long on purpose: Chrome throttles timers in hidden pages to about once a minute,
   * and a lease that lapses between renewals could be taken over while its holder still works.
   */
  leaseMs?: number;
  /** Renewal interval; a third of the lease by default, so two missed renewals are survivable. */
  renewMs?: number;
  /** Identifies this holder in the lease record; random by default. */
  holderId?: string;
}

export const DEFAULT_LEASE_MS = 120_000;

/**
 * Runs `fn` while holding the exclusive lock `name`, or returns `{ busy: true }` at once when another
 * holder has it (never waits). `fn` gets an AbortSignal that fires only in the lease fallback, when
 * the lease was lost (expired while `fn` still ran and was taken over): work done after that must not
 * be committed as if exclusive.
 */
export async function withExclusiveLock<T>(
  name: string,
  fn: (signal: AbortSignal) => Promise<T>,
  options: ExclusiveLockOptions = {},
): Promise<T | LockBusy> {
  const locks = options.locks === undefined ? defaultLockManager() : options.locks;
  if (locks) {
    const signal = new AbortController().signal;
    return locks.request(name, { ifAvailable: true }, async (lock): Promise<T | LockBusy> => {
      if (!lock) return BUSY;
      return fn(signal);
    }) as Promise<T | LockBusy>; // Awaited<T | LockBusy> is T | LockBusy once resolved; TS cannot see that for a generic T
  }
  if (options.lease) return withLease(name, fn, options.lease, options);
  if (!options.openLease) throw new Error(`lock "${name}": no Web Locks here, and no lease backend was given`);
  const backend = await options.openLease();
  try {
    return await withLease(name, fn, backend, options);
  } finally {
    backend.close();
  }
}

function defaultLockManager(): LockManager | null {
  const nav = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
  return nav?.locks ?? null;
}

function newHolderId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return c?.randomUUID ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

async function withLease<T>(
  name: string,
  fn: (signal: AbortSignal) => Promise<T>,
  backend: LeaseBackend,
  options: ExclusiveLockOptions,
): Promise<T | LockBusy> {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const renewMs = options.renewMs ?? Math.max(1, Math.floor(leaseMs / 3));
  const holder = options.holderId ?? newHolderId();
  if (!(await backend.tryAcquireLease(name, holder, leaseMs))) return BUSY;

  const controller = new AbortController();
  // Renewals are chained so they never overlap and the release below runs after the last one.
  let renewal: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewal = renewal.then(async () => {
      if (controller.signal.aborted) return;
      try {
        if (!(await backend.renewLease(name, holder, leaseMs))) {
          controller.abort(new LeaseLostError(`lock "${name}" was lost: its lease expired and another holder took it`));
        }
      } catch {
        // A failed renewal (e.g. a transient IndexedDB error) is retried next tick; the lease is
        // still ours until it expires, and renewLease reports when it no longer is.
      }
    });
  }, renewMs);
  try {
    return await fn(controller.signal);
  } finally {
    clearInterval(timer);
    await renewal;
    // A lease we cannot release still expires on its own, so fn's outcome is what matters here.
    await backend.releaseLease(name, holder).catch(() => undefined);
  }
}
