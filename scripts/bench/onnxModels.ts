// ONNX graphs the benchmarks run in onnxruntime-node and onnxruntime-web, written with onnx-proto
// (as scripts/generate-test-models.ts does; no Python here):
//  - topKModel: MatMul(q [n, dims], M^T [dims, rows] as an initializer) -> TopK(k), the baseline for
//    the project's search kernel. The matrix is an initializer, not an input, so ORT can pre-pack it
//    once, as the project's kernel keeps its matrix resident: neither side pays a copy per search.
//  - encoderModel: an XLM-RoBERTa-large-shaped encoder (bge-m3's layer: hidden 1024, 16 heads, FFN
//    4096, erf GELU, post-layer-norm residuals, additive attention mask) with random weights and few
//    layers; speed does not depend on the weights' values. `quantized` rewrites every MatMul with a
//    constant weight the way onnxruntime's quantize_dynamic does for model_quantized.onnx
//    (DynamicQuantizeLinear on the activation, MatMulInteger with int8 weights, Cast, Mul by
//    x_scale * w_scale; per-tensor, weights symmetric); the activation x activation attention MatMuls
//    stay fp32 (quantize_dynamic's MatMulConstBOnly default).
// Inputs input_ids / attention_mask [batch, sequence] int64, output last_hidden_state [b, s, 1024]:
// the production embedder's interface. Deterministic bytes for a given configuration.
import { encodeModel, F32, f32, I64, i64, I8, i8, onnx, tensor, valueInfo, mulberry32, type AttributeProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../onnxGraph.ts';

const INT = onnx.AttributeProto.AttributeType.INT;
const INTS = onnx.AttributeProto.AttributeType.INTS;
const FLOAT = onnx.AttributeProto.AttributeType.FLOAT;

function encode(name: string, opset: number, nodes: NodeProto[], initializer: TensorProto[], inputs: ValueInfoProto[], outputs: ValueInfoProto[]): Uint8Array {
  return encodeModel({ graphName: name, producerName: 'esco-skill-finder/scripts/bench', opset, nodes, initializer, inputs, outputs });
}

/** MatMul(q, M^T) -> TopK: inputs q [n, dims]; outputs scores [n, k] f32 and indices [n, k] int64. */
export function topKModel(matrixT: Float32Array, rows: number, dims: number, k: number): Uint8Array {
  return encode(
    'matmul_topk',
    13,
    [
      { opType: 'MatMul', input: ['q', 'mT'], output: ['s'], name: 'matmul' },
      { opType: 'TopK', input: ['s', 'k'], output: ['scores', 'indices'], name: 'topk', attribute: [{ name: 'axis', type: INT, i: -1 }] },
    ],
    [tensor('mT', F32, [dims, rows], matrixT), i64('k', [k])],
    [valueInfo('q', F32, ['n', dims])],
    [valueInfo('scores', F32, ['n', k]), valueInfo('indices', I64, ['n', k])],
  );
}

export interface EncoderShape {
  layers: number;
  hidden: number;
  heads: number;
  ffn: number;
  vocab: number;
}

/** bge-m3 (XLM-RoBERTa large) per layer; the vocabulary is tiny because a Gather's cost does not depend on it. */
export const BGE_M3_LAYER: Omit<EncoderShape, 'layers'> = { hidden: 1024, heads: 16, ffn: 4096, vocab: 4096 };

/** Multiply-adds per token per layer in the weight MatMuls (attention score/context MatMuls excluded). */
export function linearMacsPerToken(s: Omit<EncoderShape, 'layers' | 'vocab'>): number {
  return 4 * s.hidden * s.hidden + 2 * s.hidden * s.ffn;
}

const prng = mulberry32;

export function encoderModel(shape: EncoderShape, quantized: boolean, seed = 0xbe9c3): Uint8Array {
  const { layers, hidden: H, heads, ffn, vocab } = shape;
  const headDim = H / heads;
  const rand = prng(seed);
  // Uniform with BERT's init std 0.02: activations stay in range through the layers.
  const weights = (n: number): Float32Array => {
    const w = new Float32Array(n);
    const a = 0.02 * Math.sqrt(3);
    for (let i = 0; i < n; i++) w[i] = (rand() * 2 - 1) * a;
    return w;
  };
  const nodes: NodeProto[] = [];
  const init: TensorProto[] = [];
  let uid = 0;
  const node = (opType: string, input: string[], attribute: AttributeProto[] = [], outputs = 1): string[] => {
    const out = Array.from({ length: outputs }, (_, i) => `${opType.toLowerCase()}_${uid}${outputs > 1 ? `_${i}` : ''}`);
    nodes.push({ opType, input, output: out, name: `${opType}_${uid++}`, attribute });
    return out;
  };
  const one = (opType: string, input: string[], attribute: AttributeProto[] = []): string => node(opType, input, attribute)[0];

  init.push(
    i64('shape_heads', [0, 0, heads, headDim]),
    i64('shape_hidden', [0, 0, H]),
    i64('axes_1_2', [1, 2]),
    f32('one', [1]),
    f32('half', [0.5]),
    f32('sqrt2', [Math.SQRT2]),
    f32('att_scale', [Math.sqrt(headDim)]),
    f32('mask_neg', [-10000]),
  );

  /** Activations quantised once per tensor and shared by every consumer (as quantize_dynamic does for Q, K, V). */
  const quantizedActivations = new Map<string, [string, string, string]>();
  const linear = (x: string, name: string, inDim: number, outDim: number): string => {
    const w = weights(inDim * outDim);
    const b = weights(outDim);
    init.push(tensor(`${name}.bias`, F32, [outDim], b));
    let y: string;
    if (!quantized) {
      init.push(tensor(`${name}.weight`, F32, [inDim, outDim], w));
      y = one('MatMul', [x, `${name}.weight`]);
    } else {
      let maxAbs = 0;
      for (let i = 0; i < w.length; i++) maxAbs = Math.max(maxAbs, Math.abs(w[i]));
      const scale = maxAbs / 127;
      const q = new Int8Array(w.length);
      for (let i = 0; i < w.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(w[i] / scale)));
      init.push(tensor(`${name}.weight_quantized`, I8, [inDim, outDim], q), f32(`${name}.weight_scale`, [scale]), i8(`${name}.weight_zero_point`, [0]));
      let qa = quantizedActivations.get(x);
      if (!qa) {
        const [xq, xs, xzp] = node('DynamicQuantizeLinear', [x], [], 3);
        qa = [xq, xs, xzp];
        quantizedActivations.set(x, qa);
      }
      const [xq, xs, xzp] = qa;
      const acc = one('MatMulInteger', [xq, `${name}.weight_quantized`, xzp, `${name}.weight_zero_point`]);
      const accF = one('Cast', [acc], [{ name: 'to', type: INT, i: F32 }]);
      const scales = one('Mul', [xs, `${name}.weight_scale`]);
      y = one('Mul', [accF, scales]);
    }
    return one('Add', [y, `${name}.bias`]);
  };
  const layerNorm = (x: string, name: string): string => {
    init.push(tensor(`${name}.gamma`, F32, [H], new Float32Array(H).fill(1)), tensor(`${name}.beta`, F32, [H], new Float32Array(H)));
    return one('LayerNormalization', [x, `${name}.gamma`, `${name}.beta`], [
      { name: 'axis', type: INT, i: -1 },
      { name: 'epsilon', type: FLOAT, f: 1e-5 },
    ]);
  };

  init.push(tensor('embeddings.word', F32, [vocab, H], weights(vocab * H)));
  let x = layerNorm(one('Gather', ['embeddings.word', 'input_ids'], [{ name: 'axis', type: INT, i: 0 }]), 'embeddings.ln');
  // Additive mask [b, 1, 1, s]: 0 for tokens, -10000 for padding (what the PyTorch export computes).
  const maskF = one('Cast', ['attention_mask'], [{ name: 'to', type: INT, i: F32 }]);
  const maskBias = one('Unsqueeze', [one('Mul', [one('Sub', ['one', maskF]), 'mask_neg']), 'axes_1_2']);

  for (let l = 0; l < layers; l++) {
    const p = `layer${l}`;
    const split = (t: string, perm: number[]): string => one('Transpose', [one('Reshape', [t, 'shape_heads'])], [{ name: 'perm', type: INTS, ints: perm }]);
    const q = split(linear(x, `${p}.q`, H, H), [0, 2, 1, 3]);
    const k = split(linear(x, `${p}.k`, H, H), [0, 2, 3, 1]);
    const v = split(linear(x, `${p}.v`, H, H), [0, 2, 1, 3]);
    const scores = one('Add', [one('Div', [one('MatMul', [q, k]), 'att_scale']), maskBias]);
    const probs = one('Softmax', [scores], [{ name: 'axis', type: INT, i: -1 }]);
    const context = one('Reshape', [one('Transpose', [one('MatMul', [probs, v])], [{ name: 'perm', type: INTS, ints: [0, 2, 1, 3] }]), 'shape_hidden']);
    const attnOut = layerNorm(one('Add', [linear(context, `${p}.o`, H, H), x]), `${p}.ln1`);
    const h = linear(attnOut, `${p}.ffn_in`, H, ffn);
    // erf GELU, as PyTorch exports it (ORT fuses the pattern into one Gelu kernel).
    const gelu = one('Mul', [one('Mul', [h, one('Add', [one('Erf', [one('Div', [h, 'sqrt2'])]), 'one'])]), 'half']);
    x = layerNorm(one('Add', [linear(gelu, `${p}.ffn_out`, ffn, H), attnOut]), `${p}.ln2`);
  }
  nodes.push({ opType: 'Identity', input: [x], output: ['last_hidden_state'], name: 'output' });
  return encode(
    `bench_encoder_${layers}x${H}${quantized ? '_q8' : ''}`,
    17,
    nodes,
    init,
    [valueInfo('input_ids', I64, ['batch_size', 'sequence_length']), valueInfo('attention_mask', I64, ['batch_size', 'sequence_length'])],
    [valueInfo('last_hidden_state', F32, ['batch_size', 'sequence_length', H])],
  );
}
