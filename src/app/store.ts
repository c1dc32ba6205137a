// The app's one zustand store: the pasted text, the latest lexical and dense results, the engine
// status, persisted settings and UI state. Derived values (thresholded results, histograms,
// highlight runs) are memoised selectors in selectors.ts, not stored. Work that talks to the engine
// lives in actions.ts / extraction.ts, which read and write this store.
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { EngineStatus, RegenerationView, StaleCacheView } from '../../workers/engineApi.ts';
import type { LocalizedLabels } from '../core/labelPacks.ts';
import type { LexicalIndex } from '../core/lexical.ts';
import type { ExtractionResult } from '../core/pipeline.ts';
import type { ThresholdSettings } from '../core/thresholds.ts';
import { appConfig } from '../core/appConfig.ts';
import type { Taxonomy } from '../core/taxonomy.ts';
import { activePresetId } from './config.ts';
import { initialBatchUiState, initialView, type AppView, type BatchUiState } from './batchState.ts';
import { initialCompareState, type CompareState } from './compareState.ts';

export type TextSource = 'typing' | 'paste' | 'sample' | 'file' | 'clear';
export type SortBy = 'score' | 'appearance';
/** How the results list is laid out: flat, in sections by ESCO skill group / ISCO group, or by skill type. */
export type ResultGrouping = 'list' | 'hierarchy' | 'skillType';

export interface Settings {
  /** The model preset picked in the model panel; null: the build's default (see activePresetId). */
  presetId: string | null;
  thresholds: ThresholdSettings;
  /** The preset the thresholds were tuned for: scales differ between models. */
  thresholdsPreset: string;
  sortBy: SortBy;
  /** null: the build's default model host. */
  modelHost: string | null;
  /** null: automatic (timed on this device after start-up; on when refining a text fits the budget, src/core/rerankShortlist.ts). */
  rerankerEnabled: boolean | null;
  forceWasm: boolean;
  /** Hashes of the embedding caches that were active in this browser: one missing later was evicted. */
  knownCaches: string[];
  /** Analyse sections that are not about the job too (company blurb, benefits, legal text, how to apply). */
  analyseAllSections: boolean;
  resultGrouping: ResultGrouping;
}

/** A result together with the text it was computed on: evidence offsets refer to that text. */
export interface TextResult {
  text: string;
  result: ExtractionResult;
}

export interface TaxonomyState {
  phase: 'loading' | 'ready' | 'failed';
  data: Taxonomy | null;
  lexical: LexicalIndex | null;
  error?: string;
}

export interface Hover {
  /** Concepts to light up: an entry's own key, or every concept a hovered span is evidence for. */
  keys: string[];
  /** Pointer and keyboard each clear only what they set: scrolling a focused entry into view must
   *  not let a mouseleave elsewhere wipe the keyboard's highlight. */
  via: 'mouse' | 'focus';
}

export type Message = { kind: 'ok' | 'error'; text: string } | null;

/** The language of the text and the labels used for it (src/app/languages.ts keeps it up to date). */
export interface LanguageState {
  /** Detected language of the current text ('' when unknown or no text) and whether ELD trusts it. */
  detected: { language: string; reliable: boolean } | null;
  /** The user's choice of the text's language; '' = the detected one. */
  override: string;
  /** The user's choice of the label language; '' = the plan's (the text's language where ESCO has labels). */
  displayOverride: string;
  /** Languages with a label pack (from labels-index.json, fetched on the first non-English text). */
  available: { language: string; skills: number; occupations: number }[] | null;
  /** Language whose labels are matched beside English for the current text; null = English only. */
  matchLanguage: string | null;
  /** Language results are shown in (per concept English where it has no label). */
  displayLanguage: string;
  /** Notices of the plan (no labels in the language, occupation labels only, ...). */
  notices: string[];
  /** Loading state of the label packs asked for, by language. */
  packs: Record<string, { phase: 'loading' | 'ready' | 'failed'; error?: string }>;
  /** The language of the ready matcher used for the current text (null: English only); a change re-runs extraction. */
  active: string | null;
  /** Labels of the display language once loaded (null: English labels). */
  labels: LocalizedLabels | null;
}

export const INITIAL_LANGUAGE: LanguageState = {
  detected: null,
  override: '',
  displayOverride: '',
  available: null,
  matchLanguage: null,
  displayLanguage: 'en',
  notices: [],
  packs: {},
  active: null,
  labels: null,
};

export interface AppState {
  text: string;
  textSource: TextSource;
  taxonomy: TaxonomyState;
  language: LanguageState;
  /** Lexical result for the current text (computed synchronously on every change). */
  lexical: TextResult | null;
  /** Latest dense/reranked result; may belong to an older text while a newer one is pending. */
  dense: TextResult | null;
  densePending: boolean;
  denseError: string | null;
  status: EngineStatus | null;
  engine: { restarts: number; error: string | null };
  settings: Settings;
  filter: string;
  hover: Hover | null;
  pwa: { canInstall: boolean; needRefresh: boolean; offlineReady: boolean; registered: boolean };
  regen: { confirm: RegenerationView | null; busy: boolean; error: string | null };
  staleCaches: StaleCacheView[];
  cacheMessage: Message;
  exportMessage: Message;
  /** Single-text or batch view (App.tsx tabs). */
  view: AppView;
  /** The batch view's state (batch.ts). */
  batch: BatchUiState;
  /** The CV against job ad view's two panes (compare.ts). */
  compare: CompareState;
  /** The occupation whose skill gap is shown (index into taxonomy.occupations), or null. */
  gapTarget: number | null;

