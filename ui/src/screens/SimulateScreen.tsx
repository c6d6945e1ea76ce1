// Simulate: live preview of one shopper, batch simulation over every sample
// shopper, impact of the draft against what is published, and lint problems.
import { useRef, useState } from "react";
import { BatchPanel, pageForDrill } from "../components/simulate/BatchPanel";
import { ImpactPanel } from "../components/simulate/ImpactPanel";
import { PreviewPanel, type PreviewRequest } from "../components/simulate/PreviewPanel";
import { pageOfPlacement } from "../components/simulate/words";
import { ProblemsPanel } from "../components/ProblemsPanel";
import { usePlanData } from "../queries";
import type { OpenTarget, SectionId } from "../sections";

export type SimTab = "preview" | "batch" | "impact" | "problems";

const TABS: { id: SimTab; label: string }[] = [
  { id: "preview", label: "Preview" },
  { id: "batch", label: "Batch simulation" },
  { id: "impact", label: "Impact" },
  { id: "problems", label: "Problems" },
];

interface Props {
  onOpen: (t: { kind: OpenTarget["kind"]; key: string }) => void;
  onSection: (s: SectionId) => void;
  initialTab?: SimTab;
}

export function SimulateScreen({ onOpen, onSection, initialTab = "preview" }: Props) {
  const [tab, setTab] = useState<SimTab>(initialTab);
  const [request, setRequest] = useState<PreviewRequest | undefined>(undefined);
  const nonce = useRef(0);
  const plan = usePlanData();
  const entryPage = (entry: string) => {
    const e = plan.data?.entries.find((v) => v.item.id === entry);
    return e ? pageOfPlacement(e.item.placement) : null;
  };
  const openShopper = (id: string, drillKey: string, at: string | null) => {
    nonce.current += 1;
    setRequest({ shopperId: id, page: pageForDrill(drillKey, entryPage), at, nonce: nonce.current });
    setTab("preview");
  };
  return (
    <div className="screen screen-wide" data-testid="simulate">
      <div className="screen-header">
        <h1>Simulate</h1>
      </div>
      <div className="sim-tabs" role="tablist" aria-label="Simulate">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={"sim-tab" + (tab === t.id ? " active" : "")}
            onClick={() => setTab(t.id)}
            data-testid={`sim-tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      {/* Preview, batch and impact stay mounted so a running simulation, an edited profile and a comparison survive tab switches. */}
      <div hidden={tab !== "preview"} role="tabpanel">
        <PreviewPanel request={request} />
      </div>
      <div hidden={tab !== "batch"} role="tabpanel">
        <BatchPanel onOpenShopper={openShopper} />
      </div>
      <div hidden={tab !== "impact"} role="tabpanel">
        <ImpactPanel />
      </div>
      {tab === "problems" && (
        <div role="tabpanel">
          <ProblemsPanel onOpen={onOpen} onSection={onSection} />
        </div>
      )}
    </div>
  );
}
