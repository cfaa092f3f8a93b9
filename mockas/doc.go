// Package mockas is an offline mock of a Scalekit OAuth 2.1 authorization server, for
// testing MCP servers and clients without network access.
//
// # Use
//
// In a Go test, start one per test; it listens on 127.0.0.1 and closes in Cleanup:
//
//	as := mockas.Start(t, mockas.WithResource(mockas.Resource{ID: "res_1", ServerURL: mcpURL}))
//	tok, err := as.Mint(mockas.TokenSpec{Scopes: []string{"mcp:tools:*"}})
//	bad, err := as.Mint(mockas.TokenSpec{Defect: mockas.DefectExpired})
//
// NewServer is the same without a TB (it panics on invalid options, like
// httptest.NewServer). NewHandler(Config) returns an http.Handler to mount anywhere; it
// needs Config.Issuer. Config is the single source of truth (JSON/YAML tags, Validate);
// every Option is a thin setter over it. The zero Config is a working environment: resource
// res_10000000000000001, confidential client skc_10000000000000001 / mockas-secret
// (redirect URI http://127.0.0.1/callback), user usr_10000000000000001 <dev@example.com>.
//
// # Routes (ENV is Config.Issuer; RES a configured resource id)
//
//	GET  ENV/.well-known/oauth-authorization-server              RFC 8414, issuer ENV
//	GET  ENV/.well-known/openid-configuration                    OIDC Discovery, no registration_endpoint
//	GET  ENV/resources/RES/.well-known/oauth-authorization-server  issuer ENV/resources/RES
//	GET  ENV/.well-known/oauth-authorization-server/resources/RES  same (RFC 8414 path insertion)
//	GET  ENV/keys                                                JWKS (RS256, kid snk_<digits>)
//	GET  ENV/                                                    index page (JSON with Accept: application/json)
//	GET  ENV/oauth/authorize, ENV/resources/RES/oauth/authorize  headless: 302 with code, state, iss
//	POST ENV/oauth/token, ENV/oauth2/token, ENV/resources/RES/oauth/token
//	POST ENV/resource-server/oauth/register, ENV/api/v1/resources/RES/clients:register,
//	     ENV/resources/RES/client_register                       RFC 7591 (m2m_<digits> ids)
//	POST ENV/oauth/revoke (RFC 7009), ENV/oauth/introspect (RFC 7662)
//	GET  ENV/userinfo, ENV/oidc/logout, ENV/health
//
// ENV/resources/RES/.well-known/openid-configuration and ENV/resources/RES/keys answer 404,
// as Scalekit's do. A client_id that is an https URL (or a loopback http URL with
// Config.AllowLoopbackClientIDMetadata) is a client ID metadata document, fetched,
// validated and cached.
//
// Access tokens are RS256 JWTs with header {"alg":"RS256","kid":"snk_…","typ":"JWT"} and
// claims iss (ENV, or ENV/resources/RES with Config.ResourceIssuer), aud (always an array:
// RES, its server URL when set, and every resource/audience the client sent), sub,
// client_id, jti "tkn_…", integer iat/nbf/exp, scope and scopes, sid (user grants), oid and,
// with Config.ScopePermissions, permissions. Scopes are hierarchical: an allowed
// "mcp:tools:*" grants "mcp:tools:weather".
//
// # Control plane
//
// Unless Config.DisableControl is set, these JSON endpoints live under ENV/_mockas; errors
// are OAuth-style {"error","error_description"} with status 400. Each has a Go method on
// Handler and Server.
//
//	GET    /_mockas/info              {"issuer","token_issuer","jwks_uri","resources":[ids],
//	                                   "resource_details":[…],"clients":[ids],"active_kid",
//	                                   "unpublished_kid","now"}                     Info()
//	GET    /_mockas/clients           clients without secrets                      ClientInfos()
//	GET    /_mockas/tokens            recently issued tokens, decoded              IssuedTokens()
//	POST   /_mockas/mint              TokenSpec JSON -> {"token":"<jwt>"}          Mint(spec)
//	                                  (unknown members and defects: 400 listing the valid names)
//	GET    /_mockas/keys              {"jwks","active_kid","unpublished_kid"}
//	POST   /_mockas/keys/rotate       {"retire_previous":bool} (optional) -> {"kid"} RotateKey(b)
//	POST   /_mockas/keys/retire       {"kid":"snk_…"} -> {"retired"}               RetireKey(kid)
//	POST   /_mockas/keys/publish      -> {"kid","active_kid"} (published, not active) PublishKey()
//	POST   /_mockas/keys/unpublished  {"enabled":bool} (default true) -> {"enabled","kid"}
//	                                                                    SignWithUnpublishedKey(b)
//	GET    /_mockas/clock             {"now","offset"}                             Now()
//	POST   /_mockas/clock/advance     {"by":"10m"} -> clock                        Advance(d)
//	POST   /_mockas/clock/set         {"now":"2030-01-01T00:00:00Z"} -> clock      SetNow(t)
//	POST   /_mockas/faults            Fault JSON -> 201 queued faults              QueueFault(f)
//	GET    /_mockas/faults            queued faults (count = uses left)            Faults()
//	DELETE /_mockas/faults            204                                          ClearFaults()
//	POST   /_mockas/rate-limits       RateLimit JSON (requests 0 removes) -> limits SetRateLimit(rl)
//	GET    /_mockas/rate-limits       limits in force                              RateLimits()
//	GET    /_mockas/requests          captured requests, secrets redacted;         Requests()
//	                                   ?since=SEQ&limit=N pages (max 1000)         RequestsSince(seq, n)
//	DELETE /_mockas/requests          204                                          ClearRequests()
//	POST   /_mockas/reset             204                                          Reset()
//
// Reset clears codes, refresh tokens, revocations, faults, captured requests, dynamically
// registered clients, the CIMD cache, rate-limit windows, the unpublished-key mode and the
// clock offset; it keeps the keys, so JWKS cached by resource servers stay valid.
//
// # Interactive development
//
// With Config.LoginPage the authorization endpoint answers a login and consent page after
// every headless check passed: pick a configured user or type one (sub, email, name, extra
// claims), uncheck scopes, approve or deny (access_denied). prompt=none answers
// login_required or consent_required (OIDC Core §3.1.2.6). GET ENV/_mockas/ is a dashboard
// of issued tokens (IssuedTokens), clients, keys, faults, the clock and captured requests,
// whose buttons call the control plane. Both pages refuse framing and load nothing external.
//
// # Faults and rate limits
//
// A Fault names an endpoint (metadata, openid_configuration, keys, authorize, token,
// register, revoke, introspect, userinfo, logout, health) and applies to its next Count
// requests (-1: until cleared): Latency delays the answer; Status, Error/Description,
// ErrorIn200 (the error body with 200) or Body/ContentType (sent verbatim) replace it. A
// RateLimit allows Requests token requests per client per Per on the instance clock, then
// answers 429 with Retry-After and {"error":"rate_limit_exceeded",…}.
//
// # Forged tokens
//
// Forge crafts, from an authorization server's published public JWK alone, the defects
// that need no private key (alg none in four casings and without the final dot, HS256
// MACed with the public key as JWK JSON, SPKI PEM with and without trailing newline, SPKI
// DER, PKCS#1 PEM and DER, a foreign key under the real kid, an unknown kid). Mint crafts
// every Defect.
//
// # Persistence and logs
//
// With Config.StateDir the signing keys (keys.json) and dynamically registered clients
// (clients/<client_id>.json) survive a restart. A change is on disk (temporary file, fsync,
// rename, directory fsync) before it is acknowledged or takes effect; a failed write fails
// the request and changes nothing. The handler locks the directory (flock) until Close;
// a second owner gets ErrStateLocked naming the holder. State read back is validated like
// a registration. Without a key in the state directory or Config.SigningKey, a 2048-bit RSA key is
// generated at start. Audit events go to Config.Logger: oauth_token_request (client_id,
// grant_type, requested_scopes, success, error, jti), oauth_authorize,
// client_registration, client_metadata_fetch, token_revoked, logout, key_rotated,
// key_retired, reset. Secrets and whole tokens are never logged.
package mockas
