// The content plan: segments × journey stages, each cell listing its entries
// by placement; or the placement view ("who wins here").
import { useMemo, useRef, useState } from "react";
import { useItemEditor } from "../hooks";
import type { Campaign } from "../bindings/Campaign";
import type { EntryStatus } from "../bindings/EntryStatus";
import type { PlanEntry } from "../bindings/PlanEntry";
import type { Versioned } from "../bindings/Versioned";
import { EntryCard } from "../components/EntryCard";
import { EntryForm, GOALS, STATUSES, type EntryDefaults } from "../components/EntryForm";
import { ErrorBanner } from "../components/ErrorBanner";
import { EmptyState, Loading } from "../components/StatusViews";
import type { PlanData } from "../bindings/PlanData";
import { allPlacements, cellGroups, findingsByItem, matchesFilters, moveBefore, moveId, NO_FILTERS, rankOrder, statusOf, type PlanFilters } from "../plan/model";
import { entryWarnings } from "../plan/warnings";
import { useLint, usePlanData, useReorderEntries, useSaveEntry } from "../queries";
import type { OpenTarget } from "../sections";


export function PlanScreen({ target }: { target?: OpenTarget }) {
  const plan = usePlanData();
  const lint = useLint();
  const reorder = useReorderEntries();
  const saveStatus = useSaveEntry();
  const [view, setView] = useState<"matrix" | "placement">("matrix");
  const [filters, setFilters] = useState<PlanFilters>(NO_FILTERS);
  const [placement, setPlacement] = useState("");
  const { editing, open, close } = useItemEditor<Versioned<PlanEntry>, { defaults?: EntryDefaults }>(
    target,
    "entry",
    plan.data?.entries,
    (e) => e.item.id,
  );
  const [moveNote, setMoveNote] = useState<string | null>(null);

  const findings = useMemo(() => findingsByItem(lint.data), [lint.data]);

  if (plan.isPending) return <Loading />;
  if (plan.isError)
    return (
      <div className="screen">
        <h1>Content plan</h1>
        <ErrorBanner error={plan.error} title="Could not load the content plan." />
      </div>
    );
  const data = plan.data;
  const campaigns = data.campaigns.map((c) => c.item);
  const byId = new Map(data.entries.map((e) => [e.item.id, e]));
  const visible = data.entries.filter((e) => matchesFilters(e.item, filters));
  const filtering = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  const doReorder = (ids: string[]) => {
    setMoveNote(null);
    reorder.mutate(ids);
  };
  const setStatus = (id: string, status: EntryStatus) => {
    const v = byId.get(id);
    if (v) saveStatus.mutate({ item: { ...v.item, status }, expectedRevision: v.revision });
  };
  const cardProps = (list: PlanEntry[], e: PlanEntry, i: number) => {
    const ids = list.map((x) => x.id);
    const key = campaignKey(e, campaigns);
    return {
      entry: e,
      campaigns,
      warnings: entryWarnings(e, findings.get(`entry:${e.id}`)),
      selected: editing?.item?.item.id === e.id,
      onOpen: () => open(byId.get(e.id) ?? null),
      onStatus: (s: EntryStatus) => setStatus(e.id, s),
      onMove: (delta: number) => doReorder(moveId(ids, e.id, delta)),
      canMoveUp: i > 0 && campaignKey(list[i - 1], campaigns) === key,
      canMoveDown: i < list.length - 1 && campaignKey(list[i + 1], campaigns) === key,
      onDropOn: (dragged: string) => {
        const d = list.find((x) => x.id === dragged);
        if (!d) return setMoveNote("Drag entries within one placement of one cell.");
        if (campaignKey(d, campaigns) !== key) return setMoveNote("Campaign rank comes before priority: move entries within their campaign, or change the campaign.");
        doReorder(moveBefore(ids, dragged, e.id));
      },
    };
  };

  const placements = allPlacements(data.page_types.map((p) => p.item));
  const owners = [...new Set(data.entries.map((e) => e.item.owner).filter((o): o is string => !!o))].sort();

  return (
    <div className="screen screen-wide">
      <div className="screen-header">
        <h1>Content plan</h1>
        <div className="segmented">
          <button type="button" className={view === "matrix" ? "on" : ""} onClick={() => setView("matrix")} data-testid="plan-view-matrix">
            Matrix
          </button>
          <button type="button" className={view === "placement" ? "on" : ""} onClick={() => setView("placement")} data-testid="plan-view-placement">
            Who wins here
          </button>
        </div>
        <div className="spacer" />
        <button type="button" className="btn-primary" onClick={() => open(null, view === "placement" && placement ? { defaults: { placement } } : undefined)} data-testid="plan-add-entry">
          + Add entry
        </button>
      </div>
      <p className="muted">
        Rows are segments, columns journey stages. In each placement the first entry in rank order wins: campaign rank, then priority (drag, or ▲▼), then id.
      </p>
      <div className="filters row wrap" aria-label="Filters">
        <FilterSelect label="Owner" testId="plan-filter-owner" value={filters.owner} options={[...owners, "(none)"]} onChange={(owner) => setFilters({ ...filters, owner })} />
        <FilterSelect label="Campaign" testId="plan-filter-campaign" value={filters.campaign} options={[...campaigns.map((c) => c.name), "(none)"]} onChange={(campaign) => setFilters({ ...filters, campaign })} />
        <FilterSelect label="Status" testId="plan-filter-status" value={filters.status} options={[...STATUSES]} onChange={(status) => setFilters({ ...filters, status })} />
        <FilterSelect label="Placement" testId="plan-filter-placement" value={filters.placement} options={placements.map((p) => p.id)} onChange={(p) => setFilters({ ...filters, placement: p })} />
        <FilterSelect label="Goal" testId="plan-filter-goal" value={filters.goal} options={[...GOALS, "(none)"]} onChange={(goal) => setFilters({ ...filters, goal })} />
        {filtering && (
          <button type="button" className="btn-link" onClick={() => setFilters(NO_FILTERS)} data-testid="plan-filter-clear">
            Clear filters ({visible.length} of {data.entries.length} entries)
          </button>
        )}
      </div>
      <ErrorBanner error={reorder.error} title="Could not reorder." onDismiss={() => reorder.reset()} testId="plan-reorder-error" />
      <ErrorBanner error={saveStatus.error} title="Could not change the status." onDismiss={() => saveStatus.reset()} testId="plan-status-error" />
      {lint.isError && <p className="muted small">Lint is unavailable right now ({lint.error.message}); warnings computed in the app are still shown.</p>}
      {moveNote && (
        <p className="warn small" data-testid="plan-move-note">
          {moveNote}
        </p>
      )}
      <div className={"split" + (editing ? " with-side" : "")}>
        <div className="split-main">
          {view === "matrix" ? (
            <PlanMatrix data={data} visible={visible.map((e) => e.item)} findings={findings} onAdd={(d) => open(null, { defaults: d })} cardProps={cardProps} />
          ) : (
            <PlacementView placements={placements.map((p) => p.id)} placement={placement} setPlacement={setPlacement} entries={visible.map((e) => e.item)} campaigns={campaigns} cardProps={cardProps} />
          )}
        </div>
        {editing && (
          <EntryForm
            key={editing.session}
            data={data}
            entry={editing.item}
            defaults={editing.defaults}
            findings={editing.item ? findings.get(`entry:${editing.item.item.id}`) : undefined}
            onClose={close}
            onReload={async (id) => {
              const fresh = await plan.refetch();
              open(fresh.data?.entries.find((e) => e.item.id === id) ?? null);
            }}
          />
        )}
      </div>
    </div>
  );
}

