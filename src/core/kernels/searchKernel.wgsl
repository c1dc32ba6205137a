// WGSL search kernel for int8 concept matrices (src/runtime/webgpuSearch.ts drives it): scores a pass
// of f32 queries, already rotated by R (vectors.ts rotateForInt8), against the int8 rows of one matrix
// chunk, times each row's f32 scale. Top-k selection happens on the CPU afterwards.
//
// Work split: one invocation per (row, block of QUERY_BLOCK = 8 queries); grid x = rows / 64, grid
// y = query blocks. Why not one invocation per (row, query): every row word would then be loaded and
// unpacked (shift, sign-extend, convert: ~10 ops for 4 values) once per query; here one load and one
// unpack feed 8 vec4 dot products, and the 8 accumulators fit in registers. Why not all queries in one
// invocation: a pass of up to 64 queries would need 64 live accumulators (register spills), and fewer
// invocations would leave small matrices unable to fill a GPU. Queries are read at the same address
// by every invocation of a workgroup at a time (a broadcast, served by the cache), so they need no
// workgroup memory and the kernel has no barriers.
//
// Layout (built on upload by src/core/gpuSearch.ts packInt8Chunk): the chunk's rows are stored
// transposed, word w of row r at matrix[w * rowStride + r] (rowStride = rows rounded up to 64), so
// neighbouring invocations read neighbouring words (coalesced loads). A word holds 4 consecutive
// int8 values little-endian (dim 4w in the low byte), dims padded with zeros to a multiple of 4.
// Unpacking uses shifts on i32 (arithmetic right shift sign-extends), not unpack4xI8 or dot4I8Packed,
// which need the optional packed_4x8_integer_dot_product language extension (SwiftShader must run this).
//
// Precision: the dot product is accumulated in f32 (one vec4 dot per word, then a running sum), so a
// score differs from the exact int8 dot product by at most about words * 2^-24 * sum |q_d * x_d| * scale
// (unit vectors: well below 1e-5); e2e/webgpuSearch.spec.ts measures it on SwiftShader.

const QUERY_BLOCK: u32 = 8u;
const WORKGROUP_SIZE: u32 = 64u;

struct Params {
  // Rows in this chunk.
  rows: u32,
  // Row stride of the transposed layout (rows rounded up to WORKGROUP_SIZE).
  rowStride: u32,
  // u32 words per row: ceil(dims / 4).
  words: u32,
  // Queries in this pass (the query buffer is zero-padded to a multiple of QUERY_BLOCK).
  queries: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> matrix: array<u32>;
@group(0) @binding(2) var<storage, read> scales: array<f32>;
// Query q, word w (dims 4w .. 4w+3) at queries[q * words + w].
@group(0) @binding(3) var<storage, read> queries: array<vec4<f32>>;
// Query q, chunk row r at scores[q * rows + r].
@group(0) @binding(4) var<storage, read_write> scores: array<f32>;

fn unpackInt8(w: u32) -> vec4<f32> {
  // Each byte moved to the top, then an arithmetic shift back down sign-extends it.
  let shifted = vec4<u32>(w << 24u, w << 16u, w << 8u, w);
  return vec4<f32>(bitcast<vec4<i32>>(shifted) >> vec4<u32>(24u));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  if (r >= params.rows) {
    return;
  }
  let q0 = gid.y * QUERY_BLOCK;
  let words = params.words;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  for (var w = 0u; w < words; w++) {
    let x = unpackInt8(matrix[w * params.rowStride + r]);
    let base = q0 * words + w;
    acc0 += vec4<f32>(
      dot(x, queries[base]),
      dot(x, queries[base + words]),
      dot(x, queries[base + 2u * words]),
      dot(x, queries[base + 3u * words]));
    acc1 += vec4<f32>(
      dot(x, queries[base + 4u * words]),
      dot(x, queries[base + 5u * words]),
      dot(x, queries[base + 6u * words]),
      dot(x, queries[base + 7u * words]));
  }
  let s = scales[r];
  let n = params.rows;
  for (var j = 0u; j < 4u; j++) {
    if (q0 + j < params.queries) {
      scores[(q0 + j) * n + r] = acc0[j] * s;
    }
    if (q0 + 4u + j < params.queries) {
      scores[(q0 + 4u + j) * n + r] = acc1[j] * s;
    }
  }
}
