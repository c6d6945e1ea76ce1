// Publishing IPC and its React Query hooks: environments, signing keys,
// review (preview), publish and rollback runs with their progress events, and
// the published-bundles log. Components use only the hooks and helpers here.
import { useCallback, useEffect, useRef, useSyncExternalStore } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { toErrorReport } from "../api";
import type { ErrorReport } from "../bindings/ErrorReport";
import type { PublishOutcome } from "../bindings/PublishOutcome";
import type { PublishPreview } from "../bindings/PublishPreview";
import type { PublishedBundle } from "../bindings/PublishedBundle";
import type { Step } from "../bindings/Step";
import type { Base } from "../bindings/Base";
import type { ConflictRow } from "../bindings/ConflictRow";
import type { PullReport } from "../bindings/PullReport";
import type { Resolution } from "../bindings/Resolution";
import type { Standing } from "../bindings/Standing";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";

// Generated from Rust (ts-rs): the environment as stored, as listed with its
// token status, and a signing key.
export type { Environment } from "../bindings/Environment";
export type { EnvironmentStatus } from "../bindings/EnvironmentStatus";
export type { KeyInfo } from "../bindings/KeyInfo";
export type { SecretStoreStatus } from "../bindings/SecretStoreStatus";
import type { Environment } from "../bindings/Environment";
import type { EnvironmentStatus } from "../bindings/EnvironmentStatus";
import type { KeyInfo } from "../bindings/KeyInfo";
import type { SecretStoreStatus } from "../bindings/SecretStoreStatus";

/** Name of the event Rust emits while a publish or rollback runs (payload: Step). */
export const PUBLISH_PROGRESS = "publish-progress";
/** Where the upload token comes from when the OS keyring has none for the environment (never the workspace). */
export const TOKEN_VARIABLE = "TAILOR_PUBLISH_TOKEN";

export async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toErrorReport(e);
  }
}

export const publishApi = {
  environmentList: () => call<EnvironmentStatus[]>("environment_list"),
  environmentSave: (environment: Environment) => call<null>("environment_save", { environment }),
  environmentDelete: (name: string) => call<null>("environment_delete", { name }),
  keysList: () => call<KeyInfo[]>("keys_list"),
  keysGenerate: (name: string) => call<KeyInfo>("keys_generate", { name }),
  secretStoreStatus: () => call<SecretStoreStatus>("secret_store_status"),
  tokenSave: (environment: string, token: string) => call<null>("token_save", { environment, token }),
  tokenDelete: (environment: string) => call<boolean>("token_delete", { environment }),
  publishPreview: (environment: string) => call<PublishPreview>("publish_preview", { environment }),
  publishRun: (
    environment: string,
    key: string,
    acceptWarnings: boolean,
    approvedBy: string | null,
    overwrite = false,
    requestApproval?: boolean,
  ) => call<PublishOutcome>("publish_run", { environment, key, acceptWarnings, approvedBy, overwrite, requestApproval }),
  publishedList: () => call<PublishedBundle[]>("published_list"),
  rollbackRun: (environment: string, version: number, key: string) =>
    call<PublishOutcome>("rollback_run", { environment, version, key }),
  pullRun: (environment: string) => call<PullReport>("pull_run", { environment }),
  conflictsList: () => call<ConflictRow[]>("conflicts_list"),
  conflictResolve: (id: string, how: Resolution) => call<null>("conflict_resolve", { id, how }),
  conflictEdit: (id: string, value: unknown) => call<null>("conflict_edit", { id, value }),
  basesList: () => call<Base[]>("bases_list"),
  workspaceInitFrom: (path: string, url: string, environment: string, trustFile: string | null) =>
    call<WorkspaceInfo>("workspace_init_from", { path, url, environment, trustFile }),
};

/**
 * Runs `run` while forwarding `publish-progress` events to `onStep`. Outside
 * Tauri (plain browser) there are no events: the run still goes ahead.
 */
export async function withProgress<T>(onStep: (step: Step) => void, run: () => Promise<T>): Promise<T> {
  let unlisten: (() => void) | undefined;
  try {
    unlisten = await listen<Step>(PUBLISH_PROGRESS, (e) => onStep(e.payload));
  } catch {
    /* not running inside Tauri: no progress events */
  }
  try {
    return await run();
  } finally {
    unlisten?.();
  }
}

