import { encoderModel, BGE_M3_LAYER } from '../onnxModels.ts';
import ortMod from 'onnxruntime-node';
const ort = ortMod;
for (const q of [false, true]) {
  let t = performance.now();
  const bytes = encoderModel({ ...BGE_M3_LAYER, layers: 2 }, q);
  console.log('build', q, (performance.now()-t).toFixed(0), 'ms', bytes.length);
  t = performance.now();
  const s = await ort.InferenceSession.create(bytes);
  console.log('session', (performance.now()-t).toFixed(0));
  const b = 16, L = 32;
  const ids = new BigInt64Array(b*L).map((_, i) => BigInt(i % 4000));
  const mask = new BigInt64Array(b*L).fill(1n);
  for (let r = 0; r < 5; r++) {
    t = performance.now();
    const out = await s.run({ input_ids: new ort.Tensor('int64', ids, [b, L]), attention_mask: new ort.Tensor('int64', mask, [b, L]) });
    const d = out.last_hidden_state.data as Float32Array;
    console.log('run', (performance.now()-t).toFixed(1), d[0], d[1000], Number.isFinite(d.reduce((a,x)=>a+x,0)));
  }
}
