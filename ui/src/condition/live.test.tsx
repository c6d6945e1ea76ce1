// The live condition editor asks Rust on every keystroke (no debounce): at
// most one parse and one reach in flight, the newest text sent when the
// answer lands, and an answer only ever shown for its own text.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Condition } from "../bindings/Condition";
import { useConditionParse, useReach } from "../queries";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

interface Call {
  cmd: string;
  args: Record<string, unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}
let calls: Call[] = [];
let client: QueryClient;

beforeEach(() => {
  calls = [];
  client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  invoke.mockReset();
  // Every IPC call waits until the test answers it.
  invoke.mockImplementation((cmd: string, args: Record<string, unknown>) => new Promise((resolve, reject) => calls.push({ cmd, args, resolve, reject })));
});

function wrapper({ children }: { children: React.ReactNode }) {
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

const above = (n: number): Condition => ({ compare: { attr: "cart_value", op: ">", value: n } });
const report = (matched: number) => ({ matched, total: 100, share: matched / 100, examples: [] });

describe("useConditionParse", () => {
  it("sends a keystroke at once, skips the texts typed while a parse is on its way, and shows each answer only for its text", async () => {
    const { result, rerender } = renderHook(({ text }) => useConditionParse(text, true), { initialProps: { text: "cart_value > 8" }, wrapper });
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0].args).toEqual({ text: "cart_value > 8" });

    rerender({ text: "cart_value > 80" });
    rerender({ text: "cart_value > 800" });
    expect(calls).toHaveLength(1);
    expect(result.current.settled).toBe(false);

    act(() => calls[0].resolve(above(8)));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1].args).toEqual({ text: "cart_value > 800" });
    // The answer in hand stays shown, and is not taken for the current text's.
    expect(result.current.data).toEqual(above(8));
    expect(result.current.settled).toBe(false);

    act(() => calls[1].resolve(above(800)));
    await waitFor(() => expect(result.current.settled).toBe(true));
    expect(result.current.data).toEqual(above(800));
    expect(calls).toHaveLength(2);
  });

  it("keeps the previous error shown while the next text is parsed, then replaces it", async () => {
    const { result, rerender } = renderHook(({ text }) => useConditionParse(text, true), { initialProps: { text: "cart_value >" }, wrapper });
    await waitFor(() => expect(calls).toHaveLength(1));
    act(() => calls[0].reject({ kind: "invalid", message: "expected a value" }));
    await waitFor(() => expect(result.current.error?.message).toBe("expected a value"));
    expect(result.current.settled).toBe(true);

    rerender({ text: "cart_value > 9" });
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(result.current.error?.message).toBe("expected a value");
    expect(result.current.isSuccess).toBe(false);
    expect(result.current.settled).toBe(false);

    act(() => calls[1].resolve(above(9)));
    await waitFor(() => expect(result.current.settled).toBe(true));
    expect(result.current.error).toBeNull();
    expect(result.current.isSuccess).toBe(true);
    expect(result.current.data).toEqual(above(9));
  });
});

describe("useReach", () => {
  it("asks for the newest condition when the previous reach lands, never showing a reach for a condition it was not asked about", async () => {
    const { result, rerender } = renderHook(({ c }) => useReach(c), { initialProps: { c: above(1) as Condition | null }, wrapper });
    await waitFor(() => expect(calls).toHaveLength(1));
    rerender({ c: above(2) });
    rerender({ c: above(3) });
    expect(calls).toHaveLength(1);
    expect(result.current.pending).toBe(true);

    act(() => calls[0].resolve(report(10)));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]).toMatchObject({ cmd: "reach", args: { condition: above(3) } });
    expect(result.current.data?.matched).toBe(10);
    expect(result.current.pending).toBe(true);

    act(() => calls[1].resolve(report(7)));
    await waitFor(() => expect(result.current.pending).toBe(false));
    expect(result.current.data?.matched).toBe(7);
    expect(calls).toHaveLength(2);
  });

  it("asks nothing for no condition", async () => {
    const { result } = renderHook(() => useReach(null), { wrapper });
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(0);
    expect(result.current.pending).toBe(false);
  });
});