// ---------- progress ----------

export type StepId = "checking" | "signing" | "uploading" | "confirming" | "done";
export const STEP_ORDER: readonly StepId[] = ["checking", "signing", "uploading", "confirming", "done"];
export const STEP_LABELS: Record<StepId, string> = {
  checking: "Check what is active",
  signing: "Sign the bundle",
  uploading: "Upload",
  confirming: "Confirm it is active",
  done: "Done",
};

export interface ProgressState {
  /** The step running now; null before the first event. */
  current: StepId | null;
  /** Upload attempt of the current replica. */
  attempt: { attempt: number; of: number } | null;
  /** Set while waiting to try again (cleared by the next step event). */
  retry: { attempt: number; of: number; wait_ms: number; reason: string } | null;
  /** 1-based replica being uploaded to (the run uploads to each URL in turn). */
  replica: number;
  finished: boolean;
  failed: boolean;
}

export const INITIAL_PROGRESS: ProgressState = {
  current: null,
  attempt: null,
  retry: null,
  replica: 1,
  finished: false,
  failed: false,
};

export type ProgressAction = { type: "step"; step: Step } | { type: "reset" } | { type: "failed" };

/** Folds `publish-progress` events into what the step list shows. */
export function progressReducer(state: ProgressState, action: ProgressAction): ProgressState {
  if (action.type === "reset") return INITIAL_PROGRESS;
  if (action.type === "failed") return { ...state, failed: true, current: state.current ?? "checking" };
  const step = action.step;
  switch (step.step) {
    case "retrying":
      return {
        ...state,
        current: state.current ?? "checking",
        retry: { attempt: step.attempt, of: step.of, wait_ms: step.wait_ms, reason: step.reason },
      };
    case "uploading": {
      // Uploading after a confirmation: the next replica.
      const replica = state.current === "confirming" ? state.replica + 1 : state.replica;
      return { ...state, current: "uploading", attempt: { attempt: step.attempt, of: step.of }, retry: null, replica };
    }
    case "done":
      return { ...state, current: "done", retry: null, finished: true };
    default:
      return { ...state, current: step.step, retry: null };
  }
}

export type StepState = "done" | "current" | "pending" | "failed";

export function stepState(state: ProgressState, id: StepId): StepState {
  if (state.finished) return "done";
  if (state.current === null) return "pending";
  const at = STEP_ORDER.indexOf(state.current);
  const i = STEP_ORDER.indexOf(id);
  if (i < at) return "done";
  if (i > at) return "pending";
  return state.failed ? "failed" : "current";
}

/** 0..1 for the progress bar. */
export function progressFraction(state: ProgressState): number {
  if (state.finished) return 1;
  if (state.current === null) return 0;
  return STEP_ORDER.indexOf(state.current) / (STEP_ORDER.length - 1);
}

// ---------- validation and display helpers ----------

const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export interface EnvironmentDraft {
  name: string;
  urlsText: string;
  requireApproval: boolean;
  /** The trust file pulls verify against (public keys only); empty = the local key store. */
  trustFile?: string;
}

/** The URLs typed one per line (blank lines ignored). */
export function parseUrls(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/**
 * Problems with an environment form, in the order shown; empty when it can be
 * saved. `existing` are the names already configured (for a new environment).
 */
export function validateEnvironment(draft: EnvironmentDraft, existing: readonly string[] = []): string[] {
  const errors: string[] = [];
  const name = draft.name.trim();
  if (!name) errors.push("Give the environment a name, e.g. staging or production.");
  else if (!ENV_NAME.test(name)) errors.push(`"${name}" can only use letters, digits, "-", "_" and ".".`);
  else if (existing.includes(name)) errors.push(`An environment named ${name} already exists.`);
  const urls = parseUrls(draft.urlsText);
  if (urls.length === 0) errors.push("Enter the decision service URL (one per line; several are replicas).");
  const seen = new Set<string>();
  for (const url of urls) {
    if (!isHttpUrl(url)) errors.push(`"${url}" is not an http(s) URL, e.g. https://decide.example.com.`);
    else if (seen.has(normaliseUrl(url))) errors.push(`"${url}" is listed twice.`);
    seen.add(normaliseUrl(url));
  }
  return errors;
}

export function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname.length > 0;
  } catch {
    return false;
  }
}

