// Unit tests of switching the model preset from the store's point of view: the choice persists
// (and survives a settings merge), thresholds follow the preset's defaults, dense results of the
// previous model are dropped while label results stay, and a running regeneration refuses the switch.
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultThresholds } from '../core/thresholds.ts';
import { setPreset } from './actions.ts';
import { activePresetId, BUILD_PRESET_ID, PICKABLE_PRESETS } from './config.ts';
import { defaultSettings, mergeSettings, migrateSettings, useAppStore, type TextResult } from './store.ts';

const lexical: TextResult = { text: 'Java', result: { textLength: 4, segments: [], notices: [], candidates: [], stage: 'lexical', timings: {} } as unknown as TextResult['result'] };
const dense: TextResult = { ...lexical, result: { ...lexical.result, stage: 'embedding' } };

describe('model preset switching', () => {
  beforeEach(() => {
    useAppStore.setState({ settings: defaultSettings(), lexical, dense, status: null, regen: { confirm: null, busy: false, error: null } });
  });

  it('offers the real presets and falls back to the build default for an unknown choice', () => {
    expect(PICKABLE_PRESETS).toEqual(expect.arrayContaining(['bge-m3', 'bge-small-en', 'minilm']));
    expect(activePresetId('no-such-preset')).toBe(BUILD_PRESET_ID);
    expect(activePresetId(null)).toBe(BUILD_PRESET_ID);
  });

  it('switches: keeps label results, drops the old model\'s dense results, takes the new defaults', () => {
    useAppStore.getState().setThresholds({ skillThreshold: 0.91 });
    expect(setPreset('bge-small-en')).toBeNull();
    const s = useAppStore.getState();
    expect(s.settings.presetId).toBe('bge-small-en');
    expect(s.settings.thresholdsPreset).toBe('bge-small-en');
    expect(s.settings.thresholds).toEqual(defaultThresholds('bge-small-en'));
    expect(s.lexical).toBe(lexical);
    expect(s.dense).toBeNull();
  });

  it('settings saved before the skill thresholds were recalibrated (version 1) keep everything but the thresholds', () => {
    const saved = {
      settings: { ...defaultSettings(), presetId: 'bge-small-en', modelHost: 'https://models.example.org/', thresholdsPreset: 'bge-small-en', thresholds: { ...defaultThresholds('bge-small-en'), skillThreshold: 0.86 } },
    };
    const merged = mergeSettings(migrateSettings(saved, 1), useAppStore.getState());
    expect(merged.settings.thresholds).toEqual(defaultThresholds('bge-small-en'));
    expect(merged.settings.presetId).toBe('bge-small-en');
    expect(merged.settings.modelHost).toBe('https://models.example.org/');
    // saved under the current version, a tuned threshold stays
    expect(mergeSettings(migrateSettings(saved, 2), useAppStore.getState()).settings.thresholds.skillThreshold).toBe(0.86);
  });

  it('refuses while a regeneration runs, changing nothing', () => {
    useAppStore.setState((s) => ({ regen: { ...s.regen, busy: true } }));
    const before = useAppStore.getState().settings;
    expect(setPreset('minilm')).toMatch(/regeneration is running/);
    expect(useAppStore.getState().settings).toBe(before);
    expect(useAppStore.getState().dense).toBe(dense);
  });
});
