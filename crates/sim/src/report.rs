//! Exports of a [`SimReport`]: CSV (one row per metric) and a
//! self-contained HTML report (inline CSS and SVG, no scripts, no external
//! resources), so a result can be mailed or attached to a review.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::simulate::{BreakdownCell, SimReport};

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn pct(n: u64, d: u64) -> String {
    if d == 0 { "–".into() } else { format!("{:.1}%", n as f64 * 100.0 / d as f64) }
}

impl SimReport {
    /// Every figure as `metric,value` rows; metric keys are the drill-down
    /// keys with a suffix (`entry:ID:views`, `page:P:blocks:N`, …).
    pub fn to_csv(&self) -> String {
        let mut rows: Vec<(String, String)> = Vec::new();
        let mut row = |k: String, v: u64| rows.push((k, v.to_string()));
        row("shoppers".into(), self.shoppers);
        row("page_views".into(), self.page_views);
        for p in &self.pages {
            row(format!("page:{}:views", p.page), p.views);
            for (n, c) in p.blocks_histogram.iter().enumerate() {
                row(format!("page:{}:blocks:{n}", p.page), *c);
            }
            for pl in &p.placements {
                row(format!("placement:{}:personalized", pl.placement), pl.personalized);
                row(format!("placement:{}:holdout", pl.placement), pl.holdout);
                for (r, c) in &pl.fallbacks {
                    row(format!("placement:{}:fallback:{r}", pl.placement), *c);
                }
            }
        }
        for e in &self.entries {
            row(format!("entry:{}:views", e.entry), e.views);
            row(format!("entry:{}:shoppers", e.entry), e.shoppers);
            row(format!("entry:{}:holdout", e.entry), e.holdout);
        }
        for s in &self.segments {
            row(format!("segment:{}:matched", s.segment), s.matched);
            row(format!("segment:{}:saw_entry", s.segment), s.saw_entry);
        }
        for (r, c) in &self.fallbacks {
            row(format!("fallback:{r}"), *c);
        }
        for (r, c) in &self.too_few_products {
            row(format!("shortfall:{r}"), *c);
        }
        let b = &self.breakdowns;
        for (dim, cells) in [("traffic_source", &b.traffic_source), ("customer_type", &b.customer_type), ("device", &b.device), ("category", &b.category)] {
            for (v, cell) in cells {
                row(format!("{dim}:{v}:views"), cell.views);
                row(format!("{dim}:{v}:personalized"), cell.personalized);
                for (r, c) in &cell.fallbacks {
                    row(format!("{dim}:{v}:fallback:{r}"), *c);
                }
            }
        }
        let o = &self.overlap;
        for (i, a) in o.segments.iter().enumerate() {
            for (j, b) in o.segments.iter().enumerate().skip(i + 1) {
                row(format!("overlap:{a}:{b}"), o.counts[i][j]);
            }
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(["metric", "value"]);
        for (k, v) in rows {
            let _ = w.write_record([k, v]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// A self-contained HTML page: summary, charts, tables, overlap heat map
    /// and the drill-down shopper lists.
    pub fn to_html(&self) -> String {
        let mut h = String::new();
        let title = match &self.bundle_digest {
            Some(d) => format!("Simulation of bundle {}", &d[..d.len().min(19)]),
            None => "Simulation of the draft".to_owned(),
        };
        let _ = write!(
            h,
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}</style></head><body><h1>{}</h1>",
            esc(&title),
            esc(&title)
        );
        let times: Vec<String> = self.times.iter().map(|t| t.to_string()).collect();
        let _ = write!(
            h,
            "<p class=\"summary\"><b>{}</b> shoppers · <b>{}</b> page views · at {} · {} ms</p>",
            self.shoppers,
            self.page_views,
            esc(&times.join(", ")),
            self.elapsed_ms
        );

        h.push_str("<h2>Personalized blocks per page</h2>");
        for p in &self.pages {
            let bars: Vec<(String, u64)> = p.blocks_histogram.iter().enumerate().map(|(n, c)| (format!("{n} blocks"), *c)).collect();
            let _ = write!(h, "<h3>{} <small>{} views</small></h3>", esc(&p.page), p.views);
            h.push_str(&bar_chart(&bars));
            h.push_str("<table><tr><th>placement</th><th>personalized</th><th>holdout</th><th>fallbacks</th></tr>");
            for pl in &p.placements {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td></tr>",
                    esc(&pl.placement),
                    pl.personalized,
                    pct(pl.personalized, p.views),
                    pl.holdout,
                    esc(&reasons_text(&pl.fallbacks))
                );
            }
            h.push_str("</table>");
        }

        h.push_str("<h2>Entries</h2>");
        let bars: Vec<(String, u64)> = self.entries.iter().map(|e| (e.entry.clone(), e.shoppers)).collect();
        h.push_str("<p>Shoppers shown each entry at least once.</p>");
        h.push_str(&bar_chart(&bars));
        h.push_str("<table><tr><th>entry</th><th>segment</th><th>views</th><th>shoppers</th><th>held out</th></tr>");
        for e in &self.entries {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} ({})</td><td>{}</td></tr>",
                esc(&e.entry),
                esc(&e.segment),
                e.views,
                e.shoppers,
                pct(e.shoppers, self.shoppers),
                e.holdout
            );
        }
        h.push_str("</table>");

        h.push_str("<h2>Segments</h2><table><tr><th>segment</th><th>matched</th><th>shown an entry</th></tr>");
        for s in &self.segments {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{} ({})</td><td>{} ({})</td></tr>",
                esc(&s.segment),
                s.matched,
                pct(s.matched, self.shoppers),
                s.saw_entry,
                pct(s.saw_entry, self.shoppers)
            );
        }
        h.push_str("</table>");

