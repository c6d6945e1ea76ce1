// The apparel home page rendered in the browser with the official
// OpenFeature web SDK and OFREP web provider: one bulk evaluation of the
// page per poll (ETag / If-None-Match), re-rendered when the configuration
// changes. Query: ?service=URL&shopper=ID&poll=MS&ctx={attributes as JSON}.
// What the page saw is in window.__ofrep for the test to read.
import { OpenFeature, ProviderEvents } from "@openfeature/web-sdk";
import { OFREPWebProvider } from "@openfeature/ofrep-web-provider";

const PLACEMENTS = ["home.hero", "home.recs", "home.promo"];
const q = new URLSearchParams(location.search);
const seen = { statuses: [], renders: 0, errors: [] };
window.__ofrep = seen;

// Counts what the service answered each bulk request (200, 304, …).
const countingFetch = async (input, init) => {
  const r = await fetch(input, init);
  seen.statuses.push(r.status);
  return r;
};

function render(client) {
  for (const key of PLACEMENTS) {
    const d = client.getObjectDetails(key, { id: null, kind: null, fields: {}, products: [] });
    const el = document.getElementById(key);
    if (d.errorCode) seen.errors.push(`${key}: ${d.errorCode} ${d.errorMessage ?? ""}`);
    const { id, kind, fields = {}, products = [] } = d.value;
    el.dataset.content = id ?? "";
    el.dataset.kind = kind ?? "";
    el.dataset.reason = d.reason ?? "";
    el.dataset.decisionId = d.flagMetadata?.decision_id ?? "";
    if (key === "home.hero") {
      el.querySelector("h1").textContent = fields.headline ?? "";
      el.querySelector("p").textContent = fields.body ?? "";
      const a = el.querySelector("a");
      a.textContent = fields.link ? "Shop now" : "";
      a.href = fields.link ?? "#";
    } else if (key === "home.recs") {
      el.querySelector("ul").replaceChildren(
        ...products.map((sku) => Object.assign(document.createElement("li"), { textContent: sku })),
      );
    } else {
      el.querySelector("p").textContent = fields.offer ?? fields.text ?? "";
    }
  }
  seen.renders++;
  document.getElementById("page").dataset.state = "rendered";
  document.getElementById("page").dataset.renders = String(seen.renders);
}

async function main() {
  const context = { targetingKey: q.get("shopper"), page: "home", ...JSON.parse(q.get("ctx") || "{}") };
  await OpenFeature.setContext(context);
  const provider = new OFREPWebProvider({
    baseUrl: q.get("service"),
    pollInterval: Number(q.get("poll") || 0),
    cacheMode: "disabled",
    changeDetection: "polling",
    fetchImplementation: countingFetch,
  });
  await OpenFeature.setProviderAndWait(provider);
  const client = OpenFeature.getClient();
  client.addHandler(ProviderEvents.ConfigurationChanged, () => render(client));
  client.addHandler(ProviderEvents.Error, (e) => seen.errors.push(`provider: ${e?.message}`));
  render(client);
}

main().catch((e) => {
  seen.errors.push(String(e?.stack ?? e));
  document.getElementById("page").dataset.state = "failed";
});
