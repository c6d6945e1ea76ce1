//! The instants where some schedule or campaign window opens or closes: the
//! stops of the preview's time slider.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use tailor_model::spec::Snapshot;

/// Sorted, without duplicates. Zones that do not resolve are skipped (the
/// plan would not compile with them anyway).
pub fn schedule_boundaries(snapshot: &Snapshot) -> Vec<Timestamp> {
    let mut out = Vec::new();
    let at = |dt: jiff::civil::DateTime, tz: &str| {
        // The engine's rule: jiff's "compatible" disambiguation.
        TimeZone::get(tz).ok().and_then(|z| z.to_ambiguous_timestamp(dt).compatible().ok())
    };
    for e in &snapshot.plan {
        if let Some(s) = &e.schedule {
            out.extend(s.start.and_then(|d| at(d, &s.tz)));
            out.extend(s.end.and_then(|d| at(d, &s.tz)));
        }
    }
    for c in &snapshot.campaigns {
        out.extend(c.start.and_then(|d| at(d.to_datetime(jiff::civil::Time::midnight()), &c.tz)));
        // Campaign end dates are inclusive: the window closes at the next midnight.
        out.extend(
            c.end
                .and_then(|d| d.tomorrow().ok())
                .and_then(|d| at(d.to_datetime(jiff::civil::Time::midnight()), &c.tz)),
        );
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_and_campaign_edges_become_instants() {
        let mut s = Snapshot::default();
        s.campaigns.push(
            serde_json::from_value(serde_json::json!({"name": "x", "rank": 1, "start": "2026-03-29", "end": "2026-03-29", "tz": "Europe/Paris"}))
                .unwrap(),
        );
        let b = schedule_boundaries(&s);
        // Midnight in Paris is 23:00 UTC the day before (CET), and the day
        // after the DST change it is 22:00 UTC.
        assert_eq!(b, vec!["2026-03-28T23:00:00Z".parse::<Timestamp>().unwrap(), "2026-03-29T22:00:00Z".parse().unwrap()]);
    }
}