function normaliseUrl(url: string): string {
  return url.replace(/\/+$/, "").toLowerCase();
}

export function draftToEnvironment(draft: EnvironmentDraft): Environment {
  const trust = draft.trustFile?.trim();
  return {
    name: draft.name.trim(),
    urls: parseUrls(draft.urlsText),
    require_approval: draft.requireApproval,
    ...(trust ? { trust_file: trust } : {}),
  };
}

/** Environments named like production get a confirmation before publishing. */
export function isProductionLike(name: string): boolean {
  return /(^|[^a-z])(prod|production|live)([^a-z]|$)/i.test(name);
}

/** "sha256:0123456789abcdef…" → "sha256:0123456789ab…" */
export function shortDigest(digest: string): string {
  const [algo, hex] = digest.includes(":") ? digest.split(":", 2) : ["", digest];
  const short = hex.length > 12 ? hex.slice(0, 12) + "…" : hex;
  return algo ? `${algo}:${short}` : short;
}

export function shortKeyId(keyid: string): string {
  return keyid.length > 12 ? keyid.slice(0, 12) + "…" : keyid;
}

/** Where a private key lives, for its row: "stored in: OS keyring (Secret Service)" or "file: /path/NAME.key (0600)". */
export const keyPlace = (storedIn: string) => (storedIn.startsWith("file: ") ? storedIn : `stored in: ${storedIn}`);

/**
 * Where an environment's upload token comes from ("token: from OS keyring
 * (Secret Service)", "token: from TAILOR_PUBLISH_TOKEN"), or how to give one:
 * saved in the OS keyring when one answers (`keyring`), else the variable.
 */
export function tokenLabel(status: EnvironmentStatus, keyring = false): string {
  if (status.token_available) return `token: from ${status.token_source || TOKEN_VARIABLE}`;
  return keyring
    ? `no publish token: save one in the OS keyring, or set ${TOKEN_VARIABLE} before starting Tailor`
    : `no publish token: set ${TOKEN_VARIABLE} before starting Tailor`;
}

/** Whether an environment's token is the one saved in the OS keyring (so it can be replaced or forgotten here). */
export const tokenInKeyring = (status: EnvironmentStatus) => !!status.token_source?.startsWith("OS keyring");

// ---------- selected signing key (app-wide, remembered between screens) ----------

const KEY_STORAGE = "tailor.publish.key";
const keyListeners = new Set<() => void>();

function readSelectedKey(): string | null {
  try {
    return globalThis.localStorage?.getItem(KEY_STORAGE) ?? null;
  } catch {
    return null;
  }
}

export function setSelectedKey(name: string | null) {
  try {
    if (name) globalThis.localStorage?.setItem(KEY_STORAGE, name);
    else globalThis.localStorage?.removeItem(KEY_STORAGE);
  } catch {
    /* storage unavailable: selection lasts until reload */
  }
  keyListeners.forEach((l) => l());
}

function subscribeSelectedKey(listener: () => void) {
  keyListeners.add(listener);
  return () => {
    keyListeners.delete(listener);
  };
}

/**
 * The signing key publish and rollback use: the chosen one while it exists,
 * else the only key there is, else none.
 */
export function useSelectedKey(keys: readonly KeyInfo[] | undefined): [string | null, (name: string | null) => void] {
  const stored = useSyncExternalStore(subscribeSelectedKey, readSelectedKey, readSelectedKey);
  let effective: string | null = null;
  if (keys) {
    if (stored && keys.some((k) => k.name === stored)) effective = stored;
    else if (keys.length === 1) effective = keys[0].name;
  }
  return [effective, setSelectedKey];
}

// ---------- queries ----------

export const publishKeys = {
  all: ["publish"] as const,
  environments: ["publish", "environments"] as const,
  keys: ["publish", "keys"] as const,
  secretStore: ["publish", "secret-store"] as const,
  preview: (environment: string) => ["publish", "preview", environment] as const,
  published: ["publish", "published"] as const,
  conflicts: ["publish", "conflicts"] as const,
  provenance: ["publish", "provenance"] as const,
  promote: (from: string, to: string) => ["publish", "promote", from, to] as const,
  pending: (environment: string, url: string) => ["publish", "pending", environment, url] as const,
};