  setText(text: string, source: TextSource): void;
  setFilter(filter: string): void;
  setHover(hover: Hover): void;
  clearHover(via: Hover['via']): void;
  setThresholds(patch: Partial<ThresholdSettings>): void;
  resetThresholds(): void;
  setSettings(patch: Partial<Omit<Settings, 'thresholds'>>): void;
}

export function defaultSettings(presetId: string | null = null): Settings {
  const active = activePresetId(presetId);
  return {
    presetId,
    thresholds: appConfig(active).thresholds,
    thresholdsPreset: active,
    sortBy: 'score',
    modelHost: null,
    rerankerEnabled: null,
    forceWasm: false,
    knownCaches: [],
    analyseAllSections: false,
    resultGrouping: 'list',
  };
}

export const SETTINGS_STORAGE_KEY = 'esco-skill-finder:settings';

/** Settings writes wait this long for the next one: a slider drag is one write, not one per step. */
const SETTINGS_WRITE_DELAY_MS = 250;

/**
 * localStorage with writes coalesced (the last value wins) and flushed when the page is hidden or
 * unloaded, so a reload right after a change still finds it.
 */
function coalescingLocalStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  // Where there is none (Node tests), persist runs without storage, as with plain localStorage.
  if (typeof localStorage === 'undefined') throw new Error('no localStorage');
  const pending = new Map<string, string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    try {
      for (const [k, v] of pending) localStorage.setItem(k, v);
    } catch (e) {
      // Full or blocked storage: the settings still apply to this visit.
      console.warn(`settings not saved: ${e instanceof Error ? e.message : String(e)}`);
    }
    pending.clear();
  };
  globalThis.addEventListener?.('pagehide', flush);
  globalThis.document?.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && flush());
  return {
    getItem: (k) => pending.get(k) ?? localStorage.getItem(k),
    setItem: (k, v) => {
      pending.set(k, v);
      timer ??= setTimeout(flush, SETTINGS_WRITE_DELAY_MS);
    },
    removeItem: (k) => {
      pending.delete(k);
      localStorage.removeItem(k);
    },
  };
}

/** The persisted slice of the store. */
type PersistedSettings = { settings?: Partial<Settings> } | undefined;

/**
 * Settings saved by an older version. 2: the skill thresholds of the real presets were recalibrated
 * with the document fit; a threshold saved under version 1 is on the old scale, so it goes (the rest
 * is kept).
 */
export function migrateSettings(persisted: unknown, version: number): PersistedSettings {
  const p = persisted as PersistedSettings;
  if (version < 2 && p?.settings) {
    const { thresholds: _old, thresholdsPreset: _for, ...kept } = p.settings;
    return { ...p, settings: kept };
  }
  return p;
}

/**
 * Fills fields added since the settings were saved, and drops thresholds tuned for another model
 * preset (their score scale does not carry over).
 */
export function mergeSettings<S extends { settings: Settings }>(persisted: unknown, current: S): S {
  const saved = (persisted as PersistedSettings)?.settings ?? {};
  const defaults = defaultSettings(saved.presetId ?? null);
  const samePreset = saved.thresholdsPreset === defaults.thresholdsPreset;
  const settings: Settings = {
    ...defaults,
    ...saved,
    thresholds: samePreset ? { ...defaults.thresholds, ...saved.thresholds } : defaults.thresholds,
    thresholdsPreset: defaults.thresholdsPreset,
  };
  return { ...current, settings };
}

export const useAppStore = create<AppState>()(
  persist(
    (set) => ({
      text: '',
      textSource: 'typing',
      taxonomy: { phase: 'loading', data: null, lexical: null },
      language: INITIAL_LANGUAGE,
      lexical: null,
      dense: null,
      densePending: false,
      denseError: null,
      status: null,
      engine: { restarts: 0, error: null },
      settings: defaultSettings(),
      filter: '',
      hover: null,
      pwa: { canInstall: false, needRefresh: false, offlineReady: false, registered: false },
      regen: { confirm: null, busy: false, error: null },
      staleCaches: [],
      cacheMessage: null,
      exportMessage: null,
      view: initialView(),
      batch: initialBatchUiState,
      compare: initialCompareState,
      gapTarget: null,

      setText: (text, source) => set({ text, textSource: source }),
      setFilter: (filter) => set({ filter }),
      setHover: (hover) => set({ hover }),
      clearHover: (via) => set((s) => (s.hover?.via === via ? { hover: null } : {})),
      setThresholds: (patch) => set((s) => ({ settings: { ...s.settings, thresholds: { ...s.settings.thresholds, ...patch } } })),
      resetThresholds: () =>
        set((s) => {
          const active = activePresetId(s.settings.presetId);
          return { settings: { ...s.settings, thresholds: appConfig(active).thresholds, thresholdsPreset: active } };
        }),
      setSettings: (patch) => set((s) => ({ settings: { ...s.settings, ...patch } })),
    }),
    {
      name: SETTINGS_STORAGE_KEY,
      version: 2,
      migrate: migrateSettings,
      storage: createJSONStorage(coalescingLocalStorage),
      partialize: (s) => ({ settings: s.settings }),
      merge: mergeSettings,
    },
  ),
);
