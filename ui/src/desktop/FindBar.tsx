import { useRef, useState } from "react";
import { useEscape } from "../components/useEscape";

type FindFn = (text: string, caseSensitive: boolean, backwards: boolean, wrap: boolean) => boolean;

/** Edit → Find: searches the text of the current screen (Enter, Shift+Enter). */
export function FindBar({ onClose }: { onClose: () => void }) {
  const [text, setText] = useState("");
  const [missing, setMissing] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEscape(onClose);
  const find = (backwards: boolean) => {
    const f = (window as unknown as { find?: FindFn }).find;
    if (!text || !f) return;
    const found = f.call(window, text, false, backwards, true);
    setMissing(!found);
    // window.find moves the focus to the match; typing goes on in the bar.
    input.current?.focus();
  };
  return (
    <div className="find-bar" role="search" data-testid="find-bar">
      <input
        ref={input}
        autoFocus
        type="search"
        aria-label="Find on this screen"
        placeholder="Find on this screen"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setMissing(false);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            find(e.shiftKey);
          }
        }}
        data-testid="find-input"
      />
      <button type="button" onClick={() => find(true)} aria-label="Previous match">
        ↑
      </button>
      <button type="button" onClick={() => find(false)} aria-label="Next match">
        ↓
      </button>
      {missing && (
        <span className="text-error small" data-testid="find-missing">
          Not found
        </span>
      )}
      <button type="button" onClick={onClose} aria-label="Close find">
        ✕
      </button>
    </div>
  );
}