export const useEnvironments = () =>
  useQuery<EnvironmentStatus[], ErrorReport>({ queryKey: publishKeys.environments, queryFn: publishApi.environmentList });

export const useSigningKeys = () => useQuery<KeyInfo[], ErrorReport>({ queryKey: publishKeys.keys, queryFn: publishApi.keysList });

/** Where new keys and saved tokens go on this machine (OS keyring or 0600 files), and why. */
export const useSecretStore = () =>
  useQuery<SecretStoreStatus, ErrorReport>({ queryKey: publishKeys.secretStore, queryFn: publishApi.secretStoreStatus });

export const usePublishedList = () =>
  useQuery<PublishedBundle[], ErrorReport>({ queryKey: publishKeys.published, queryFn: publishApi.publishedList });

/** Reads the service's active bundle: only when asked (`environment` set), never retried silently. */
export const usePublishPreview = (environment: string | null) =>
  useQuery<PublishPreview, ErrorReport>({
    queryKey: publishKeys.preview(environment ?? ""),
    queryFn: () => publishApi.publishPreview(environment ?? ""),
    enabled: !!environment,
    retry: false,
    staleTime: 0,
    refetchOnWindowFocus: false,
  });

// ---------- mutations ----------

export function useSaveEnvironment() {
  const qc = useQueryClient();
  return useMutation<null, ErrorReport, Environment>({
    mutationFn: (env) => publishApi.environmentSave(env),
    onSuccess: () => qc.invalidateQueries({ queryKey: publishKeys.environments }),
  });
}

export function useDeleteEnvironment() {
  const qc = useQueryClient();
  return useMutation<null, ErrorReport, string>({
    mutationFn: (name) => publishApi.environmentDelete(name),
    onSuccess: () => qc.invalidateQueries({ queryKey: publishKeys.environments }),
  });
}

export function useGenerateKey() {
  const qc = useQueryClient();
  return useMutation<KeyInfo, ErrorReport, string>({
    mutationFn: (name) => publishApi.keysGenerate(name),
    onSuccess: (key) => {
      setSelectedKey(key.name);
      return qc.invalidateQueries({ queryKey: publishKeys.keys });
    },
  });
}

/** Saves an environment's upload token in the OS keyring. */
export function useSaveToken() {
  const qc = useQueryClient();
  return useMutation<null, ErrorReport, { environment: string; token: string }>({
    mutationFn: ({ environment, token }) => publishApi.tokenSave(environment, token),
    onSuccess: () => qc.invalidateQueries({ queryKey: publishKeys.environments }),
  });
}

/** Forgets an environment's upload token in the OS keyring. */
export function useDeleteToken() {
  const qc = useQueryClient();
  return useMutation<boolean, ErrorReport, string>({
    mutationFn: (environment) => publishApi.tokenDelete(environment),
    onSuccess: () => qc.invalidateQueries({ queryKey: publishKeys.environments }),
  });
}

/** Keeps the latest `onStep` without re-creating the mutation. */
export function useStepRef(onStep: (step: Step) => void) {
  const ref = useRef(onStep);
  useEffect(() => {
    ref.current = onStep;
  });
  return useCallback((step: Step) => ref.current(step), []);
}

export interface PublishVars {
  environment: string;
  key: string;
  acceptWarnings: boolean;
  approvedBy: string | null;
  /** Emergency only: replace an active bundle this workspace is behind. */
  overwrite?: boolean;
  /** Submit for approval instead of activating (the environment needs more signatures). */
  requestApproval?: boolean;
}

export function usePublishRun(onStep: (step: Step) => void) {
  const qc = useQueryClient();
  const forward = useStepRef(onStep);
  return useMutation<PublishOutcome, ErrorReport, PublishVars>({
    mutationFn: (v) =>
      withProgress(forward, () =>
        publishApi.publishRun(v.environment, v.key, v.acceptWarnings, v.approvedBy, v.overwrite ?? false, v.requestApproval),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: publishKeys.all }),
  });
}

