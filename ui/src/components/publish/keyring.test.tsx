import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { EnvironmentStatus, KeyInfo, SecretStoreStatus } from "../../api/publish";
import { answerFrom, renderWithQuery, type Routes } from "../../test/utils";
import { EnvironmentsPanel } from "./EnvironmentsPanel";
import { KeysPanel } from "./KeysPanel";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

const KEYRING = "OS keyring (Secret Service)";
const WITH_KEYRING: SecretStoreStatus = { keyring: true, keys_stored_in: KEYRING, note: null };
const FALLBACK: SecretStoreStatus = {
  keyring: false,
  keys_stored_in: "0600 files in /home/ana/.local/share/tailor/keys",
  note: "no OS keyring answered (D-Bus error: no session bus): signing keys are 0600 files in /home/ana/.local/share/tailor/keys",
};
const KEYS: KeyInfo[] = [
  { name: "release", keyid: "a1".repeat(16), stored_in: KEYRING },
  { name: "old", keyid: "b2".repeat(16), stored_in: "file: /home/ana/.local/share/tailor/keys/old.key (0600)" },
];
const env = (name: string, token_source: string | null): EnvironmentStatus => ({
  environment: { name, urls: ["http://127.0.0.1:8787"], require_approval: false },
  token_available: token_source !== null,
  token_source,
});

const calls = (cmd: string) => invoke.mock.calls.filter((c) => c[0] === cmd).map((c) => c[1]);
beforeEach(() => {
  invoke.mockReset();
});

describe("where keys live", () => {
  it("says per key whether it is in the OS keyring or a 0600 file, and where new keys go", async () => {
    answerFrom(invoke, { keys_list: () => KEYS, secret_store_status: () => WITH_KEYRING });
    renderWithQuery(<KeysPanel />);
    expect(await screen.findByTestId("key-stored-release")).toHaveTextContent("stored in: OS keyring (Secret Service)");
    expect(screen.getByTestId("key-stored-old")).toHaveTextContent("file: /home/ana/.local/share/tailor/keys/old.key (0600)");
    expect(await screen.findByTestId("keys-store")).toHaveTextContent("New keys go to: OS keyring (Secret Service)");
    expect(screen.queryByTestId("keys-store-note")).toBeNull();
  });

  it("says so when no keyring answered and keys fall back to files", async () => {
    answerFrom(invoke, { keys_list: () => [KEYS[1]], secret_store_status: () => FALLBACK });
    renderWithQuery(<KeysPanel />);
    expect(await screen.findByTestId("keys-store")).toHaveTextContent("New keys go to: 0600 files in /home/ana/.local/share/tailor/keys");
    expect(screen.getByTestId("keys-store-note")).toHaveTextContent("no OS keyring answered (D-Bus error: no session bus)");
  });
});

describe("where tokens come from", () => {
  function routes(store: SecretStoreStatus, envs: EnvironmentStatus[], extra: Routes = {}) {
    answerFrom(invoke, { environment_list: () => [...envs], secret_store_status: () => store, ...extra });
  }

  it("shows each environment's token source, and saves one in the keyring without showing it back", async () => {
    const envs = [env("production", KEYRING), env("staging", null)];
    routes(WITH_KEYRING, envs, {
      token_save: (args) => {
        envs[1] = env("staging", KEYRING);
        return args && null;
      },
    });
    renderWithQuery(<EnvironmentsPanel />);
    expect(await screen.findByTestId("env-token-production")).toHaveTextContent("token: from OS keyring (Secret Service)");
    expect(screen.getByTestId("env-token-staging")).toHaveTextContent(
      "no publish token: save one in the OS keyring, or set TAILOR_PUBLISH_TOKEN before starting Tailor",
    );
    expect(await screen.findByTestId("env-token-save-production")).toHaveTextContent("Replace token");
    fireEvent.click(screen.getByTestId("env-token-save-staging"));
    const input = screen.getByTestId("env-token-input-staging");
    expect(input).toHaveAttribute("type", "password");
    fireEvent.change(input, { target: { value: "s3cret-staging" } });
    fireEvent.click(screen.getByTestId("env-token-submit-staging"));
    await waitFor(() => expect(screen.getByTestId("env-token-staging")).toHaveTextContent("token: from OS keyring (Secret Service)"));
    expect(calls("token_save")).toEqual([{ environment: "staging", token: "s3cret-staging" }]);
    expect(screen.queryByTestId("env-token-input-staging")).toBeNull();
    expect(document.body.textContent).not.toContain("s3cret-staging");
  });

  it("forgets a token saved in the keyring", async () => {
    const envs = [env("production", KEYRING)];
    routes(WITH_KEYRING, envs, {
      token_delete: () => {
        envs[0] = env("production", null);
        return true;
      },
    });
    renderWithQuery(<EnvironmentsPanel />);
    fireEvent.click(await screen.findByTestId("env-token-forget-production"));
    await waitFor(() => expect(calls("token_delete")).toEqual([{ environment: "production" }]));
    await waitFor(() => expect(screen.getByTestId("env-token-production")).toHaveTextContent("no publish token"));
  });

  it("without a keyring, the token comes from TAILOR_PUBLISH_TOKEN and there is nothing to save", async () => {
    routes(FALLBACK, [env("production", "TAILOR_PUBLISH_TOKEN"), env("staging", null)]);
    renderWithQuery(<EnvironmentsPanel />);
    expect(await screen.findByTestId("env-token-production")).toHaveTextContent("token: from TAILOR_PUBLISH_TOKEN");
    expect(screen.getByTestId("env-token-staging")).toHaveTextContent("no publish token: set TAILOR_PUBLISH_TOKEN before starting Tailor");
    await waitFor(() => expect(calls("secret_store_status")).toHaveLength(1));
    expect(screen.queryByTestId("env-token-save-staging")).toBeNull();
    expect(screen.queryByTestId("env-token-forget-production")).toBeNull();
  });
});
