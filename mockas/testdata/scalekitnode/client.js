// Scalekit's Node SDK (@scalekit-sdk/node) as a client of mockas, the way an application
// developing offline uses it: the login flow (getAuthorizationUrl with PKCE, the redirect,
// authenticateWithCode), token validation, refresh, logout and machine-to-machine tokens.
// mockas/realclient_scalekit_test.go runs it and checks each step's output.
//
// Environment:
//   MOCKAS_ISSUER   the environment URL (SCALEKIT_ENVIRONMENT_URL)
//   CLIENT_ID, CLIENT_SECRET, REDIRECT_URI   the confidential client to act as
//
// It prints one JSON object per step on stdout ({"step": NAME, ...}) and exits 1 on the
// first error, after printing {"step": NAME, "error": MESSAGE}.

import { createHash, randomBytes } from 'node:crypto';
import { Scalekit } from '@scalekit-sdk/node';

const env = process.env.MOCKAS_ISSUER;
const redirectUri = process.env.REDIRECT_URI;
const scalekit = new Scalekit(env, process.env.CLIENT_ID, process.env.CLIENT_SECRET);

let step = 'start';
const out = obj => console.log(JSON.stringify({ step, ...obj }));

try {
  step = 'authorization_url';
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(8).toString('hex');
  const authUrl = scalekit.getAuthorizationUrl(redirectUri, {
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    state, codeChallenge: challenge, codeChallengeMethod: 'S256',
  });
  out({ url: authUrl });

  // mockas's authorize endpoint is headless: it redirects at once with a code.
  step = 'authorize';
  const res = await fetch(authUrl, { redirect: 'manual' });
  const location = new URL(res.headers.get('location'));
  const code = location.searchParams.get('code');
  out({ status: res.status, redirect: `${location.origin}${location.pathname}`, state_ok: location.searchParams.get('state') === state, has_code: !!code });

  step = 'authenticate_with_code';
  const auth = await scalekit.authenticateWithCode(code, redirectUri, { codeVerifier: verifier });
  out({ user: auth.user, expires_in: auth.expiresIn, has_refresh: !!auth.refreshToken, has_id_token: !!auth.idToken });

  step = 'validate_access_token';
  out({ valid: await scalekit.validateAccessToken(auth.accessToken) });

  step = 'validate_token_with_issuer';
  const claims = await scalekit.validateToken(auth.accessToken, { issuer: env });
  out({ sub: claims.sub, iss: claims.iss });

  step = 'validate_forged_token';
  const [h, p] = auth.accessToken.split('.');
  out({ valid: await scalekit.validateAccessToken(`${h}.${p}.${randomBytes(256).toString('base64url')}`) });

  step = 'refresh';
  const refreshed = await scalekit.refreshAccessToken(auth.refreshToken);
  out({ rotated: refreshed.refreshToken !== auth.refreshToken, new_access: refreshed.accessToken !== auth.accessToken,
    valid: await scalekit.validateAccessToken(refreshed.accessToken) });

  step = 'logout_url';
  const logoutUrl = scalekit.getLogoutUrl({ idTokenHint: auth.idToken, postLogoutRedirectUri: redirectUri, state });
  const lo = await fetch(logoutUrl, { redirect: 'manual' });
  out({ url_prefix: logoutUrl.split('?')[0], status: lo.status, location: lo.headers.get('location') });

  step = 'client_credentials';
  const m2m = await scalekit.getClientAccessToken();
  const m2mClaims = await scalekit.validateToken(m2m, { issuer: env });
  out({ sub: m2mClaims.sub, client_id: m2mClaims.client_id });

  step = 'client_credentials_bad_secret';
  try {
    await scalekit.generateClientToken(process.env.CLIENT_ID, 'wrong-secret');
    out({ refused: false });
  } catch (err) {
    // ScalekitServerException keeps the response body in _errDetails.
    out({ refused: true, error: err._errDetails && err._errDetails.error });
  }
} catch (err) {
  out({ error: String((err && err.message) || err).slice(0, 500) });
  process.exit(1);
}
