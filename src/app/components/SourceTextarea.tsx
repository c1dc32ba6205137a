// The textarea of a text pane (single text, both compare panes): reports each change together with
// whether it was a paste, so a paste is analysed at once while typing is debounced.
import { useRef, type TextareaHTMLAttributes } from 'react';

export type EditSource = 'paste' | 'typing';

type Props = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange' | 'onPaste' | 'value'> & {
  value: string;
  onEdit(text: string, source: EditSource): void;
};

export function SourceTextarea({ onEdit, ...props }: Props) {
  const pasted = useRef(false);
  return (
    <textarea
      spellCheck={false}
      {...props}
      onChange={(e) => {
        onEdit(e.target.value, pasted.current ? 'paste' : 'typing');
        pasted.current = false;
      }}
      onPaste={() => {
        // The change event that follows is the paste.
        pasted.current = true;
        setTimeout(() => (pasted.current = false), 0);
      }}
    />
  );
}
