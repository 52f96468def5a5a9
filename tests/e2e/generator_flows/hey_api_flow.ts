// Pair, read a feed page and get a typed problem through the SDK @hey-api/openapi-ts made.
// Compiled with `tsc --strict`; prints a JSON summary.
import { client } from "./client/client.gen.js";
import { createApiKey, feed, pair } from "./client/sdk.gen.js";
import type { FeedItemOut, OrganizationIn, Problem, SubscriptionIn } from "./client/types.gen.js";

// Request fields with a server default stay optional.
const organization: OrganizationIn = { name: "Typed" };
const subscription: SubscriptionIn = { url: "https://receiver.example.com/hook", eventNames: ["unit.paired"] };

function describe(item: FeedItemOut) {
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
  const path = { org_id: given.orgId };
  client.setConfig({ baseUrl: given.baseUrl, auth: () => given.adminToken });
  // The optional body left out: a key with the server's defaults.
  const key = await createApiKey({ path });
  if (!key.data) {
    throw new Error(`no key: ${key.response.status}`);
  }
  const token = key.data.key;
  client.setConfig({ auth: () => token });
  const paired = await pair({ path, body: { unitId: given.unitId, assetId: given.assetId } });
  const page = await feed({ path, query: { eventVersion: 1, unitId: given.unitId } });
  const refused = await pair({ path, body: { unitId: given.unitId, assetId: given.otherAssetId } });
  if (!paired.data || !page.data || !refused.error) {
    throw new Error(`unexpected answers: ${paired.response.status} ${refused.response.status}`);
  }
  const problem: Problem = refused.error;
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
