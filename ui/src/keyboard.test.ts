import { describe, expect, it, vi } from "vitest";
import { isTextEditingTarget, makeShortcutHandler, shortcutFor } from "./keyboard";

const key = (k: string, opts: Partial<KeyboardEventInit> = {}, target: EventTarget | null = document.body) =>
  ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...opts, target }) as KeyboardEvent;

describe("undo/redo shortcuts", () => {
  it("maps Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y", () => {
    expect(shortcutFor(key("z", { ctrlKey: true }))).toBe("undo");
    expect(shortcutFor(key("Z", { ctrlKey: true, shiftKey: true }))).toBe("redo");
    expect(shortcutFor(key("y", { ctrlKey: true }))).toBe("redo");
    expect(shortcutFor(key("z"))).toBeNull();
    expect(shortcutFor(key("s", { ctrlKey: true }))).toBeNull();
  });

  it("leaves text inputs and textareas to the browser's own undo", () => {
    const input = document.createElement("input");
    const textarea = document.createElement("textarea");
    const number = document.createElement("input");
    number.type = "number";
    const checkbox = document.createElement("input");
    checkbox.type = "checkbox";
    expect(isTextEditingTarget(input)).toBe(true);
    expect(isTextEditingTarget(textarea)).toBe(true);
    expect(isTextEditingTarget(number)).toBe(true);
    expect(isTextEditingTarget(checkbox)).toBe(false);
    expect(shortcutFor(key("z", { ctrlKey: true }, textarea))).toBeNull();
    expect(shortcutFor(key("z", { ctrlKey: true }, checkbox))).toBe("undo");
  });

  it("the handler runs the action and prevents the default only outside text fields", () => {
    const undo = vi.fn();
    const redo = vi.fn();
    const handler = makeShortcutHandler({ undo, redo });
    const input = document.createElement("input");
    document.body.appendChild(input);

    const inInput = new KeyboardEvent("keydown", { key: "z", ctrlKey: true, cancelable: true });
    input.addEventListener("keydown", handler);
    input.dispatchEvent(inInput);
    expect(undo).not.toHaveBeenCalled();
    expect(inInput.defaultPrevented).toBe(false);

    const outside = new KeyboardEvent("keydown", { key: "y", ctrlKey: true, cancelable: true });
    document.body.addEventListener("keydown", handler);
    document.body.dispatchEvent(outside);
    expect(redo).toHaveBeenCalledTimes(1);
    expect(outside.defaultPrevented).toBe(true);
    input.remove();
  });
});