/** Entries can only be reordered by priority within the same campaign rank. */
function campaignKey(e: PlanEntry, campaigns: Campaign[]): string {
  const c = campaigns.find((x) => x.name === e.campaign);
  return c ? `rank:${c.rank}` : "none";
}

type CardPropsFn = (list: PlanEntry[], e: PlanEntry, i: number) => React.ComponentProps<typeof EntryCard>;

function FilterSelect({ label, testId, value, options, onChange }: { label: string; testId: string; value: string; options: string[]; onChange: (v: string) => void }) {
  return (
    <label className="filter">
      <span className="muted small">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

function PlanMatrix({
  data,
  visible,
  findings,
  onAdd,
  cardProps,
}: {
  data: PlanData;
  visible: PlanEntry[];
  findings: Map<string, import("../bindings/Finding").Finding[]>;
  onAdd: (d: EntryDefaults) => void;
  cardProps: CardPropsFn;
}) {
  const tableRef = useRef<HTMLTableElement>(null);
  const stages = data.stages.map((s) => s.item.name);
  const segments = data.segments.map((s) => s.segment);
  const pageTypes = data.page_types.map((p) => p.item);
  const campaigns = data.campaigns.map((c) => c.item);

  if (stages.length === 0)
    return (
      <EmptyState title="No journey stages" testId="plan-empty">
        <p>Define the journey stages and page types first (Journey & pages).</p>
      </EmptyState>
    );
  if (segments.length === 0)
    return (
      <EmptyState title="No segments yet" testId="plan-empty">
        <p>The plan's rows are segments. Create a segment first, then add entries here.</p>
      </EmptyState>
    );

  const focusCell = (r: number, c: number) => {
    const el = tableRef.current?.querySelector<HTMLElement>(`[data-cell="${r}-${c}"]`);
    el?.focus();
  };
  const onCellKey = (ev: React.KeyboardEvent, r: number, c: number, segment: string, stage: string) => {
    if (ev.target !== ev.currentTarget) return;
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const m = moves[ev.key];
    if (m) {
      ev.preventDefault();
      const nr = Math.max(0, Math.min(segments.length - 1, r + m[0]));
      const nc = Math.max(0, Math.min(stages.length - 1, c + m[1]));
      focusCell(nr, nc);
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      onAdd({ segment, stage });
    }
  };

  return (
    <div className="table-scroll">
      <table className="plan-matrix" ref={tableRef} data-testid="plan-matrix">
        <thead>
          <tr>
            <th className="corner">Segment \ stage</th>
            {stages.map((s) => (
              <th key={s} data-testid={`plan-stage-${s}`}>
                {s}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {segments.map((seg, r) => {
            const segFindings = findings.get(`segment:${seg.name}`) ?? [];
            return (
              <tr key={seg.name} data-testid={`plan-row-${seg.name}`}>
                <th className="row-head" scope="row">
                  <div className="mono">{seg.name}</div>
                  {seg.owner && <div className="muted small">{seg.owner}</div>}
                  {segFindings.map((f, i) => (
                    <div key={i} className={"segment-warning small " + f.severity} data-testid="segment-warning" title={f.rule}>
                      ⚠ {f.message}
                    </div>
                  ))}
                </th>
                {stages.map((stage, c) => {
                  const inCell = visible.filter((e) => e.segment === seg.name && e.stage === stage);
                  const groups = cellGroups(inCell, campaigns, pageTypes);
                  return (
                    <td
                      key={stage}
                      className="plan-cell"
                      tabIndex={0}
                      data-cell={`${r}-${c}`}
                      data-testid={`plan-cell-${seg.name}-${stage}`}
                      aria-label={`${seg.name} × ${stage}: ${inCell.length} entries`}
                      onKeyDown={(ev) => onCellKey(ev, r, c, seg.name, stage)}
                    >
                      {groups.map((g) => (
                        <div key={g.placement} className="cell-group" data-testid={`plan-group-${g.placement}`}>
                          <div className="cell-group-title mono small">{g.placement}</div>
                          {g.entries.map((e, i) => (
                            <EntryCard key={e.id} {...cardProps(g.entries, e, i)} />
                          ))}
                        </div>
                      ))}
                      <button type="button" className="btn-link btn-small cell-add" onClick={() => onAdd({ segment: seg.name, stage })} data-testid="plan-cell-add" tabIndex={-1}>
                        + entry
                      </button>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function PlacementView({
  placements,
  placement,
  setPlacement,
  entries,
  campaigns,
  cardProps,
}: {
  placements: string[];
  placement: string;
  setPlacement: (p: string) => void;
  entries: PlanEntry[];
  campaigns: Campaign[];
  cardProps: CardPropsFn;
}) {
  const chosen = placement || placements[0] || "";
  const ranked = rankOrder(
    entries.filter((e) => e.placement === chosen),
    campaigns,
  );
  const winner = ranked.find((e) => statusOf(e) === "active");
  return (
    <section className="placement-view" data-testid="placement-view">
      <label className="row">
        <span className="muted">Placement</span>
        <select value={chosen} onChange={(e) => setPlacement(e.target.value)} data-testid="placement-select">
          {placements.length === 0 && <option value="">no placements defined</option>}
          {placements.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">All segments' entries for this placement, in the engine's rank order. A shopper gets the first active entry whose segment, stage and schedule match.</p>
      {ranked.length === 0 ? (
        <EmptyState title="No entries for this placement" testId="placement-empty">
          <p>Shoppers see the placement's default content.</p>
        </EmptyState>
      ) : (
        <ol className="placement-list" data-testid="placement-list">
          {ranked.map((e, i) => (
            <li key={e.id} data-testid="placement-entry" data-entry={e.id}>
              <EntryCard {...cardProps(ranked, e, i)} showSegment rank={i + 1} winner={e === winner} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
