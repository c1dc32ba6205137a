// The application shell and layout: input and evidence on one side; thresholds, results and export
// on the other (thresholds first, so a growing result list never pushes the sliders away), then
// the occupation search; the text's language under the input; the model and cache panel below.
// One column on narrow screens.
import { DocumentView } from './components/DocumentView.tsx';
import { ExportPanel } from './components/ExportPanel.tsx';
import { InputPanel } from './components/InputPanel.tsx';
import { LanguagePanel } from './components/LanguagePanel.tsx';
import { ModelPanel } from './components/ModelPanel.tsx';
import { OccupationSearch } from './components/OccupationSearch.tsx';
import { PwaBar } from './components/PwaBar.tsx';
import { ResultsPanel } from './components/ResultsPanel.tsx';
import { StatusLine } from './components/StatusLine.tsx';
import { ThresholdPanel } from './components/ThresholdPanel.tsx';
import { BatchView } from './components/batch/BatchView.tsx';
import { ViewTabs } from './components/ViewTabs.tsx';
import { CompareView } from './components/compare/CompareView.tsx';
import { GapReport } from './components/gap/GapReport.tsx';
import { SkillGapPanel } from './components/gap/SkillGapPanel.tsx';
import { useAppStore } from './store.ts';

export function App() {
  const view = useAppStore((s) => s.view);
  if (view === 'gap-report') {
    return (
      <main id="main" className="app report">
        <GapReport />
      </main>
    );
  }
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div>
          <h1>ESCO Skill Finder</h1>
          <p className="tagline">Find ESCO skills and occupations in job ads and CVs. Your text never leaves this device.</p>
        </div>
        <PwaBar />
      </header>
      <ViewTabs />
      {view === 'batch' ? (
        <main id="main">
          <BatchView />
        </main>
      ) : view === 'compare' ? (
        <main id="main">
          <CompareView />
        </main>
      ) : (
        <main id="main" className="layout">
          <div className="column column-input">
            <InputPanel />
            <LanguagePanel />
            <StatusLine />
            <DocumentView />
          </div>
          <div className="column column-results">
            <ThresholdPanel />
            <ResultsPanel />
            <ExportPanel />
            <SkillGapPanel />
            <OccupationSearch />
          </div>
          <div className="column-wide">
            <ModelPanel />
          </div>
        </main>
      )}
      <footer className="app-footer">
        <p>This service uses the ESCO classification of the European Commission.</p>
        <p className="muted">
          ESCO data is licensed under{' '}
          <a href="https://creativecommons.org/licenses/by/4.0/" target="_blank" rel="noopener noreferrer">
            CC BY 4.0
          </a>
          . Matching runs entirely in your browser.
        </p>
      </footer>
    </div>
  );
}
