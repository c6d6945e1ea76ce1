import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { Welcome } from "../screens/Welcome";
import { renderWithQuery } from "../test/utils";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));
const save = vi.fn();
vi.mock("@tauri-apps/plugin-dialog", () => ({ save: (...a: unknown[]) => save(...a), open: vi.fn(async () => null) }));

const EXAMPLES = [
  { name: "apparel", description: "A fashion shop: gender interest, size profile, recently viewed and restock alerts." },
  { name: "beauty", description: "A skincare shop: skin concern quiz, routine builder, refill timing." },
  { name: "home", description: "A home goods shop: room type, style, coordinated items." },
];

const INFO: WorkspaceInfo = {
  path: "/tmp/apparel.tailor",
  name: "apparel",
  workspace_id: "ws1",
  shopper_count: 12000n,
  attribute_count: 14n,
  segment_count: 9n,
};

function routes(extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  invoke.mockImplementation(async (cmd: string, args: Record<string, unknown>) => {
    if (cmd in extra) return extra[cmd](args);
    if (cmd === "example_list") return EXAMPLES;
    if (cmd === "workspace_recent") return [];
    throw { kind: "internal", message: `unexpected ${cmd}` };
  });
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

beforeEach(() => {
  invoke.mockReset();
  save.mockReset();
});

describe("Welcome: start from an example", () => {
  it("lists every example as a card with its description", async () => {
    routes();
    renderWithQuery(<Welcome />);
    for (const ex of EXAMPLES) {
      const card = await screen.findByTestId(`example-card-${ex.name}`);
      expect(card).toHaveTextContent(ex.description);
      expect(screen.getByTestId(`example-create-${ex.name}`)).toHaveTextContent("Create from this example");
    }
  });

  it("uses the typed path when filled, shows a busy state, then adopts the new workspace", async () => {
    const pending = deferred<WorkspaceInfo>();
    const created = vi.fn();
    routes({
      workspace_create_example: (args) => {
        created(args);
        return pending.promise;
      },
    });
    const { client } = renderWithQuery(<Welcome />);
    fireEvent.change(screen.getByTestId("welcome-path"), { target: { value: "  /tmp/apparel.tailor " } });
    fireEvent.click(await screen.findByTestId("example-create-apparel"));
    await waitFor(() => expect(created).toHaveBeenCalledWith({ path: "/tmp/apparel.tailor", example: "apparel" }));
    expect(save).not.toHaveBeenCalled();
    expect(await screen.findByTestId("example-busy")).toHaveTextContent("apparel");
    expect(screen.getByTestId("example-create-apparel")).toBeDisabled();
    expect(screen.getByTestId("example-create-beauty")).toBeDisabled();
    expect(screen.getByTestId("example-create-apparel")).toHaveTextContent("Creating…");

    pending.resolve(INFO);
    await waitFor(() => expect(client.getQueryData(["workspace"])).toEqual(INFO));
    await waitFor(() => expect(screen.queryByTestId("example-busy")).not.toBeInTheDocument());
  });

  it("asks with the save dialog when the path is empty and adds the .tailor extension", async () => {
    const created = vi.fn();
    save.mockResolvedValue("/home/me/shops/beauty-demo");
    routes({
      workspace_create_example: (args) => {
        created(args);
        return { ...INFO, path: "/home/me/shops/beauty-demo.tailor", name: "beauty-demo" };
      },
    });
    renderWithQuery(<Welcome />);
    fireEvent.click(await screen.findByTestId("example-create-beauty"));
    await waitFor(() => expect(created).toHaveBeenCalledWith({ path: "/home/me/shops/beauty-demo.tailor", example: "beauty" }));
    expect(save).toHaveBeenCalledTimes(1);
    expect(save.mock.calls[0][0]).toMatchObject({ defaultPath: "beauty.tailor" });
  });

  it("does nothing when the save dialog is cancelled", async () => {
    save.mockResolvedValue(null);
    routes({ workspace_create_example: () => INFO });
    renderWithQuery(<Welcome />);
    fireEvent.click(await screen.findByTestId("example-create-home"));
    await waitFor(() => expect(save).toHaveBeenCalled());
    expect(invoke.mock.calls.map((c) => c[0])).not.toContain("workspace_create_example");
    expect(screen.queryByTestId("example-error")).not.toBeInTheDocument();
  });

  it("shows the error sentence when creation fails and re-enables the buttons", async () => {
    routes({
      workspace_create_example: () => {
        throw { kind: "io", message: "A file already exists at /tmp/apparel.tailor." };
      },
    });
    renderWithQuery(<Welcome />);
    fireEvent.change(screen.getByTestId("welcome-path"), { target: { value: "/tmp/apparel.tailor" } });
    fireEvent.click(await screen.findByTestId("example-create-apparel"));
    const banner = await screen.findByTestId("example-error");
    expect(banner).toHaveTextContent("A file already exists at /tmp/apparel.tailor.");
    expect(banner).toHaveAttribute("data-kind", "io");
    expect(screen.getByTestId("example-create-apparel")).toBeEnabled();
    fireEvent.click(screen.getByLabelText("Dismiss"));
    expect(screen.queryByTestId("example-error")).not.toBeInTheDocument();
  });

  it("shows a dialog failure as an error", async () => {
    save.mockRejectedValue(new Error("dialog unavailable"));
    routes();
    renderWithQuery(<Welcome />);
    fireEvent.click(await screen.findByTestId("example-create-apparel"));
    expect(await screen.findByTestId("example-error")).toHaveTextContent("dialog unavailable");
  });

  it("reports when the example list cannot be loaded", async () => {
    routes({
      example_list: () => {
        throw { kind: "internal", message: "examples are missing" };
      },
    });
    renderWithQuery(<Welcome />);
    expect(await screen.findByTestId("examples-load-error")).toHaveTextContent("examples are missing");
  });
});
