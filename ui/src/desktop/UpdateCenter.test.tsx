import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { UpdateCheck } from "../bindings/UpdateCheck";
import type { UpdateProgress } from "../bindings/UpdateProgress";
import { answerFrom } from "../test/utils";
import { UpdateCenter } from "./UpdateCenter";

const invoke = vi.fn();
let progress: ((e: { payload: UpdateProgress }) => void) | null = null;
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({
  listen: vi.fn(async (_name: string, f: (e: { payload: UpdateProgress }) => void) => {
    progress = f;
    return () => {
      progress = null;
    };
  }),
}));

const OFFER: UpdateCheck = {
  state: "available",
  offer: { version: "0.2.0", current_version: "0.1.0", notes: "Faster simulation.", date: "2026-12-06 12:00:00.0 +00:00:00" },
};
const checks = () => invoke.mock.calls.filter((c) => c[0] === "update_check").map((c) => c[1]);

beforeEach(() => {
  invoke.mockReset();
  progress = null;
});

describe("update center", () => {
  it("offers an update, shows download progress, then waits for a restart", async () => {
    let finish: (v: string) => void = () => {};
    answerFrom(invoke, {
      update_check: () => OFFER,
      update_download: () => new Promise<string>((r) => (finish = r)),
      update_install: () => {
        throw { kind: "invalid", message: "A simulation is running: the update installs when it has finished." };
      },
    });
    render(<UpdateCenter manualNonce={0} />);
    expect(await screen.findByTestId("update-available")).toHaveTextContent("Tailor 0.2.0 is available");
    expect(screen.getByTestId("update-notes")).toHaveTextContent("Faster simulation.");
    expect(checks()).toEqual([{ manual: false }]);
    fireEvent.click(screen.getByTestId("update-download"));
    await waitFor(() => expect(progress).not.toBeNull());
    act(() => progress?.({ payload: { downloaded: 512 * 1024, total: 1024 * 1024 } }));
    const bar = screen.getByTestId("update-progress");
    expect(bar).toHaveAttribute("value", String(512 * 1024));
    expect(bar).toHaveAttribute("max", String(1024 * 1024));
    expect(bar.nextElementSibling).toHaveTextContent("512 KB of 1.0 MB");
    act(() => progress?.({ payload: { downloaded: 1024 * 1024, total: 1024 * 1024 } }));
    await act(async () => finish("0.2.0"));
    const ready = await screen.findByTestId("update-verified");
    expect(ready).toHaveAttribute("data-downloaded", String(1024 * 1024));
    // Never while a simulation or publish runs: the shell refuses and says why.
    fireEvent.click(screen.getByTestId("update-restart"));
    expect(await screen.findByTestId("update-install-error")).toHaveTextContent("A simulation is running");
    expect(screen.getByTestId("update-restart")).toBeInTheDocument();
  });

  it("says why a download was refused", async () => {
    answerFrom(invoke, {
      update_check: () => OFFER,
      update_download: () => {
        throw { kind: "invalid", message: "The update was refused: its signature does not match the key built into Tailor." };
      },
    });
    render(<UpdateCenter manualNonce={0} />);
    fireEvent.click(await screen.findByTestId("update-download"));
    expect(await screen.findByTestId("update-error")).toHaveTextContent("signature does not match");
    expect(screen.queryByTestId("update-verified")).toBeNull();
  });

  it("keeps an up-to-date or quiet start silent, but answers a manual check", async () => {
    let answer: UpdateCheck = { state: "up_to_date", current_version: "0.1.0" };
    answerFrom(invoke, { update_check: () => answer });
    const { rerender } = render(<UpdateCenter manualNonce={0} />);
    await waitFor(() => expect(checks()).toHaveLength(1));
    expect(screen.queryByTestId("update-center")).toBeNull();
    answer = { state: "failed", message: "Could not reach the update server", quiet: true };
    rerender(<UpdateCenter manualNonce={1} />);
    // A manual check always answers, even when the start was quiet.
    expect(await screen.findByTestId("update-error")).toHaveTextContent("Could not reach the update server");
    expect(checks()).toEqual([{ manual: false }, { manual: true }]);
  });

  it("says once when the first automatic check failed", async () => {
    answerFrom(invoke, { update_check: () => ({ state: "failed", message: "Could not reach the update server", quiet: false }) });
    render(<UpdateCenter manualNonce={0} />);
    expect(await screen.findByTestId("update-error")).toHaveTextContent("Could not reach the update server");
    expect(screen.getByText(/will not mention this again/)).toBeInTheDocument();
  });
});
