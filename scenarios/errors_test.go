package scenarios_test

// Proof for the error-response checks RS-63…RS-65: pass on the correct reference server,
// fail or warn on the server broken in exactly that way.

import (
	"testing"
	"time"

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

// TestAS_KeyRotation: RS-67 passes on the reference server (refetch on an unknown kid) and on
// a server that refetches after a cooldown as jose does, and warns when the JWKS is fetched
// once. The wait is shortened from 35 s so the test stays quick.
func TestAS_KeyRotation(t *testing.T) {
	short := func(c *check.Config) { c.KeyRotationWait = 3 * time.Second }
	cooldown := func(o *fixtures.Options) { o.JWKSRefetchCooldown = 1500 * time.Millisecond }
	runVSCases(t, []vsCase{
		{id: "RS-67", cfg: short, want: check.StatusPass, detail: "accepted at once"},
		{id: "RS-67", cfg: short, tweak: cooldown, want: check.StatusPass, detail: "rate-limited"},
		{id: "RS-67", cfg: short, flaws: []fixtures.Flaw{fixtures.FlawJWKSFetchedOnce}, want: check.StatusWarn, detail: "lock every client out"},
		{id: "RS-67", cfg: func(c *check.Config) { c.Minter = nil; c.Scopes = nil }, want: check.StatusSkip},
	})
}
