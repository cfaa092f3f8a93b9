package check

// This file continues the requirement registry's data (see requirements.go): the
// transport-level interplay of authorization with Streamable HTTP (protocol version header,
// Origin, TLS, CORS, rate limits, error bodies) and the 2025-03-26 discovery fallbacks.

func transportRequirements() []Requirement {
	all := KnownVersions()
	fromJune := versionsFrom(Version20250618)
	return []Requirement{
		{
			ID: "RS-55", Title: "MUST answer an invalid or unsupported MCP-Protocol-Version with 400",
			Level: MUST, Area: areaTransport, Versions: fromJune,
			Refs:    []string{"MCP 2025-06-18 transports §2.7", "MCP 2025-11-25 transports §2.7", "MCP 2026-07-28 streamable-http §6.1"},
			Quote:   "If the server receives a request with an invalid or unsupported MCP-Protocol-Version, it MUST respond with 400 Bad Request",
			Sends:   "After a control with the correct version, tools/list inside a session initialized with a valid token (2026-07-28: the stateless request) with MCP-Protocol-Version: 1999-01-01, then not-a-version.",
			Expects: "400 for both (FAIL otherwise); for 2026-07-28 also a JSON-RPC error with code -32022 (UnsupportedProtocolVersionError) or -32020 (HeaderMismatch). Skipped when the control fails.",
			Fix:     "Validate MCP-Protocol-Version against the versions you support and answer anything else with 400.",
		},
		{
			ID: "RS-56", Title: "SHOULD treat a missing MCP-Protocol-Version as the version rules say",
			Level: SHOULD, Area: areaTransport, Versions: fromJune,
			Refs:    []string{"MCP 2025-11-25 transports §2.7", "MCP 2026-07-28 streamable-http §6.1"},
			Quote:   "For backwards compatibility, if the server does not receive an MCP-Protocol-Version header, and has no other way to identify the version - for example, by relying on the protocol version negotiated during initialization - the server SHOULD assume protocol version 2025-03-26.\n\nA server that does not support such clients MUST reject a request without the header per Server Validation.",
			Sends:   "tools/list inside a session initialized with a valid token, without MCP-Protocol-Version (2026-07-28: the stateless request without the header).",
			Expects: "Up to 2025-11-25: 2xx (the server assumes a version); 400 or another refusal WARNs. 2026-07-28: 400; 2xx is recorded as INFO (allowed only for servers that support pre-2025-06-18 clients); other statuses WARN.",
			Fix:     "Up to 2025-11-25 fall back to the negotiated version (or 2025-03-26); from 2026-07-28 require the header unless you serve pre-2025-06-18 clients.",
		},
		{
			ID: "RS-57", Title: "MUST refuse a request with an invalid Origin with 403",
			Level: MUST, Area: areaTransport, Versions: versionsFrom(Version20251125),
			Refs:    []string{"MCP 2025-11-25 transports §2", "MCP 2026-07-28 streamable-http §1"},
			Quote:   "If the Origin header is present and invalid, servers MUST respond with HTTP 403 Forbidden.",
			Sends:   "The baseline request with Origin: https://mcp-conform.invalid, without credentials and, when a valid token is available, with it.",
			Expects: "403 for both. WARN when a request is accepted (2xx: which origins are valid is the server's choice) or the unauthenticated one gets 401 (Origin judged after authentication); FAIL on 5xx or any other status.",
			Fix:     "Validate Origin against an allow-list of your own web origins and answer others with 403 before authentication.",
		},
		{
			ID: "RS-58", Title: "MUST serve the MCP endpoint and its metadata over https (loopback excepted)",
			Level: MUST, Area: areaTransport, Versions: all,
			Refs:    []string{"OAuth 2.1 §1.5", "RFC 9728 §1.2", "RFC 9728 §7.1", "MCP 2025-06-18 authorization §3.3"},
			Quote:   "All the OAuth protocol URLs (URLs exposed by the AS, RS and Client) MUST use the https scheme except for loopback interface redirect URIs",
			Sends:   "Nothing new: inspects the endpoint URL, the 401's resource_metadata, the URL the PRM was read from, the PRM resource and authorization_servers.",
			Expects: "https for each (FAIL on another scheme on a non-loopback host); http on a loopback host WARNs.",
			Fix:     "Serve the MCP endpoint, the PRM document and the authorization server over TLS and publish https URLs.",
		},
		{
			ID: "RS-59", Title: "MAY support browser clients with CORS on the endpoint and metadata (interop: half-configured CORS warns)",
			Level: INFO, Area: areaTransport, Versions: all,
			Refs:    []string{"WHATWG Fetch (CORS)", "OAuth 2.1 §3.2"},
			Quote:   "If the authorization server provides additional endpoints to the application, such as metadata URLs, dynamic client registration, revocation, introspection, discovery or user info endpoints, these endpoints may also be accessed by the browser-based application, and will also need to have the CORS headers defined to allow access.",
			Sends:   "From Origin: http://localhost:6274 (a browser client such as the MCP Inspector): an OPTIONS preflight with Access-Control-Request-Method: POST and Access-Control-Request-Headers: authorization, content-type, mcp-protocol-version, mcp-session-id; the baseline POST without token; GET of the PRM document.",
			Expects: "No MCP version requires CORS. Recorded (INFO) when there are no CORS headers at all, or when both the preflight and the POST are refused with 403. WARN when the preflight gets 401, or when CORS is configured but incomplete: preflight not 2xx or not allowing the origin and those headers; the cross-origin 401 without Access-Control-Allow-Origin or without WWW-Authenticate in Access-Control-Expose-Headers; the PRM without Access-Control-Allow-Origin.",
			Fix:     "Answer preflights before authentication and expose WWW-Authenticate and Mcp-Session-Id if browser clients must work.",
		},
		{
			ID: "RS-60", Title: "MUST answer 429 with a parseable Retry-After once the declared rate limit is exceeded",
			Level: MUST, Area: areaTransport, Versions: all,
			Refs:  []string{"RFC 6585 §4", "RFC 9110 §10.2.3", "draft-ietf-httpapi-ratelimit-headers-11 §3-4", "operator declaration (--rate-limit)"},
			Quote: "The 429 status code indicates that the user has sent too many requests in a given amount of time (\"rate limiting\"). [...] The response representations SHOULD include details explaining the condition, and MAY include a Retry-After header indicating how long to wait before making a new request.",
			Sends: "Only when the operator declares a limit with --rate-limit N/DURATION: at most 2N+2 authenticated requests with one client's token, as fast as the server answers. Without a declaration nothing is sent.",
			Expects: "A 429 before the budget is spent (MCP defines no rate limiting, so the obligation is the operator's own declaration); " +
				"a Retry-After that parses as delay-seconds or an HTTP-date (FAIL if malformed, WARN if absent); RateLimit/RateLimit-Policy fields, when present, parse as Structured Field lists with their required r/q parameters, and RateLimit-Limit/-Remaining/-Reset as non-negative integers (WARN otherwise). " +
				"No 429 within the budget FAILs, unless the requests took longer than the declared window (skipped); skipped too when the first request is refused.",
			Fix: "Enforce the limit you declared per client (key it on the token's client_id, not the IP), answer 429 with Retry-After in delay-seconds, " +
				"and optionally RateLimit-Policy/RateLimit fields; or correct the declaration passed to --rate-limit.",
		},
		{
			ID: "RS-61", Title: "MAY send a JSON body with 401/403 that agrees with the challenge (recorded only)",
			Level: INFO, Area: areaTransport, Versions: all,
			Refs:    []string{"RFC 6750 §3", "MCP 2025-11-25 transports §2"},
			Quote:   "The HTTP response body MAY comprise a JSON-RPC error response that has no id.",
			Sends:   "The baseline request without credentials (the shared 401) and with Authorization: Bearer <random token>.",
			Expects: "For each 401/403: empty body, OAuth-style {\"error\":…}, JSON-RPC error or another body, recorded (INFO). WARN when a body's error contradicts the challenge's error, or a body declared JSON does not parse.",
			Fix:     "Keep the body's error code identical to the challenge's error parameter, or send no body.",
		},
		{
			ID: "RS-62", Title: "MUST serve authorization server metadata or the default endpoints on the MCP host (2025-03-26)",
			Level: MUST, Area: areaTransport, Versions: []string{Version20250326},
			Refs:    []string{"MCP 2025-03-26 authorization (Server Metadata Discovery)", "MCP 2025-03-26 authorization (Authorization Base URL)", "MCP 2025-03-26 authorization (Fallbacks for Servers without Metadata Discovery)", "RFC 8414 §3"},
			Quote:   "MCP servers that do not support the OAuth 2.0 Authorization Server Metadata protocol, MUST support fallback URLs.\n\nThe authorization base URL MUST be determined from the MCP server URL by discarding any existing path component.",
			Sends:   "GET {origin}/.well-known/oauth-authorization-server; without usable metadata, GET of {origin}/authorize, /token and /register.",
			Expects: "200 JSON metadata with authorization_endpoint and token_endpoint (WARN when its issuer is not the origin, RFC 8414 §3.3). Otherwise: FAIL when /authorize or /token answers 404, else WARN (the metadata is a SHOULD; a missing /register is noted).",
			Fix:     "Serve RFC 8414 metadata at the root of the MCP host (path discarded) with issuer set to the MCP host's URL, the URL the document is served from (RFC 8414 §3.3), or implement /authorize, /token and /register there.",
		},
	}
}
