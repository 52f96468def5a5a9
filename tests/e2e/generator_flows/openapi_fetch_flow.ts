// Pair, read a feed page and get a typed problem with openapi-fetch over the types openapi-typescript
// made with its default flags. Compiled with `tsc --strict`; prints a JSON summary.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Schemas = components["schemas"];

// Request fields with a server default stay optional under the generator's defaults.
const organization: Schemas["OrganizationIn"] = { name: "Typed" };
const subscription: Schemas["SubscriptionIn"] = {
  url: "https://receiver.example.com/hook",
  eventNames: ["unit.paired"],
};

function describe(item: Schemas["FeedItemOut"]) {
  // The unions narrow on their string fields: no cast anywhere.
  if (item.eventType === "unit.paired" && item.eventVersion === 1 && item.eventData.reason === "ManualPair") {
    const data = item.eventData;
    return { eventType: item.eventType, eventVersion: item.eventVersion, reason: data.reason, assetId: data.assetId, assetVIN: data.assetVIN ?? null };
  }
  if (item.eventType === "unit.unpaired") {
    return { eventType: item.eventType, eventVersion: item.eventVersion, reason: null, assetId: item.eventData.assetId, assetVIN: item.eventData.assetVIN ?? null };
  }
  return { eventType: item.eventType, eventVersion: item.eventVersion, reason: item.eventData.reason, assetId: null, assetVIN: null };
}

async function main(): Promise<void> {
  const given = JSON.parse(process.argv[2]) as Record<string, string>;
  const org = { org_id: given.orgId };
  const admin = createClient<paths>({ baseUrl: given.baseUrl, headers: { Authorization: `Bearer ${given.adminToken}` } });
  // The optional body left out: a key with the server's defaults.
  const key = await admin.POST("/v1/organizations/{org_id}/api-keys", { params: { path: org } });
  if (!key.data) {
    throw new Error(`no key: ${key.response.status}`);
  }
  const client = createClient<paths>({ baseUrl: given.baseUrl, headers: { Authorization: `Bearer ${key.data.key}` } });
  const paired = await client.POST("/v1/organizations/{org_id}/pairings", {
    params: { path: org },
    body: { unitId: given.unitId, assetId: given.assetId },
  });
  const page = await client.GET("/v1/organizations/{org_id}/events", {
    params: { path: org, query: { eventVersion: 1, unitId: given.unitId } },
  });
  const refused = await client.POST("/v1/organizations/{org_id}/pairings", {
    params: { path: org },
    body: { unitId: given.unitId, assetId: given.otherAssetId },
  });
  if (!paired.data || !page.data || !refused.error) {
    throw new Error(`unexpected answers: ${paired.response.status} ${refused.response.status}`);
  }
  const problem: Schemas["Problem"] = refused.error;
  console.log(
    JSON.stringify({
      keyScope: key.data.scope,
      pairedUnit: paired.data.unitId,
      feed: page.data.data.map(describe),
      problem: { status: refused.response.status, code: problem.code, assetId: problem.assetId ?? null },
      unused: [organization.name, subscription.url].length,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
