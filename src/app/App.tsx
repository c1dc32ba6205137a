// The application shell. Feature panels are mounted here as they land.
export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>ESCO Skill Finder</h1>
        <p className="tagline">Find ESCO skills and occupations in job ads and CVs. Your text never leaves this device.</p>
      </header>
      <main id="main" />
      <footer className="app-footer">
        This service uses the ESCO classification of the European Commission.
      </footer>
    </div>
  );
}
