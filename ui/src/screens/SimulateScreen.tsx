// Simulate: live preview of one shopper, batch simulation over every sample
// shopper, impact of the draft against what is published, estimates of the
// draft from logged events, and lint problems.
import { useRef, useState } from "react";
import { BatchPanel, pageForDrill } from "../components/simulate/BatchPanel";
import { EstimatesPanel } from "../components/simulate/EstimatesPanel";
import { ImpactPanel } from "../components/simulate/ImpactPanel";
import { PreviewPanel, type PreviewRequest } from "../components/simulate/PreviewPanel";
import { pageOfPlacement } from "../components/simulate/words";
import { ProblemsPanel } from "../components/ProblemsPanel";
import { usePlanData } from "../queries";
import type { OpenTarget, SectionId } from "../sections";

export type SimTab = "preview" | "batch" | "impact" | "estimates" | "problems";

const TABS: { id: SimTab; label: string }[] = [
  { id: "preview", label: "Preview" },
  { id: "batch", label: "Batch simulation" },
  { id: "impact", label: "Impact" },
  { id: "estimates", label: "Estimates" },
  { id: "problems", label: "Problems" },
];

interface Props {
  onOpen: (t: { kind: OpenTarget["kind"]; key: string }) => void;
  onSection: (s: SectionId) => void;
  initialTab?: SimTab;
}

export function SimulateScreen({ onOpen, onSection, initialTab = "preview" }: Props) {
  const [tab, setTab] = useState<SimTab>(initialTab);
  // Estimates is mounted on first visit (it reads the event sets), then kept like batch and impact.
  const [estimatesVisited, setEstimatesVisited] = useState(initialTab === "estimates");
  const choose = (t: SimTab) => {
    if (t === "estimates") setEstimatesVisited(true);
    setTab(t);
  };
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
  // A lint finding's example shopper, on the page of the entry it is about.
  const previewShopper = (shopper: Record<string, unknown>, item: string) => {
    nonce.current += 1;
    const page = item.startsWith("entry:") ? entryPage(item.slice("entry:".length)) : null;
    setRequest({ shopper, page, at: null, nonce: nonce.current });
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
            onClick={() => choose(t.id)}
            data-testid={`sim-tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      {/* Preview, batch, impact and estimates stay mounted so a running simulation, an edited profile, a comparison and an estimate survive tab switches. */}
      <div hidden={tab !== "preview"} role="tabpanel">
        <PreviewPanel request={request} />
      </div>
      <div hidden={tab !== "batch"} role="tabpanel">
        <BatchPanel onOpenShopper={openShopper} />
      </div>
      <div hidden={tab !== "impact"} role="tabpanel">
        <ImpactPanel />
      </div>
      {estimatesVisited && (
        <div hidden={tab !== "estimates"} role="tabpanel">
          <EstimatesPanel />
        </div>
      )}
      {tab === "problems" && (
        <div role="tabpanel">
          <ProblemsPanel onOpen={onOpen} onSection={onSection} onPreview={previewShopper} />
        </div>
      )}
    </div>
  );
}
