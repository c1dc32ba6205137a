;; WebAssembly SIMD scoring kernels (the source of truth). `npm run build:kernel` compiles this file
;; with wabt's wat2wasm into vectorKernel.generated.ts, which vectorKernel.ts loads; vectorKernel.test.ts
;; recompiles it and fails when the shipped bytes differ, so what runs cannot drift from this text.
;;
;; Both kernels score ONE block of 4 queries against `rows` consecutive matrix rows and write, per row,
;; the 4 scores as f32 (out[row * 4 + j]). The caller loops over query blocks and keeps the top-k; the
;; expensive part (the dot products) is all in here. Design points, measured on 17,597 x 1024:
;; - 4 queries per pass: each matrix chunk is loaded (and widened/converted) once and used 4 times;
;;   8 queries or 2-row tiles were no faster (the loop is bound by SIMD ALU throughput, not loads).
;; - Queries are interleaved per chunk ([chunk][query][lanes]) so all query loads use constant offsets
;;   from one pointer.
;; - Row stride is a multiple of 16 elements (zero padded), so the 2x unrolled inner loop needs no tail.
;;
;; int8 (`dotI8`): matrix rows are int8 with a per-row f32 scale; queries are int16 (quantised per
;; query by the caller, with a range that makes i32 overflow impossible). v128.load8x8_s widens 8 matrix
;; values to i16 and i32x4.dot_i16x8_s multiplies and pairwise-adds 8 of them per instruction. The
;; integer sum is exact; out = f32(sum) * rowScale (the caller multiplies by the query scale).
;;
;; f16 (`dotF16`): matrix rows are IEEE half bit patterns. v128.load16x4_s sign-extends 4 of them to
;; i32; shifting left by 13 puts exponent and mantissa where an f32 keeps them, with the sign at bit 31
;; and copies of it in bits 30..28, which the mask clears. The result read as f32 is the half's value
;; times 2^-112 (subnormal halves included), so multiplying by 2^112 (0x77800000) gives the exact value.
;; Subnormal halves become subnormal f32 there, which is correct but slow on x86 (quantizeMatrix does
;; not produce them). Infinity/NaN halves are not handled (decodeMatrix refuses them).
;; Each of the 4 lanes accumulates in f32 (mul, then add: no FMA), and the lanes are summed as
;; (l0 + l2) + (l1 + l3); the JS fallback in vectors.ts repeats exactly these roundings, so both paths
;; give bit-identical scores.
;;
;; Parameters: $row = byte address of the first row, $scale = byte address of its f32 scale (int8
;; only), $rows = number of rows, $stride = row length in bytes, $q = byte address of the interleaved
;; query block, $out = byte address of the f32 output.
(module
  (import "env" "memory" (memory 1))

  (func (export "dotI8") (param $row i32) (param $scale i32) (param $rows i32) (param $stride i32) (param $q i32) (param $out i32)
    (local $end i32) (local $qp i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $x v128) (local $s0 v128) (local $s1 v128)
    block $done
      local.get $rows  i32.eqz  br_if $done
      loop $nextRow
        v128.const i32x4 0 0 0 0  local.tee $a0  local.tee $a1  local.tee $a2  local.set $a3
        local.get $row  local.get $stride  i32.add  local.set $end
        local.get $q  local.set $qp
        loop $nextChunk
          ;; dims 0..7 of this 16-dim step: query j's 8 int16 values are at qp + 16 j
          local.get $row  v128.load8x8_s  local.set $x
          local.get $a0  local.get $x  local.get $qp  v128.load offset=0   i32x4.dot_i16x8_s  i32x4.add  local.set $a0
          local.get $a1  local.get $x  local.get $qp  v128.load offset=16  i32x4.dot_i16x8_s  i32x4.add  local.set $a1
          local.get $a2  local.get $x  local.get $qp  v128.load offset=32  i32x4.dot_i16x8_s  i32x4.add  local.set $a2
          local.get $a3  local.get $x  local.get $qp  v128.load offset=48  i32x4.dot_i16x8_s  i32x4.add  local.set $a3
          ;; dims 8..15
          local.get $row  v128.load8x8_s offset=8  local.set $x
          local.get $a0  local.get $x  local.get $qp  v128.load offset=64   i32x4.dot_i16x8_s  i32x4.add  local.set $a0
          local.get $a1  local.get $x  local.get $qp  v128.load offset=80   i32x4.dot_i16x8_s  i32x4.add  local.set $a1
          local.get $a2  local.get $x  local.get $qp  v128.load offset=96   i32x4.dot_i16x8_s  i32x4.add  local.set $a2
          local.get $a3  local.get $x  local.get $qp  v128.load offset=112  i32x4.dot_i16x8_s  i32x4.add  local.set $a3
          local.get $qp  i32.const 128  i32.add  local.set $qp
          local.get $row  i32.const 16  i32.add  local.tee $row
          local.get $end  i32.lt_u  br_if $nextChunk
        end
        ;; transpose-add the 4 accumulators into one vector [sum a0, sum a1, sum a2, sum a3]
        local.get $a0  local.get $a1  i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
        local.get $a0  local.get $a1  i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
        i32x4.add  local.set $s0
        local.get $a2  local.get $a3  i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
        local.get $a2  local.get $a3  i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
        i32x4.add  local.set $s1
        local.get $out
        local.get $s0  local.get $s1  i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        local.get $s0  local.get $s1  i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
        i32x4.add
        f32x4.convert_i32x4_s
        local.get $scale  v128.load32_splat
        f32x4.mul
        v128.store
        local.get $out  i32.const 16  i32.add  local.set $out
        local.get $scale  i32.const 4  i32.add  local.set $scale
        local.get $rows  i32.const 1  i32.sub  local.tee $rows
        br_if $nextRow
      end
    end
  )

  (func (export "dotF16") (param $row i32) (param $scale i32) (param $rows i32) (param $stride i32) (param $q i32) (param $out i32)
    (local $end i32) (local $qp i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $x v128) (local $s0 v128) (local $s1 v128)
    block $done
      local.get $rows  i32.eqz  br_if $done
      loop $nextRow
        v128.const f32x4 0 0 0 0  local.tee $a0  local.tee $a1  local.tee $a2  local.set $a3
        local.get $row  local.get $stride  i32.add  local.set $end
        local.get $q  local.set $qp
        loop $nextChunk
          ;; dims 0..3 of this 8-dim step, half -> f32 as described above; query j's 4 f32 at qp + 16 j
          local.get $row  v128.load16x4_s  i32.const 13  i32x4.shl
          v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff  v128.and
          v128.const i32x4 0x77800000 0x77800000 0x77800000 0x77800000  f32x4.mul  local.set $x
          local.get $a0  local.get $x  local.get $qp  v128.load offset=0   f32x4.mul  f32x4.add  local.set $a0
          local.get $a1  local.get $x  local.get $qp  v128.load offset=16  f32x4.mul  f32x4.add  local.set $a1
          local.get $a2  local.get $x  local.get $qp  v128.load offset=32  f32x4.mul  f32x4.add  local.set $a2
          local.get $a3  local.get $x  local.get $qp  v128.load offset=48  f32x4.mul  f32x4.add  local.set $a3
          ;; dims 4..7
          local.get $row  v128.load16x4_s offset=8  i32.const 13  i32x4.shl
          v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff  v128.and
          v128.const i32x4 0x77800000 0x77800000 0x77800000 0x77800000  f32x4.mul  local.set $x
          local.get $a0  local.get $x  local.get $qp  v128.load offset=64   f32x4.mul  f32x4.add  local.set $a0
          local.get $a1  local.get $x  local.get $qp  v128.load offset=80   f32x4.mul  f32x4.add  local.set $a1
          local.get $a2  local.get $x  local.get $qp  v128.load offset=96   f32x4.mul  f32x4.add  local.set $a2
          local.get $a3  local.get $x  local.get $qp  v128.load offset=112  f32x4.mul  f32x4.add  local.set $a3
          local.get $qp  i32.const 128  i32.add  local.set $qp
          local.get $row  i32.const 16  i32.add  local.tee $row
          local.get $end  i32.lt_u  br_if $nextChunk
        end
        ;; per query: (l0 + l2) + (l1 + l3), transposed so the 4 sums land in one vector
        local.get $a0  local.get $a1  i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
        local.get $a0  local.get $a1  i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
        f32x4.add  local.set $s0
        local.get $a2  local.get $a3  i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
        local.get $a2  local.get $a3  i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
        f32x4.add  local.set $s1
        local.get $out
        local.get $s0  local.get $s1  i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        local.get $s0  local.get $s1  i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
        f32x4.add
        v128.store
        local.get $out  i32.const 16  i32.add  local.set $out
        local.get $rows  i32.const 1  i32.sub  local.tee $rows
        br_if $nextRow
      end
    end
  )
)
