#!/usr/bin/env python3
"""Writes the catalogs and sample-shopper specs of the apparel, beauty and
home example workspaces.

    python3 examples/make_catalogs.py

Deterministic (fixed seeds, Python 3 standard library only): running it again
rewrites the same files byte for byte.

Outputs, per example NAME in apparel, beauty, home:
  examples/NAME/catalog.csv    products: id,title,category,price,cost,stock,
                               collection,tags (|-separated),
                               reorder_interval_days,rank,image_url,updated,
                               then attribute columns (size, colour, ...)
  examples/NAME/shoppers.yaml  {count, seed, spec: GeneratorSpec}; the weighted
                               product-id lists (recently_viewed, saved_items,
                               purchased_items) are drawn from the catalog so
                               every id exists; purchases carry `id@YYYY-MM-DD`
                               dates so replenishment timing works.

The workspace rules (workspace.yaml) and personas (personas.yaml) are written
by hand; product ids they mention are stable across runs of this script.
"""

import csv
import datetime as dt
import io
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
UPDATED_FROM = dt.date(2026, 10, 1)  # catalog freshness: updated within Oct–Nov 2026
UPDATED_DAYS = 50


def money(x):
    """Retail price points: .99 endings under 100, 9 endings above."""
    if x < 100:
        return round(max(round(x), 5) - 0.01, 2)  # 23.4 -> 22.99
    return float(10 * round(x / 10)) - 1.0  # 243 -> 239.0


MATERIAL_WORDS = {"linen", "cashmere", "merino", "wool", "denim", "leather", "suede", "jute", "rattan",
                  "velvet", "boucle", "oak", "walnut", "cotton", "knit", "stoneware", "glass", "teak", "down"}


def title(collection, colour, material, noun):
    """`Collection Colour Material Noun`, without the material when the noun
    already names one (no "Cotton Linen Shirt")."""
    if any(w.lower() in MATERIAL_WORDS for w in noun.split()) or material.split()[-1].lower() in noun.lower():
        return f"{collection} {colour.capitalize()} {noun}"
    return f"{collection} {colour.capitalize()} {material.title()} {noun}"


def write_catalog(name, rows, attr_cols):
    cols = ["id", "title", "category", "price", "cost", "stock", "collection", "tags",
            "reorder_interval_days", "rank", "image_url", "updated"] + attr_cols
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([r.get(c, "") if r.get(c) is not None else "" for c in cols])
    with open(os.path.join(HERE, name, "catalog.csv"), "w", encoding="utf-8") as f:
        f.write(buf.getvalue())


EDITIONS = ["Online Exclusive", "Limited Edition", "Archive", "Studio Edit"]


def finish(rows, rnd, prefix, low_stock_share=0.08, clearance_share=0.04):
    """Stock, cost, rank, tags and housekeeping common to every vertical."""
    # Best-seller rank: a random popularity per product, rank 1 = best, within
    # the whole catalog (top_in_category takes the best of each category).
    pop = sorted(rows, key=lambda r: -r["_pop"])
    for i, r in enumerate(pop):
        r["rank"] = i + 1
    seen = {}
    for i, r in enumerate(rows):
        r["id"] = f"{prefix}-{1001 + i}"
        share = rnd.uniform(0.35, 0.65)
        tags = r.setdefault("_tags", [])
        if rnd.random() < clearance_share and "premium" not in tags:
            share = rnd.uniform(0.78, 0.9)  # thin-margin clearance lines the margin floor removes
            tags.append("clearance")
        r["cost"] = round(r["price"] * share, 2)
        x = rnd.random()
        if x < low_stock_share:
            r["stock"] = rnd.randint(1, 4)
            tags.append("low_stock")
        elif x < low_stock_share + 0.02:
            r["stock"] = 0
        else:
            r["stock"] = int(rnd.lognormvariate(3.4, 0.8)) + 5
        if r["rank"] <= 40:
            tags.append("bestseller")
        r["tags"] = "|".join(dict.fromkeys(tags))
        if r["title"] in seen:  # same name drawn twice: a real catalog would label the edition
            r["title"] = f"{r['title']} ({EDITIONS[seen[r['title']] % len(EDITIONS)]})"
            seen[r["title"].rsplit(" (", 1)[0]] += 1
        seen.setdefault(r["title"], 0)
        r["image_url"] = f"https://cdn.example.com/{prefix.lower()}/{r['id'].lower()}.jpg"
        r["updated"] = (UPDATED_FROM + dt.timedelta(days=rnd.randrange(UPDATED_DAYS))).isoformat()
    return rows


