// Small UI hooks shared by screens.
import { useCallback, useEffect, useRef, useState } from "react";
import type { OpenTarget } from "./sections";

/** Calls `onEscape` when Escape is pressed anywhere (forms close on Escape). */
export function useEscape(onEscape: () => void, enabled = true) {
  const ref = useRef(onEscape);
  ref.current = onEscape;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !e.defaultPrevented) ref.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}

/** The item open in a screen's editor (`null`: a new one), with `session`
 * to key the editor so that every open starts it afresh. */
export type Editing<T, X extends object = object> = ({ session: number; item: T | null } & Partial<X>) | null;

/**
 * The editor of a list screen: `open(item)` (or `open(null)` for a new
 * one, with optional extras such as defaults), `close()`, and opening what
 * another screen asked for: a `target` of this `kind`, found in `items` by
 * `keyOf`, once per request.
 */
export function useItemEditor<T, X extends object = object>(
  target: OpenTarget | undefined,
  kind: OpenTarget["kind"],
  items: T[] | undefined,
  keyOf: (item: T) => string,
) {
  const [editing, setEditing] = useState<Editing<T, X>>(null);
  const session = useRef(0);
  const open = useCallback((item: T | null, extra?: X) => {
    session.current += 1;
    setEditing({ ...extra, session: session.current, item } as Editing<T, X>);
  }, []);
  const close = useCallback(() => setEditing(null), []);
  const handled = useRef<number | null>(null);
  useEffect(() => {
    if (!target || target.kind !== kind || !items || handled.current === target.nonce) return;
    handled.current = target.nonce;
    const found = items.find((i) => keyOf(i) === target.key);
    if (found) open(found);
    // keyOf is a fresh closure on every render; the request is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target, items, kind, open]);
  return { editing, open, close };
}

/** The browser's (or Tauri's) local IANA time zone, UTC if unknown. */
export function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** "a, b ,c" → ["a", "b", "c"] */
export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
