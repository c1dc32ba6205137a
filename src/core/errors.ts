// One way to turn a thrown value into the text a user reads. DOMExceptions from IndexedDB, file reads
// or WebGPU may carry only a name (an empty message: "NotReadableError", "UnknownError"), and
// wrapped errors carry the useful part in `cause`: both must reach the message, never an empty line.
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return typeof e === 'string' ? e : (JSON.stringify(e) ?? String(e));
  const message = e.message || e.name || 'unknown error';
  const cause = e.cause instanceof Error ? errorText(e.cause) : e.cause !== undefined ? String(e.cause) : '';
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
}
