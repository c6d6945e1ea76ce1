import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { CrashBoundary } from "../components/CrashBoundary";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { ErrorBanner } from "../components/ErrorBanner";
import { Header } from "../components/Header";
import { Sidebar } from "../components/Sidebar";
import { Loading } from "../components/StatusViews";
import { makeShortcutHandler } from "../keyboard";
import { runEditAction, sectionOf, useMenuActions } from "../desktop/menu";
import { useUndoRedo } from "../queries";
import { SECTIONS, type OpenTarget, type SectionId } from "../sections";
import { NotAvailable } from "./NotAvailable";
import { SegmentsScreen } from "./SegmentsScreen";

// Segments is the first screen; every other screen is its own chunk, loaded
// when it is first opened (the main chunk stays small).
const AttributesScreen = lazy(() => import("./AttributesScreen").then(named("AttributesScreen")));
const CampaignsScreen = lazy(() => import("./CampaignsScreen").then(named("CampaignsScreen")));
const CatalogScreen = lazy(() => import("./CatalogScreen").then(named("CatalogScreen")));
const ConstraintsScreen = lazy(() => import("./ConstraintsScreen").then(named("ConstraintsScreen")));
const ContentScreen = lazy(() => import("./ContentScreen").then(named("ContentScreen")));
const HistoryScreen = lazy(() => import("./HistoryScreen").then(named("HistoryScreen")));
const JourneyScreen = lazy(() => import("./JourneyScreen").then(named("JourneyScreen")));
const PlanScreen = lazy(() => import("./PlanScreen").then(named("PlanScreen")));
const PublishScreen = lazy(() => import("./PublishScreen").then(named("PublishScreen")));
const ReviewScreen = lazy(() => import("./ReviewScreen").then(named("ReviewScreen")));
const ShoppersScreen = lazy(() => import("./ShoppersScreen").then(named("ShoppersScreen")));
const SimulateScreen = lazy(() => import("./SimulateScreen").then(named("SimulateScreen")));

/** A module's named export as the default `lazy` expects. */
function named<K extends string>(name: K) {
  return <M extends Record<K, unknown>>(module: M) => ({ default: module[name] });
}

const SECTION_OF: Record<OpenTarget["kind"], SectionId> = {
  segment: "segments",
  entry: "content-plan",
  content: "content",
  campaign: "campaigns",
  page_type: "journey",
};

/** The open workspace: header, sidebar and the current section. */
export function Shell({ info }: { info: WorkspaceInfo }) {
  const [section, setSectionState] = useState<SectionId>("segments");
  const [target, setTarget] = useState<OpenTarget | undefined>(undefined);
  const nonce = useRef(0);
  const setSection = (s: SectionId) => {
    setTarget(undefined);
    setSectionState(s);
  };
  /** Go to an item's section and open it there (review list, "used by" links). */
  const openItem = (t: { kind: OpenTarget["kind"]; key: string }) => {
    nonce.current += 1;
    setTarget({ ...t, nonce: nonce.current });
    setSectionState(SECTION_OF[t.kind]);
  };
  const { undo, redo } = useUndoRedo();

  // Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y outside text fields.
  const infoRef = useRef(info);
  infoRef.current = info;
  useEffect(() => {
    const handler = makeShortcutHandler({
      undo: () => {
        if (infoRef.current.undo && !undo.isPending) undo.mutate();
      },
      redo: () => {
        if (infoRef.current.redo && !redo.isPending) redo.mutate();
      },
    });
    window.addEventListener("keydown", handler);
    return () => window.removeEventListener("keydown", handler);
  }, [undo, redo]);

  // View → a screen; Edit → Undo/Redo (text in a text field, else the workspace).
  useMenuActions((a) => {
    const s = sectionOf(a.action);
    if (s) setSection(s);
    else if (a.action === "edit.undo")
      runEditAction("undo", () => infoRef.current.undo && !undo.isPending && undo.mutate());
    else if (a.action === "edit.redo")
      runEditAction("redo", () => infoRef.current.redo && !redo.isPending && redo.mutate());
  });

  const current = SECTIONS.find((s) => s.id === section) ?? SECTIONS[0];
  return (
    <div className="shell">
      <Header info={info} />
      <div className="shell-body">
        <Sidebar current={section} onSelect={setSection} info={info} />
        <main className="content">
          <ErrorBanner error={undo.error ?? redo.error} onDismiss={() => { undo.reset(); redo.reset(); }} />
          <CrashBoundary resetKey={section}>
          <Suspense fallback={<Loading label="Loading…" />}>
          {current.comingWith ? (
            <NotAvailable section={current} />
          ) : section === "segments" ? (
            <SegmentsScreen target={target} />
          ) : section === "journey" ? (
            <JourneyScreen target={target} />
          ) : section === "content" ? (
            <ContentScreen target={target} onOpen={openItem} />
          ) : section === "content-plan" ? (
            <PlanScreen target={target} />
          ) : section === "campaigns" ? (
            <CampaignsScreen target={target} />
          ) : section === "constraints" ? (
            <ConstraintsScreen />
          ) : section === "catalog" ? (
            <CatalogScreen />
          ) : section === "review" ? (
            <ReviewScreen onOpen={openItem} />
          ) : section === "attributes" ? (
            <AttributesScreen />
          ) : section === "shoppers" ? (
            <ShoppersScreen />
          ) : section === "simulate" ? (
            <SimulateScreen onOpen={openItem} onSection={setSection} />
          ) : section === "publish" ? (
            <PublishScreen />
          ) : (
            <HistoryScreen info={info} />
          )}
          </Suspense>
          </CrashBoundary>
        </main>
      </div>
    </div>
  );
}
