// A real OpenID Connect provider (the certified oidc-provider package) for the sign-in tests:
//   OIDC_CLIENT_SECRET=… OIDC_ACCOUNT_PASSWORD=… node provider.mjs --port P --redirect URI [--client-id ID]
// Listens on 127.0.0.1 only. One confidential client (client_secret_basic or _post, code flow,
// PKCE when the client sends it) whose redirect URI and post-logout redirect URI is --redirect.
// The secret and the accounts' password come from the environment, so that none is committed and
// none is visible in a process list; the test helper (tests/e2e/oidc_provider.py) makes them up.
// Accounts (sign in with the e-mail as `login`): li.na@example.com (verified, roles
// department_manager), chen.jie@example.com (verified, no roles), zhao.lei@example.com (NOT
// verified, roles quality). The ID token carries email, email_verified, name and roles.
import crypto from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';

import Provider, { interactionPolicy } from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    redirect: { type: 'string', multiple: true },
    'client-id': { type: 'string', default: 'aftersales-dashboard' },
  },
});
const secret = process.env.OIDC_CLIENT_SECRET;
const password = process.env.OIDC_ACCOUNT_PASSWORD;
if (!args.port || !args.redirect || !secret || !password) {
  console.error('usage: OIDC_CLIENT_SECRET=… OIDC_ACCOUNT_PASSWORD=… node provider.mjs --port P --redirect URI');
  process.exit(2);
}

const ACCOUNTS = {
  'li.na': { email: 'li.na@example.com', email_verified: true, name: 'Li Na', roles: ['department_manager'] },
  'chen.jie': { email: 'chen.jie@example.com', email_verified: true, name: 'Chen Jie', roles: [] },
  'zhao.lei': { email: 'zhao.lei@example.com', email_verified: false, name: 'Zhao Lei', roles: ['quality'] },
};

function accountByLogin(login) {
  const wanted = String(login || '').trim().toLowerCase();
  return Object.keys(ACCOUNTS).find((id) => id === wanted || ACCOUNTS[id].email === wanted);
}

function samePassword(given) {
  const a = crypto.createHash('sha256').update(String(given || '')).digest();
  const b = crypto.createHash('sha256').update(password).digest();
  return crypto.timingSafeEqual(a, b);
}

const issuer = `http://127.0.0.1:${args.port}`;
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', use: 'sig', alg: 'RS256' };

// st.login asks for prompt=select_account, as real providers offer: the login form answers it
// (the user picks the account by signing in with it), so every st.login shows the form.
const policy = interactionPolicy.base();
policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: args['client-id'],
      client_secret: secret,
      redirect_uris: args.redirect,
      post_logout_redirect_uris: args.redirect,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  clientDefaults: { token_endpoint_auth_method: 'client_secret_basic' },
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    roles: ['roles'],
  },
  scopes: ['openid', 'email', 'profile', 'roles', 'offline_access'],
  // st.login reads the user from the ID token alone: put the scopes' claims in it.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      // Sign out without asking: the form posts itself.
      logoutSource: async (ctx, form) => {
        ctx.body = `<!DOCTYPE html><html><head><title>Signing out</title></head><body>${form}
<button id="logout" type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<script>document.getElementById('logout').click();</script>
</body></html>`;
      },
    },
  },
  // A first-party client: consent is granted without asking.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile roles');
    await grant.save();
    return grant;
  },
  findAccount: async (ctx, id) => {
    if (!ACCOUNTS[id]) {
      return undefined;
    }
    return { accountId: id, claims: async () => ({ sub: id, ...ACCOUNTS[id] }) };
  },
  interactions: { policy, url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 3600 },
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, message) {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Test provider: sign in</title></head>
<body>
<h1>Test provider: sign in</h1>
${message ? `<p id="error" role="alert">${escape(message)}</p>` : ''}
<form id="login-form" method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
  <label for="login">E-mail</label> <input id="login" name="login" type="text" required autofocus>
  <label for="password">Password</label> <input id="password" name="password" type="password" required>
  <button id="submit" type="submit">Sign in</button>
</form>
</body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10000) {
      throw new Error('form too large');
    }
  }
  return new URLSearchParams(body);
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

async function interaction(req, res) {
  const [, , uid, action] = new URL(req.url, issuer).pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    return send(res, 400, '<p>Unknown interaction</p>');
  }
  if (req.method === 'GET') {
    return send(res, 200, loginPage(uid));
  }
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const accountId = accountByLogin(form.get('login'));
    if (!samePassword(form.get('password')) || !accountId) {
      return send(res, 200, loginPage(uid, 'Invalid e-mail or password.'));
    }
    const result = { select_account: {}, login: { accountId } };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  return send(res, 405, '<p>Method not allowed</p>');
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => {
      console.error(`interaction failed: ${err.message}`);
      if (!res.headersSent) {
        send(res, 400, `<p>${escape(err.message)}</p>`);
      }
    });
    return;
  }
  callback(req, res);
});
server.listen(Number(args.port), '127.0.0.1', () => {
  console.log(`oidc test provider on ${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
