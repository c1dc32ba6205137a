// A minimal WebAssembly text (WAT) assembler for the flat-instruction subset the vector kernel is
// written in. It exists so the kernel's source of truth is readable WAT kept in the repository
// (vectorKernelWat.ts) and the bytes that run are always derived from it: there is no separately
// maintained binary blob that could drift from its source, and no wabt/binaryen dependency.
//
// Supported: `(module ...)` with `(import "m" "n" (memory min max?))` and `(func $name? (export "x")?
// (param $p T)* (result T)? (local $l T)* <flat instructions>)`. Instructions are the plain (not
// folded) form; block/loop/if take an optional `$label` and no result type. Types: i32 i64 f32 f64
// v128. Comments: `;; line` and `(; block ;)`. Anything outside this subset is rejected with an Error
// naming the token, rather than assembled wrongly.

type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';
const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

type Imm = 'none' | 'local' | 'label' | 'block' | 'mem' | 'i32' | 'f32' | 'v128' | 'lane' | 'shuffle' | 'func';
interface OpSpec { code: number[]; imm: Imm; align?: number }

// Opcodes from the core spec and the SIMD proposal's binary encoding (BinarySIMD.md, final numbering).
// `align` is the natural alignment (log2 bytes) used when the text gives none.
const OPS: Record<string, OpSpec> = {};
function op(name: string, code: number[], imm: Imm = 'none', align?: number): void {
  OPS[name] = { code, imm, align };
}
function simd(name: string, sub: number, imm: Imm = 'none', align?: number): void {
  op(name, [0xfd, ...uleb(sub)], imm, align);
}

op('unreachable', [0x00]);
op('nop', [0x01]);
op('block', [0x02], 'block');
op('loop', [0x03], 'block');
op('if', [0x04], 'block');
op('else', [0x05]);
op('end', [0x0b]);
op('br', [0x0c], 'label');
op('br_if', [0x0d], 'label');
op('return', [0x0f]);
op('call', [0x10], 'func');
op('drop', [0x1a]);
op('select', [0x1b]);
op('local.get', [0x20], 'local');
op('local.set', [0x21], 'local');
op('local.tee', [0x22], 'local');
op('i32.load', [0x28], 'mem', 2);
op('f32.load', [0x2a], 'mem', 2);
op('i32.load8_s', [0x2c], 'mem', 0);
op('i32.load16_s', [0x2e], 'mem', 1);
op('i32.load16_u', [0x2f], 'mem', 1);
op('i32.store', [0x36], 'mem', 2);
op('f32.store', [0x38], 'mem', 2);
op('i32.const', [0x41], 'i32');
op('f32.const', [0x43], 'f32');
op('i32.eqz', [0x45]);
op('i32.eq', [0x46]);
op('i32.ne', [0x47]);
op('i32.lt_s', [0x48]);
op('i32.lt_u', [0x49]);
op('i32.gt_s', [0x4a]);
op('i32.gt_u', [0x4b]);
op('i32.le_s', [0x4c]);
op('i32.le_u', [0x4d]);
op('i32.ge_s', [0x4e]);
op('i32.ge_u', [0x4f]);
op('f32.lt', [0x5d]);
op('f32.gt', [0x5e]);
op('i32.add', [0x6a]);
op('i32.sub', [0x6b]);
op('i32.mul', [0x6c]);
op('i32.and', [0x71]);
op('i32.or', [0x72]);
op('i32.shl', [0x74]);
op('i32.shr_s', [0x75]);
op('i32.shr_u', [0x76]);
op('f32.add', [0x92]);
op('f32.sub', [0x93]);
op('f32.mul', [0x94]);
op('f32.convert_i32_s', [0xb2]);