export interface RollbackVars {
  environment: string;
  version: number;
  key: string;
}

export function useRollbackRun(onStep: (step: Step) => void) {
  const qc = useQueryClient();
  const forward = useStepRef(onStep);
  return useMutation<PublishOutcome, ErrorReport, RollbackVars>({
    mutationFn: (v) => withProgress(forward, () => publishApi.rollbackRun(v.environment, v.version, v.key)),
    onSettled: () => qc.invalidateQueries({ queryKey: publishKeys.all }),
  });
}

// ---------- several authors: standing, pull, conflicts ----------

export const useConflicts = () =>
  useQuery<ConflictRow[], ErrorReport>({ queryKey: publishKeys.conflicts, queryFn: publishApi.conflictsList });

// The last pull's report in this session, for the merge view. Kept outside
// the query cache: a refetch of everything after a change must not drop it.
let lastPull: PullReport | null = null;
const lastPullListeners = new Set<() => void>();

export function setLastPull(report: PullReport | null) {
  lastPull = report;
  lastPullListeners.forEach((l) => l());
}

function subscribeLastPull(listener: () => void) {
  lastPullListeners.add(listener);
  return () => {
    lastPullListeners.delete(listener);
  };
}

/** The report of the last pull in this session; null before one. */
export const useLastPull = (): PullReport | null => useSyncExternalStore(subscribeLastPull, () => lastPull, () => lastPull);

/** Pulls `environment`'s active bundle and merges it; everything publish shows is then stale. */
export function usePull() {
  const qc = useQueryClient();
  return useMutation<PullReport, ErrorReport, string>({
    mutationFn: (environment) => publishApi.pullRun(environment),
    onSuccess: (report) => setLastPull(report),
    // The rules changed: every screen's data, not only publishing's.
    onSettled: () => qc.invalidateQueries(),
  });
}

export type ResolveVars = { id: string; how: Resolution } | { id: string; value: unknown };

export function useResolveConflict() {
  const qc = useQueryClient();
  return useMutation<null, ErrorReport, ResolveVars>({
    mutationFn: (v) => ("how" in v ? publishApi.conflictResolve(v.id, v.how) : publishApi.conflictEdit(v.id, v.value)),
    onSettled: () => qc.invalidateQueries(),
  });
}

/** One sentence on where the workspace stands, for the review. */
export function standingSentence(standing: Standing, environment: string): string {
  if (standing.state !== "up_to_date") standing = { ...standing, active: { ...standing.active, created_at: standing.active.created_at.replace(/\.\d+Z$/, "Z") } };
  switch (standing.state) {
    case "up_to_date":
      return `Up to date with ${environment}: this publish builds on what is live.`;
    case "behind":
      return `Behind ${environment}: ${standing.active.author} published version ${standing.active.version} at ${standing.active.created_at}${
        standing.base_version !== undefined ? `, after your base version ${standing.base_version}` : ""
      }. Pull it before publishing.`;
    case "diverged":
      return `Behind ${environment} and diverged: ${standing.active.author} published version ${standing.active.version} at ${standing.active.created_at}${
        standing.base_version !== undefined ? `, after your base version ${standing.base_version}` : ""
      }, and this workspace has changes of its own. Pull to merge them before publishing.`;
  }
}

/** "plan entry restock_hero, priority" for a conflict. */
export function conflictTitle(c: { section: string; key: string; field: string | null }): string {
  const label = SECTION_LABELS[c.section] ?? c.section;
  return c.field ? `${label} ${c.key}, field ${c.field}` : `${label} ${c.key}`;
}

const SECTION_LABELS: Record<string, string> = {
  attributes: "attribute",
  segments: "segment",
  stages: "stage",
  page_types: "page type",
  content: "content",
  campaigns: "campaign",
  plan: "plan entry",
  catalog: "product",
  constraints: "constraints",
};

/** A conflict side for display: absent (deleted / not set) or compact JSON. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined) return "(absent)";
  if (typeof v === "string") return v;
  return JSON.stringify(v, null, 2);
}

/** Parses what the user typed in a conflict's Edit box: JSON, else a plain string. */
export function parseEdited(text: string): unknown {
  const t = text.trim();
  if (t === "") return null;
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
}
