// `npx tsx scripts/eval/inspect.ts --model bge-small-en --concepts label [--file tech|house|usa] [--n 20]`
// Prints missed gold labels beside the top predictions, for reading the error classes behind EVAL.md.
import { parseArgs } from 'node:util';
import { loadTaxonomyAsset } from '../precompute.ts';
import { defaultDecorteFiles, defaultMeloFiles, EvalEnv, loadDecorte, loadGeneric, type EvalConfig } from './harness.ts';

async function main() {
  const { values } = parseArgs({ options: { model: { type: 'string', default: 'bge-small-en' }, concepts: { type: 'string' }, occ: { type: 'string' }, file: { type: 'string', default: 'tech' }, n: { type: 'string', default: '25' }, system: { type: 'string', default: 'pipeline' } } });
  const taxonomy = loadTaxonomyAsset();
  const env = new EvalEnv(taxonomy);
  const byUri = new Map([...taxonomy.skills, ...taxonomy.occupations].map((c) => [c.uri, c.label]));
  const config: EvalConfig = { name: 'x', system: values.system as EvalConfig['system'], presetId: values.model!, concepts: values.concepts, occupationConcepts: values.occ };
  const file = values.file === 'usa' ? loadGeneric(defaultMeloFiles(true)[0]) : loadDecorte(defaultDecorteFiles())[values.file === 'house' ? 1 : 0];
  const preds = values.file === 'usa' ? await env.occupationPredictions(config, file.items) : await env.skillPredictions(config, file.items);
  let shown = 0;
  file.items.forEach((s, i) => {
    if (!s.relevant.length || shown >= Number(values.n)) return;
    const top = preds[i].slice(0, 5).map((p) => p.uri);
    const missed = s.relevant.filter((u) => !top.includes(u));
    if (!missed.length) return;
    shown++;
    console.log(`\n${s.text.slice(0, 160)}`);
    console.log(`  gold missed: ${missed.map((u) => `${byUri.get(u)} (rank ${preds[i].findIndex((p) => p.uri === u) + 1 || '-'})`).join('; ')}`);
    console.log(`  top-5: ${preds[i].slice(0, 5).map((p) => `${byUri.get(p.uri)} ${p.score.toFixed(3)}${s.relevant.includes(p.uri) ? ' *' : ''}`).join('; ')}`);
  });
  env.saveCaches();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
