package check

// This file is the requirement registry's data: one entry per resource-server row (RS-01 …
// RS-62, RS-10b) of the MCP authorization requirements catalogue, §1, with the spec versions
// of its §3. Levels follow the catalogue's verdict convention: MUST → MUST; SHOULD, SHOULD
// NOT and RECOMMENDED → SHOULD; DERIVED → SHOULD unless the row's probe says FAIL; INFO, MAY
// and INTEROP → INFO. A row whose probe can FAIL is registered as MUST; its check downgrades
// the softer outcomes with c.Warn.

// Area keys, in report order.
const (
	AreaChallenge    = "challenge"
	AreaPRM          = "prm"
	AreaPresentation = "presentation"
	AreaValidation   = "validation"
	AreaScope        = "scope"
	AreaTransport    = "transport"
)

var (
	areaChallenge    = Area{Key: AreaChallenge, Title: "The 401 challenge"}
	areaPRM          = Area{Key: AreaPRM, Title: "Protected resource metadata (RFC 9728)"}
	areaPresentation = Area{Key: AreaPresentation, Title: "How the token is presented"}
	areaValidation   = Area{Key: AreaValidation, Title: "Token validation"}
	areaScope        = Area{Key: AreaScope, Title: "Insufficient scope and step-up"}
	areaTransport    = Area{Key: AreaTransport, Title: "Transport interplay"}
)

func areaList() []Area {
	return []Area{areaChallenge, areaPRM, areaPresentation, areaValidation, areaScope, areaTransport}
}

// Probe shapes reused by many rows.
const (
	sendBaselineNoAuth = "The baseline MCP request (POST initialize; tools/list with the request-metadata headers for 2026-07-28) without an Authorization header."
	sendRandomToken    = "The baseline MCP request with Authorization: Bearer <random opaque token>."
	fixValidateFirst   = "Validate the bearer token before the MCP handler runs, with a JWT library configured with the authorization server's issuer, its JWKS and an explicit algorithm allow-list (e.g. RS256), checking exp, nbf, iss and aud; on any failure answer 401 with WWW-Authenticate: Bearer error=\"invalid_token\" and a resource_metadata pointer."
)

func requirementTable() []Requirement {
	var t []Requirement
	t = append(t, challengeRequirements()...)
	t = append(t, prmRequirements()...)
	t = append(t, presentationRequirements()...)
	t = append(t, validationRequirements()...)
	t = append(t, scopeRequirements()...)
	t = append(t, transportRequirements()...)
	return t
}

