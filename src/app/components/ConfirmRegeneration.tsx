// In-page confirmation (a modal <dialog>, not window.confirm) before a slow regeneration on WASM,
// showing the measured estimate.
import { useEffect, useRef } from 'react';
import { cancelConfirm, runRegeneration } from '../actions.ts';
import { formatDuration } from '../format.ts';
import { useAppStore } from '../store.ts';

export function ConfirmRegeneration() {
  const estimate = useAppStore((s) => s.regen.confirm);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (estimate && !d.open) d.showModal();
    if (!estimate && d.open) d.close();
  }, [estimate]);

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="regen-confirm-title" onCancel={cancelConfirm}>
      <h3 id="regen-confirm-title">Regenerate the embedding cache?</h3>
      {estimate && (
        <p>
          This re-embeds {estimate.total.toLocaleString()} ESCO concepts{estimate.done ? ` (${estimate.done.toLocaleString()} already done, resuming)` : ''} on WASM, at about{' '}
          {estimate.rate.toFixed(1)} per second: roughly {formatDuration(estimate.etaSeconds)}. You can keep using the app, cancel at any time, and resume later.
        </p>
      )}
      <div className="button-row">
        <button type="button" className="primary" onClick={() => void runRegeneration()}>
          Regenerate
        </button>
        <button type="button" onClick={cancelConfirm} autoFocus>
          Not now
        </button>
      </div>
    </dialog>
  );
}
