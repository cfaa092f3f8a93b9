package scenarios_test

// Proof for the insufficient-scope checks RS-51…RS-54: pass on the correct reference server,
// fail or warn on the server broken in that way, skip without a declared scope requirement.

import (
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
)

func TestScope_Verdicts(t *testing.T) {
	pass, fail, warn, skip := check.StatusPass, check.StatusFail, check.StatusWarn, check.StatusSkip
	// RS-53 needs a tool requiring several scopes to tell a complete challenge from an
	// incremental one: FlawTweak(FlawIncrementalScopeChallenge) adds "report" (two scopes);
	// the correct server gets the same tool.
	report := fixtures.FlawTweak(fixtures.FlawIncrementalScopeChallenge)
	declareReport := func(c *check.Config) {
		c.Scopes = map[string]string{"report": "mcp:tools:weather mcp:admin"}
	}
	undeclared := func(c *check.Config) { c.Scopes = nil }
	declareOps := func(c *check.Config) {
		c.ToolArgs = fixtureToolArgs() // supplied arguments replace the generated ones
		c.Scopes = map[string]string{
			"weather": "mcp:tools:weather",
			"resources/read:mcp-conform://customer-data/acme": "mcp:resources:customer-data:read",
			"prompts/get:risk-assessment":                     "mcp:exec:workflows:risk-assessment",
		}
	}
	anonymous := func(c *check.Config) { c.Scopes, c.Minter = nil, nil }
	stateful := func(o *fixtures.Options) { o.Stateful = true }
	badArgs := func(c *check.Config) { c.ToolArgs = map[string]map[string]any{"weather": {"city": "Paris"}} }
	unknownTool := func(c *check.Config) {
		c.Scopes = map[string]string{"forecast": "mcp:tools:weather"}
		c.ToolArgs = map[string]map[string]any{"forecast": {}}
	}
	v0728 := func(c *check.Config) { c.SpecVersion = "2026-07-28" }
	tightLimit := func(o *fixtures.Options) { o.RateLimit = &fixtures.RateLimit{Requests: 6, Per: time.Minute} }
	advertiseWildcard := func(o *fixtures.Options) {
		o.ScopesSupported = []string{"mcp:admin", "mcp:tools:*", "mcp:tools:weather"}
	}
	runVSCases(t, []vsCase{
		{id: "RS-51", want: pass},
		flawed("RS-51", fixtures.FlawScopeUnchecked, fail),
		{id: "RS-51", flaws: []fixtures.Flaw{fixtures.FlawInsufficientScope401}, want: warn, detail: "401"},
		{id: "RS-51", flaws: []fixtures.Flaw{fixtures.FlawInsufficientScopeInBand}, want: warn, detail: "in-band"},
		// No declaration: scope discovery learns weather, the customer-data resource and the
		// risk-assessment prompt, and RS-51 judges every one of them.
		{id: "RS-51", cfg: undeclared, want: pass, detail: "tools/call:weather (learned scope \"mcp:tools:weather\"): PASS"},
		// The correct server with discovery alone: mcp:admin designates tool "admin", which
		// discovery never calls (destructiveHint), so it is only noted, never warned on.
		{id: "RS-51", cfg: undeclared, want: pass, detail: "no operation tried needed them: mcp:admin;"},
		// Discovery alone sees an unenforced scope as an operation needing none; an advertised
		// scope whose name designates the operation served without it is a WARN (the spec
		// leaves scope design to the server), and a declaration turns it into a FAIL.
		{id: "RS-51", cfg: undeclared, flaws: []fixtures.Flaw{fixtures.FlawResourceScopeUnchecked}, want: warn,
			detail: `resource "mcp-conform://customer-data/acme" was served without scope "mcp:resources:customer-data:read", which the server advertises (PRM scopes_supported) and whose name designates it: scope discovery read resource "mcp-conform://customer-data/acme" and a valid token holding no scopes (answered 200). If it needs mcp:resources:customer-data:read, refuse a token lacking it with 403`},
		{id: "RS-51", cfg: undeclared, flaws: []fixtures.Flaw{fixtures.FlawScopeUnchecked}, want: warn,
			detail: `tool "weather" was served without scope "mcp:tools:weather", which the server advertises (PRM scopes_supported) and whose name designates it: scope discovery called tool "weather" with arguments {"city":`},
		{id: "RS-51", cfg: undeclared, flaws: []fixtures.Flaw{fixtures.FlawScopeUnchecked}, want: warn,
			detail: `prompts/get:risk-assessment (served without advertised scope "mcp:exec:workflows:risk-assessment"): WARN`},
		{id: "RS-51", cfg: undeclared, flaws: []fixtures.Flaw{fixtures.FlawScopeToolsOnly}, want: warn,
			detail: `tools/call:weather (learned scope "mcp:tools:weather"): PASS`},
		{id: "RS-51", cfg: undeclared, flaws: []fixtures.Flaw{fixtures.FlawScopeToolsOnly}, want: warn,
			detail: `resources/read:mcp-conform://customer-data/acme (served without advertised scope "mcp:resources:customer-data:read"): WARN`},
		{id: "RS-51", tweak: stateful, cfg: undeclared, flaws: []fixtures.Flaw{fixtures.FlawScopeToolsOnly}, want: warn,
			detail: `prompts/get:risk-assessment (served without advertised scope "mcp:exec:workflows:risk-assessment"): WARN`},
		// A per-client rate limit that the shared no-scope token goes over while the workers
		// learn concurrently: the operations it throttled are learned again, each with a
		// no-scope token of its own client, so every one still gets a verdict.
		{id: "RS-51", tweak: tightLimit, cfg: undeclared, want: pass,
			detail: `resources/read:mcp-conform://customer-data/acme (learned scope "mcp:resources:customer-data:read"): PASS`},
		// Declared per operation, without discovery.
		{id: "RS-51", cfg: declareOps, want: pass, detail: "resources/read:mcp-conform://customer-data/acme (declared"},
		{id: "RS-51", cfg: declareOps, flaws: []fixtures.Flaw{fixtures.FlawResourceScopeUnchecked}, want: fail, detail: "read resource"},
		{id: "RS-51", cfg: declareOps, flaws: []fixtures.Flaw{fixtures.FlawScopeToolsOnly}, want: fail, detail: "got prompt \"risk-assessment\""},
		// Discovery learns a requirement a server reports only in-band, by trying each
		// advertised scope, and RS-51 warns on it.
		{id: "RS-51", cfg: undeclared, flaws: []fixtures.Flaw{fixtures.FlawInsufficientScopeInBand}, want: warn, detail: "in-band"},
		{id: "RS-51", cfg: anonymous, want: skip, detail: "cooperative mode"},
		// An argument error is not an authorization verdict (the server validates like go-sdk).
		{id: "RS-51", cfg: badArgs, want: skip, detail: `the server rejected the arguments supplied for weather: validating "arguments": validating root: required: missing properties: ["units"]; pass --tool-args weather=JSON`},
		{id: "RS-51", cfg: unknownTool, want: skip, detail: `the server does not know tool "forecast"`},
		// A stateful server (TypeScript SDK style: 400 without Mcp-Session-Id): every call is
		// made inside a session, so discovery and the checks still reach verdicts.
		{id: "RS-51", tweak: stateful, cfg: undeclared, want: pass, detail: "resources/read:mcp-conform://customer-data/acme (learned"},
		{id: "RS-51", tweak: stateful, flaws: []fixtures.Flaw{fixtures.FlawScopeToolsOnly}, cfg: declareOps, want: fail},
		{id: "RS-52", cfg: undeclared, want: pass},
		{id: "RS-53", cfg: undeclared, want: pass},
		{id: "RS-52", want: pass},
		{id: "RS-52", flaws: []fixtures.Flaw{fixtures.FlawInsufficientScopeNoErrorParam}, want: warn, detail: "insufficient_scope"},
		{id: "RS-52", flaws: []fixtures.Flaw{fixtures.FlawInsufficientScopeNoScopeParam}, want: warn, detail: "scope"},
		{id: "RS-52", flaws: []fixtures.Flaw{fixtures.FlawInsufficientScopeNoResourceMetadata}, want: warn, detail: "resource_metadata"},
		{id: "RS-53", tweak: report, cfg: declareReport, want: pass},
		{id: "RS-53", tweak: report, cfg: func(c *check.Config) { declareReport(c); v0728(c) }, want: pass},
		{id: "RS-53", flaws: []fixtures.Flaw{fixtures.FlawIncrementalScopeChallenge}, cfg: declareReport, want: warn},
		{id: "RS-54", cfg: v0728, want: pass},
		{id: "RS-54", cfg: func(c *check.Config) { declareOps(c); v0728(c) }, want: pass, detail: "prompts/get:risk-assessment"},
		// The server does not advertise mcp:tools:*: it may define no such hierarchy, so WARN.
		{id: "RS-54", flaws: []fixtures.Flaw{fixtures.FlawHierarchyIgnored}, cfg: v0728, want: warn, detail: "does not advertise"},
		// It advertises mcp:tools:* and still refuses it for mcp:tools:weather: FAIL.
		{id: "RS-54", flaws: []fixtures.Flaw{fixtures.FlawHierarchyIgnored}, tweak: advertiseWildcard, cfg: v0728, want: fail},
		// Before 2026-07-28 the row does not apply (version gating).
		{id: "RS-54", flaws: []fixtures.Flaw{fixtures.FlawHierarchyIgnored}, want: skip},
	})
}
