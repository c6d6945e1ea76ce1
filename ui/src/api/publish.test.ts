import { describe, expect, it } from "vitest";
import type { Step } from "../bindings/Step";
import {
  INITIAL_PROGRESS,
  isProductionLike,
  progressFraction,
  progressReducer,
  shortDigest,
  stepState,
  STEP_ORDER,
  validateEnvironment,
  type ProgressState,
} from "./publish";

function fold(steps: Step[], from: ProgressState = INITIAL_PROGRESS): ProgressState {
  return steps.reduce((s, step) => progressReducer(s, { type: "step", step }), from);
}
const states = (s: ProgressState) => Object.fromEntries(STEP_ORDER.map((id) => [id, stepState(s, id)]));

describe("progress reducer", () => {
  it("starts with every step pending", () => {
    expect(states(INITIAL_PROGRESS)).toEqual({ checking: "pending", signing: "pending", uploading: "pending", confirming: "pending", done: "pending" });
    expect(progressFraction(INITIAL_PROGRESS)).toBe(0);
  });

  it("marks earlier steps done and the latest one current", () => {
    const s = fold([{ step: "checking" }, { step: "signing" }, { step: "uploading", attempt: 1, of: 5 }]);
    expect(states(s)).toEqual({ checking: "done", signing: "done", uploading: "current", confirming: "pending", done: "pending" });
    expect(s.attempt).toEqual({ attempt: 1, of: 5 });
    expect(progressFraction(s)).toBe(0.5);
  });

  it("keeps the current step while retrying and clears the retry on the next attempt", () => {
    let s = fold([{ step: "checking" }, { step: "signing" }, { step: "uploading", attempt: 1, of: 5 }]);
    s = fold([{ step: "retrying", attempt: 1, of: 5, wait_ms: 200, reason: "connection refused" }], s);
    expect(s.current).toBe("uploading");
    expect(s.retry).toEqual({ attempt: 1, of: 5, wait_ms: 200, reason: "connection refused" });
    s = fold([{ step: "uploading", attempt: 2, of: 5 }], s);
    expect(s.retry).toBeNull();
    expect(s.attempt).toEqual({ attempt: 2, of: 5 });
  });

  it("a retry before any step (reading the active bundle) belongs to checking", () => {
    const s = fold([{ step: "retrying", attempt: 1, of: 5, wait_ms: 400, reason: "timed out" }]);
    expect(s.current).toBe("checking");
    expect(stepState(s, "checking")).toBe("current");
  });

  it("counts replicas: an upload after a confirmation is the next replica", () => {
    const s = fold([
      { step: "checking" },
      { step: "signing" },
      { step: "uploading", attempt: 1, of: 5 },
      { step: "confirming" },
      { step: "uploading", attempt: 1, of: 5 },
    ]);
    expect(s.replica).toBe(2);
    expect(stepState(s, "confirming")).toBe("pending");
    const done = fold([{ step: "confirming" }, { step: "done" }], s);
    expect(done.finished).toBe(true);
    expect(Object.values(states(done)).every((v) => v === "done")).toBe(true);
    expect(progressFraction(done)).toBe(1);
  });

  it("marks the current step failed and resets", () => {
    let s = fold([{ step: "checking" }, { step: "signing" }, { step: "uploading", attempt: 5, of: 5 }]);
    s = progressReducer(s, { type: "failed" });
    expect(stepState(s, "uploading")).toBe("failed");
    expect(stepState(s, "signing")).toBe("done");
    expect(progressReducer(s, { type: "reset" })).toEqual(INITIAL_PROGRESS);
  });
});

describe("environment validation", () => {
  const draft = (name: string, urlsText: string) => ({ name, urlsText, requireApproval: false });

  it("accepts http and https URLs, one per line", () => {
    expect(validateEnvironment(draft("staging", "http://127.0.0.1:8787\n\n https://b.example.com/ \n"))).toEqual([]);
  });

  it("rejects URLs that are not http(s)", () => {
    const errors = validateEnvironment(draft("staging", "ftp://x.example.com\nexample.com\nhttps://ok.example.com"));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('"ftp://x.example.com" is not an http(s) URL');
    expect(errors[1]).toContain('"example.com" is not an http(s) URL');
  });

  it("needs a name, a URL, no duplicates, and a name not already used", () => {
    expect(validateEnvironment(draft("", ""))).toHaveLength(2);
    expect(validateEnvironment(draft("bad name", "http://a"))[0]).toContain("can only use");
    expect(validateEnvironment(draft("prod", "http://a.example.com\nhttp://a.example.com/"))[0]).toContain("listed twice");
    expect(validateEnvironment(draft("prod", "http://a"), ["prod"])[0]).toContain("already exists");
  });
});

describe("display helpers", () => {
  it("recognises production-like names", () => {
    for (const n of ["production", "prod", "prod-eu", "eu_prod", "Live"]) expect(isProductionLike(n)).toBe(true);
    for (const n of ["staging", "products-demo", "dev"]) expect(isProductionLike(n)).toBe(false);
  });
  it("shortens digests", () => {
    expect(shortDigest("sha256:0123456789abcdef0123")).toBe("sha256:0123456789ab…");
    expect(shortDigest("abc")).toBe("abc");
  });
});