simd('v128.load', 0x00, 'mem', 4);
simd('v128.load8x8_s', 0x01, 'mem', 3);
simd('v128.load8x8_u', 0x02, 'mem', 3);
simd('v128.load16x4_s', 0x03, 'mem', 3);
simd('v128.load16x4_u', 0x04, 'mem', 3);
simd('v128.load32_splat', 0x09, 'mem', 2);
simd('v128.store', 0x0b, 'mem', 4);
simd('v128.const', 0x0c, 'v128');
simd('i8x16.shuffle', 0x0d, 'shuffle');
simd('i32x4.splat', 0x11);
simd('f32x4.splat', 0x13);
simd('i32x4.extract_lane', 0x1b, 'lane');
simd('f32x4.extract_lane', 0x1f, 'lane');
simd('v128.and', 0x4e);
simd('v128.or', 0x50);
simd('v128.xor', 0x51);
simd('i16x8.extend_low_i8x16_s', 0x87);
simd('i16x8.extend_high_i8x16_s', 0x88);
simd('i32x4.extend_low_i16x8_s', 0xa7);
simd('i32x4.extend_high_i16x8_s', 0xa8);
simd('i32x4.shl', 0xab);
simd('i32x4.add', 0xae);
simd('i32x4.dot_i16x8_s', 0xba);
simd('f32x4.add', 0xe4);
simd('f32x4.sub', 0xe5);
simd('f32x4.mul', 0xe6);
simd('f32x4.convert_i32x4_s', 0xfa);

export class WatError extends Error {
  override name = 'WatError';
}

function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new WatError(`cannot encode ${n} as u32`);
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb32(n: number): number[] {
  let v = n | 0;
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

function utf8Name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

// ---- tokens and S-expressions ----

type Sexp = string | Sexp[];

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') { i++; continue; }
    if (c === ';' && text[i + 1] === ';') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === '(' && text[i + 1] === ';') {
      const end = text.indexOf(';)', i + 2);
      if (end < 0) throw new WatError('unterminated block comment');
      i = end + 2;
      continue;
    }
    if (c === '(' || c === ')') { tokens.push(c); i++; continue; }
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new WatError('unterminated string');
      tokens.push(text.slice(i, end + 1));
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !' \n\t\r()'.includes(text[j])) j++;
    tokens.push(text.slice(i, j));
    i = j;
  }
  return tokens;
}

function parseSexps(tokens: string[]): Sexp[] {
  const stack: Sexp[][] = [[]];
  for (const t of tokens) {
    if (t === '(') stack.push([]);
    else if (t === ')') {
      const done = stack.pop();
      if (!done || stack.length === 0) throw new WatError('unbalanced ")"');
      stack[stack.length - 1].push(done);
    } else stack[stack.length - 1].push(t);
  }
  if (stack.length !== 1) throw new WatError('unbalanced "("');
  return stack[0];
}

function isList(s: Sexp | undefined, head?: string): s is Sexp[] {
  return Array.isArray(s) && (head === undefined || s[0] === head);
}

function atom(s: Sexp | undefined, what: string): string {
  if (typeof s !== 'string') throw new WatError(`expected ${what}, found ${s === undefined ? 'end of input' : 'a list'}`);
  return s;
}

function stringLit(s: Sexp | undefined): string {
  const a = atom(s, 'a string');
  if (!a.startsWith('"')) throw new WatError(`expected a string, found ${a}`);
  return a.slice(1, -1);
}

function valType(s: Sexp | undefined): ValType {
  const a = atom(s, 'a value type');
  if (!(a in VALTYPE)) throw new WatError(`unknown value type ${a}`);
  return a as ValType;
}

function parseIntLit(a: string): number {
  const clean = a.replace(/_/g, '');
  const neg = clean.startsWith('-');
  const body = neg || clean.startsWith('+') ? clean.slice(1) : clean;
  const v = /^0x[0-9a-f]+$/i.test(body) ? parseInt(body.slice(2), 16) : /^[0-9]+$/.test(body) ? parseInt(body, 10) : NaN;
  if (!Number.isFinite(v)) throw new WatError(`bad integer literal ${a}`);
  return neg ? -v : v;
}

function parseFloatLit(a: string): number {
  const v = Number(a.replace(/_/g, ''));
  if (!Number.isFinite(v)) throw new WatError(`bad float literal ${a} (only decimal and 0x integer forms are supported)`);
  return v;
}

function f32Bytes(v: number): number[] {
  return Array.from(new Uint8Array(new Float32Array([v]).buffer));
}

// ---- module ----

interface FuncDef {
  name?: string;
  exportName?: string;
  params: { name?: string; type: ValType }[];
  result?: ValType;
  locals: { name?: string; type: ValType }[];
  body: string[];
}

