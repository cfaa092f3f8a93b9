package check

// This file continues the requirement registry's data (see requirements.go): what only a
// tester that runs the target's authorization server can provoke — a key rotation, a
// degraded authorization server, a revoked token — and what the authorization server the
// target names publishes (PKCE support, its JWKS), read from the discovery chain.

func asRequirements() []Requirement {
	all := KnownVersions()
	return []Requirement{
		{
			ID: "RS-67", Title: "SHOULD accept a valid token signed by a key the authorization server published after startup (key rotation)",
			Level: SHOULD, Area: areaAS, Versions: all,
			Refs:    []string{"RFC 7517 §5", "RFC 8414 §2 (jwks_uri)", "OpenID Connect Core 1.0 §10.1.1", "RFC 9068 §4"},
			Quote:   "Rotation of signing keys can be accomplished with the following approach. The signer publishes its keys in a JWK Set at its jwks_uri location and includes the kid of the signing key in the JOSE Header of each message to indicate to the verifier which key is to be used to validate the signature. Keys can be rolled over by periodically adding new keys to the JWK Set at the jwks_uri location. The signer can begin using a new key at its discretion and signals the change to the verifier using the kid value. The verifier knows to go back to the jwks_uri location to re-retrieve the keys when it sees an unfamiliar kid value.",
			Sends:   "Cooperative mode: the mockas publishes a second key without making it active (every other check keeps the active one), then the baseline request with a valid token signed by the new key; refused, it is retried a handful of times within 35 s (a refetch cooldown such as jose's 30 s is correct), concurrently with the other checks. Then the key is withdrawn from the JWKS and a token signed with it is sent again at doubling intervals from 100 ms while it is accepted, within the same window and only while the run's other checks are still running (a handful of requests; the observation never makes the run longer).",
			Expects: "The new-key token accepted (2xx), at once or within the window. WARN when it is still refused: the server never refetches its JWKS on an unknown kid, so the authorization server's first key rotation locks every client out until the server restarts. After the withdrawal, how long the token was still accepted is recorded — refused at once, refused after N s (the server's JWKS cache was refreshed), or still accepted when the window or the other checks ended (servers cache keys; that is allowed). Skipped when the mockas control plane refuses key operations. Costs nothing when the first try is accepted, up to 35 s otherwise.",
			Fix:     "Resolve keys through a JWKS cache that refetches jwks_uri when a token names an unknown kid (rate-limited, e.g. jose's createRemoteJWKSet, go-jose with a refreshing key set, PyJWT's PyJWKClient), instead of fetching the key set once at startup. The Scalekit SDKs fetch it once and keep it for the life of the process: verify the signature with such a cache on ENV/keys instead.",
		},
		{
			ID: "RS-68", Title: "SHOULD rate-limit each client separately and answer 429 with a JSON error body (practice)",
			Level: SHOULD, Area: areaTransport, Versions: all, Practice: true,
			Refs:    []string{seedDoc + " \"Rate Limiting by Client\" (practice)", "RFC 6585 §4", "operator declaration (--rate-limit)"},
			Quote:   "Implement client-specific rate limits: keyGenerator: (req) => req.auth?.clientId || req.ip, message: { error: 'rate_limit_exceeded', error_description: 'Too many requests from this client' }",
			Sends:   "Only with --rate-limit N/DURATION, in cooperative mode, after the other checks: up to 2N+2 authenticated requests with client A's token until a 429, then one request with client B's token (another client_id and sub).",
			Expects: "Client B's first request succeeds (2xx). WARN when it gets 429 (or when client A's very first request already does): the limit is keyed by IP or global, so one noisy client throttles every other. The 429 body: WARN unless it is JSON with an error string (the seed sends {\"error\":\"rate_limit_exceeded\",\"error_description\":…}). Skipped without a 429 within the budget (RS-60 judges that).",
			Fix:     "Key the limiter on the token's client_id (express-rate-limit: keyGenerator: (req) => req.auth?.clientId), after authentication, and answer 429 with Retry-After and {\"error\":\"rate_limit_exceeded\",\"error_description\":\"…\"}.",
		},
		{
			ID: "RS-69", Title: "SHOULD report the authorization server's health on /health, degraded when it fails (practice)",
			Level: SHOULD, Area: areaAS, Versions: all, Practice: true,
			Refs:    []string{seedDoc + " \"Health Check Endpoints\" (practice)"},
			Quote:   "Monitor your MCP server and authorization integration: app.get('/health', …) — services: { mcp_server: 'healthy', oauth_server: 'unknown' } … health.services.oauth_server = oauthTest.ok ? 'healthy' : 'degraded'; … const statusCode = health.status === 'healthy' ? 200 : 503;",
			Sends:   "GET {origin}/health (or --health PATH) without credentials. In cooperative mode, after the other checks and alone: the mockas is made to fail its metadata, OpenID configuration and JWKS endpoints (503), /health is read again (twice, one second apart, for a cached health result), then the faults are cleared.",
			Expects: "No health endpoint (404, 405, 401/403): INFO. Otherwise a JSON object with a status member (WARN if not). With the authorization server failing: 503 (any 5xx), a status other than healthy/ok/up/pass, or a member that turned degraded/unhealthy/down/fail/error; WARN when it keeps saying healthy.",
			Fix:     "Serve GET /health with {\"status\":…,\"services\":{\"oauth_server\":…}}, probing the authorization server's metadata (or JWKS) on each call or with a short cache, and answer 503 with status degraded when it fails.",
		},
		{
			ID: "RS-71", Title: "SHOULD cache the JWKS rather than fetch it for every request (what the server asks the authorization server) (practice)",
			Level: SHOULD, Area: areaAS, Versions: all, Practice: true,
			Refs:    []string{"Scalekit docs, cookbook \"M2M: JWKS and OAuth scopes\" (practice)", "OpenID Connect Core 1.0 §10.1.1", "RFC 7517 §5", "RFC 8414 §2 (jwks_uri)"},
			Quote:   "Cache JWKS responses; refetch when verification fails with an unknown kid (key rotation).",
			Sends:   "Cooperative mode, after the other checks and alone: first reads the requests the mockas captured during the run (its request log, secrets redacted) and reports what the server asked it — JWKS fetches, metadata discovery, token introspection. Then 4 baseline requests, each with a new valid token signed by the active key (a kid the server already knows), and the mockas's capture again.",
			Expects: "The requests with a known kid cause at most one JWKS fetch (a cache; one fetch is a cache that expired meanwhile). WARN when every one of them fetched the JWKS: each request then depends on the authorization server being up, and a burst of requests is a burst on it. Fetches the suite's own unknown-kid tokens caused elsewhere in the run (attack tokens, RS-67's new key) are reported but never judged. Between 2 and 3 fetches for 4 requests: INFO (not attributable). Skipped when the mockas's request log cannot be read or a valid token was refused.",
			Fix:     "Keep the JWKS in a cache that refetches jwks_uri only when a token names an unknown kid, rate-limited, and at most every few minutes otherwise (jose's createRemoteJWKSet, go-jose with a refreshing key set, PyJWT's PyJWKClient); never fetch the key set inside each request's validation.",
		},
		{
			ID: "RS-72", Title: "MUST refuse a token revoked at the authorization server when it introspects tokens",
			Level: MUST, Area: areaAS, Versions: all,
			Refs:    []string{"RFC 7662 §2.2", "RFC 7662 §4", "RFC 7009 §2", "RFC 6750 §3.1"},
			Quote:   "active REQUIRED. Boolean indicator of whether or not the presented token is currently active. The specifics of a token's \"active\" state will vary depending on the implementation of the authorization server and the information it keeps about its tokens, but a \"true\" value return for the \"active\" property will generally indicate that a given token has been issued by this authorization server, has not been revoked by the resource owner, and is within its given time window of validity",
			Sends:   "Cooperative mode, after the other checks and alone: the baseline request with a valid token minted for this check only (its own client_id), the mockas's capture to see whether the server introspected it; if it did, the mockas revokes that token (as RFC 7009 revocation does; POST /_mockas/tokens/revoke) and the request is sent again — retried a few times within 10 s when it is still accepted without a new introspection.",
			Expects: "A server that introspects refuses the revoked token (401). FAIL when it accepts it after introspecting it again (it ignores \"active\": false), or still accepts it 10 s after the revocation without asking the authorization server again (its introspection cache outlives revocations). Refused within the 10 s: passed, with how long the cache kept it. A server that does not introspect: INFO (a self-contained JWT stays valid until exp). Skipped when the mockas cannot revoke or its request log cannot be read.",
			Fix:     "Refuse a token whose introspection answer is \"active\": false (RFC 7662 §2.2) with 401 invalid_token, and cache introspection results for seconds at most, never beyond the token's exp, so a revocation takes effect.",
		},
		{
			ID: "RS-73", Title: "MUST name an authorization server that supports PKCE with S256 (code_challenge_methods_supported)",
			Level: MUST, Area: areaAS, Versions: all,
			Refs: []string{"MCP 2025-11-25 authorization, Security Considerations \"Authorization Code Protection\"", "RFC 8414 §2 (code_challenge_methods_supported)",
				"OAuth 2.1 §4.1.1", "RFC 9700 §2.1.1"},
			Quote: "If code_challenge_methods_supported is absent, the authorization server does not support PKCE and MCP clients MUST refuse to proceed. […] Authorization servers providing OpenID Connect Discovery 1.0 MUST include code_challenge_methods_supported in their metadata to ensure MCP compatibility. (MCP 2025-11-25) — MCP clients MUST use the S256 code challenge method when technically capable, as required by OAuth 2.1 Section 4.1.1.",
			Sends: "Nothing beyond discovery: reads code_challenge_methods_supported in the metadata of the first authorization server the protected resource metadata names (the one the discovery chain follows).",
			Expects: "A JSON array of strings containing S256. FAIL when it is present without S256 (OAuth 2.1 §4.1.1 makes S256 mandatory to implement on the server, and MCP clients must use it) or is not an array of strings (RFC 8414 §2), " +
				"and, for MCP 2025-11-25 and later, when it is absent from metadata served through OpenID Connect Discovery (MCP requires it there). " +
				"WARN when it is absent from RFC 8414 metadata: RFC 8414 makes the member OPTIONAL and RFC 9700 §2.1.1 allows a deployment-specific way to signal PKCE, so no MUST is provably broken, but MCP 2025-11-25 clients must refuse to proceed, so such clients cannot obtain a token for the server. Skipped without authorization server metadata (RS-19 judges that).",
			Fix: "Name an authorization server whose metadata advertises \"code_challenge_methods_supported\": [\"S256\"] (Scalekit does). When you front an identity provider that omits it, serve its metadata with the member added and the issuer and endpoints unchanged, or configure the provider to advertise PKCE.",
		},
		{
			ID: "RS-74", Title: "MUST NOT name an authorization server whose JWKS publishes private key material",
			Level: MUST, Area: areaAS, Versions: all,
			Refs:    []string{"RFC 7517 §7", "RFC 7517 §9.2", "RFC 7518 §6.2.2, §6.3.2, §6.4.1", "RFC 8037 §2", "RFC 8414 §2 (jwks_uri)"},
			Quote:   "Access to JWKs containing non-public key material by parties without legitimate access to the non-public information MUST be prevented. (RFC 7517 §7) — Private and symmetric keys must be protected from disclosure to unintended parties. (RFC 7517 §9.2)",
			Sends:   "Nothing beyond discovery: reads the raw jwks_uri document of the authorization server the discovery chain follows.",
			Expects: "No key carries a private or symmetric member: d (RSA, EC, OKP), p, q, dp, dq, qi, oth (RSA) or k (oct). FAIL naming each such key by position, kid and member names (the values are never printed, and are redacted from the evidence): whoever reads the public JWKS can sign tokens every resource server trusting that issuer accepts. Skipped when no JWKS was fetched.",
			Fix:     "Publish only the public part of each key: in go-jose marshal key.Public(), in jose (Node) use exportJWK(publicKey), in PyJWT/jwcrypto export_public(); then rotate every key that was published with its private part, since it must be considered compromised.",
		},
	}
}
