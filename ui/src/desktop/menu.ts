// The application menu lives in Rust (src-tauri/src/menu.rs); what needs the
// page arrives here as `menu` events.
import { useEffect, useRef } from "react";
import type { MenuAction } from "../bindings/MenuAction";
import { listenUntilCleanup } from "../events";
import { isTextEditingTarget } from "../keyboard";
import { SECTIONS, type SectionId } from "../sections";

export const MENU_EVENT = "menu";

/** Calls `handler` for every menu action while mounted (nothing outside Tauri). */
export function useMenuActions(handler: (action: MenuAction) => void) {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => listenUntilCleanup<MenuAction>(MENU_EVENT, (a) => ref.current(a)), []);
}

/** View → a screen: the section a `view.*` action names, if it is one. */
export function sectionOf(action: string): SectionId | null {
  if (!action.startsWith("view.")) return null;
  const id = action.slice("view.".length);
  return SECTIONS.some((s) => s.id === id) ? (id as SectionId) : null;
}

/**
 * Edit → Undo/Redo: inside a text field it undoes typing (what the key press
 * would have done without a menu); elsewhere the last workspace change.
 */
export function runEditAction(which: "undo" | "redo", workspace: () => void, focused: Element | null = document.activeElement) {
  if (isTextEditingTarget(focused)) {
    document.execCommand(which);
    return;
  }
  workspace();
}
