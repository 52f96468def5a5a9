// A real OpenID Connect provider for the single sign-on tests: the npm package `oidc-provider`.
//
// node oidc_provider.mjs PACKAGE_DIR PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
//
// One static confidential client that must use PKCE, and a few accounts. The provider's own
// development pages (devInteractions) take any login and password: the login names the account.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [packageDir, port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const { default: Provider } = await import(
  pathToFileURL(join(packageDir, 'node_modules', 'oidc-provider', 'lib', 'index.js')).href
);

const ACCOUNTS = {
  // Mapped by the email's domain.
  ada: { email: 'ada@fleet.example', email_verified: true, name: 'Ada Lovelace', groups: [] },
  // Mapped by a group, to a stronger role than the domain gives.
  grace: {
    email: 'grace@fleet.example', email_verified: true, name: 'Grace Hopper', groups: ['fleet-owners'],
  },
  // The provider has not verified this email.
  eve: { email: 'eve@fleet.example', email_verified: false, name: 'Eve', groups: [] },
  // Invited to an organization no rule names, before signing in here.
  linus: { email: 'linus@partner.example', email_verified: true, name: 'Linus T.', groups: [] },
  // No rule places this domain or group anywhere.
  mallory: { email: 'mallory@elsewhere.example', email_verified: true, name: 'Mallory', groups: ['other'] },
};

const configuration = {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  // PKCE for every client, confidential ones too: a sign-in without a code challenge is refused.
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['pairhub-tests-only'] },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
};

const provider = new Provider(`http://127.0.0.1:${port}`, configuration);
provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`oidc-provider listening on http://127.0.0.1:${port}`);
});
