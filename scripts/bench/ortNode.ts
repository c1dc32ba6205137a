// onnxruntime-node, loaded once. It is CommonJS: depending on the loader its API is the namespace
// itself or its default export.
type OrtNode = typeof import('onnxruntime-node');

let ort: Promise<OrtNode> | undefined;

export function loadOrtNode(): Promise<OrtNode> {
  ort ??= import('onnxruntime-node').then((m) => (m as OrtNode & { default?: OrtNode }).default ?? m);
  return ort;
}
