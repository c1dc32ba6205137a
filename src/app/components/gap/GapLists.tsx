// The body of a skill gap, shared by the panel and the printable report: coverage figures with
// their definition, then essential and optional skills, each split into found (with the evidence
// quote: clicking it selects the span in the text pane) and missing, grouped by ESCO hierarchy so a
// long missing list reads as a few areas.
import { COVERAGE_DEFINITION, rankedEvidence, type FoundSkill, type SkillGap, type SkillGapPart, type SkillRelation } from '../../../core/skillGap.ts';
import { groupHeading, groupSkillIndices, TOP_GROUP_LEVEL } from '../../../core/skillHierarchy.ts';
import type { Taxonomy } from '../../../core/taxonomy.ts';
import { shownLabel } from '../../concepts.ts';
import { selectTextSpan } from '../../evidenceJump.ts';
import { evidenceQuote, formatScore } from '../../format.ts';
import { useAppStore } from '../../store.ts';

function pct(share: number | null): string {
  return share === null ? '–' : `${Math.round(share * 100)} %`;
}

function SkillName({ taxonomy, index }: { taxonomy: Taxonomy; index: number }) {
  const labels = useAppStore((s) => s.language.labels);
  const name = shownLabel(taxonomy, labels, 'skill', index);
  return (
    <a className="result-label" href={taxonomy.skills[index]?.uri} target="_blank" rel="noopener noreferrer" title={taxonomy.skills[index]?.uri} lang={name.language}>
      {name.label}
    </a>
  );
}

function FoundRow({ taxonomy, found, text, interactive }: { taxonomy: Taxonomy; found: FoundSkill; text: string; interactive: boolean }) {
  const basis = useAppStore((s) => s.settings.thresholds.scoreBasis);
  const best = rankedEvidence(found.evidence, basis)[0];
  return (
    <li data-uri={taxonomy.skills[found.skillIndex]?.uri} className="gap-row">
      <SkillName taxonomy={taxonomy} index={found.skillIndex} /> <span className="muted">{formatScore(found.score)}</span>
      {best &&
        (interactive ? (
          <button type="button" className="evidence-link" onClick={() => selectTextSpan('source-text', best.start, best.end)} title="Show in your text">
            “{evidenceQuote(text, best)}”
          </button>
        ) : (
          <div className="gap-quote">“{evidenceQuote(text, best)}”</div>
        ))}
    </li>
  );
}

function MissingGroups({ taxonomy, part }: { taxonomy: Taxonomy; part: SkillGapPart }) {
  // Largest area first: "12 missing in S1 communication…" reads before the one-off areas.
  const groups = groupSkillIndices(
    taxonomy,
    part.missing.map((m) => m.skillIndex),
    TOP_GROUP_LEVEL,
    'size',
  );
  return (
    <div className="gap-missing-groups">
      {groups.map((g) => (
        <div key={g.key} className="gap-group" data-group={g.code || g.label}>
          <h5>
            {groupHeading(g.code, g.label)} <span className="count">{g.items.length}</span>
          </h5>
          <ul>
            {g.items.map((i) => (
              <li key={i} data-uri={taxonomy.skills[i]?.uri} className="gap-row">
                <SkillName taxonomy={taxonomy} index={i} />
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

const RELATION_TITLE: Record<SkillRelation, string> = { essential: 'Essential skills', optional: 'Optional skills' };

function PartView({ taxonomy, relation, part, text, interactive }: { taxonomy: Taxonomy; relation: SkillRelation; part: SkillGapPart; text: string; interactive: boolean }) {
  const total = part.found.length + part.missing.length;
  if (total === 0) return null;
  return (
    <div className="gap-part" data-testid={`gap-${relation}`}>
      <h3>
        {RELATION_TITLE[relation]}: {part.found.length} of {total} found
      </h3>
      <div className="gap-columns">
        <div data-testid={`gap-${relation}-found`}>
          <h4>
            Found <span className="count">{part.found.length}</span>
          </h4>
          {part.found.length === 0 ? (
            <p className="muted">None at the current threshold.</p>
          ) : (
            <ul>
              {part.found.map((f) => (
                <FoundRow key={f.skillIndex} taxonomy={taxonomy} found={f} text={text} interactive={interactive} />
              ))}
            </ul>
          )}
        </div>
        <div data-testid={`gap-${relation}-missing`}>
          <h4>
            Missing <span className="count">{part.missing.length}</span>
          </h4>
          {part.missing.length === 0 ? <p className="muted">None: every {relation} skill was found.</p> : <MissingGroups taxonomy={taxonomy} part={part} />}
        </div>
      </div>
    </div>
  );
}

export function GapLists({ taxonomy, gap, text, interactive }: { taxonomy: Taxonomy; gap: SkillGap; text: string; interactive: boolean }) {
  const c = gap.coverage;
  return (
    <div className="gap-lists">
      <p className="gap-coverage" data-testid="gap-coverage">
        <strong>{pct(c.profile)}</strong> profile coverage · essential {c.essentialFound} of {c.essentialTotal} ({pct(c.essentialShare)}) · optional {c.optionalFound} of {c.optionalTotal} (
        {pct(c.optionalShare)})
      </p>
      <p className="hint">
        {COVERAGE_DEFINITION} Skill threshold {gap.skillThreshold.toFixed(2)}.
      </p>
      <PartView taxonomy={taxonomy} relation="essential" part={gap.essential} text={text} interactive={interactive} />
      <PartView taxonomy={taxonomy} relation="optional" part={gap.optional} text={text} interactive={interactive} />
    </div>
  );
}
