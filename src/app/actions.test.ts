// Unit tests of the cache panel's listing action: an engine restart under the call (a preset switch)
// is not an error to show, since the new engine's cache lists the stored caches again; any other
// failure is shown.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineRestartedError } from './engineClient.ts';
import { useAppStore } from './store.ts';

const listStaleCaches = vi.fn();
vi.mock('./engineService.ts', () => ({ engine: () => ({ listStaleCaches }), reconfigureEngine: () => {} }));
const { refreshStaleCaches } = await import('./actions.ts');

describe('refreshStaleCaches', () => {
  beforeEach(() => {
    useAppStore.setState({ cacheMessage: null, staleCaches: [] });
    listStaleCaches.mockReset();
  });

  it('lists the stored caches', async () => {
    listStaleCaches.mockResolvedValue([{ hash: 'abc' }]);
    await refreshStaleCaches();
    expect(useAppStore.getState().staleCaches).toEqual([{ hash: 'abc' }]);
  });

  it('says nothing when the engine restarted under the call', async () => {
    listStaleCaches.mockRejectedValue(new EngineRestartedError('the engine is restarting with new settings'));
    await refreshStaleCaches();
    expect(useAppStore.getState().cacheMessage).toBeNull();
  });

  it('shows any other failure', async () => {
    listStaleCaches.mockRejectedValue(new Error('quota exceeded'));
    await refreshStaleCaches();
    expect(useAppStore.getState().cacheMessage).toEqual({ kind: 'error', text: 'Could not list stored caches: quota exceeded' });
  });
});
