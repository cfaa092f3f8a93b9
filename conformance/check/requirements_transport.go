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
			Sends:   "An authenticated request with MCP-Protocol-Version: 1999-01-01, then not-a-version.",
			Expects: "400 (2026-07-28: with a JSON-RPC error, code -32022).",
			Fix:     "Validate MCP-Protocol-Version against the versions you support and answer anything else with 400.",
		},
		{
			ID: "RS-56", Title: "SHOULD treat a missing MCP-Protocol-Version as the version rules say",
			Level: SHOULD, Area: areaTransport, Versions: fromJune,
			Refs:    []string{"MCP 2025-11-25 transports §2.7", "MCP 2026-07-28 streamable-http §6.1"},
			Quote:   "if the server does not receive an MCP-Protocol-Version header, and has no other way to identify the version … SHOULD assume protocol version 2025-03-26",
			Sends:   "An authenticated request inside a session without MCP-Protocol-Version (2026-07-28: a request without the header).",
			Expects: "Up to 2025-11-25: not rejected for the missing header alone. 2026-07-28: 400 unless the server supports legacy clients.",
			Fix:     "Up to 2025-11-25 fall back to the negotiated version (or 2025-03-26); from 2026-07-28 require the header unless you serve pre-2025-06-18 clients.",
		},
		{
			ID: "RS-57", Title: "MUST refuse a request with an invalid Origin with 403",
			Level: MUST, Area: areaTransport, Versions: versionsFrom(Version20251125),
			Refs:    []string{"MCP 2025-11-25 transports §2", "MCP 2026-07-28 streamable-http §1"},
			Quote:   "If the Origin header is present and invalid, servers MUST respond with HTTP 403 Forbidden.",
			Sends:   "Origin: https://mcp-conform.invalid, with and without a token.",
			Expects: "403 (a server that allows every origin cannot be judged: WARN).",
			Fix:     "Validate Origin against an allow-list of your own web origins and answer others with 403 before authentication.",
		},
		{
			ID: "RS-58", Title: "MUST serve the MCP endpoint and its metadata over https (loopback excepted)",
			Level: MUST, Area: areaTransport, Versions: all,
			Refs:    []string{"OAuth 2.1 §1.5", "RFC 9728 §1.2", "RFC 9728 §7.1", "MCP 2025-06-18 authorization §3.3"},
			Quote:   "All the OAuth protocol URLs (URLs exposed by the AS, RS and Client) MUST use the https scheme except for loopback interface redirect URIs",
			Sends:   "Nothing new: inspects the endpoint URL, resource_metadata, resource and authorization_servers.",
			Expects: "https everywhere (http on loopback only warns).",
			Fix:     "Serve the MCP endpoint, the PRM document and the authorization server over TLS and publish https URLs.",
		},
		{
			ID: "RS-59", Title: "MAY support browser clients with CORS on the endpoint and metadata (interop: half-configured CORS warns)",
			Level: INFO, Area: areaTransport, Versions: all,
			Refs:    []string{"WHATWG Fetch (CORS)", "OAuth 2.1 §3.2"},
			Quote:   "(not normative in any MCP version) endpoints used by browser-based applications \"will need to have the CORS headers\"",
			Sends:   "OPTIONS preflight with Origin and Access-Control-Request-Headers: authorization, content-type, mcp-protocol-version, mcp-session-id; a cross-origin POST without token; the PRM GET with Origin.",
			Expects: "Preflight 2xx (not 401) allowing those headers; Access-Control-Expose-Headers including WWW-Authenticate on the 401; ACAO on the PRM.",
			Fix:     "Answer preflights before authentication and expose WWW-Authenticate and Mcp-Session-Id if browser clients must work.",
		},
		{
			ID: "RS-60", Title: "MUST answer 429 with a parseable Retry-After once the declared rate limit is exceeded",
			Level: MUST, Area: areaTransport, Versions: all,
			Refs:  []string{"RFC 6585 §4", "RFC 9110 §10.2.3", "draft-ietf-httpapi-ratelimit-headers-11 §3-4", "operator declaration (--rate-limit)"},
			Quote: "The 429 status code indicates that the user has sent too many requests in a given amount of time (\"rate limiting\"). [...] The response representations SHOULD include details explaining the condition, and MAY include a Retry-After header indicating how long to wait before making a new request.",
			Sends: "Only when the operator declares a limit with --rate-limit N/DURATION: at most 2N+2 authenticated requests with one client's token, as fast as the server answers. Without a declaration nothing is sent.",
			Expects: "A 429 before the budget is spent (MCP defines no rate limiting, so the obligation is the operator's own declaration); " +
				"a Retry-After that parses as delay-seconds or an HTTP-date (FAIL if malformed, WARN if absent); RateLimit/RateLimit-Policy fields, when present, parse as Structured Field lists (WARN).",
			Fix: "Enforce the limit you declared per client (key it on the token's client_id, not the IP), answer 429 with Retry-After in delay-seconds, " +
				"and optionally RateLimit-Policy/RateLimit fields; or correct the declaration passed to --rate-limit.",
		},
		{
			ID: "RS-61", Title: "MAY send a JSON body with 401/403 that agrees with the challenge (recorded only)",
			Level: INFO, Area: areaTransport, Versions: all,
			Refs:    []string{"RFC 6750 §3", "MCP 2025-11-25 transports §2"},
			Quote:   "The HTTP response body MAY comprise a JSON-RPC error response that has no id.",
			Sends:   "Nothing new: inspects the bodies of the 401/403 responses already received.",
			Expects: "Empty, OAuth-style {\"error\":…} or JSON-RPC error without id; WARN if a body error contradicts the header error.",
			Fix:     "Keep the body's error code identical to the challenge's error parameter, or send no body.",
		},
		{
			ID: "RS-62", Title: "MUST serve authorization server metadata or the default endpoints on the MCP host (2025-03-26)",
			Level: MUST, Area: areaTransport, Versions: []string{Version20250326},
			Refs:    []string{"MCP 2025-03-26 authorization (Authorization Base URL)", "MCP 2025-03-26 authorization (Fallbacks for Servers without Metadata Discovery)", "RFC 8414 §3"},
			Quote:   "The authorization base URL MUST be determined from the MCP server URL by discarding any existing path component.",
			Sends:   "GET {origin}/.well-known/oauth-authorization-server; else probes of /authorize, /token and /register.",
			Expects: "200 RFC 8414 metadata, or else the default endpoints exist (non-404).",
			Fix:     "Serve RFC 8414 metadata at the root of the MCP host (path discarded), or implement /authorize, /token and /register there.",
		},
	}
}
