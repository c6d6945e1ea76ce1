// The recharts half of SimBarChart, loaded on demand (recharts is large):
// SVG bar charts, no scripts evaluated. Clicking a bar opens its drill-down.
import { useContext } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { DrillContext } from "./Drilldown";
import type { BarDatum, BarSeries } from "./SimChart";

const SERIES_COLOURS = ["#2f5bea", "#1d7a46", "#c27c0e", "#7b5be8", "#c62f2f", "#0f8a8a", "#8a5a2f", "#5f6b7a"];

export interface BarsProps {
  data: BarDatum[];
  series: BarSeries[];
  horizontal: boolean;
  stacked: boolean;
}

export default function ChartBars({ data, series, horizontal, stacked }: BarsProps) {
  const drill = useContext(DrillContext);
  const height = horizontal ? Math.max(120, data.length * (stacked ? 26 : 22 * series.length) + 60) : 260;
  const longest = Math.min(180, Math.max(60, ...data.map((d) => d.name.length * 7)));
  return (
    <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 520, height }}>
      <BarChart data={data} layout={horizontal ? "vertical" : "horizontal"} margin={{ top: 4, right: 16, bottom: 4, left: 4 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={!horizontal} vertical={horizontal} />
        {horizontal ? (
          <>
            <XAxis type="number" allowDecimals={false} />
            <YAxis type="category" dataKey="name" width={longest} interval={0} tick={{ fontSize: 11 }} />
          </>
        ) : (
          <>
            <XAxis type="category" dataKey="name" interval={0} tick={{ fontSize: 11 }} />
            <YAxis type="number" allowDecimals={false} />
          </>
        )}
        <Tooltip />
        {series.length > 1 && <Legend />}
        {series.map((s, i) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.label}
            fill={s.colour ?? SERIES_COLOURS[i % SERIES_COLOURS.length]}
            stackId={stacked ? "stack" : undefined}
            isAnimationActive={false}
            cursor={s.drill ? "pointer" : undefined}
            onClick={(_, index) => {
              const d = data[index];
              if (!d || !s.drill) return;
              const k = drill.resolve(s.drill(d.name));
              if (k) drill.open(k);
            }}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
