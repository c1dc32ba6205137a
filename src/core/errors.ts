// Thrown values as users meet them: one way to turn any into the text a user reads, and the one
// test for a full storage quota. DOMExceptions from IndexedDB, file reads
// or WebGPU may carry only a name (an empty message: "NotReadableError", "UnknownError"), and
// wrapped errors carry the useful part in `cause`: both must reach the message, never an empty line.
/** Whether a storage write failed for lack of quota (IndexedDB, Cache API), in any browser's spelling. */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  // Firefox used NS_ERROR_DOM_QUOTA_ERR before standardising; 22 is the legacy QUOTA_EXCEEDED_ERR code.
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_ERR' || code === 22;
}

export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return typeof e === 'string' ? e : (JSON.stringify(e) ?? String(e));
  const message = e.message || e.name || 'unknown error';
  const cause = e.cause instanceof Error ? errorText(e.cause) : e.cause !== undefined ? String(e.cause) : '';
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
}