func challengeRequirements() []Requirement {
	all := KnownVersions()
	return []Requirement{
		{
			ID: "RS-01", Title: "MUST answer an unauthenticated request with 401 Unauthorized",
			Level: MUST, Area: areaChallenge, Versions: all,
			Refs:    []string{"MCP 2025-03-26 authorization", "MCP 2025-06-18 authorization §2.7", "MCP 2025-11-25 authorization §10", "MCP 2026-07-28 authorization §11", "RFC 6750 §3"},
			Quote:   "When authorization is required and not yet proven by the client, servers MUST respond with HTTP 401 Unauthorized",
			Sends:   sendBaselineNoAuth,
			Expects: "401 Unauthorized (not 2xx, 403, 404 or 5xx).",
			Fix:     "Put the bearer-token check in front of every MCP handler, before the JSON-RPC body is parsed or dispatched, and answer requests without credentials with 401 and a WWW-Authenticate: Bearer challenge. If the server is meant to be public, do not run this suite against it.",
		},
		{
			ID: "RS-02", Title: "MUST send a WWW-Authenticate Bearer challenge with at least one auth-param on 401",
			Level: MUST, Area: areaChallenge, Versions: all,
			Refs:    []string{"RFC 6750 §3", "OAuth 2.1 §5.3.1", "MCP 2025-06-18 authorization §2.3.1"},
			Quote:   "MUST include the HTTP WWW-Authenticate response header field … All challenges … MUST use the auth-scheme value Bearer. This scheme MUST be followed by one or more auth-param values",
			Sends:   sendBaselineNoAuth,
			Expects: "A WWW-Authenticate field whose challenges (RFC 9110 §11.6.1) include a Bearer challenge with one or more auth-params.",
			Fix:     "Add WWW-Authenticate: Bearer resource_metadata=\"https://<host>/.well-known/oauth-protected-resource/<path>\" (plus scope=\"…\") to every 401. A bare \"Bearer\" without parameters, or only a non-Bearer scheme, is not enough.",
		},
		{
			ID: "RS-03", Title: "MUST point to the protected resource metadata with resource_metadata in the 401 challenge",
			Level: MUST, Area: areaChallenge, Versions: versionsFrom(Version20250618),
			Refs:    []string{"MCP 2025-06-18 authorization §2.3.1", "MCP 2025-11-25 authorization §4.2", "MCP 2026-07-28 ASD §2", "RFC 9728 §5.1"},
			Quote:   "MCP servers MUST use the HTTP header WWW-Authenticate when returning a 401 … to indicate the location of the resource server metadata URL",
			Sends:   sendBaselineNoAuth,
			Expects: "The Bearer challenge carries resource_metadata=\"<URL of the PRM document>\" (from 2025-11-25 a well-known PRM document is the alternative; then this only warns).",
			Fix:     "Include resource_metadata=\"<absolute URL of your protected resource metadata>\" in the Bearer challenge of every 401; strict clients (e.g. the C# SDK) refuse to continue without it.",
		},
		{
			ID: "RS-04", Title: "SHOULD send resource_metadata as a quoted-string holding an absolute URL",
			Level: SHOULD, Area: areaChallenge, Versions: versionsFrom(Version20250618),
			Refs:    []string{"RFC 9110 §11.2", "RFC 9728 §5.1"},
			Quote:   "auth-param = token BWS \"=\" BWS ( token / quoted-string )",
			Sends:   sendBaselineNoAuth,
			Expects: "resource_metadata=\"https://…\" in quotes (a URL contains ':' and '/', which are not tchar), parsing as an absolute URL that serves a PRM document.",
			Fix:     "Quote the value: resource_metadata=\"https://host/.well-known/oauth-protected-resource/mcp\". An unquoted URL is a syntax error that strict parsers reject.",
		},
		{
			ID: "RS-05", Title: "SHOULD NOT include an error code in the 401 for a request without credentials",
			Level: SHOULD, Area: areaChallenge, Versions: all,
			Refs:    []string{"RFC 6750 §3.1", "OAuth 2.1 §5.3.2"},
			Quote:   "If the request lacks any authentication information … the resource server SHOULD NOT include an error code or other error information",
			Sends:   sendBaselineNoAuth,
			Expects: "A Bearer challenge without error= and error_description=.",
			Fix:     "Emit error=\"invalid_token\" only when a token was presented and rejected; for a request that carried no Authorization header send just the Bearer challenge with resource_metadata and scope.",
		},
		{
			ID: "RS-06", Title: "SHOULD include a scope parameter in the 401 challenge",
			Level: SHOULD, Area: areaChallenge, Versions: versionsFrom(Version20251125),
			Refs:    []string{"MCP 2025-11-25 authorization §4.2", "MCP 2026-07-28 authorization §6", "RFC 6750 §3"},
			Quote:   "MCP servers SHOULD include a scope parameter in the WWW-Authenticate header as defined in RFC 6750 Section 3",
			Sends:   sendBaselineNoAuth,
			Expects: "scope=\"…\": space-delimited scope tokens, each made of %x21 / %x23-5B / %x5D-7E.",
			Fix:     "Add scope=\"<the scopes a client needs to use the server>\" to the Bearer challenge, so clients request the right scopes on the first authorization.",
		},
		{
			ID: "RS-07", Title: "MUST NOT repeat challenge attributes and MUST keep them within their character sets",
			Level: MUST, Area: areaChallenge, Versions: all,
			Refs:    []string{"RFC 6750 §3", "OAuth 2.1 §5.3.1", "RFC 9110 §11.2"},
			Quote:   "The realm attribute MUST NOT appear more than once.",
			Sends:   sendBaselineNoAuth,
			Expects: "No auth-param name (compared case-insensitively) appears twice in the Bearer challenge; scope, error and error_description use their allowed characters; error_uri is a URI.",
			Fix:     "Build the challenge from a map of parameters so each appears once, and quote values; do not append a second scope= or realm= in a middleware layer.",
		},
		{
			ID: "RS-08", Title: "MUST treat a non-Bearer Authorization scheme as no credentials",
			Level: MUST, Area: areaChallenge, Versions: all,
			Refs:    []string{"RFC 6750 §3.1"},
			Quote:   "If the request lacks any authentication information (e.g., the client was unaware that authentication is necessary or attempted using an unsupported authentication method), the resource server SHOULD NOT include an error code or other error information.",
			Sends:   "The baseline MCP request with Authorization: Basic dXNlcjpwYXNz.",
			Expects: "401 with a Bearer challenge (FAIL on 2xx); WARN if the challenge carries error=.",
			Fix:     "Only accept the Bearer scheme; answer any other scheme exactly like a request without credentials.",
		},
		{
			ID: "RS-09", Title: "MUST require authentication on every HTTP method of the MCP endpoint",
			Level: MUST, Area: areaChallenge, Versions: all,
			Refs:    []string{"MCP 2025-11-25 transports §2", "MCP 2025-11-25 security best practices §2.3.4"},
			Quote:   "MCP servers that implement authorization MUST verify all inbound requests.",
			Sends:   "GET (Accept: text/event-stream) and DELETE to the MCP endpoint without an Authorization header.",
			Expects: "401 (405 is acceptable where the method is not supported); never 2xx or an opened SSE stream.",
			Fix:     "Mount the authentication middleware on the whole MCP endpoint, not just on the POST route.",
		},
		{
			ID: "RS-10", Title: "MUST NOT accept a session ID in place of an access token",
			Level: MUST, Area: areaChallenge, Versions: versionsUntil(Version20251125),
			Refs:    []string{"MCP 2025-06-18 authorization §2.6.1", "MCP 2025-11-25 authorization §9.1", "MCP 2025-11-25 security best practices §2.3.4"},
			Quote:   "MCP servers that implement authorization MUST verify all inbound requests. MCP Servers MUST NOT use sessions for authentication.",
			Sends:   "initialize with a valid token, notifications/initialized, then tools/list with the Mcp-Session-Id header and no Authorization header.",
			Expects: "401 for the session request without a token.",
			Fix:     "Authenticate every request from its Authorization header; the session ID only selects protocol state, it is not a credential.",
		},
		{
			ID: "RS-10b", Title: "SHOULD use unguessable session IDs bound to the token's subject",
			Level: SHOULD, Area: areaChallenge, Versions: versionsUntil(Version20251125),
			Refs:    []string{"MCP 2025-11-25 security best practices §2.3.4"},
			Quote:   "MCP servers MUST use secure, non-deterministic session IDs … SHOULD bind session IDs to user-specific information",
			Sends:   "Several initialize requests with valid tokens; in cooperative mode, a session opened by subject A used with subject B's token.",
			Expects: "Session IDs with no visible sequence or low entropy; a session of subject A refused for subject B (status not fixed by any text: 401, 403 or 404).",
			Fix:     "Generate session IDs from a CSPRNG (at least 128 bits) and store the token's subject with the session; refuse the session when a different subject presents it.",
		},
	}
}

