import type { Campaign } from "../bindings/Campaign";
import type { EntryStatus } from "../bindings/EntryStatus";
import type { PlanEntry } from "../bindings/PlanEntry";
import { entryContentLabel, scheduleLabel, statusOf } from "../plan/model";
import type { EntryWarning } from "../plan/warnings";
import { STATUSES } from "./EntryForm";

interface Props {
  entry: PlanEntry;
  campaigns: Campaign[];
  warnings: EntryWarning[];
  selected?: boolean;
  /** Extra context for lists outside a cell (placement view). */
  showSegment?: boolean;
  rank?: number;
  winner?: boolean;
  onOpen: () => void;
  onStatus: (s: EntryStatus) => void;
  onMove: (delta: number) => void;
  canMoveUp: boolean;
  canMoveDown: boolean;
  onDropOn: (draggedId: string) => void;
}

const DRAG_TYPE = "application/x-tailor-entry";

/** One plan entry as a card: content, priority, schedule, holdout, status. */
export function EntryCard({ entry: e, campaigns, warnings, selected, showSegment, rank, winner, onOpen, onStatus, onMove, canMoveUp, canMoveDown, onDropOn }: Props) {
  const status = statusOf(e);
  const campaign = campaigns.find((c) => c.name === e.campaign);
  const sched = scheduleLabel(e.schedule);
  return (
    <div
      className={`entry-card status-${status}` + (selected ? " selected" : "") + (warnings.length ? " has-warning" : "") + (winner ? " winner" : "")}
      tabIndex={0}
      role="button"
      aria-label={`Entry ${e.id}`}
      data-testid={`entry-card-${e.id}`}
      data-entry={e.id}
      draggable
      onDragStart={(ev) => {
        ev.dataTransfer.setData(DRAG_TYPE, e.id);
        ev.dataTransfer.setData("text/plain", e.id);
        ev.dataTransfer.effectAllowed = "move";
      }}
      onDragOver={(ev) => {
        ev.preventDefault();
        ev.dataTransfer.dropEffect = "move";
      }}
      onDrop={(ev) => {
        ev.preventDefault();
        ev.stopPropagation();
        const dragged = ev.dataTransfer.getData(DRAG_TYPE) || ev.dataTransfer.getData("text/plain");
        if (dragged && dragged !== e.id) onDropOn(dragged);
      }}
      onClick={onOpen}
      onKeyDown={(ev) => {
        if (ev.target !== ev.currentTarget) return;
        if (ev.key === "Enter") {
          ev.preventDefault();
          onOpen();
        } else if (ev.altKey && ev.key === "ArrowUp" && canMoveUp) {
          ev.preventDefault();
          ev.stopPropagation();
          onMove(-1);
        } else if (ev.altKey && ev.key === "ArrowDown" && canMoveDown) {
          ev.preventDefault();
          ev.stopPropagation();
          onMove(1);
        }
      }}
    >
      <div className="entry-head">
        {rank !== undefined && <span className="entry-rank">#{rank}</span>}
        <span className="entry-content" data-testid="entry-content-label">
          {entryContentLabel(e)}
        </span>
        <span className="spacer" />
        <span className="entry-moves" onClick={(ev) => ev.stopPropagation()}>
          <button type="button" className="btn-icon" disabled={!canMoveUp} onClick={() => onMove(-1)} aria-label="Move up (higher priority)" title="Move up (Alt+↑)" data-testid="entry-move-up">
            ▲
          </button>
          <button type="button" className="btn-icon" disabled={!canMoveDown} onClick={() => onMove(1)} aria-label="Move down (lower priority)" title="Move down (Alt+↓)" data-testid="entry-move-down">
            ▼
          </button>
        </span>
      </div>
      {winner && (
        <div className="entry-winner small" data-testid="placement-winner">
          ★ wins when its segment matches
        </div>
      )}
      <div className="entry-meta small">
        <span className="mono">{e.id}</span>
        {showSegment && (
          <span className="badge" title="segment · stage">
            {e.segment} · {e.stage}
          </span>
        )}
        <span className="badge" title="Priority (larger wins)" data-testid="entry-priority-badge">
          p{e.priority ?? 0}
        </span>
        {!!e.holdout && <span className="badge" title="Holdout: share kept on the default">holdout {e.holdout}%</span>}
        {e.campaign && (
          <span className="badge badge-campaign" title={campaign ? `Campaign rank ${campaign.rank}` : "Unknown campaign"}>
            {e.campaign}
            {campaign ? ` #${campaign.rank}` : ""}
          </span>
        )}
        <select
          className={`status-select status-${status}`}
          value={status}
          onClick={(ev) => ev.stopPropagation()}
          onKeyDown={(ev) => ev.stopPropagation()}
          onChange={(ev) => onStatus(ev.target.value as EntryStatus)}
          aria-label="Status"
          data-testid="entry-card-status"
        >
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      {sched && <div className="entry-schedule small muted">🕑 {sched}</div>}
      {warnings.map((w, i) => (
        <div key={i} className={"entry-warning small " + w.severity} data-testid="entry-warning" data-rule={w.rule}>
          ⚠ {w.message}
        </div>
      ))}
    </div>
  );
}
