// The model picker: one radio per preset with its languages, download size per dtype and measured
// speed class. Picking one restarts the engine with that model and its cache (see actions.setPreset);
// label results stay on screen meanwhile.
import { useState } from 'react';
import { PRESETS, type Dtype, type ModelPreset } from '../../core/models.ts';
import { setPreset } from '../actions.ts';
import { activePresetId, PICKABLE_PRESETS } from '../config.ts';
import { formatBytes } from '../format.ts';
import { useAppStore } from '../store.ts';

const DTYPE_LABEL: Record<Dtype, string> = { fp32: 'fp32', fp16: 'fp16 (WebGPU)', q8: 'q8 (WASM)' };

function downloadSizes(p: ModelPreset): string {
  const sizes = (Object.entries(p.embedder.approxBytes) as [Dtype, number][]).map(([d, b]) => `${DTYPE_LABEL[d]} ${formatBytes(b)}`);
  const rr = p.reranker ? (Object.entries(p.reranker.approxBytes) as [Dtype, number][]).map(([d, b]) => `${d} ${formatBytes(b)}`) : [];
  if (!sizes.length) return 'generated locally';
  return `${sizes.join(', ')}${rr.length ? `; reranker ${rr.join(', ')}` : ''}`;
}

export function PresetPicker() {
  const active = useAppStore((s) => activePresetId(s.settings.presetId));
  const [error, setError] = useState<string | null>(null);
  return (
    <fieldset className="preset-picker" data-testid="preset-picker">
      <legend>Model</legend>
      {PICKABLE_PRESETS.map((id) => {
        const p = PRESETS[id];
        const languages = p.languages === 'multilingual' ? 'multilingual' : p.languages.join(', ');
        return (
          <div className="radio" key={id}>
            <input
              type="radio"
              id={`preset-${id}`}
              name="preset"
              value={id}
              checked={active === id}
              onChange={() => setError(setPreset(id))}
            />
            <label htmlFor={`preset-${id}`}>
              <strong>{p.label}</strong> <span className="muted">({p.speedClass})</span>
              <br />
              <span className="hint">
                {languages} · {p.embedder.dims} dims · {downloadSizes(p)}
                {p.reranker ? '' : ' · no reranker'}
              </span>
            </label>
          </div>
        );
      })}
      {error && (
        <p className="message error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
