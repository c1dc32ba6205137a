// Small helpers for writing ONNX graphs with onnx-proto (protobuf definitions of the ONNX format):
// tensors as little-endian rawData, nodes, attributes, value infos and model encoding. Shared by the
// test-model generator and the benchmark models.
// onnx-proto is CommonJS (a protobufjs static module): only the default import works under Node ESM.
import onnxProto from 'onnx-proto';

export { mulberry32 } from '../src/core/random.ts';

export const { onnx } = onnxProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

export const F32 = onnx.TensorProto.DataType.FLOAT;
export const I64 = onnx.TensorProto.DataType.INT64;
export const I8 = onnx.TensorProto.DataType.INT8;

function raw(a: Float32Array | Int8Array | BigInt64Array): Uint8Array {
  // rawData is little-endian per the ONNX spec; every platform Node runs on here is little-endian.
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export function tensor(name: string, dataType: number, dims: number[], data: Float32Array | Int8Array | BigInt64Array): TensorProto {
  return { name, dataType, dims, rawData: raw(data) };
}

export const i64 = (name: string, values: number[], dims = [values.length]): TensorProto => tensor(name, I64, dims, BigInt64Array.from(values.map(BigInt)));
export const f32 = (name: string, values: number[], dims: number[] = []): TensorProto => tensor(name, F32, dims, Float32Array.from(values));
export const i8 = (name: string, values: number[], dims: number[] = []): TensorProto => tensor(name, I8, dims, Int8Array.from(values));

export function node(opType: string, input: string[], output: string[], attribute: AttributeProto[] = []): NodeProto {
  return { opType, input, output, name: `${opType}_${output[0]}`, attribute };
}

export const intAttr = (name: string, i: number): AttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
export const intsAttr = (name: string, ints: number[]): AttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints });
export const floatAttr = (name: string, f: number): AttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f });

export function valueInfo(name: string, elemType: number, dims: (string | number)[]): ValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

export interface ModelParts {
  graphName: string;
  producerName: string;
  producerVersion?: string;
  docString?: string;
  opset?: number;
  nodes: NodeProto[];
  initializer: TensorProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
}

/** IR version 8, default opset 13. */
export function encodeModel(p: ModelParts): Uint8Array {
  return onnx.ModelProto.encode(
    onnx.ModelProto.fromObject({
      irVersion: 8,
      producerName: p.producerName,
      producerVersion: p.producerVersion,
      docString: p.docString,
      opsetImport: [{ domain: '', version: p.opset ?? 13 }],
      graph: { name: p.graphName, node: p.nodes, initializer: p.initializer, input: p.inputs, output: p.outputs },
    }),
  ).finish();
}
