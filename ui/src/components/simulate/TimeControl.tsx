// When the page is shown: a date-time field plus a slider that steps through
// the instants where some schedule or campaign window opens or closes, and "now".
import { useMemo } from "react";
import { formatTime } from "../../format";
import { fromLocalInput, timeStops, toLocalInput } from "./words";

interface Props {
  /** RFC 3339 instant, or null for "now". */
  value: string | null;
  boundaries: string[];
  onChange: (at: string | null) => void;
  now?: Date;
}

export function TimeControl({ value, boundaries, onChange, now }: Props) {
  // "now" is placed once, when the boundaries change; it does not move while the slider is used.
  const stops = useMemo(() => timeStops(boundaries, now), [boundaries, now]);
  const index = stops.findIndex((s) => s === value);
  const current = index >= 0 ? index : -1;
  const label = value === null ? "now" : formatTime(value);
  return (
    <div className="sim-time">
      <div className="row">
        <input
          type="datetime-local"
          step={1}
          value={toLocalInput(value)}
          onChange={(e) => onChange(fromLocalInput(e.target.value))}
          data-testid="preview-time"
          aria-label="Time of the page view"
        />
        <button type="button" className="btn-small" onClick={() => onChange(null)} disabled={value === null} data-testid="preview-time-now">
          Now
        </button>
      </div>
      <input
        type="range"
        min={0}
        max={Math.max(0, stops.length - 1)}
        step={1}
        value={current >= 0 ? current : stops.indexOf(null)}
        onChange={(e) => onChange(stops[Number(e.target.value)] ?? null)}
        disabled={stops.length < 2}
        data-testid="preview-time-slider"
        aria-label="Step through schedule and campaign boundaries"
        aria-valuetext={label}
      />
      <div className="small muted" data-testid="preview-time-label">
        {value === null ? "Now" : label}
        {current < 0 && value !== null ? " (between boundaries)" : ""}
        {boundaries.length === 0
          ? " · no schedule or campaign window opens or closes"
          : ` · ${boundaries.length} boundar${boundaries.length === 1 ? "y" : "ies"} where a window opens or closes`}
      </div>
    </div>
  );
}
