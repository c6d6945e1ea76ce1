// A storefront home page personalized by `tailor serve` through OpenFeature:
// the official Node SDK with the official OFREP provider evaluates one flag
// per placement (`home.hero`, `home.recs`, `home.promo`), the evaluation
// context is the shopper (targetingKey = shopper id, other keys = the
// workspace's attributes), and a click on a block is posted back to
// `POST /v1/outcomes` with the decision_id the answer carried, so
// `tailor estimate` can measure the rules on real traffic.
//
//   TAILOR_URL   the decision service (default http://127.0.0.1:8787)
//   PORT         this storefront's port (default 3000; 0 picks a free one)
//   TAILOR_DECIDE_TOKEN  the service's decision token, if it has one
import http from "node:http";
import { readFileSync } from "node:fs";
import { OpenFeature } from "@openfeature/server-sdk";
import { OFREPProvider } from "@openfeature/ofrep-provider";

const TAILOR_URL = (process.env.TAILOR_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
const PORT = Number(process.env.PORT ?? 3000);
const TOKEN = process.env.TAILOR_DECIDE_TOKEN;
const auth = TOKEN ? { Authorization: `Bearer ${TOKEN}` } : {};
const PLACEMENTS = ["home.hero", "home.recs", "home.promo"];
const NOTHING = { id: null, kind: null, fields: {}, products: [] };

// The shop's customer records (here: the apparel example's personas). A
// shopper we don't know is evaluated with their id only.
const shoppers = JSON.parse(readFileSync(new URL("./shoppers.json", import.meta.url), "utf8"));

await OpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl: TAILOR_URL, headers: Object.entries(auth) }));
const client = OpenFeature.getClient("storefront");

const esc = (s) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/** One placement as HTML, with a click form that carries its decision_id. */
function block(key, d, shopper) {
  const { id, kind, fields, products } = d.value;
  if (d.errorCode) return `<!-- ${esc(key)}: ${esc(d.errorCode)} ${esc(d.errorMessage)} -->`;
  if (!id) return `<!-- ${esc(key)}: nothing to show -->`;
  const m = d.flagMetadata;
  const text = fields.headline ?? fields.offer ?? fields.text ?? fields.label ?? (kind === "product_set" ? "Picked for you" : id);
  const list = products.length ? `<ul>${products.map((p) => `<li>${esc(p)}</li>`).join("")}</ul>` : "";
  return `<section class="${esc(kind)}" data-placement="${esc(key)}" data-content="${esc(id)}" data-reason="${esc(d.reason)}">
  <h2>${esc(text)}</h2>${fields.body ? `<p>${esc(fields.body)}</p>` : ""}${list}
  <form method="post" action="/click">
    <input type="hidden" name="shopper" value="${esc(shopper)}">
    <input type="hidden" name="placement" value="${esc(key)}">
    <input type="hidden" name="decision_id" value="${esc(m.decision_id)}">
    <button type="submit">${kind === "product_set" ? "See the products" : "Shop now"}</button>
  </form>
</section>`;
}

async function home(url, res) {
  const shopper = url.searchParams.get("shopper") || "guest";
  const context = { targetingKey: shopper, ...(shoppers[shopper] ?? {}) };
  // The service decides the whole page for each flag (page caps hold), so
  // evaluating the placements one after the other is consistent.
  const details = [];
  for (const key of PLACEMENTS) details.push(await client.getObjectDetails(key, NOTHING, context));
  const clicked = url.searchParams.get("clicked");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Apparel: home</title></head>
<body>
<header><a href="/">Apparel</a> · shopper <strong>${esc(shopper)}</strong> · try ${Object.keys(shoppers)
    .map((s) => `<a href="/?shopper=${esc(s)}">${esc(s)}</a>`)
    .join(" ")}</header>
${clicked ? `<p class="thanks">Click on ${esc(clicked)} recorded.</p>` : ""}
<main>
${PLACEMENTS.map((key, i) => block(key, details[i], shopper)).join("\n")}
</main>
</body></html>`;
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
}

async function click(req, res) {
  let body = "";
  for await (const chunk of req) body += chunk;
  const form = new URLSearchParams(body);
  const outcome = {
    decision_id: form.get("decision_id"),
    placement: form.get("placement"),
    shopper: form.get("shopper"),
    click: 1,
  };
  const r = await fetch(`${TAILOR_URL}/v1/outcomes`, {
    method: "POST",
    headers: { "content-type": "application/json", ...auth },
    body: JSON.stringify([outcome]),
  });
  if (!r.ok) {
    res.writeHead(502, { "content-type": "text/plain; charset=utf-8" }).end(`the outcome was refused: ${await r.text()}`);
    return;
  }
  const back = new URLSearchParams({ shopper: form.get("shopper") ?? "guest", clicked: outcome.placement ?? "" });
  res.writeHead(303, { location: `/?${back}` }).end();
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, "http://storefront");
    if (req.method === "GET" && url.pathname === "/") return await home(url, res);
    if (req.method === "POST" && url.pathname === "/click") return await click(req, res);
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  } catch (e) {
    res.writeHead(500, { "content-type": "text/plain" }).end(String(e?.message ?? e));
  }
});
server.listen(PORT, "127.0.0.1", () => {
  console.log(`storefront listening on http://127.0.0.1:${server.address().port} (decisions from ${TAILOR_URL})`);
});
const stop = () => server.close(() => OpenFeature.close().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
