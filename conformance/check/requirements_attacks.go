package check

// This file continues the requirement registry's data (see requirements.go): the tokens JWT
// attack tools try (jwt_tool's playbook) beyond the catalogue's rows RS-35…RS-39.

func attackRequirements() []Requirement {
	all := KnownVersions()
	return []Requirement{
		{
			ID: "RS-66", Title: "MUST reject the JWT attack playbook's tokens: HS256 with an empty key, no alg, a null RS256 signature",
			Level: MUST, Area: areaValidation, Versions: all,
			Refs:    []string{"RFC 7515 §4.1.1", "RFC 8725 §2.1", "RFC 8725 §3.1", "RFC 9068 §4", "jwt_tool attack playbook (practice)"},
			Quote:   "The \"alg\" (algorithm) Header Parameter identifies the cryptographic algorithm used to secure the JWS. […] This Header Parameter MUST be present and MUST be understood and processed by implementations.\n\nThe resource server MUST validate the signature of all incoming JWT access tokens according to [RFC7515] using the algorithm specified in the JWT 'alg' Header Parameter. The resource server MUST use the keys provided by the authorization server.",
			Sends:   "Tokens carrying valid-looking claims for this server: HS256 MACed with an empty key (with the AS kid, and without kid); a header without alg (kid of the AS), unsigned and with a random signature; RS256 with the AS kid and an empty signature segment.",
			Expects: "401 for every token; any other status FAILs. Without a valid token (anonymous mode) the check still runs and says it proves less.",
			Fix:     fixValidateFirst + " Reject a header without alg before anything else, and never fall back to HMAC with an empty or default secret.",
		},
		{
			ID: "RS-70", Title: "MUST refuse requests naming a foreign Host and Origin when serving on loopback (DNS rebinding)",
			Level: MUST, Area: areaTransport, Versions: all,
			Refs:    []string{"MCP 2025-11-25 transports §2 (Security Warning)", "MCP 2025-06-18 transports §2 (Security Warning)", "MCP 2026-07-28 streamable-http §1", "modelcontextprotocol/conformance dns-rebinding-protection"},
			Quote:   "Servers MUST validate the Origin header on all incoming connections to prevent DNS rebinding attacks\n\nWhen running locally, servers SHOULD bind only to localhost (127.0.0.1) rather than all network interfaces (0.0.0.0)",
			Sends:   "Only when the target URL's host is loopback: the baseline request with Host: mcp-conform.invalid:PORT and Origin: http://mcp-conform.invalid:PORT (what a page that rebound its DNS name to 127.0.0.1 sends), with a valid token when one can be had; then with only the foreign Host.",
			Expects: "A refusal other than 401 (403, 421, 400…) for the foreign Host and Origin. FAIL when it is served (2xx); WARN on 401 (judged only after authentication, or not at all) and when the foreign Host alone is served. A target on a non-loopback address is only recorded (INFO).",
			Fix:     "On a local server validate Host and Origin before anything else: accept only localhost, 127.0.0.1 and [::1] (with your port), answer anything else 403 (TypeScript SDK: enableDnsRebindingProtection with allowedHosts/allowedOrigins; Go SDK: keep its localhost protection on), and bind to 127.0.0.1.",
		},
	}
}
