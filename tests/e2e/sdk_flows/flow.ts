// An integrator's flow with the `pairhub-client` npm package alone: pair, read a feed page, meet a problem.
// Compiled with tsc against the package as installed and run with node by tests/e2e/test_sdks.py;
// it prints what it saw as JSON for the test to check. Usage: node flow.js BASE_URL ADMIN_TOKEN.
import {
  createApiKey,
  createAsset,
  createOrganization,
  feed,
  pair,
  provisionUnit,
  type Problem,
} from "pairhub-client";
import { createClient } from "pairhub-client/client";

const [baseUrl, adminToken] = process.argv.slice(2);

async function main(): Promise<void> {
  const admin = createClient({ baseUrl, auth: adminToken });
  const organization = await createOrganization({
    client: admin,
    body: { name: "Acme SDK (TypeScript)" },
    throwOnError: true,
  });
  const orgId = organization.data.id;
  const key = await createApiKey({
    client: admin,
    path: { org_id: orgId },
    body: { name: "typescript-sdk" },
    throwOnError: true,
  });

  const client = createClient({ baseUrl, auth: key.data.key });
  const path = { org_id: orgId };
  const asset = await createAsset({ client, path, body: { vin: "1HGCM82633A004352" }, throwOnError: true });
  const other = await createAsset({ client, path, body: { name: "Reefer 7" }, throwOnError: true });
  const unit = await provisionUnit({ client, path, body: { unitId: "tp:typescript1" }, throwOnError: true });
  const paired = await pair({
    client,
    path,
    body: { unitId: unit.data.unitId, assetId: asset.data.id },
    throwOnError: true,
  });

  // Without throwOnError the answer is a union: `error` is the typed problem document.
  const refused = await pair({ client, path, body: { unitId: unit.data.unitId, assetId: other.data.id } });
  const problem: Problem | undefined = refused.error;
  if (problem === undefined) throw new Error("a second pairing of the unit was accepted");

  const page = await feed({ client, path, query: { eventVersion: 2, limit: 10 }, throwOnError: true });

  console.log(
    JSON.stringify({
      pairing: { unitId: paired.data.unitId, assetId: paired.data.assetId },
      assetId: asset.data.id,
      problem: {
        status: refused.response.status,
        contentType: refused.response.headers.get("content-type"),
        code: problem.code,
        assetId: problem.assetId,
      },
      feed: page.data.data.map((item) => ({
        eventType: item.eventType,
        eventVersion: item.eventVersion,
        reason: "reason" in item.eventData ? item.eventData.reason : null,
        unitId: item.eventData.unitId,
        assetVIN: "assetVIN" in item.eventData ? item.eventData.assetVIN : null,
      })),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
