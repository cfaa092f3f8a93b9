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
	AreaErrors       = "errors"
	AreaAS           = "as"
)

var (
	areaChallenge    = Area{Key: AreaChallenge, Title: "The 401 challenge"}
	areaPRM          = Area{Key: AreaPRM, Title: "Protected resource metadata (RFC 9728)"}
	areaPresentation = Area{Key: AreaPresentation, Title: "How the token is presented"}
	areaValidation   = Area{Key: AreaValidation, Title: "Token validation"}
	areaScope        = Area{Key: AreaScope, Title: "Insufficient scope and step-up"}
	areaTransport    = Area{Key: AreaTransport, Title: "Transport interplay"}
	areaErrors       = Area{Key: AreaErrors, Title: "Error responses and what they leak"}
	areaAS           = Area{Key: AreaAS, Title: "Living with the authorization server (keys, health, revocation)"}
)

func areaList() []Area {
	return []Area{areaChallenge, areaPRM, areaPresentation, areaValidation, areaScope, areaTransport, areaErrors, areaAS}
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
	t = append(t, errorRequirements()...)
	t = append(t, attackRequirements()...)
	t = append(t, asRequirements()...)
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
			Sends:   sendBaselineNoAuth + " If that draws 400, the same request once more with MCP-Protocol-Version: <version> added.",
			Expects: "401 Unauthorized. Any other status FAILs (2xx, 403, 404, 5xx, …), except 400 on both attempts, which only WARNs: the request is refused before authentication, so the 401 cannot be observed (see RS-55).",
			Fix:     "Put the bearer-token check in front of every MCP handler, before the JSON-RPC body is parsed or dispatched, and answer requests without credentials with 401 and a WWW-Authenticate: Bearer challenge. If the server is meant to be public, do not run this suite against it.",
		},
		{
			ID: "RS-02", Title: "MUST send a WWW-Authenticate Bearer challenge with at least one auth-param on 401",
			Level: MUST, Area: areaChallenge, Versions: all,
			Refs:    []string{"RFC 6750 §3", "OAuth 2.1 §5.3.1", "MCP 2025-06-18 authorization §2.3.1"},
			Quote:   "MUST include the HTTP WWW-Authenticate response header field … All challenges … MUST use the auth-scheme value Bearer. This scheme MUST be followed by one or more auth-param values",
			Sends:   sendBaselineNoAuth,
			Expects: "A WWW-Authenticate field whose challenges (RFC 9110 §11.6.1) include a Bearer challenge with one or more auth-params; FAIL without the field, without a Bearer challenge, or with a bare Bearer. Skipped when the baseline is not answered 401 (see RS-01).",
			Fix:     "Add WWW-Authenticate: Bearer resource_metadata=\"https://<host>/.well-known/oauth-protected-resource/<path>\" (plus scope=\"…\") to every 401. A bare \"Bearer\" without parameters, or only a non-Bearer scheme, is not enough.",
		},
		{
			ID: "RS-03", Title: "MUST point to the protected resource metadata with resource_metadata in the 401 challenge",
			Level: MUST, Area: areaChallenge, Versions: versionsFrom(Version20250618),
			Refs:    []string{"MCP 2025-06-18 authorization §2.3.1", "MCP 2025-11-25 authorization §4.2", "MCP 2026-07-28 ASD §2", "RFC 9728 §5.1"},
			Quote:   "MCP servers MUST use the HTTP header WWW-Authenticate when returning a 401 … to indicate the location of the resource server metadata URL",
			Sends:   sendBaselineNoAuth + " From 2025-11-25, when resource_metadata is missing, GET of the well-known PRM URLs.",
			Expects: "The Bearer challenge carries resource_metadata (a value that is present but does not parse still counts here; RS-04 judges its syntax). Missing: FAIL for 2025-06-18; from 2025-11-25 WARN when a well-known URL serves a PRM document (the other allowed mechanism), FAIL when none does. Skipped when the baseline is not answered 401 (see RS-01).",
			Fix:     "Include resource_metadata=\"<absolute URL of your protected resource metadata>\" in the Bearer challenge of every 401; strict clients (e.g. the C# SDK) refuse to continue without it.",
		},
		{
			ID: "RS-04", Title: "SHOULD send resource_metadata as a quoted-string holding an absolute URL",
			Level: SHOULD, Area: areaChallenge, Versions: versionsFrom(Version20250618),
			Refs:    []string{"RFC 9110 §11.2", "RFC 9728 §5.1"},
			Quote:   "auth-param = token BWS \"=\" BWS ( token / quoted-string )",
			Sends:   sendBaselineNoAuth + " Then GET of the advertised resource_metadata URL without credentials.",
			Expects: "resource_metadata=\"https://…\" as a quoted-string (a URL contains ':' and '/', which are not tchar), holding an absolute https URL (http only on a loopback host, noted) that answers 200 with a JSON object; each departure WARNs. Skipped without resource_metadata (see RS-03).",
			Fix:     "Quote the value: resource_metadata=\"https://host/.well-known/oauth-protected-resource/mcp\". An unquoted URL is a syntax error that strict parsers reject.",
		},
		{
			ID: "RS-05", Title: "SHOULD NOT include an error code in the 401 for a request without credentials",
			Level: SHOULD, Area: areaChallenge, Versions: all,
			Refs:    []string{"RFC 6750 §3.1", "OAuth 2.1 §5.3.2"},
			Quote:   "If the request lacks any authentication information … the resource server SHOULD NOT include an error code or other error information",
			Sends:   sendBaselineNoAuth,
			Expects: "A Bearer challenge without error, error_description and error_uri; WARN otherwise. Skipped when the baseline is not answered 401 (see RS-01).",
			Fix:     "Emit error=\"invalid_token\" only when a token was presented and rejected; for a request that carried no Authorization header send just the Bearer challenge with resource_metadata and scope.",
		},
		{
			ID: "RS-06", Title: "SHOULD include a scope parameter in the 401 challenge",
			Level: SHOULD, Area: areaChallenge, Versions: versionsFrom(Version20251125),
			Refs:    []string{"MCP 2025-11-25 authorization §4.2", "MCP 2026-07-28 authorization §6", "RFC 6750 §3"},
			Quote:   "MCP servers SHOULD include a scope parameter in the WWW-Authenticate header as defined in RFC 6750 Section 3",
			Sends:   sendBaselineNoAuth,
			Expects: "A non-empty scope=\"…\" of space-delimited scope tokens, each made of %x21 / %x23-5B / %x5D-7E; WARN otherwise. Skipped when the baseline is not answered 401 (see RS-01).",
			Fix:     "Add scope=\"<the scopes a client needs to use the server>\" to the Bearer challenge, so clients request the right scopes on the first authorization.",
		},
		{
			ID: "RS-07", Title: "MUST NOT repeat challenge attributes and MUST keep them within their character sets",
			Level: MUST, Area: areaChallenge, Versions: all,
			Refs:    []string{"RFC 6750 §3", "OAuth 2.1 §5.3.1", "RFC 9110 §11.2"},
			Quote:   "The realm attribute MUST NOT appear more than once.\n\nValues for the scope attribute (specified in Appendix A.4) MUST NOT include characters outside the set %x21 / %x23-5B / %x5D-7E for representing scope values and %x20 for delimiters between scope values.",
			Sends:   "The baseline MCP request without an Authorization header, and again with Authorization: Bearer <random 43-character token> (a challenge that carries error parameters).",
			Expects: "In every Bearer challenge of both answers: no auth-param name (compared case-insensitively) twice; scope, error and error_description within their character sets; error_uri a URI-reference. FAIL otherwise, also when WWW-Authenticate does not parse (RFC 9110 §11.6.1). Skipped when the baseline is not 401 or no Bearer challenge is found.",
			Fix:     "Build the challenge from a map of parameters so each appears once, and quote values; do not append a second scope= or realm= in a middleware layer.",
		},
		{
			ID: "RS-08", Title: "MUST treat a non-Bearer Authorization scheme as no credentials",
			Level: MUST, Area: areaChallenge, Versions: all,
			Refs:    []string{"RFC 6750 §3", "RFC 6750 §3.1", "OAuth 2.1 §5.3.1", "MCP 2025-11-25 authorization §10"},
			Quote:   "If the protected resource request does not include authentication credentials or does not contain an access token that enables access to the protected resource, the resource server MUST include the HTTP WWW-Authenticate response header field\n\nIf the request lacks any authentication information (e.g., the client was unaware that authentication is necessary or attempted using an unsupported authentication method), the resource server SHOULD NOT include an error code or other error information.",
			Sends:   "The baseline MCP request with Authorization: Basic dXNlcjpwYXNz.",
			Expects: "401 with a Bearer challenge, as for a request without credentials. FAIL on 2xx or on a 401 without a Bearer challenge; WARN on any other refusal status, or when the challenge carries error=. Skipped when the baseline is not answered 401 (see RS-01).",
			Fix:     "Only accept the Bearer scheme; answer any other scheme exactly like a request without credentials.",
		},
		{
			ID: "RS-09", Title: "MUST require authentication on every HTTP method of the MCP endpoint",
			Level: MUST, Area: areaChallenge, Versions: all,
			Refs:    []string{"MCP 2025-11-25 transports §2", "MCP 2025-11-25 authorization §9.1", "MCP 2025-11-25 security best practices §2.3.4"},
			Quote:   "MCP servers that implement authorization MUST verify all inbound requests.",
			Sends:   "GET (Accept: text/event-stream) and DELETE to the MCP endpoint without an Authorization header (with MCP-Protocol-Version from 2025-06-18).",
			Expects: "401, or a refusal: 405, 404, 400, 403 and other non-2xx statuses are only noted. FAIL when either method is answered 2xx or does not complete (a stream opened without authentication looks like that). Skipped when the baseline POST is not answered 401.",
			Fix:     "Mount the authentication middleware on the whole MCP endpoint, not just on the POST route.",
		},
		{
			ID: "RS-10", Title: "MUST NOT accept a session ID in place of an access token",
			Level: MUST, Area: areaChallenge, Versions: versionsUntil(Version20251125),
			Refs:    []string{"MCP 2025-06-18 authorization §2.6.1", "MCP 2025-11-25 authorization §9.1", "MCP 2025-11-25 security best practices §2.3.4"},
			Quote:   "MCP servers that implement authorization MUST verify all inbound requests. MCP Servers MUST NOT use sessions for authentication.",
			Sends:   "initialize with a valid token (then notifications/initialized); as control, tools/list in that session with the token; then tools/list with the Mcp-Session-Id header and no Authorization header.",
			Expects: "401 for the session request without a token; FAIL on 2xx, WARN on any other refusal status. Skipped when the server issues no Mcp-Session-Id or the control fails.",
			Fix:     "Authenticate every request from its Authorization header; the session ID only selects protocol state, it is not a credential.",
		},
		{
			ID: "RS-10b", Title: "SHOULD use unguessable session IDs bound to the token's subject",
			Level: SHOULD, Area: areaChallenge, Versions: versionsUntil(Version20251125),
			Refs:    []string{"MCP 2025-11-25 security best practices §2.3.4"},
			Quote:   "MCP servers MUST use secure, non-deterministic session IDs … SHOULD bind session IDs to user-specific information",
			Sends:   "Three initialize requests with a valid token; in cooperative mode, after a control call with the session's own token, tools/list in the first session with a minted token of a second subject.",
			Expects: "Distinct session IDs whose consecutive values differ by an estimated 64 bits or more; in cooperative mode, subject B's token refused in subject A's session (any non-2xx: no text fixes the status). Every departure only WARNs, a repeated ID included (the entropy test is a heuristic). Skipped when no Mcp-Session-Id is issued.",
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
			Sends:   "GET {origin}/.well-known/oauth-protected-resource{path}, then GET {origin}/.well-known/oauth-protected-resource; if neither serves a document, GET of the 401's resource_metadata URL.",
			Expects: "A PRM document (200, JSON object) at one of the well-known URLs. None there: INFO when the 401's resource_metadata serves one (the other allowed mechanism, RS-03), FAIL otherwise.",
			Fix:     "Serve the PRM document at /.well-known/oauth-protected-resource/<mcp path> (and/or the root) and point to it from the 401 challenge.",
		},
		{
			ID: "RS-12", Title: "MUST publish an OAuth 2.0 Protected Resource Metadata document",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"MCP 2025-06-18 authorization §2.2", "MCP 2025-06-18 authorization §2.3.1", "MCP 2025-11-25 authorization §4.1", "MCP 2025-11-25 authorization §4.2"},
			Quote:   "MCP servers MUST implement the OAuth 2.0 Protected Resource Metadata (RFC9728) specification to indicate the locations of authorization servers.",
			Sends:   "GET of the 401's resource_metadata URL when there is one, else of the well-known PRM URLs (path-suffixed, then root), without an Authorization header.",
			Expects: "When the challenge carries resource_metadata, that URL serves the PRM document (200, JSON object); FAIL otherwise, even if a well-known URL serves one, since clients that find resource_metadata use only that URL. Without resource_metadata, one of the well-known URLs must serve it (FAIL otherwise).",
			Fix:     "Serve a JSON document {\"resource\": \"<MCP URL>\", \"authorization_servers\": [\"<issuer>\"], \"scopes_supported\": [...], \"bearer_methods_supported\": [\"header\"]} and link it from the 401 challenge.",
		},
		{
			ID: "RS-13", Title: "MUST serve the metadata as 200 OK application/json holding a JSON object",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §3.2"},
			Quote:   "A successful response MUST use the 200 OK HTTP status code and return a JSON object using the application/json content type",
			Sends:   "GET of every PRM location (the advertised resource_metadata and both well-known URLs) without an Authorization header.",
			Expects: "Every location that answers 200 does so with Content-Type application/json (parameters ignored) and a JSON object body; FAIL otherwise. Non-200 answers are only noted (RS-12 judges reachability); skipped when no location answers 200.",
			Fix:     "Route the well-known path before any SPA catch-all and set Content-Type: application/json; answer missing documents with 404, not 200 text/html.",
		},
		{
			ID: "RS-14", Title: "MUST serve the metadata to an unauthenticated GET",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §3.1", "MCP 2025-03-26 authorization (Server Metadata Discovery Headers)"},
			Quote:   "A protected resource metadata document MUST be queried using an HTTP GET request at the previously specified URL.",
			Sends:   "GET without Authorization of the PRM locations a client queries (the advertised resource_metadata, else the well-known URLs up to the first document) and of the other well-known URLs; then the document again with MCP-Protocol-Version: <version>, and again with Origin: https://mcp-conform.invalid.",
			Expects: "FAIL on 401/403 from a location a client queries. WARN on a non-200 once MCP-Protocol-Version is added (derived: clients SHOULD send it during discovery), on 401/403 from another well-known location, or on a non-200 with the foreign Origin (acceptable only as DNS-rebinding protection of a local server). Skipped when no document is found.",
			Fix:     "Exclude the /.well-known/ paths from the authentication middleware and from the MCP endpoint's request checks (MCP-Protocol-Version, sessions): clients fetch them before they have a token, and some send the MCP headers on every request.",
		},
		{
			ID: "RS-15", Title: "MUST declare resource as an https URL without a fragment (SHOULD NOT have a query)",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §2", "RFC 9728 §1.2"},
			Quote:   "a URL that uses the https scheme and has no fragment component … SHOULD NOT include a query component",
			Sends:   sendPRM,
			Expects: "resource present as an absolute URL (FAIL otherwise); https (FAIL on any other scheme, except http on a loopback host, which is only noted: RS-58 reports it); no fragment (FAIL); no query (WARN).",
			Fix:     "Set resource to the public https URL of the MCP endpoint, e.g. https://mcp.example.com/mcp.",
		},
		{
			ID: "RS-16", Title: "MUST declare resource identical to the URL the well-known path was inserted into",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §3.3", "RFC 9728 §6"},
			Quote:   "The resource value returned MUST be identical to the protected resource's resource identifier value into which the well-known URI path suffix was inserted … If these values are not identical, the data … MUST NOT be used",
			Sends:   "GET of each well-known PRM URL that exists.",
			Expects: "Path-suffixed document: resource = scheme://host[:port]/path; root document: resource = scheme://host[:port] (scheme://host[:port]/ is accepted too, RFC 9728 §3.1); compared code point by code point, FAIL on any other difference. Skipped when no well-known URL serves a document.",
			Fix:     "Each document names the URL its well-known location was derived from: the path-suffixed one (https://host/.well-known/oauth-protected-resource/mcp) names https://host/mcp, the root one (/.well-known/oauth-protected-resource) names https://host. With the usual Express layout (one document at the root naming https://host/mcp, MCP at /mcp), serve that document at /.well-known/oauth-protected-resource/mcp instead (e.g. app.get('/.well-known/oauth-protected-resource/mcp', …)), point resource_metadata there, and drop the root document or make it name the origin; renaming the root document's resource to the origin alone breaks RS-17 and the token audience. Never drop the path, add a trailing slash, or change the case.",
		},
		{
			ID: "RS-17", Title: "MUST declare resource identical to the MCP endpoint URL when reached from resource_metadata",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §3.3", "RFC 9728 §7.3"},
			Quote:   "If the protected resource metadata was retrieved from a URL returned by the protected resource via the WWW-Authenticate resource_metadata parameter, then the resource value returned MUST be identical to the URL that the client used to make the request to the resource server",
			Sends:   "GET of the resource_metadata URL from the 401 challenge.",
			Expects: "resource equal, byte for byte, to the MCP endpoint URL under test (an origin and the same origin with the path \"/\" count as equal); FAIL otherwise. Skipped without resource_metadata or when it serves no document.",
			Fix:     "Point resource_metadata at the path-suffixed document whose resource is exactly the MCP endpoint URL (no trailing-slash or path differences).",
		},
		{
			ID: "RS-18", Title: "MUST list at least one authorization server in authorization_servers",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"MCP 2025-06-18 authorization §2.3.1", "MCP 2025-11-25 authorization §4.1", "MCP 2026-07-28 ASD §1", "RFC 9728 §2"},
			Quote:   "MUST include the authorization_servers field containing at least one authorization server",
			Sends:   sendPRM,
			Expects: "authorization_servers: a non-empty JSON array of non-empty strings; FAIL otherwise.",
			Fix:     "Add \"authorization_servers\": [\"<issuer URL of your authorization server>\"] to the PRM document.",
		},
		{
			ID: "RS-19", Title: "MUST list issuer identifiers whose metadata declares the same issuer",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §2", "RFC 8414 §2", "RFC 8414 §3.3", "MCP 2025-11-25 authorization §4.3"},
			Quote:   "OAuth authorization server issuer identifiers, as defined in [RFC8414]",
			Sends:   "For each authorization_servers entry, GET of the AS metadata URLs in the MCP 2025-11-25 §4.3 order (RFC 8414, then OpenID Connect discovery), up to the first 200.",
			Expects: "Each entry is an absolute https URL (http only on loopback) without query or fragment, and the first candidate answering 200 returns a JSON object whose issuer equals the entry exactly; FAIL otherwise, also when no candidate answers 200. Before 2025-11-25, an entry resolving only through OpenID Connect discovery WARNs.",
			Fix:     "List the issuer identifier (e.g. https://auth.example.com), not an endpoint URL such as …/oauth/authorize, and make sure the AS metadata's issuer is the same string.",
		},
		{
			ID: "RS-20", Title: "MUST omit metadata parameters with zero values",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §3.2", "RFC 9728 §2"},
			Quote:   "Parameters with zero values MUST be omitted from the response",
			Sends:   sendPRM,
			Expects: "No empty strings, arrays or objects and no nulls, except bearer_methods_supported: []; FAIL otherwise.",
			Fix:     "Leave out parameters you have no values for (use omitempty) instead of emitting [] or \"\".",
		},
		{
			ID: "RS-21", Title: "SHOULD advertise scopes_supported, without offline_access",
			Level: SHOULD, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §2", "MCP 2025-11-25 authorization §6", "MCP 2026-07-28 authorization §10"},
			Quote:   "MCP Servers (Protected Resources) SHOULD NOT include offline_access in WWW-Authenticate scope or Protected Resource Metadata scopes_supported, as refresh tokens are not a resource requirement.",
			Sends:   sendPRM,
			Expects: "scopes_supported present as a non-empty array of strings (RECOMMENDED); for 2026-07-28 also no offline_access in scopes_supported or in the 401 challenge's scope. WARN otherwise.",
			Fix:     "Publish the scopes your tools need in scopes_supported; leave offline_access to the authorization server metadata.",
		},
		{
			ID: "RS-22", Title: "SHOULD NOT advertise the query bearer method",
			Level: SHOULD, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §2", "OAuth 2.1 §5.1"},
			Quote:   "resource servers MUST ignore access tokens in a URI query parameter",
			Sends:   sendPRM,
			Expects: "bearer_methods_supported, when present, without \"query\" (typically [\"header\"]); WARN otherwise. Absent passes; a non-array is left to RS-23 (skipped).",
			Fix:     "Set bearer_methods_supported to [\"header\"].",
		},
		{
			ID: "RS-23", Title: "MUST keep optional metadata well-typed (https jwks_uri, no none algorithm)",
			Level: MUST, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §2"},
			Quote:   "This URL MUST use the https scheme. … The value none MUST NOT be used.",
			Sends:   sendPRM,
			Expects: "Each optional member that is present is well-typed: scopes_supported, bearer_methods_supported (values header, body, query), resource_signing_alg_values_supported (without none), authorization_details_types_supported and dpop_signing_alg_values_supported arrays of strings; tls_client_certificate_bound_access_tokens and dpop_bound_access_tokens_required booleans; resource_name and signed_metadata strings; jwks_uri, resource_documentation, resource_policy_uri and resource_tos_uri absolute URLs, jwks_uri https (http on loopback accepted). FAIL otherwise.",
			Fix:     "Emit each optional PRM parameter with the JSON type RFC 9728 §2 gives it, or leave it out.",
		},
		{
			ID: "RS-24", Title: "SHOULD use the canonical form of the server URI as resource",
			Level: SHOULD, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"MCP 2025-06-18 authorization §2.5.1.1", "MCP 2025-11-25 authorization §8.1", "MCP 2026-07-28 authorization §8.1"},
			Quote:   "implementations SHOULD consistently use the form without the trailing slash for better interoperability unless the trailing slash is semantically significant for the specific resource",
			Sends:   "Nothing beyond discovery: inspects the MCP endpoint URL under test and the discovered PRM resource.",
			Expects: "Both with lower-case scheme and host and no trailing slash (a lone \"/\" path included); WARN otherwise.",
			Fix:     "Serve the endpoint at its canonical URL and publish exactly that as resource: lower-case scheme and host, no trailing slash (https://mcp.example.com/mcp, not https://MCP.example.com/mcp/); register the same string with the authorization server as the token audience.",
		},
		{
			ID: "RS-25", Title: "MAY send HTTP caching directives with the metadata (recorded only)",
			Level: INFO, Area: areaPRM, Versions: fromJune,
			Refs:    []string{"RFC 9728 §7.10"},
			Quote:   "Implementations should utilize HTTP caching directives such as Cache-Control with max-age, as defined in [RFC9111], to enable caching of retrieved metadata for appropriate time periods.",
			Sends:   "GET of the discovered PRM URL without an Authorization header.",
			Expects: "Cache-Control with max-age or s-maxage, or an Expires field, on the PRM response; recorded either way, never a failure.",
			Fix:     "Consider Cache-Control: public, max-age=3600 on the PRM document.",
		},
	}
}
