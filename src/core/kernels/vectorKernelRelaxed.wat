;; int8 scoring with relaxed SIMD 8-bit dot products (i32x4.relaxed_dot_i8x16_i7x16_add_s), compiled
;; like vectorKernel.wat by `npm run build:kernel`. A separate module because engines without relaxed
;; SIMD reject the whole module: vectorKernel.ts validates this one on its own (that is the feature
;; test) and falls back to vectorKernel.wat's dotI8 where it does not validate.
;;
;; relaxed_dot(a, b, c) adds to each i32 lane of c the 4 products of 4 consecutive i8 lanes of a and b.
;; Its result is only specified (the same on every engine) when every lane of b has its top bit clear,
;; i.e. b in [0, 127]: x86 without VNNI multiplies b as unsigned (pmaddubsw, whose i16 pair sums cannot
;; saturate then), ARM as signed. So the caller quantises each query to 7 bits, q in [-63, 63], and
;; passes b = q + 64 in [1, 127]; the matrix row a (int8, any value) is the other operand. Then
;;   sum a * b = sum a * q + 64 * sum a,
;; and `sumsI8` precomputes corr = 64 * sum a once per row, so the kernel subtracts it and gets the
;; exact integer sum a . q, bit for bit what dotI8 computes from the same 7-bit query as int16.
;; (|a| <= 128, b <= 127: per row |sum| <= 2^14 per dim, far from i32 overflow below 2^17 dims.)
;;
;; Layout as in vectorKernel.wat except the query block: 16-dim chunk c, query j -> 16 bytes at
;; q + (c * 4 + j) * 16. $corr = byte address of the row's i32 correction.
(module
  (import "env" "memory" (memory 1))

  (func (export "dotI8Relaxed") (param $row i32) (param $scale i32) (param $rows i32) (param $stride i32) (param $q i32) (param $out i32) (param $corr i32)
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
          ;; accumulating in the dot itself measured faster than dotting from zero and adding (1.9 vs
          ;; 2.4 ms per block at 17,597 x 1024, V8 11.3 TurboFan, x64)
          local.get $row  v128.load  local.set $x
          local.get $x  local.get $qp  v128.load offset=0   local.get $a0  i32x4.relaxed_dot_i8x16_i7x16_add_s  local.set $a0
          local.get $x  local.get $qp  v128.load offset=16  local.get $a1  i32x4.relaxed_dot_i8x16_i7x16_add_s  local.set $a1
          local.get $x  local.get $qp  v128.load offset=32  local.get $a2  i32x4.relaxed_dot_i8x16_i7x16_add_s  local.set $a2
          local.get $x  local.get $qp  v128.load offset=48  local.get $a3  i32x4.relaxed_dot_i8x16_i7x16_add_s  local.set $a3
          local.get $qp  i32.const 64  i32.add  local.set $qp
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
        local.get $corr  v128.load32_splat
        i32x4.sub
        f32x4.convert_i32x4_s
        local.get $scale  v128.load32_splat
        f32x4.mul
        v128.store
        local.get $out  i32.const 16  i32.add  local.set $out
        local.get $scale  i32.const 4  i32.add  local.set $scale
        local.get $corr  i32.const 4  i32.add  local.set $corr
        local.get $rows  i32.const 1  i32.sub  local.tee $rows
        br_if $nextRow
      end
    end
  )

  ;; corr[r] = 64 * sum of row r's int8 values, with the same instruction (64 is a valid i7 operand).
  (func (export "sumsI8") (param $row i32) (param $rows i32) (param $stride i32) (param $corr i32)
    (local $end i32) (local $acc v128)
    block $done
      local.get $rows  i32.eqz  br_if $done
      loop $nextRow
        v128.const i32x4 0 0 0 0  local.set $acc
        local.get $row  local.get $stride  i32.add  local.set $end
        loop $nextChunk
          local.get $row  v128.load
          v128.const i8x16 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64
          local.get $acc  i32x4.relaxed_dot_i8x16_i7x16_add_s  local.set $acc
          local.get $row  i32.const 16  i32.add  local.tee $row
          local.get $end  i32.lt_u  br_if $nextChunk
        end
        local.get $corr
        local.get $acc  i32x4.extract_lane 0  local.get $acc  i32x4.extract_lane 1  i32.add
        local.get $acc  i32x4.extract_lane 2  local.get $acc  i32x4.extract_lane 3  i32.add
        i32.add
        i32.store
        local.get $corr  i32.const 4  i32.add  local.set $corr
        local.get $rows  i32.const 1  i32.sub  local.tee $rows
        br_if $nextRow
      end
    end
  )
)