def weights_by_rank(rows, n, rnd, pred=lambda r: True):
    """The n most popular products satisfying pred, weighted ~ 1/sqrt(rank)."""
    pool = sorted((r for r in rows if pred(r)), key=lambda r: r["rank"])[:n]
    return {r["id"]: round(10 / (r["rank"] ** 0.5), 3) for r in pool}


def yaml_out(name, count, seed, spec_header, attributes):
    lines = [f"# Sample shoppers of the {name} example: generated at `tailor init` by the seeded",
             "# generator (tailor_sim::generator). Written by examples/make_catalogs.py: edit the",
             "# script, not this file, so the product ids stay in step with catalog.csv.",
             f"count: {count}", f"seed: {seed}", "spec:", f"  id_prefix: {spec_header}", "  attributes:"]
    for a in attributes:
        a = dict(a)
        lines.append(f"    - name: {a.pop('name')}")
        for k, v in a.items():
            lines.append(f"      {k}: {json.dumps(v, sort_keys=True)}")
    with open(os.path.join(HERE, name, "shoppers.yaml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def dated(ids, rnd, start, end, per_item=2):
    """`id@YYYY-MM-DD` purchase records, a few dates per product."""
    out = {}
    span = (end - start).days
    for pid, w in ids.items():
        for _ in range(per_item):
            d = start + dt.timedelta(days=rnd.randrange(span + 1))
            out[f"{pid}@{d.isoformat()}"] = round(w / per_item, 3)
    return out


COMMON = [
    {"name": "customer_type", "categorical": {"returning": 0.58, "new": 0.42}},
    {"name": "device", "categorical": {"mobile": 0.64, "desktop": 0.3, "tablet": 0.06}},
    {"name": "traffic_source", "categorical": {"direct": 0.22, "search": 0.24, "paid_search": 0.1, "social": 0.08,
                                               "paid_social": 0.12, "email": 0.14, "referral": 0.05, "affiliate": 0.05}},
    {"name": "consent", "bool": {"p": 0.88}},
]


def customer_history(mu_ltv, first, last):
    """lifetime_value, orders, last_order: zero / absent for new shoppers."""
    return [
        {"name": "orders", "lognormal": {"mu": 1.0, "sigma": 0.7, "min": 1, "round": 0},
         "depends_on": {"attribute": "customer_type", "values": {"new": {"constant": 0}}}},
        {"name": "lifetime_value", "lognormal": {"mu": mu_ltv, "sigma": 0.8, "min": 0, "round": 2},
         "depends_on": {"attribute": "customer_type", "values": {"new": {"constant": 0}}}},
        {"name": "last_order", "date": {"from": first, "to": last},
         "depends_on": {"attribute": "customer_type", "values": {"new": {"constant": None}}}},
        {"name": "loyalty_tier", "categorical": {"none": 0.55, "silver": 0.3, "gold": 0.15},
         "depends_on": {"attribute": "customer_type", "values": {"new": {"constant": "none"}}}},
    ]


# --------------------------------------------------------------------------- apparel

def apparel():
    rnd = random.Random(20261101)
    colours = ["black", "navy", "ivory", "grey", "camel", "olive", "burgundy", "blue", "white", "sage", "rust"]
    collections = ["Essentials", "Nordic Winter", "Riviera", "Studio", "Heritage", "Weekend"]
    # category: (gender, nouns, materials, price range, size range, seasonal tag)
    cats = {
        "womens-dresses": ("women", ["Wrap Dress", "Slip Dress", "Shirt Dress", "Midi Dress", "Knit Dress"],
                           ["viscose", "linen", "silk", "cotton", "merino"], (45, 180), "XS-XL", None),
        "womens-tops": ("women", ["Blouse", "Ribbed Tee", "Tank", "Poplin Shirt", "Bodysuit"],
                        ["cotton", "silk", "linen", "modal"], (19, 89), "XS-XL", None),
        "womens-knitwear": ("women", ["Cashmere Crew", "Cable Cardigan", "Roll Neck", "Mohair Jumper"],
                            ["cashmere", "merino", "wool", "mohair"], (59, 240), "XS-XL", "winter"),
        "womens-trousers": ("women", ["Wide-Leg Trouser", "Tailored Trouser", "Jogger", "Culotte"],
                            ["wool", "cotton", "linen", "tencel"], (39, 139), "XS-XL", None),
        "mens-shirts": ("men", ["Oxford Shirt", "Flannel Shirt", "Linen Shirt", "Overshirt", "Polo"],
                        ["cotton", "linen", "flannel", "pique"], (35, 119), "S-XXL", None),
        "mens-knitwear": ("men", ["Merino Crew", "Lambswool V-Neck", "Quarter Zip", "Fisherman Jumper"],
                          ["merino", "lambswool", "cashmere", "wool"], (55, 220), "S-XXL", "winter"),
        "mens-trousers": ("men", ["Chino", "Pleated Trouser", "Cargo Trouser", "Drawstring Short"],
                          ["cotton", "wool", "linen", "twill"], (39, 129), "S-XXL", None),
        "denim": ("unisex", ["Straight Jean", "Slim Jean", "Denim Jacket", "Barrel Jean"],
                  ["denim", "selvedge denim", "organic denim"], (59, 179), "24-36", None),
        "outerwear": ("unisex", ["Wool Coat", "Puffer Jacket", "Trench Coat", "Quilted Vest", "Rain Parka"],
                      ["wool", "down", "cotton gabardine", "recycled nylon"], (89, 420), "XS-XXL", "winter"),
        "shoes": ("unisex", ["Leather Sneaker", "Chelsea Boot", "Loafer", "Espadrille", "Runner"],
                  ["leather", "suede", "canvas", "knit"], (49, 229), "36-46", None),
        "accessories": ("unisex", ["Scarf", "Beanie", "Leather Belt", "Tote Bag", "Sunglasses", "Gloves"],
                        ["wool", "leather", "cotton canvas", "cashmere", "acetate"], (15, 129), "one size", None),
        "swimwear": ("unisex", ["Swim Short", "Swimsuit", "Bikini Top", "Kaftan"],
                     ["recycled nylon", "cotton"], (29, 99), "XS-XL", "summer"),
    }
    rows = []
    for cat, (gender, nouns, materials, (lo, hi), size, season) in cats.items():
        n = 34 if cat not in ("swimwear", "womens-trousers", "mens-trousers") else 24
        for _ in range(n):
            noun = rnd.choice(nouns)
            mat = rnd.choice(materials)
            col = rnd.choice(colours)
            coll = rnd.choice(collections)
            price = money(rnd.uniform(lo, hi))
            tags = []
            if price > lo + 0.72 * (hi - lo) or mat in ("cashmere", "silk", "selvedge denim"):
                tags.append("premium")
            if season:
                tags.append(season)
            elif noun in ("Puffer Jacket", "Chelsea Boot", "Gloves", "Beanie", "Flannel Shirt", "Scarf"):
                tags.append("winter")
            elif mat == "linen" or noun in ("Espadrille", "Sunglasses", "Tank", "Drawstring Short"):
                tags.append("summer")
            if rnd.random() < 0.15:
                tags.append("new_in")
            if mat.startswith(("recycled", "organic")):
                tags.append("sustainable")
            rows.append({
                "title": title(coll, col, mat, noun),
                "category": cat, "price": price, "collection": coll.lower().replace(" ", "-"),
                "gender": gender, "size": size, "colour": col, "material": mat,
                "fit": rnd.choice(["regular", "relaxed", "slim"]) if cat not in ("accessories", "shoes") else "",
                "_tags": tags, "_pop": rnd.random() ** 1.5 * (1.6 if cat in ("womens-knitwear", "outerwear", "denim") else 1.0),
            })
    finish(rows, rnd, "AP")
    write_catalog("apparel", rows, ["gender", "size", "colour", "material", "fit"])

    women = weights_by_rank(rows, 70, rnd, lambda r: r["gender"] in ("women", "unisex") and r["stock"] > 0)
    men = weights_by_rank(rows, 70, rnd, lambda r: r["gender"] in ("men", "unisex") and r["stock"] > 0)
    allv = weights_by_rank(rows, 90, rnd)
    saved = weights_by_rank(rows, 80, rnd, lambda r: "premium" in r["tags"] or "low_stock" in r["tags"] or r["stock"] == 0)
    bought = dated(weights_by_rank(rows, 80, rnd), rnd, dt.date(2025, 12, 1), dt.date(2026, 11, 20), 1)
    attrs = COMMON + customer_history(4.9, "2025-09-01", "2026-11-24") + [
        {"name": "gender_interest", "categorical": {"women": 0.56, "men": 0.34, "unisex": 0.1}},
        {"name": "size_profile", "categorical": {"XS": 0.08, "S": 0.22, "M": 0.32, "L": 0.22, "XL": 0.11, "XXL": 0.05},
         "missing": 0.4},
        {"name": "recently_viewed", "string_list": {"items": allv, "min": 1, "max": 6}, "missing": 0.3,
         "depends_on": {"attribute": "gender_interest", "values": {
             "women": {"string_list": {"items": women, "min": 1, "max": 6}},
             "men": {"string_list": {"items": men, "min": 1, "max": 6}}}}},
        {"name": "viewed_categories", "string_list": {"items": {
            "womens-dresses": 3, "womens-knitwear": 3, "womens-tops": 2, "mens-knitwear": 2, "mens-shirts": 2,
            "denim": 2, "outerwear": 3, "shoes": 2, "accessories": 1, "swimwear": 0.3}, "min": 1, "max": 3},
         "missing": 0.25},
        {"name": "saved_items", "string_list": {"items": saved, "min": 1, "max": 4}, "missing": 0.65},
        {"name": "purchased_items", "string_list": {"items": bought, "min": 1, "max": 5},
         "depends_on": {"attribute": "customer_type", "values": {"new": {"constant": None}}}},
        {"name": "email_subscriber", "bool": {"p": 0.45}},
    ]
    yaml_out("apparel", 12000, 7, "ap", attrs)


# --------------------------------------------------------------------------- beauty

def beauty():
    rnd = random.Random(20261102)
    lines = ["Calm", "Glow", "Clear", "Barrier", "Renew", "Hydra", "Daily", "Night"]
    # category: (products [(name, actives tags)], price range, sizes, reorder days, skin types)
    cats = {
        "cleanser": ([("Gel Cleanser", ["niacinamide"]), ("Cream Cleanser", ["gentle", "hydrating"]),
                      ("Cleansing Balm", ["hydrating"]), ("Exfoliating Cleanser", ["aha"]),
                      ("Micellar Water", ["gentle"])], (12, 38), ["150ml", "200ml", "400ml"], 60),
        "toner": ([("Exfoliating Toner", ["aha"]), ("Hydrating Essence", ["hydrating"]),
                   ("Balancing Toner", ["niacinamide"]), ("Soothing Mist", ["gentle"])], (14, 42), ["100ml", "200ml"], 60),
        "serum": ([("Vitamin C Serum", ["vitamin_c"]), ("Retinol Serum", ["retinoid"]),
                   ("Niacinamide Serum", ["niacinamide"]), ("Hyaluronic Serum", ["hydrating"]),
                   ("Peptide Serum", ["peptide"]), ("Azelaic Serum", ["gentle"])], (18, 85), ["15ml", "30ml", "50ml"], 45),
        "moisturiser": ([("Barrier Cream", ["gentle", "hydrating"]), ("Gel Moisturiser", ["hydrating"]),
                         ("Rich Night Cream", ["retinoid", "hydrating"]), ("Oil-Free Lotion", ["niacinamide"]),
                         ("Ceramide Cream", ["hydrating", "gentle"])], (16, 78), ["30ml", "50ml", "100ml"], 45),
        "sunscreen": ([("Daily SPF50 Fluid", ["spf"]), ("Mineral SPF30", ["spf", "gentle"]),
                       ("Tinted SPF50", ["spf"]), ("SPF50 Stick", ["spf"])], (14, 42), ["30ml", "50ml", "100ml"], 40),
        "mask": ([("Clay Mask", ["niacinamide"]), ("Overnight Mask", ["hydrating"]),
                  ("Enzyme Peel", ["aha"]), ("Sheet Mask Pack", ["hydrating"])], (12, 48), ["50ml", "75ml"], 75),
        "eye-care": ([("Caffeine Eye Gel", ["peptide"]), ("Retinal Eye Cream", ["retinoid"]),
                      ("Hydrating Eye Balm", ["hydrating"])], (18, 65), ["15ml"], 75),
        "body": ([("Body Lotion", ["hydrating"]), ("AHA Body Wash", ["aha"]), ("Hand Cream", ["hydrating"]),
                  ("Body Oil", ["hydrating"])], (9, 36), ["200ml", "400ml"], 50),
        "haircare": ([("Repair Shampoo", []), ("Curl Conditioner", ["hydrating"]), ("Scalp Serum", ["niacinamide"]),
                      ("Hair Mask", ["hydrating"])], (11, 44), ["250ml", "500ml"], 55),
        "makeup": ([("Skin Tint", ["spf"]), ("Concealer", []), ("Lip Balm", ["hydrating"]), ("Brow Gel", []),
                    ("Mascara", [])], (12, 42), ["one size"], 90),
        "tools": ([("Gua Sha", []), ("Konjac Sponge", ["gentle"]), ("Reusable Pads", []), ("Facial Roller", [])],
                  (9, 45), ["one size"], None),
    }
    skin_types = ["dry", "oily", "combination", "sensitive", "normal"]
    rows = []
    for cat, (products, (lo, hi), sizes, interval) in cats.items():
        n = 30 if cat not in ("tools", "eye-care") else 16
        for _ in range(n):
            name, actives = rnd.choice(products)
            line = rnd.choice(lines)
            size = rnd.choice(sizes)
            mult = 1.0 + 0.28 * sizes.index(size)  # bigger sizes are better value
            price = money(rnd.uniform(lo, hi * 0.75) * mult)
            tags = list(actives)
            skin = "sensitive" if "gentle" in actives else rnd.choice(skin_types)
            if price > lo + 0.7 * (hi - lo):
                tags.append("premium")
            if name in ("SPF50 Stick", "Body Oil", "Soothing Mist"):  # sunscreen fluids sell all year
                tags.append("summer")
            if name in ("Rich Night Cream", "Barrier Cream", "Hand Cream", "Hydrating Eye Balm", "Lip Balm"):
                tags.append("winter")
            if rnd.random() < 0.25:
                tags.append("fragrance_free")
            if rnd.random() < 0.12:
                tags.append("vegan")
            rows.append({
                "title": f"{line} {name} {size}" if line not in name else f"{name} {size}", "category": cat, "price": price,
                "collection": line.lower(), "reorder_interval_days": (interval + rnd.choice([-10, 0, 0, 15]))
                if interval else None,
                "size": size, "skin_type": skin, "concern": rnd.choice(["acne", "ageing", "dryness", "redness", "dullness", "pigmentation"]),
                "finish": rnd.choice(["matte", "dewy", "natural"]),
                "_tags": tags, "_pop": rnd.random() ** 1.5 * (1.7 if cat in ("serum", "moisturiser", "sunscreen") else 1.0),
            })
            # Refills of the bestsellers' lines: cheaper, tagged refill, same collection.
            if interval and rnd.random() < 0.14 and cat in ("cleanser", "serum", "moisturiser", "body", "haircare"):
                rows.append({
                    "title": f"{line} {name} Refill {size}" if line not in name else f"{name} Refill {size}", "category": cat, "price": money(price * 0.78),
                    "collection": line.lower(), "reorder_interval_days": interval, "size": size, "skin_type": skin,
                    "concern": rows[-1]["concern"], "finish": rows[-1]["finish"],
                    "_tags": [t for t in tags if t != "premium"] + ["refill"], "_pop": rows[-1]["_pop"] * 0.6,
                })
    # Routine bundles: cleanser + serum + moisturiser (+ SPF) at a bundle price.
    for line in lines:
        for kind, base in (("Starter Routine", 49), ("Full Routine", 89), ("Travel Minis", 29)):
            price = money(base * rnd.uniform(0.9, 1.25))
            rows.append({
                "title": f"{line} {kind}", "category": "sets", "price": price, "collection": line.lower(),
                "reorder_interval_days": 90 if kind != "Full Routine" else 120, "size": "set",
                "skin_type": rnd.choice(skin_types), "concern": rnd.choice(["acne", "ageing", "dryness", "redness"]),
                "finish": "natural", "_tags": ["bundle", "routine"] + (["premium"] if kind == "Full Routine" else []),
                "_pop": rnd.random() * 1.2,
            })
    finish(rows, rnd, "BE")
    # The top product of a few categories carries the actives the compatibility
    # rules key on (a realistic bestseller mix: vitamin C and retinol serums).
    write_catalog("beauty", rows, ["size", "skin_type", "concern", "finish"])

    viewed = weights_by_rank(rows, 90, rnd, lambda r: r["stock"] > 0)
    sens = weights_by_rank(rows, 50, rnd, lambda r: r["skin_type"] == "sensitive" or "gentle" in r["tags"])
    saved = weights_by_rank(rows, 60, rnd, lambda r: "premium" in r["tags"] or "bundle" in r["tags"] or "low_stock" in r["tags"])
    consumables = weights_by_rank(rows, 70, rnd, lambda r: r["reorder_interval_days"])
    bought = dated(consumables, rnd, dt.date(2026, 6, 15), dt.date(2026, 11, 20), 2)
    # Consent is unknown for 5% (no answer to the banner yet): with
    # consent_by_default false, they get the defaults.
    common = [dict(a, missing=0.05) if a["name"] == "consent" else a for a in COMMON]
    attrs = common + customer_history(4.4, "2025-12-01", "2026-11-24") + [
        {"name": "skin_concern", "categorical": {"sensitive": 0.22, "acne": 0.2, "ageing": 0.2, "dryness": 0.22,
                                                 "pigmentation": 0.08, "none": 0.08}, "missing": 0.45},
        {"name": "skin_type", "categorical": {"dry": 0.25, "oily": 0.2, "combination": 0.33, "normal": 0.22},
         "missing": 0.5},
        {"name": "quiz_completed", "bool": {"p": 0.4}},
        {"name": "recently_viewed", "string_list": {"items": viewed, "min": 1, "max": 6}, "missing": 0.3,
         "depends_on": {"attribute": "skin_concern", "values": {
             "sensitive": {"string_list": {"items": sens, "min": 1, "max": 5}}}}},
        {"name": "saved_items", "string_list": {"items": saved, "min": 1, "max": 4}, "missing": 0.7},
        {"name": "purchased_items", "string_list": {"items": bought, "min": 1, "max": 5},
         "depends_on": {"attribute": "customer_type", "values": {"new": {"constant": None}}}},
        {"name": "subscribed_refills", "bool": {"p": 0.12}},
    ]
    yaml_out("beauty", 12000, 11, "be", attrs)


# --------------------------------------------------------------------------- home

def home():
    rnd = random.Random(20261103)
    styles = ["scandinavian", "industrial", "mid-century", "coastal", "classic", "japandi"]
    collections = {"scandinavian": ["Fjord", "Lund"], "industrial": ["Forge", "Brooklyn"],
                   "mid-century": ["Atomic", "Palm Springs"], "coastal": ["Palma", "Harbour"],
                   "classic": ["Atelier", "Kensington"], "japandi": ["Kyoto", "Sora"]}
    colours = ["natural", "smoke", "white", "black", "sage", "terracotta", "sand", "charcoal", "ochre", "navy"]
    # category: (room, nouns, materials, price range, reorder days)
    cats = {
        "sofas": ("living", ["3-Seat Sofa", "Corner Sofa", "Loveseat", "Sofa Bed"], ["linen", "velvet", "boucle", "leather"], (599, 2400), None),
        "armchairs": ("living", ["Lounge Chair", "Accent Chair", "Rocking Chair"], ["velvet", "rattan", "leather", "boucle"], (249, 990), None),
        "tables": ("dining", ["Dining Table", "Coffee Table", "Side Table", "Console"], ["oak", "walnut", "marble", "steel"], (149, 1600), None),
        "chairs": ("dining", ["Dining Chair", "Bar Stool", "Bench"], ["oak", "walnut", "rattan", "steel"], (89, 450), None),
        "lighting": ("living", ["Floor Lamp", "Table Lamp", "Pendant", "Wall Light"], ["brass", "ceramic", "rattan", "steel", "linen"], (39, 420), None),
        "rugs": ("living", ["Wool Rug", "Runner", "Jute Rug", "Outdoor Rug"], ["wool", "jute", "cotton"], (79, 890), None),
        "cushions-throws": ("living", ["Cushion Cover", "Throw", "Bolster", "Seat Pad"], ["linen", "velvet", "wool", "cotton", "boucle"], (19, 149), None),
        "bedding": ("bedroom", ["Duvet Cover Set", "Fitted Sheet", "Pillowcase Pair", "Bedspread"], ["linen", "cotton", "percale"], (29, 260), None),
        "beds": ("bedroom", ["Bed Frame", "Headboard", "Bedside Table"], ["oak", "walnut", "velvet", "rattan"], (149, 1400), None),
        "storage": ("office", ["Bookcase", "Sideboard", "Storage Basket", "Desk", "Shelf"], ["oak", "walnut", "rattan", "steel"], (29, 1100), None),
        "tableware": ("kitchen", ["Dinner Plate Set", "Bowl Set", "Mug Pair", "Serving Platter", "Glass Set"], ["stoneware", "porcelain", "glass"], (19, 120), None),
        "kitchen": ("kitchen", ["Chopping Board", "Utensil Set", "Tea Towel Pair", "Dish Brush Refill"], ["oak", "walnut", "linen", "ceramic"], (9, 89), None),
        "candles-fragrance": ("living", ["Scented Candle", "Reed Diffuser", "Diffuser Refill", "Room Spray"], ["soy wax", "glass", "ceramic"], (14, 65), 60),
        "outdoor": ("outdoor", ["Garden Chair", "Lounger", "Planter", "Lantern"], ["teak", "rattan", "steel", "terracotta"], (29, 790), None),
        "decor": ("living", ["Vase", "Mirror", "Wall Art Print", "Tray", "Photo Frame"], ["ceramic", "brass", "glass", "oak"], (19, 260), None),
    }
    rows = []
    for cat, (room, nouns, materials, (lo, hi), interval) in cats.items():
        n = 26 if cat not in ("sofas", "beds", "outdoor") else 18
        for _ in range(n):
            style = rnd.choice(styles)
            coll = rnd.choice(collections[style])
            noun = rnd.choice(nouns)
            mat = rnd.choice(materials)
            col = rnd.choice(colours)
            price = money(lo * (hi / lo) ** rnd.random())  # log-uniform: many affordable, few big-ticket
            band = "budget" if price < lo * (hi / lo) ** 0.33 else "premium" if price > lo * (hi / lo) ** 0.75 else "mid"
            tags = []
            if band == "premium":
                tags.append("premium")
            if cat == "outdoor" or mat in ("jute", "teak"):
                tags.append("summer")
            if noun in ("Throw", "Scented Candle") and col in ("ochre", "terracotta", "charcoal", "navy"):
                tags.append("winter")
            if noun in ("Dinner Plate Set", "Glass Set", "Mug Pair", "Pillowcase Pair", "Tea Towel Pair") or "Set" in noun:
                tags.append("bundle")
            if "Refill" in noun:
                tags.append("refill")
            rows.append({
                "title": title(coll, col, mat, noun), "category": cat, "price": price,
                "collection": coll.lower().replace(" ", "-"),
                "reorder_interval_days": (interval if noun != "Room Spray" else 45) if interval or "Refill" in noun else None,
                "room": room if cat not in ("lighting", "decor", "storage") else rnd.choice(["living", "bedroom", "office", "dining"]),
                "style": style, "material": mat, "colour": col, "price_band": band,
                "_tags": tags, "_pop": rnd.random() ** 1.5 * (1.5 if cat in ("cushions-throws", "lighting", "candles-fragrance") else 1.0),
            })
    # Diffuser refills and brush heads reorder on their own rhythm.
    for r in rows:
        if "Refill" in r["title"] and not r.get("reorder_interval_days"):
            r["reorder_interval_days"] = 90
    finish(rows, rnd, "HM", low_stock_share=0.1)
    write_catalog("home", rows, ["room", "style", "material", "colour", "price_band"])

    viewed = weights_by_rank(rows, 110, rnd, lambda r: r["stock"] > 0)
    saved = weights_by_rank(rows, 80, rnd, lambda r: r["price"] > 150)
    consumables = weights_by_rank(rows, 40, rnd, lambda r: r["reorder_interval_days"])
    big = weights_by_rank(rows, 40, rnd, lambda r: r["category"] in ("sofas", "tables", "beds", "rugs", "armchairs"))
    bought = dated({**consumables, **big}, rnd, dt.date(2026, 5, 1), dt.date(2026, 11, 20), 2)
    attrs = COMMON + customer_history(5.3, "2025-06-01", "2026-11-24") + [
        {"name": "room_interest", "categorical": {"living": 0.36, "bedroom": 0.22, "dining": 0.14, "kitchen": 0.12,
                                                  "office": 0.1, "outdoor": 0.06}, "missing": 0.2},
        {"name": "style_preference", "categorical": {s: w for s, w in zip(styles, [0.26, 0.14, 0.16, 0.12, 0.14, 0.18])},
         "missing": 0.35},
        {"name": "price_range", "categorical": {"budget": 0.35, "mid": 0.45, "premium": 0.2}},
        {"name": "moving_home", "bool": {"p": 0.12}},
        {"name": "recently_viewed", "string_list": {"items": viewed, "min": 1, "max": 6}, "missing": 0.3},
        {"name": "saved_items", "string_list": {"items": saved, "min": 1, "max": 4}, "missing": 0.7},
        {"name": "purchased_items", "string_list": {"items": bought, "min": 1, "max": 4},
         "depends_on": {"attribute": "customer_type", "values": {"new": {"constant": None}}}},
    ]
    yaml_out("home", 12000, 13, "hm", attrs)


if __name__ == "__main__":
    for name, fn in (("apparel", apparel), ("beauty", beauty), ("home", home)):
        os.makedirs(os.path.join(HERE, name), exist_ok=True)
        fn()
        print(f"wrote examples/{name}/catalog.csv and shoppers.yaml")
