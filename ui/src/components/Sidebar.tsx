import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { SECTIONS, type SectionId } from "../sections";

/** Left navigation between the workspace's sections. */
export function Sidebar({ current, onSelect, info }: { current: SectionId; onSelect: (s: SectionId) => void; info: WorkspaceInfo }) {
  const counts: Partial<Record<SectionId, number>> = {
    segments: Number(info.segment_count),
    attributes: Number(info.attribute_count),
    shoppers: Number(info.shopper_count),
  };
  return (
    <nav className="sidebar" aria-label="Sections">
      <ul>
        {SECTIONS.map((s) => (
          <li key={s.id}>
            <button
              type="button"
              className={"nav-item" + (s.id === current ? " active" : "") + (s.comingWith ? " soon" : "")}
              aria-current={s.id === current ? "page" : undefined}
              onClick={() => onSelect(s.id)}
              data-testid={`nav-${s.id}`}
            >
              <span>{s.label}</span>
              {counts[s.id] !== undefined && <span className="nav-count">{counts[s.id]}</span>}
              {s.comingWith && <span className="nav-soon">soon</span>}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