        h.push_str("<h2>Fallbacks and drops</h2>");
        h.push_str(&bar_chart(&self.fallbacks.iter().map(|(k, v)| (k.clone(), *v)).collect::<Vec<_>>()));
        if !self.too_few_products.is_empty() {
            h.push_str("<h3>Too few products, by the filter that emptied the set</h3>");
            h.push_str(&bar_chart(&self.too_few_products.iter().map(|(k, v)| (k.clone(), *v)).collect::<Vec<_>>()));
        }

        h.push_str("<h2>Breakdowns</h2>");
        let b = &self.breakdowns;
        for (dim, cells) in [("Traffic source", &b.traffic_source), ("Customer type", &b.customer_type), ("Device", &b.device), ("Product category (product pages)", &b.category)] {
            if cells.is_empty() {
                continue;
            }
            let _ = write!(h, "<h3>{}</h3>", esc(dim));
            h.push_str(&breakdown_table(cells));
        }

        if !self.overlap.segments.is_empty() {
            h.push_str("<h2>Segment overlap</h2><p>Shoppers matching both segments; the shade is the share of the smaller segment.</p>");
            h.push_str(&heat_map(&self.overlap.segments, &self.overlap.counts));
        }

        if !self.drilldown.is_empty() {
            h.push_str("<h2>Shoppers behind the numbers</h2>");
            for (k, ids) in &self.drilldown {
                let _ = write!(h, "<details><summary>{} <small>({} shown)</small></summary><p class=\"ids\">{}</p></details>", esc(k), ids.len(), esc(&ids.join(", ")));
            }
        }
        h.push_str("</body></html>\n");
        h
    }
}

const CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:960px;color:#1f2933}\
h1{font-size:22px}h2{font-size:18px;margin-top:2em;border-bottom:1px solid #d9e2ec}h3{font-size:15px}\
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #d9e2ec;padding:3px 8px;text-align:left}\
th{background:#f0f4f8}small{color:#627d98;font-weight:normal}.summary{font-size:15px}.ids{font-family:monospace;font-size:12px}\
svg text{font:12px system-ui,sans-serif;fill:#1f2933}";

fn reasons_text(r: &BTreeMap<String, u64>) -> String {
    r.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ")
}

fn breakdown_table(cells: &BTreeMap<String, BreakdownCell>) -> String {
    let mut h = String::from("<table><tr><th>value</th><th>views</th><th>personalized blocks / view</th><th>fallbacks</th></tr>");
    for (v, c) in cells {
        let per = if c.views == 0 { 0.0 } else { c.personalized as f64 / c.views as f64 };
        let _ = write!(h, "<tr><td>{}</td><td>{}</td><td>{per:.2}</td><td>{}</td></tr>", esc(v), c.views, esc(&reasons_text(&c.fallbacks)));
    }
    h.push_str("</table>");
    h
}

/// Horizontal bars, one per row, scaled to the largest value.
fn bar_chart(rows: &[(String, u64)]) -> String {
    if rows.is_empty() {
        return "<p><small>Nothing to show.</small></p>".into();
    }
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (200.0, 520.0, 20.0);
    let height = rows.len() as f64 * row_h + 4.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\">",
        label_w + bar_w + 90.0
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 2.0;
        let w = bar_w * (*v as f64) / max as f64;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"#3e7cb1\"><title>{}: {v}</title></rect><text x=\"{}\" y=\"{}\">{v}</text>",
            label_w - 6.0,
            y + 13.0,
            esc(label),
            row_h - 5.0,
            esc(label),
            label_w + w + 4.0,
            y + 13.0
        );
    }
    s.push_str("</svg>");
    s
}

/// Segment × segment counts; colour = count / min(diagonal of row, column).
fn heat_map(names: &[String], counts: &[Vec<u64>]) -> String {
    let n = names.len();
    let (label, cell) = (160.0, 26.0);
    let size = label + cell * n as f64 + 10.0;
    let mut s = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" role=\"img\">");
    for (i, name) in names.iter().enumerate() {
        let pos = label + cell * i as f64;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><text transform=\"translate({},{}) rotate(-60)\">{}</text>",
            label - 6.0,
            pos + cell * 0.65,
            esc(name),
            pos + cell * 0.5,
            label - 6.0,
            esc(name)
        );
    }
    for i in 0..n {
        for j in 0..n {
            let c = counts[i][j];
            let base = counts[i][i].min(counts[j][j]);
            let share = if base == 0 { 0.0 } else { c as f64 / base as f64 };
            let light = 96.0 - 56.0 * share.min(1.0);
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"hsl(210,60%,{light:.0}%)\"><title>{} × {}: {c}</title></rect>",
                label + cell * j as f64,
                label + cell * i as f64,
                cell - 1.0,
                cell - 1.0,
                esc(&names[i]),
                esc(&names[j])
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use tailor_engine::ShopperTable;

    use crate::simulate::{SimOptions, simulate};
    use crate::testkit;

    fn report() -> crate::SimReport {
        let snapshot = testkit::snapshot();
        let plan = testkit::plan(&snapshot);
        let table: ShopperTable = testkit::shoppers(&plan, 200).into_iter().collect();
        let opts = SimOptions::for_snapshot(&snapshot, testkit::at());
        simulate(&plan, crate::from_table(&table), &opts, &|_| {}, &AtomicBool::new(false)).unwrap()
    }

    #[test]
    fn csv_has_one_row_per_metric() {
        let r = report();
        let csv = r.to_csv();
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("metric,value"));
        assert!(csv.contains("shoppers,200\n"));
        let views = r.entries.iter().find(|e| e.entry == "loyal_hero").unwrap().views;
        assert!(csv.contains(&format!("entry:loyal_hero:views,{views}\n")));
        assert!(csv.contains("overlap:returning:mobile,"));
    }

    #[test]
    fn html_is_self_contained() {
        let html = report().to_html();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<svg") && html.contains("Segment overlap"));
        for forbidden in ["<script", "src=", "href=", "@import", "url("] {
            assert!(!html.contains(forbidden), "found {forbidden}");
        }
    }
}
