package conformance_test

// The suite against an MCP server protected the way Scalekit's guides for Express show it
// (testdata/tsserver/scalekit-server.js: @scalekit-sdk/node's validateToken with the
// expected audience and the operation's requiredScopes, 401 with realm="OAuth" and
// resource_metadata for every failure, the PRM document as the dashboard gives it, a
// stateless transport at POST /). Scalekit customers copy this shape; it is correct in most
// places and wrong in a few, and each verdict below is what the specification says of it.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/toolargs"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// TestRealServer_ScalekitExpressGuide checks the server first (so the verdicts judge what
// it really does), then the suite's verdicts:
//
//   - FAIL RS-26: the middleware matches "Bearer " case-sensitively (RFC 9110 §11.1: the
//     scheme is case-insensitive), so "bearer <token>" is refused.
//   - FAIL RS-42: validateToken is called without issuer, as in the guide, so a token from
//     another issuer signed with the trusted keys is accepted (RFC 9068 §4 MUST).
//   - FAIL RS-70: Express on loopback serves a request naming a foreign Host and Origin (MCP
//     transport: servers MUST validate Origin, DNS rebinding).
//   - WARN, not FAIL, where the specification says SHOULD: no error="invalid_token" on a bad
//     token (RS-33, RS-40), 401 instead of 403 for a missing scope (RS-51, RS-52), no scope in
//     the 401 challenge (RS-06), a trailing slash in the resource (RS-24), a token without exp
//     accepted (RS-47: jose verifies exp only when present); and RS-67: the SDK fetched the
//     keys once and never again, so a key published after start is refused for good.
//   - PASS RS-71: the keys are fetched once, not per request.
func TestRealServer_ScalekitExpressGuide(t *testing.T) {
	requireNodeModule(t, "@scalekit-sdk/node")
	t.Parallel()
	target := startNodeServer(t, "scalekit-server.js", "/")
	checkScalekitGuideServer(t, target)
	executeRealServer(t, realServerRun{
		name: "Scalekit Express guide", target: target,
		want: map[string][]check.Status{
			"RS-26": statuses(check.StatusFail), "RS-42": statuses(check.StatusFail), "RS-70": statuses(check.StatusFail),
			"RS-06": statuses(check.StatusWarn), "RS-24": statuses(check.StatusWarn), "RS-33": statuses(check.StatusWarn),
			"RS-40": statuses(check.StatusWarn), "RS-47": statuses(check.StatusWarn), "RS-51": statuses(check.StatusWarn),
			"RS-52": statuses(check.StatusWarn), "RS-67": statuses(check.StatusWarn),
			"RS-71": statuses(check.StatusPass), "RS-37": statuses(check.StatusPass), "RS-43": statuses(check.StatusPass),
			"RS-44": statuses(check.StatusPass), "RS-50": statuses(check.StatusPass),
		},
		detail: map[string][]string{
			"RS-33": {`no error="invalid_token"`},
			"RS-51": {"which tells the client its token is invalid"},
			"RS-67": {"was still refused"},
		},
	})
}

// checkScalekitGuideServer probes the server directly, independently of the suite: a token
// with every scope calls every tool with toolargs' generated arguments; get_weather without
// its scope is a 401 with the guide's challenge; "bearer" in lower case is refused; and a
// token from another issuer is served.
func checkScalekitGuideServer(t *testing.T, target conformance.Target) {
	t.Helper()
	all := mintFor(t, target.MockAS, target.URL, realScopesSupported...)
	c := &rpcClient{url: target.URL, token: all}
	c.open(t)
	tools := c.listTools(t)
	var weatherArgs map[string]any
	for _, tool := range tools {
		args, err := toolargs.Generate(tool.InputSchema)
		if err != nil {
			t.Fatalf("tool %s: Generate: %v", tool.Name, err)
		}
		if tool.Name == "get_weather" {
			weatherArgs = args
		}
		if r := c.do(t, "tools/call", map[string]any{"name": tool.Name, "arguments": args}); r.status != http.StatusOK || r.err != nil || isErrorResult(r.result) {
			t.Errorf("tool %s refused %v: %d %v %s", tool.Name, args, r.status, r.err, r.result)
		}
	}
	if weatherArgs == nil {
		t.Fatalf("tools/list has no get_weather: %v", tools)
	}
	lacking := &rpcClient{url: target.URL, token: mintFor(t, target.MockAS, target.URL, realBaseScope)}
	lacking.open(t)
	r := lacking.do(t, "tools/call", map[string]any{"name": "get_weather", "arguments": weatherArgs})
	if ch := r.header.Get("WWW-Authenticate"); r.status != http.StatusUnauthorized || !strings.HasPrefix(ch, `Bearer realm="OAuth", resource_metadata="`) {
		t.Errorf("get_weather without %s: %d %q, want the guide's 401", realWeatherScope, r.status, ch)
	}
	if code := rawStatus(t, target.URL, "bearer "+all); code != http.StatusUnauthorized {
		t.Errorf(`"bearer <token>": %d, want 401 (the guide's middleware matches "Bearer " only)`, code)
	}
	other, err := target.MockAS.Mint(mockas.TokenSpec{Audience: []string{target.URL}, Scopes: []string{realBaseScope},
		Issuer: "https://other-issuer.example"})
	if err != nil {
		t.Fatal(err)
	}
	if code := rawStatus(t, target.URL, "Bearer "+other); code != http.StatusOK {
		t.Errorf("a token from another issuer: %d, want 200 (validateToken is given no issuer)", code)
	}
}
