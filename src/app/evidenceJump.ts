// Pointing at evidence: selects a span of a text pane's textarea and scrolls it into view, so a
// result's quote leads to where it was found (single-text view, skill gap, both compare panes).
export function selectTextSpan(textareaId: string, start: number, end: number): void {
  const el = document.getElementById(textareaId);
  if (!(el instanceof HTMLTextAreaElement)) return;
  el.focus();
  el.setSelectionRange(start, end);
  // Browsers scroll a textarea to the selection only on some focus paths: place it explicitly
  // (by lines before it; a wrapped line counts once, close enough to bring the span on screen).
  const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 20;
  const lines = el.value.slice(0, start).split('\n').length - 1;
  el.scrollTop = Math.max(0, lines * lineHeight - el.clientHeight / 3);
  el.scrollIntoView({ block: 'nearest' });
}