func prmRequirements() []Requirement {
	fromJune := versionsFrom(Version20250618)
	const sendPRM = "GET of the protected resource metadata URL (from resource_metadata, else the well-known URLs) without an Authorization header."
	return []Requirement{
		{
			ID: "RS-11", Title: "MUST make the protected resource metadata discoverable (well-known URI or resource_metadata)",
			Level: MUST, Area: areaPRM, Versions: versionsFrom(Version20251125),
			Refs:    []string{"MCP 2025-11-25 authorization §4.2", "MCP 2026-07-28 ASD §2", "RFC 9728 §3", "RFC 9728 §3.1"},
			Quote:   "MCP servers MUST implement one of the following discovery mechanisms to provide authorization server location information to MCP clients",
			Sends:   "GET {origin}/.well-known/oauth-protected-resource{path}, then GET {origin}/.well-known/oauth-protected-resource.",
			Expects: "A PRM document at one of the well-known URLs, or else a resource_metadata parameter in the 401 challenge (RS-03).",
			Fix:     "Serve the PRM document at /.well-known/oauth-protected-resource/<mcp path> (and/or the root) and point to it from the 401 challenge.",
		},
		{
			ID: "RS-12", Title: "MUST publish an OAuth 2.0 Protected Resource Metadata document",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"MCP 2025-06-18 authorization §2.2", "MCP 2025-06-18 authorization §2.3.1", "MCP 2025-11-25 authorization §4.1"},
			Quote:   "MCP servers MUST implement the OAuth 2.0 Protected Resource Metadata (RFC9728)",
			Sends:   sendPRM,
			Expects: "A PRM document reachable through resource_metadata or a well-known URL.",
			Fix:     "Serve a JSON document {\"resource\": \"<MCP URL>\", \"authorization_servers\": [\"<issuer>\"], \"scopes_supported\": [...], \"bearer_methods_supported\": [\"header\"]} and link it from the 401 challenge.",
		},
		{
			ID: "RS-13", Title: "MUST serve the metadata as 200 OK application/json holding a JSON object",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §3.2"},
			Quote:   "A successful response MUST use the 200 OK HTTP status code and return a JSON object using the application/json content type",
			Sends:   sendPRM,
			Expects: "200, Content-Type application/json (parameters ignored), body a JSON object.",
			Fix:     "Route the well-known path before any SPA catch-all and set Content-Type: application/json; answer missing documents with 404, not 200 text/html.",
		},
		{
			ID: "RS-14", Title: "MUST serve the metadata to an unauthenticated GET",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §3.1", "MCP 2025-03-26 authorization"},
			Quote:   "MUST be queried using an HTTP GET request",
			Sends:   "GET of the PRM URL without Authorization, then again with MCP-Protocol-Version: <version>.",
			Expects: "200 both times (never 401/403).",
			Fix:     "Exclude the /.well-known/ paths from the authentication middleware: clients fetch them before they have a token.",
		},
		{
			ID: "RS-15", Title: "MUST declare resource as an https URL without a fragment (SHOULD NOT have a query)",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §2", "RFC 9728 §1.2"},
			Quote:   "a URL that uses the https scheme and has no fragment component … SHOULD NOT include a query component",
			Sends:   sendPRM,
			Expects: "resource present; https (http on loopback is noted, RS-58 owns the https rule); no fragment; no query (warns).",
			Fix:     "Set resource to the public https URL of the MCP endpoint, e.g. https://mcp.example.com/mcp.",
		},
		{
			ID: "RS-16", Title: "MUST declare resource identical to the URL the well-known path was inserted into",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §3.3", "RFC 9728 §6"},
			Quote:   "The resource value returned MUST be identical to the protected resource's resource identifier value into which the well-known URI path suffix was inserted … If these values are not identical, the data … MUST NOT be used",
			Sends:   "GET of each well-known PRM URL that exists.",
			Expects: "Path-suffixed document: resource = scheme://host[:port]/path; root document: resource = scheme://host[:port]; compared code point by code point.",
			Fix:     "Derive resource from the URL the document is served for; do not hard-code it, drop the path, or add a trailing slash.",
		},
		{
			ID: "RS-17", Title: "MUST declare resource identical to the MCP endpoint URL when reached from resource_metadata",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §3.3", "RFC 9728 §7.3"},
			Quote:   "If the protected resource metadata was retrieved from a URL returned by the protected resource via the WWW-Authenticate resource_metadata parameter, then the resource value returned MUST be identical to the URL that the client used to make the request to the resource server",
			Sends:   "GET of the resource_metadata URL from the 401 challenge.",
			Expects: "resource equal, byte for byte, to the MCP endpoint URL under test.",
			Fix:     "Point resource_metadata at the path-suffixed document whose resource is exactly the MCP endpoint URL (no trailing-slash or path differences).",
		},
		{
			ID: "RS-18", Title: "MUST list at least one authorization server in authorization_servers",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"MCP 2025-06-18 authorization §2.3.1", "MCP 2025-11-25 authorization §4.1", "MCP 2026-07-28 ASD §1", "RFC 9728 §2"},
			Quote:   "MUST include the authorization_servers field containing at least one authorization server",
			Sends:   sendPRM,
			Expects: "authorization_servers: a non-empty JSON array of strings.",
			Fix:     "Add \"authorization_servers\": [\"<issuer URL of your authorization server>\"] to the PRM document.",
		},
		{
			ID: "RS-19", Title: "MUST list issuer identifiers whose metadata declares the same issuer",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §2", "RFC 8414 §2", "RFC 8414 §3.3", "MCP 2025-11-25 authorization §4.3"},
			Quote:   "OAuth authorization server issuer identifiers, as defined in [RFC8414]",
			Sends:   "For each authorization_servers entry, GET of the AS metadata URLs in the MCP 2025-11-25 §4.3 order.",
			Expects: "One candidate answers 200 JSON whose issuer equals the entry exactly.",
			Fix:     "List the issuer identifier (e.g. https://auth.example.com), not an endpoint URL such as …/oauth/authorize, and make sure the AS metadata's issuer is the same string.",
		},
		{
			ID: "RS-20", Title: "MUST omit metadata parameters with zero values",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §3.2", "RFC 9728 §2"},
			Quote:   "Parameters with zero values MUST be omitted from the response",
			Sends:   sendPRM,
			Expects: "No empty arrays, strings or objects, except bearer_methods_supported: [].",
			Fix:     "Leave out parameters you have no values for (use omitempty) instead of emitting [] or \"\".",
		},
		{
			ID: "RS-21", Title: "SHOULD advertise scopes_supported, without offline_access",
			Level: SHOULD, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §2", "MCP 2025-11-25 authorization §6", "MCP 2026-07-28 authorization §10"},
			Quote:   "MCP Servers … SHOULD NOT include offline_access in WWW-Authenticate scope or Protected Resource Metadata scopes_supported",
			Sends:   sendPRM,
			Expects: "scopes_supported present (RECOMMENDED) and, for 2026-07-28, without offline_access.",
			Fix:     "Publish the scopes your tools need in scopes_supported; leave offline_access to the authorization server metadata.",
		},
		{
			ID: "RS-22", Title: "SHOULD NOT advertise the query bearer method",
			Level: SHOULD, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §2", "OAuth 2.1 §5.1"},
			Quote:   "resource servers MUST ignore access tokens in a URI query parameter",
			Sends:   sendPRM,
			Expects: "bearer_methods_supported, when present, without \"query\" (typically [\"header\"]).",
			Fix:     "Set bearer_methods_supported to [\"header\"].",
		},
		{
			ID: "RS-23", Title: "MUST keep optional metadata well-typed (https jwks_uri, no none algorithm)",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §2"},
			Quote:   "The value none MUST NOT be used.",
			Sends:   sendPRM,
			Expects: "jwks_uri https; resource_signing_alg_values_supported without none; boolean fields are JSON booleans; string arrays are arrays of strings.",
			Fix:     "Emit each optional PRM parameter with the JSON type RFC 9728 §2 gives it, or leave it out.",
		},
		{
			ID: "RS-24", Title: "SHOULD use the canonical form of the server URI as resource",
			Level: SHOULD, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"MCP 2025-06-18 authorization §2.5.1.1", "MCP 2025-11-25 authorization §8.1", "MCP 2026-07-28 authorization §8.1"},
			Quote:   "implementations SHOULD consistently use the form without the trailing slash for better interoperability unless the trailing slash is semantically significant for the specific resource",
			Sends:   sendPRM,
			Expects: "resource with lower-case scheme and host and no trailing slash on a path.",
			Fix:     "Publish resource in canonical form, e.g. https://mcp.example.com/mcp, and register the same string with the authorization server.",
		},
		{
			ID: "RS-25", Title: "MAY send HTTP caching directives with the metadata (recorded only)",
			Level: INFO, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §7.10"},
			Quote:   "should utilize HTTP caching directives such as Cache-Control with max-age",
			Sends:   sendPRM,
			Expects: "Cache-Control (e.g. max-age) on the PRM response; recorded, never a failure.",
			Fix:     "Consider Cache-Control: public, max-age=3600 on the PRM document.",
		},
	}
}
