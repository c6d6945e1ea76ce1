import { describe, expect, it, vi } from "vitest";
import { SECTIONS } from "../sections";
import rust from "../../../src-tauri/src/menu.rs?raw";
import { runEditAction, sectionOf } from "./menu";

describe("menu actions", () => {
  it("View names every screen, and only screens", () => {
    // The menu is built in Rust: its screen ids must be the UI's section ids.
    const table = rust.slice(rust.indexOf("pub const SCREENS"), rust.indexOf("];", rust.indexOf("pub const SCREENS")));
    const ids = [...table.matchAll(/\("([a-z-]+)", "/g)].map((m) => m[1]);
    expect(ids).toEqual(SECTIONS.map((s) => s.id));
    for (const id of ids) expect(sectionOf(`view.${id}`)).toBe(id);
    expect(sectionOf("view.nowhere")).toBeNull();
    expect(sectionOf("file.open")).toBeNull();
  });

  it("Undo in a text field undoes typing, elsewhere the workspace change", () => {
    const exec = vi.fn(() => true);
    (document as unknown as { execCommand: typeof exec }).execCommand = exec;
    const workspace = vi.fn();
    const input = document.createElement("input");
    runEditAction("undo", workspace, input);
    expect(exec).toHaveBeenCalledWith("undo");
    expect(workspace).not.toHaveBeenCalled();
    const button = document.createElement("button");
    runEditAction("redo", workspace, button);
    expect(workspace).toHaveBeenCalledTimes(1);
    expect(exec).toHaveBeenCalledTimes(1);
  });
});
