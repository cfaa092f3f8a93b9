package scenarios_test

// Proof for the error-response checks RS-63…RS-65: pass on the correct reference server,
// fail or warn on the server broken in exactly that way.

import (
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
)

func TestErrors_Verdicts(t *testing.T) {
	pass, fail, warn := check.StatusPass, check.StatusFail, check.StatusWarn
	anon := func(c *check.Config) { c.Minter = nil; c.Scopes = nil }
	runVSCases(t, []vsCase{
		{id: "RS-63", want: pass, detail: "OAuth-style JSON"},
		{id: "RS-63", cfg: anon, want: pass},
		{id: "RS-63", flaws: []fixtures.Flaw{fixtures.FlawErrorBodyHTML}, want: warn, detail: "HTML page"},
		{id: "RS-63", flaws: []fixtures.Flaw{fixtures.FlawErrorBodyContradicts}, want: warn, detail: "server_error"},
		{id: "RS-64", want: pass},
		{id: "RS-64", flaws: []fixtures.Flaw{fixtures.FlawUnregisteredErrorCode}, want: fail, detail: "invalid_jwt"},
		{id: "RS-64", flaws: []fixtures.Flaw{fixtures.FlawInsufficientScope401}, want: warn, detail: "SHOULD answer it with 403"},
		{id: "RS-65", want: pass},
		{id: "RS-65", flaws: []fixtures.Flaw{fixtures.FlawStackTraceLeak}, want: fail, detail: "Go stack trace"},
		{id: "RS-65", flaws: []fixtures.Flaw{fixtures.FlawTokenEchoed}, want: warn, detail: "repeats the presented token"},
	})
}
