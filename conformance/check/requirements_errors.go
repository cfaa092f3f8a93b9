package check

// This file continues the requirement registry's data (see requirements.go): how the server
// answers refused requests — the body format the seed document's "Error Response Standards"
// asks for, the RFC 6750 §3.1 error codes of the challenge, and what an error answer must
// never contain (OWASP ASVS V7.4.1, V14.3.2).

// seedDoc names the seed document (Scalekit, "MCP servers — additional reading"), the source
// of the practice checks.
const seedDoc = "Scalekit MCP servers additional reading"

// sendCraftedCredentials is what the error checks send: answers that must be refusals.
const sendCraftedCredentials = "The baseline MCP request without credentials (the shared 401), with a random opaque token, with a structurally broken JWT (header not base64url), with malformed Bearer credentials (Bearer followed by a space-separated pair), and with an HS256 token whose kid is a path traversal; in cooperative mode with --scope also a tools/call with a token lacking the tool's scope (the 403)."

func errorRequirements() []Requirement {
	all := KnownVersions()
	return []Requirement{
		{
			ID: "RS-63", Title: "SHOULD answer 400, 401, 403 and 429 with an OAuth-style JSON error body (practice)",
			Level: SHOULD, Area: areaErrors, Versions: all, Practice: true,
			Refs:    []string{seedDoc + " \"Error Response Standards\" (practice)", "OAuth 2.1 §3.2.4 (error response body format)", "RFC 6750 §3.1", "MCP 2025-11-25 transports §2"},
			Quote:   "Follow OAuth 2.1 and MCP error response formats: res.status(statusCode).json({ error, error_description: description, error_uri: 'https://your-mcp-server.com/docs/errors' })",
			Sends:   sendCraftedCredentials,
			Expects: "For each 400/401/403/429 answer: an empty body, a JSON-RPC error (allowed by MCP transports §2), or a JSON object whose error is a string, whose error_description (if any) is a string and whose error_uri (if any) is an absolute URL. WARN on an HTML or plain-text body, on a JSON error that contradicts the challenge's error, or on a malformed error_uri. Recorded (INFO-style note) otherwise.",
			Fix:     "Answer refusals with Content-Type: application/json and {\"error\":\"invalid_token\",\"error_description\":\"…\"}, the error equal to the WWW-Authenticate error parameter; never let a framework's default HTML or text error page through the authentication middleware.",
		},
		{
			ID: "RS-64", Title: "MUST use only registered error codes in the Bearer challenge, each with its status",
			Level: MUST, Area: areaErrors, Versions: all,
			Refs:    []string{"RFC 6750 §3.1", "RFC 6750 §6.2", "RFC 6749 §8.5", "RFC 9470 §3"},
			Quote:   "When a request fails, the resource server responds using the appropriate HTTP status code (typically, 400, 401, 403, or 405) and includes one of the following error codes in the response: invalid_request […] The resource server SHOULD respond with the HTTP 400 (Bad Request) status code. invalid_token […] SHOULD respond with the HTTP 401 (Unauthorized) status code. insufficient_scope […] SHOULD respond with the HTTP 403 (Forbidden) status code",
			Sends:   sendCraftedCredentials,
			Expects: "Every Bearer challenge's error is one of the codes registered for resource access errors: invalid_request, invalid_token, insufficient_scope (RFC 6750) or insufficient_user_authentication (RFC 9470); FAIL on any other code (RFC 6749 §8.5 makes extension codes registered ones). A registered code on another status than RFC 6750 §3.1's (400, 401, 403; 401 for insufficient_user_authentication) WARNs.",
			Fix:     "Use error=\"invalid_token\" with 401 for every token problem (expired, bad signature, wrong audience), error=\"invalid_request\" with 400 for malformed requests and error=\"insufficient_scope\" with 403; describe the detail in error_description, not in a private error code clients cannot act on.",
		},
		{
			ID: "RS-65", Title: "MUST NOT leak stack traces or source paths in answers to crafted tokens (SHOULD NOT echo the token)",
			Level: MUST, Area: areaErrors, Versions: all,
			Refs:    []string{"OWASP ASVS 4.0.3 V7.4.1", "OWASP ASVS 4.0.3 V14.3.2", "RFC 6750 §5.3", "CWE-209"},
			Quote:   "Verify that a generic message is shown when an unexpected or security sensitive error occurs, potentially with a unique ID which support personnel can use to investigate.\n\nVerify that web or application server and application framework debug modes are disabled in production to eliminate debug features, developer consoles, and unintended security disclosures.",
			Sends:   sendCraftedCredentials + " Also a JWT with a 64 KiB header and one whose payload is not JSON.",
			Expects: "No body containing a stack trace (Go \"goroutine N [\", Node \"    at f (file.js:1:2)\", Python \"Traceback (most recent call last)\", Java \"Exception in thread\" or \"at pkg.Class(File.java:12)\", .NET \" in C:\\…:line N\") or a source file path with a line number: FAIL. A body repeating the presented token: WARN (RFC 6750 §5.3: tokens must not leak; a reflected token lands in logs and proxies).",
			Fix:     "Turn off debug error pages and framework stack traces in production; map every validation error to a fixed 401 body ({\"error\":\"invalid_token\",\"error_description\":\"…\"}) that never includes the exception, the request's Authorization value or internal paths; log the detail server-side.",
		},
	}
}
