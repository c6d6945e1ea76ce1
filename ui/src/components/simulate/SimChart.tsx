// A titled bar chart of a simulation report; the chart library loads on demand.
import { lazy, Suspense } from "react";

const ChartBars = lazy(() => import("./ChartBars"));

export interface BarSeries {
  key: string;
  label: string;
  colour?: string;
  /** Drill-down key of a datum for this series, when it has one. */
  drill?: (name: string) => string;
}

export type BarDatum = { name: string } & Record<string, number | string>;

interface Props {
  data: BarDatum[];
  series: BarSeries[];
  testId: string;
  title: string;
  /** Horizontal bars (long category names), else vertical. */
  horizontal?: boolean;
  stacked?: boolean;
  /** At most this many categories are drawn; the table beside the chart lists all. */
  limit?: number;
}

export function SimBarChart({ data, series, testId, title, horizontal = true, stacked = false, limit = 20 }: Props) {
  const shown = data.slice(0, limit);
  return (
    <figure className="sim-chart" data-testid={testId} aria-label={title}>
      <figcaption>
        {title}
        {data.length > shown.length && (
          <span className="muted small">
            {" "}
            (first {shown.length} of {data.length}; all in the table)
          </span>
        )}
      </figcaption>
      {shown.length === 0 ? (
        <p className="muted small">Nothing to chart.</p>
      ) : (
        <Suspense fallback={<div className="sim-chart-loading small muted">Drawing…</div>}>
          <ChartBars data={shown} series={series} horizontal={horizontal} stacked={stacked} />
        </Suspense>
      )}
    </figure>
  );
}
