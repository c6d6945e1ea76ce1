// Global undo/redo shortcuts. Inside text fields the browser's own text undo
// wins, so we leave those key presses alone.

const NON_TEXT_INPUTS = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color", "file", "image"]);

/** True when the element edits text (input, textarea, contenteditable). */
export function isTextEditingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== "string") return false;
  const el = target as HTMLElement;
  const tag = el.tagName.toLowerCase();
  if (tag === "textarea") return true;
  if (tag === "input") return !NON_TEXT_INPUTS.has(((el as HTMLInputElement).type || "text").toLowerCase());
  return el.isContentEditable === true || el.getAttribute?.("contenteditable") === "true";
}

export type ShortcutAction = "undo" | "redo" | null;

/** Which workspace action a key press asks for, if any. */
export function shortcutFor(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey" | "target">): ShortcutAction {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  if (isTextEditingTarget(e.target)) return null;
  const key = e.key.toLowerCase();
  if (key === "z") return e.shiftKey ? "redo" : "undo";
  if (key === "y" && !e.shiftKey) return "redo";
  return null;
}

/** A keydown listener that runs undo/redo and swallows the key press. */
export function makeShortcutHandler(actions: { undo: () => void; redo: () => void }) {
  return (e: KeyboardEvent) => {
    const action = shortcutFor(e);
    if (!action) return;
    e.preventDefault();
    actions[action]();
  };
}
