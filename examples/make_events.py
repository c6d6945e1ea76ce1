#!/usr/bin/env python3
"""Writes examples/apparel/events.jsonl: a logged randomized test on the
apparel home page, for Simulate -> Estimates and `tailor estimate`.

The logging policy showed every candidate of `home.hero` and `home.recs`
uniformly at random (propensity 1/5 and 1/4) to the first N of the
example's generated shoppers, one page view each in the first week of
December 2026, and recorded clicks. Click rates depend on content and
shopper (gift banners work on returning customers, the social banner on
social arrivals, knitwear by gender interest…), so a draft that targets well
is estimated above the logged (random) policy.

Needs a built `tailor` (cargo build -p tailor-cli). Run from the repository
root: python3 examples/make_events.py
"""
import json
import random
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

N = 2000
SEED = 11
ROOT = Path(__file__).resolve().parent.parent
TAILOR = ROOT / "target" / "debug" / "tailor"
# The attributes the apparel segments read; the rest are left out to keep
# the file small.
KEEP = ["id", "customer_type", "device", "traffic_source", "consent", "loyalty_tier",
        "gender_interest", "recently_viewed"]


def click_rate(placement, content, s):
    returning = s.get("customer_type") == "returning"
    social = s.get("traffic_source") in ("social", "paid_social")
    if placement == "home.hero":
        return {
            "hero_winter_edit": 0.035,
            "hero_gift_guide": 0.070 if returning else 0.030,
            "hero_gift_cashmere": 0.060 if returning else 0.020,
            "hero_as_seen_on_social": 0.090 if social else 0.025,
            "hero_first_visit": 0.065 if not returning else 0.015,
        }[content]
    gender = s.get("gender_interest")
    return {
        "home_denim_bestsellers": 0.040,
        "home_recently_viewed": 0.095 if s.get("recently_viewed") else 0.020,
        "home_womens_knitwear": 0.075 if gender == "women" else 0.020,
        "home_mens_knitwear": 0.080 if gender == "men" else 0.015,
    }[content]


ARMS = {
    "home.hero": ["hero_winter_edit", "hero_gift_guide", "hero_gift_cashmere", "hero_as_seen_on_social",
                  "hero_first_visit"],
    "home.recs": ["home_denim_bestsellers", "home_recently_viewed", "home_womens_knitwear", "home_mens_knitwear"],
}


def main():
    gen = yaml.safe_load((ROOT / "examples/apparel/shoppers.yaml").read_text())
    with tempfile.TemporaryDirectory() as d:
        spec = Path(d) / "spec.json"
        spec.write_text(json.dumps(gen["spec"]))
        out = subprocess.run([str(TAILOR), "generate", "shoppers", "--spec", str(spec), "-n", str(N),
                              "--seed", str(gen["seed"])], check=True, capture_output=True, text=True).stdout
    shoppers = [json.loads(line) for line in out.splitlines()]
    rng = random.Random(SEED)
    start = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
    lines = []
    for i, s in enumerate(shoppers):
        shopper = {k: s[k] for k in KEEP if k in s}
        at = (start + timedelta(seconds=i * 7 * 24 * 3600 // N)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for placement, arms in ARMS.items():
            action = rng.choice(arms)
            click = 1 if rng.random() < click_rate(placement, action, s) else 0
            lines.append(json.dumps({
                "id": f"ev-{i + 1:05d}-{placement.split('.')[1]}", "shopper": shopper, "page": "home",
                "placement": placement, "action": action, "propensity": round(1 / len(arms), 6),
                "rewards": {"click": click}, "time": at,
            }, separators=(",", ":")))
    (ROOT / "examples/apparel/events.jsonl").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} events, {sum(json.loads(l)['rewards']['click'] for l in lines)} clicks")


if __name__ == "__main__":
    main()
