// The text's language: what was detected, a picker to override it, a picker for the language of the
// result labels, the loading state of the label pack, and the notices (no labels in that language,
// occupation labels only, English-only model, a pack that failed to load). Matching itself is in
// languages.ts / extraction.ts; this only shows and sets store.language.
import { PRESETS } from '../../core/models.ts';
import { activePresetId } from '../config.ts';
import { ENGLISH, languageName, modelLanguageNotice } from '../languagePlan.ts';
import { loadLanguageList, setDisplayLanguage, setTextLanguage } from '../languages.ts';
import { useAppStore } from '../store.ts';

const nameWithCode = (code: string) => `${languageName(code)} (${code})`;

export function LanguagePanel() {
  const language = useAppStore((s) => s.language);
  const hasText = useAppStore((s) => s.text.trim().length > 0);
  const presetId = useAppStore((s) => s.settings.presetId);
  const { detected, override, displayOverride, available, matchLanguage, displayLanguage, notices, packs } = language;

  const textLanguage = override || (detected?.reliable && detected.language ? detected.language : ENGLISH);
  const codes = [ENGLISH, ...(available ?? []).map((a) => a.language)];
  // a detected language without labels (Finnish, ...) is still offered, so the choice can be undone
  if (detected?.language && !codes.includes(detected.language)) codes.push(detected.language);
  if (override && !codes.includes(override)) codes.push(override);
  const labelCodes = [ENGLISH, ...(available ?? []).map((a) => a.language)];

  // never empty: the line keeps its height, so the panels below do not move when a text arrives
  let detectedText = 'Paste a text to detect its language.';
  if (hasText && !detected) detectedText = 'Detecting the language…';
  else if (hasText && detected) {
    if (!detected.language) detectedText = 'Language not recognised: treated as English.';
    else if (!detected.reliable) detectedText = `Language unclear (perhaps ${nameWithCode(detected.language)}): treated as English.`;
    else detectedText = `Detected: ${nameWithCode(detected.language)}.`;
  }
  const loading = [matchLanguage, displayLanguage].filter((l): l is string => Boolean(l && l !== ENGLISH && packs[l]?.phase === 'loading'));
  const failed = [...new Set([matchLanguage, displayLanguage])].filter((l): l is string => Boolean(l && packs[l]?.phase === 'failed'));
  const preset = PRESETS[activePresetId(presetId)];
  const modelNotice = hasText && preset ? modelLanguageNotice(preset, textLanguage, matchLanguage !== null) : undefined;

  return (
    <section className="panel language-panel" aria-labelledby="language-heading" data-testid="language-panel">
      <h2 id="language-heading" className="visually-hidden">
        Language
      </h2>
      <div className="language-bar">
        <div className="field">
          <label htmlFor="text-language">Text language</label>
          <select id="text-language" value={override} onFocus={loadLanguageList} onPointerDown={loadLanguageList} onChange={(e) => setTextLanguage(e.target.value)}>
            <option value="">{detected?.reliable && detected.language ? `Detect (${languageName(detected.language)})` : 'Detect automatically'}</option>
            {codes.map((c) => (
              <option key={c} value={c}>
                {nameWithCode(c)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="display-language">Show labels in</label>
          <select id="display-language" value={displayOverride} onFocus={loadLanguageList} onPointerDown={loadLanguageList} onChange={(e) => setDisplayLanguage(e.target.value)}>
            <option value="">{`Text's language where ESCO has them${displayOverride ? '' : ` (${languageName(displayLanguage)})`}`}</option>
            {labelCodes.map((c) => (
              <option key={c} value={c}>
                {nameWithCode(c)}
              </option>
            ))}
          </select>
        </div>
        <p className="muted detected" role="status" data-testid="detected-language" data-language={hasText ? textLanguage : ''}>
          {detectedText}
          {loading.length > 0 && ` Loading ${loading.map(languageName).join(' and ')} labels…`}
        </p>
      </div>
      {hasText &&
        notices.map((n) => (
          <p key={n} className="message warn" data-testid="language-notice">
            {n}
          </p>
        ))}
      {modelNotice && (
        <p className="message warn" data-testid="model-language-notice">
          {modelNotice}
        </p>
      )}
      {failed.map((l) => (
        <p key={l} className="message error" role="alert" data-testid="label-pack-error">
          {packs[l]?.error}
        </p>
      ))}
    </section>
  );
}