function parseFunc(list: Sexp[]): FuncDef {
  const f: FuncDef = { params: [], locals: [], body: [] };
  let i = 1;
  if (typeof list[i] === 'string' && (list[i] as string).startsWith('$')) f.name = list[i++] as string;
  for (; i < list.length; i++) {
    const item = list[i];
    if (!isList(item)) break;
    const head = item[0];
    if (head === 'export') f.exportName = stringLit(item[1]);
    else if (head === 'param' || head === 'local') {
      const target = head === 'param' ? f.params : f.locals;
      if (typeof item[1] === 'string' && item[1].startsWith('$')) {
        if (item.length !== 3) throw new WatError(`named ${head} takes exactly one type`);
        target.push({ name: item[1], type: valType(item[2]) });
      } else for (const t of item.slice(1)) target.push({ type: valType(t) });
    } else if (head === 'result') {
      if (item.length !== 2 || f.result) throw new WatError('at most one result type is supported');
      f.result = valType(item[1]);
    } else if (typeof head === 'string' && head in OPS) {
      throw new WatError(`folded instructions are not supported: (${head} ...)`);
    } else throw new WatError(`unsupported func field (${String(head)} ...)`);
  }
  for (; i < list.length; i++) {
    const item = list[i];
    if (isList(item)) throw new WatError(`folded instructions are not supported: (${String(item[0])} ...)`);
    f.body.push(item);
  }
  return f;
}

function encodeBody(f: FuncDef, funcIndex: Map<string, number>): number[] {
  const localIndex = new Map<string, number>();
  [...f.params, ...f.locals].forEach((l, idx) => { if (l.name) localIndex.set(l.name, idx); });
  const localCount = f.params.length + f.locals.length;
  const labels: (string | undefined)[] = [];
  const out: number[] = [];
  const toks = f.body;
  let i = 0;
  const next = (what: string): string => {
    if (i >= toks.length) throw new WatError(`expected ${what} at end of function ${f.name ?? ''}`);
    return toks[i++];
  };
  while (i < toks.length) {
    const name = toks[i++];
    const spec = OPS[name];
    if (!spec) throw new WatError(`unknown or unsupported instruction "${name}"`);
    out.push(...spec.code);
    switch (spec.imm) {
      case 'none':
        if (name === 'end') {
          if (labels.length === 0) throw new WatError('"end" without an open block');
          labels.pop();
        }
        break;
      case 'block': {
        const maybe = toks[i];
        labels.push(maybe?.startsWith('$') ? (i++, maybe) : undefined);
        out.push(0x40);
        break;
      }
      case 'label': {
        const l = next('a label');
        let depth: number;
        if (l.startsWith('$')) {
          const at = labels.lastIndexOf(l);
          if (at < 0) throw new WatError(`unknown label ${l}`);
          depth = labels.length - 1 - at;
        } else depth = parseIntLit(l);
        out.push(...uleb(depth));
        break;
      }
      case 'local': {
        const l = next('a local');
        const idx = l.startsWith('$') ? localIndex.get(l) : parseIntLit(l);
        if (idx === undefined || idx < 0 || idx >= localCount) throw new WatError(`unknown local ${l}`);
        out.push(...uleb(idx));
        break;
      }
      case 'func': {
        const l = next('a function');
        const idx = l.startsWith('$') ? funcIndex.get(l) : parseIntLit(l);
        if (idx === undefined) throw new WatError(`unknown function ${l}`);
        out.push(...uleb(idx));
        break;
      }
      case 'mem': {
        let offset = 0;
        let align = spec.align ?? 0;
        while (i < toks.length && /^(offset|align)=/.test(toks[i])) {
          const [k, v] = toks[i++].split('=');
          if (k === 'offset') offset = parseIntLit(v);
          else {
            const a = parseIntLit(v);
            if (a <= 0 || (a & (a - 1)) !== 0) throw new WatError(`align must be a power of two, got ${v}`);
            align = Math.log2(a);
          }
        }
        out.push(...uleb(align), ...uleb(offset));
        break;
      }
      case 'i32': {
        const v = parseIntLit(next('an i32 literal'));
        if (v < -0x80000000 || v > 0xffffffff) throw new WatError(`i32 literal out of range: ${v}`);
        out.push(...sleb32(v));
        break;
      }
      case 'f32':
        out.push(...f32Bytes(parseFloatLit(next('an f32 literal'))));
        break;
      case 'lane':
        out.push(parseIntLit(next('a lane index')));
        break;
      case 'shuffle':
        for (let k = 0; k < 16; k++) {
          const lane = parseIntLit(next('a shuffle lane'));
          if (lane < 0 || lane > 31) throw new WatError(`shuffle lane out of range: ${lane}`);
          out.push(lane);
        }
        break;
      case 'v128': {
        const shape = next('a v128 shape');
        const lanes: Record<string, number> = { i8x16: 16, i16x8: 8, i32x4: 4, f32x4: 4 };
        const n = lanes[shape];
        if (!n) throw new WatError(`unsupported v128.const shape ${shape}`);
        const buf = new DataView(new ArrayBuffer(16));
        for (let k = 0; k < n; k++) {
          const t = next('a v128 lane');
          if (shape === 'f32x4') buf.setFloat32(k * 4, parseFloatLit(t), true);
          else {
            const v = parseIntLit(t);
            if (shape === 'i8x16') buf.setUint8(k, v & 0xff);
            else if (shape === 'i16x8') buf.setUint16(k * 2, v & 0xffff, true);
            else buf.setUint32(k * 4, v >>> 0, true);
          }
        }
        out.push(...new Uint8Array(buf.buffer));
        break;
      }
    }
  }
  if (labels.length !== 0) throw new WatError(`function ${f.name ?? ''} has ${labels.length} unclosed block(s)`);
  out.push(0x0b);
  const runs: number[][] = [];
  for (const l of f.locals) {
    const last = runs[runs.length - 1];
    if (last && last[1] === VALTYPE[l.type]) last[0]++;
    else runs.push([1, VALTYPE[l.type]]);
  }
  const body = [...vec(runs.map(([count, type]) => [...uleb(count), type])), ...out];
  return [...uleb(body.length), ...body];
}

