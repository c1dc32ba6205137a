// A small inline-SVG histogram of candidate scores over [0, 1] with the threshold cut drawn:
// bars at or above the cut are kept, the others are dimmed.
export function Histogram({ counts, cut, label }: { counts: readonly number[]; cut: number; label: string }) {
  const width = 200;
  const height = 44;
  const bins = counts.length || 1;
  const barW = width / bins;
  const max = Math.max(1, ...counts);
  const x = Math.max(0, Math.min(1, cut)) * width;
  const total = counts.reduce((a, b) => a + b, 0);
  return (
    <svg className="histogram" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={`${label}: ${total} candidate scores, cut at ${cut.toFixed(2)}`}>
      <rect className="hist-bg" x="0" y="0" width={width} height={height} />
      {counts.map((n, i) => {
        if (n === 0) return null;
        // Square-root scale so one tall bin does not flatten the rest.
        const h = Math.max(2, (Math.sqrt(n) / Math.sqrt(max)) * (height - 4));
        const kept = (i + 1) / bins > cut;
        return <rect key={i} className={kept ? 'hist-bar kept' : 'hist-bar'} x={i * barW + 0.5} y={height - h} width={barW - 1} height={h} />;
      })}
      <line className="hist-cut" x1={x} x2={x} y1="0" y2={height} />
    </svg>
  );
}
