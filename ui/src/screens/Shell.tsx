import { useEffect, useRef, useState } from "react";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { ErrorBanner } from "../components/ErrorBanner";
import { Header } from "../components/Header";
import { Sidebar } from "../components/Sidebar";
import { makeShortcutHandler } from "../keyboard";
import { useUndoRedo } from "../queries";
import { SECTIONS, type SectionId } from "../sections";
import { AttributesScreen } from "./AttributesScreen";
import { HistoryScreen } from "./HistoryScreen";
import { NotAvailable } from "./NotAvailable";
import { SegmentsScreen } from "./SegmentsScreen";
import { ShoppersScreen } from "./ShoppersScreen";

/** The open workspace: header, sidebar and the current section. */
export function Shell({ info }: { info: WorkspaceInfo }) {
  const [section, setSection] = useState<SectionId>("segments");
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

  const current = SECTIONS.find((s) => s.id === section) ?? SECTIONS[0];
  return (
    <div className="shell">
      <Header info={info} />
      <div className="shell-body">
        <Sidebar current={section} onSelect={setSection} info={info} />
        <main className="content">
          <ErrorBanner error={undo.error ?? redo.error} onDismiss={() => { undo.reset(); redo.reset(); }} />
          {current.comingWith ? (
            <NotAvailable section={current} />
          ) : section === "segments" ? (
            <SegmentsScreen />
          ) : section === "attributes" ? (
            <AttributesScreen />
          ) : section === "shoppers" ? (
            <ShoppersScreen />
          ) : (
            <HistoryScreen info={info} />
          )}
        </main>
      </div>
    </div>
  );
}
