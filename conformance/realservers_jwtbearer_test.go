package conformance_test

// The suite against an MCP server protected with express-oauth2-jwt-bearer, Auth0's Express
// middleware for JWT access tokens (testdata/tsserver/jwtbearer-server.js: auth() with
// issuerBaseURL and audience, requiredScopes per operation, the TypeScript SDK's
// mcpAuthMetadataRouter for the metadata, a stateless transport at /mcp).

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// TestRealServer_ExpressOAuth2JWTBearer checks the server first, then the suite's verdicts:
//
//   - FAIL RS-28: the library reads access_token from the URI query (RFC 6750 §2.3 allowed
//     it; OAuth 2.1 §5.1, which MCP requires: "resource servers MUST ignore access tokens in a
//     URI query parameter"), and a valid token there is served.
//   - FAIL RS-70: plain Express on loopback serves a foreign Host and Origin.
//   - WARN: the challenge has no resource_metadata (RS-03: allowed since 2025-11-25 because
//     the well-known URL serves the metadata, but strict clients need it; RS-52 in the 403),
//     no scope in the 401 (RS-06), a Basic or double-spaced Authorization answered 400 rather
//     than as no credentials (RS-08, RS-27).
//   - PASS where a JWT middleware is right: a foreign key, a wrong issuer or audience, no exp
//     (RS-37, RS-42, RS-43, RS-47); 403 insufficient_scope with the scopes to step up to
//     (RS-51, RS-53). Key rotation (RS-67) goes through jose's refetching JWKS, whose 30 s
//     cooldown can outlast the check's 35 s window when another check's unknown kid
//     refetched just before: PASS, or WARN then.
func TestRealServer_ExpressOAuth2JWTBearer(t *testing.T) {
	requireNodeModule(t, "express-oauth2-jwt-bearer")
	t.Parallel()
	target := startNodeServer(t, "jwtbearer-server.js", "/mcp")
	checkJWTBearerServer(t, target)
	r := executeRealServer(t, realServerRun{
		name: "express-oauth2-jwt-bearer", target: target,
		want: map[string][]check.Status{
			"RS-28": statuses(check.StatusFail), "RS-70": statuses(check.StatusFail),
			"RS-03": statuses(check.StatusWarn), "RS-06": statuses(check.StatusWarn), "RS-08": statuses(check.StatusWarn),
			"RS-27": statuses(check.StatusWarn), "RS-52": statuses(check.StatusWarn),
			"RS-37": statuses(check.StatusPass), "RS-42": statuses(check.StatusPass), "RS-43": statuses(check.StatusPass),
			"RS-47": statuses(check.StatusPass), "RS-50": statuses(check.StatusPass), "RS-51": statuses(check.StatusPass),
			"RS-53": statuses(check.StatusPass), "RS-67": statuses(check.StatusPass, check.StatusWarn),
		},
		detail: map[string][]string{
			"RS-28": {"sent a random token as the access_token query parameter", "the query token was read and validated"},
			"RS-52": {"resource_metadata is missing"},
		},
	})
	// The redaction of query tokens must not eat the check's own words (it once printed
	// "?access_token=[redacted 7 bytes] token>").
	for _, res := range r.Results {
		if res.ID == "RS-28" && strings.Contains(res.Detail, "[redacted") {
			t.Errorf("RS-28 detail has a redaction where it names a placeholder: %s", res.Detail)
		}
	}
}

// checkJWTBearerServer probes the server directly: a token with every scope calls
// get_weather; without its scope the library answers 403 insufficient_scope naming the
// scopes; and a valid token in the query, with no Authorization header, is served.
func checkJWTBearerServer(t *testing.T, target conformance.Target) {
	t.Helper()
	all := mintFor(t, target.MockAS, target.URL, realScopesSupported...)
	c := &rpcClient{url: target.URL, token: all}
	c.open(t)
	args := map[string]any{"city": "Paris"}
	if r := c.do(t, "tools/call", map[string]any{"name": "get_weather", "arguments": args}); r.status != http.StatusOK || r.err != nil || isErrorResult(r.result) {
		t.Errorf("get_weather with every scope: %d %v %s", r.status, r.err, r.result)
	}
	lacking := &rpcClient{url: target.URL, token: mintFor(t, target.MockAS, target.URL, realBaseScope)}
	lacking.open(t)
	r := lacking.do(t, "tools/call", map[string]any{"name": "get_weather", "arguments": args})
	if ch := r.header.Get("WWW-Authenticate"); r.status != http.StatusForbidden || !strings.Contains(ch, `error="insufficient_scope"`) ||
		!strings.Contains(ch, `scope="`+realBaseScope+" "+realWeatherScope+`"`) {
		t.Errorf("get_weather without %s: %d %q, want 403 insufficient_scope naming the scopes", realWeatherScope, r.status, ch)
	}
	base := mintFor(t, target.MockAS, target.URL, realBaseScope)
	if code := rawStatus(t, target.URL+"?access_token="+url.QueryEscape(base), ""); code != http.StatusOK {
		t.Errorf("a valid token in the query: %d, want 200 (the library reads access_token from the query)", code)
	}
}