/** Assembles WAT text (the subset described above) into a WebAssembly binary module. */
export function assembleWat(text: string): Uint8Array<ArrayBuffer> {
  const top = parseSexps(tokenize(text));
  if (top.length !== 1 || !isList(top[0], 'module')) throw new WatError('expected exactly one (module ...)');
  const imports: number[][] = [];
  const funcs: FuncDef[] = [];
  for (const field of top[0].slice(1)) {
    if (isList(field, 'import')) {
      const desc = field[3];
      if (!isList(desc, 'memory')) throw new WatError('only memory imports are supported');
      const min = parseIntLit(atom(desc[1], 'memory minimum'));
      const limits = desc.length > 2 ? [0x01, ...uleb(min), ...uleb(parseIntLit(atom(desc[2], 'memory maximum')))] : [0x00, ...uleb(min)];
      imports.push([...utf8Name(stringLit(field[1])), ...utf8Name(stringLit(field[2])), 0x02, ...limits]);
    } else if (isList(field, 'func')) funcs.push(parseFunc(field));
    else throw new WatError(`unsupported module field ${isList(field) ? `(${String(field[0])} ...)` : field}`);
  }
  const types: string[] = [];
  const typeOf = funcs.map((f) => {
    const sig = [0x60, ...vec(f.params.map((p) => [VALTYPE[p.type]])), ...vec(f.result ? [[VALTYPE[f.result]]] : [])];
    const key = sig.join(',');
    let idx = types.indexOf(key);
    if (idx < 0) idx = types.push(key) - 1;
    return idx;
  });
  const funcIndex = new Map<string, number>();
  funcs.forEach((f, idx) => { if (f.name) funcIndex.set(f.name, idx); });
  const exports = funcs.flatMap((f, idx) => (f.exportName === undefined ? [] : [[...utf8Name(f.exportName), 0x00, ...uleb(idx)]]));
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types.map((t) => t.split(',').map(Number)))),
    ...(imports.length ? section(2, vec(imports)) : []),
    ...section(3, vec(typeOf.map((t) => uleb(t)))),
    ...(exports.length ? section(7, vec(exports)) : []),
    ...section(10, vec(funcs.map((f) => encodeBody(f, funcIndex)))),
  ];
  return new Uint8Array(bytes);
}
