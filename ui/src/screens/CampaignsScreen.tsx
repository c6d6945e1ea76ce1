// Campaigns: groupings of plan entries with a rank (1 = top) and a window.
import { useState } from "react";
import type { Campaign } from "../bindings/Campaign";
import type { Versioned } from "../bindings/Versioned";
import { DeleteDialog } from "../components/DeleteDialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { ItemHistory } from "../components/ItemHistory";
import { ListTable } from "../components/ListTable";
import { SaveError } from "../components/SaveError";
import { SideFormActions, SideFormTitle, useSavedDraft } from "../components/SideForm";
import { EmptyState, Loading } from "../components/StatusViews";
import { localTimeZone, useEscape, useItemEditor } from "../hooks";
import { useDeleteCampaign, usePlanData, useSaveCampaign } from "../queries";
import type { OpenTarget } from "../sections";

export function CampaignsScreen({ target }: { target?: OpenTarget }) {
  const plan = usePlanData();
  const { editing, open, close } = useItemEditor<Versioned<Campaign>>(target, "campaign", plan.data?.campaigns, (c) => c.item.name);

  if (plan.isPending) return <Loading />;
  if (plan.isError)
    return (
      <div className="screen">
        <h1>Campaigns</h1>
        <ErrorBanner error={plan.error} title="Could not load campaigns." />
      </div>
    );
  const data = plan.data;
  const sorted = [...data.campaigns].sort((a, b) => a.item.rank - b.item.rank || (a.item.name < b.item.name ? -1 : 1));
  return (
    <div className="screen screen-wide" data-testid="campaigns">
      <div className="screen-header">
        <h1>Campaigns</h1>
        <div className="spacer" />
        <button type="button" className="btn-primary" onClick={() => open(null)} data-testid="campaign-new">
          + New campaign
        </button>
      </div>
      <p className="muted">An entry in a campaign of rank 1 beats entries of rank 2 and entries outside any campaign, whatever their priority.</p>
      <div className={"split" + (editing ? " with-side" : "")}>
        <div className="split-main">
          {sorted.length === 0 ? (
            <EmptyState title="No campaigns yet" testId="campaigns-empty">
              <p>Campaigns group entries (a holiday push, a launch) and rank them above everyday entries.</p>
            </EmptyState>
          ) : (
            <ListTable
              rows={sorted}
              testId="campaign-table"
              rowKey={(c) => c.item.name}
              rowTestId={(c) => `campaign-row-${c.item.name}`}
              onOpen={open}
              columns={[
                { header: "Rank", cell: (c) => `#${c.item.rank}` },
                { header: "Name", cell: (c) => c.item.name, className: "mono" },
                {
                  header: "Window",
                  className: "small",
                  cell: (c) => (
                    <>
                      {c.item.start ?? "…"} → {c.item.end ?? "…"} <span className="muted">({c.item.tz})</span>
                    </>
                  ),
                },
                { header: "Owner", cell: (c) => c.item.owner ?? <span className="muted">—</span> },
                { header: "Entries", cell: (c) => data.entries.filter((e) => e.item.campaign === c.item.name).length },
              ]}
            />
          )}
        </div>
        {editing && (
          <CampaignForm
            key={editing.session}
            item={editing.item}
            usedBy={editing.item ? data.entries.filter((e) => e.item.campaign === editing.item?.item.name).map((e) => e.item.id) : []}
            onClose={close}
            onReload={async (name) => {
              const fresh = await plan.refetch();
              open(fresh.data?.campaigns.find((c) => c.item.name === name) ?? null);
            }}
          />
        )}
      </div>
    </div>
  );
}

function CampaignForm({ item, usedBy, onClose, onReload }: { item: Versioned<Campaign> | null; usedBy: string[]; onClose: () => void; onReload: (name: string) => void }) {
  const c = item?.item;
  const [name, setName] = useState(c?.name ?? "");
  const [rank, setRank] = useState(String(c?.rank ?? 1));
  const [start, setStart] = useState(c?.start ?? "");
  const [end, setEnd] = useState(c?.end ?? "");
  const [tz, setTz] = useState(c?.tz ?? localTimeZone());
  const [owner, setOwner] = useState(c?.owner ?? "");
  const [confirm, setConfirm] = useState(false);
  const save = useSaveCampaign();
  const del = useDeleteCampaign();
  useEscape(onClose, !confirm);
  const draft: Campaign = {
    name: name.trim(),
    rank: Math.max(1, Math.floor(Number(rank) || 1)),
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
    tz: tz.trim() || "UTC",
    ...(owner.trim() ? { owner: owner.trim() } : {}),
  };
  const form = useSavedDraft(draft, item);
  const { revision, isNew, saved } = form;
  const blocker = !draft.name ? "Give the campaign a name." : start && end && end < start ? "The window ends before it starts." : null;
  return (
    <section className="panel side-form" aria-label="Campaign" data-testid="campaign-form">
      <SideFormTitle title={isNew ? "New campaign" : `Campaign ${c?.name}`} form={form} testIdPrefix="campaign" onClose={onClose} />
      <SaveError error={save.error} prefix="campaign" what="campaign" onReload={() => onReload(draft.name)} onDismiss={() => save.reset()} />
      <div className="form-grid">
        <label htmlFor="campaign-name">Name</label>
        <input id="campaign-name" value={name} disabled={!isNew} onChange={(e) => setName(e.target.value)} placeholder="e.g. holiday" spellCheck={false} data-testid="campaign-name" />
        <label htmlFor="campaign-rank">Rank</label>
        <span className="row">
          <input id="campaign-rank" className="input-narrow" type="number" min="1" value={rank} onChange={(e) => setRank(e.target.value)} data-testid="campaign-rank" />
          <span className="muted small">1 is the top campaign</span>
        </span>
        <label htmlFor="campaign-start">Starts</label>
        <input id="campaign-start" type="date" value={start} onChange={(e) => setStart(e.target.value)} data-testid="campaign-start" />
        <label htmlFor="campaign-end">Ends (inclusive)</label>
        <input id="campaign-end" type="date" value={end} onChange={(e) => setEnd(e.target.value)} data-testid="campaign-end" />
        <label htmlFor="campaign-tz">Time zone</label>
        <input id="campaign-tz" value={tz} onChange={(e) => setTz(e.target.value)} placeholder="Europe/Paris" spellCheck={false} data-testid="campaign-tz" />
        <label htmlFor="campaign-owner">Owner</label>
        <input id="campaign-owner" value={owner} onChange={(e) => setOwner(e.target.value)} data-testid="campaign-owner" />
      </div>
      {blocker && name.trim() && <p className="warn small">{blocker}</p>}
      <SideFormActions testIdPrefix="campaign" form={form} saving={save.isPending} blocker={blocker} saveLabel="Save campaign" onDelete={() => setConfirm(true)} onSave={() => save.mutate({ item: draft, expectedRevision: revision }, { onSuccess: (r) => saved(r.revision) })} />
      {!isNew && <ItemHistory kind="campaign" itemKey={draft.name} onReverted={() => onReload(draft.name)} />}
      {confirm && revision !== null && (
        <DeleteDialog
          title={`Delete campaign ${draft.name}?`}
          message={usedBy.length ? `Entries ${usedBy.join(", ")} belong to it; the workspace will refuse until they leave the campaign.` : "No entry belongs to it. You can undo this."}
          confirmLabel="Delete campaign"
          mutation={del}
          variables={{ key: draft.name, revision }}
          onClose={() => setConfirm(false)}
          onDeleted={onClose}
        />
      )}
    </section>
  );
}
