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
// once; how long a withdrawn key stays accepted is measured: until the window ends on the
// reference server (it keeps its key set), until its cache expires on a server with a JWKS
// cache TTL. The wait is shortened from 35 s so the test stays quick.
func TestAS_KeyRotation(t *testing.T) {
	short := func(c *check.Config) { c.KeyRotationWait = 3 * time.Second }
	cooldown := func(o *fixtures.Options) { o.JWKSRefetchCooldown = 1500 * time.Millisecond }
	ttl := func(o *fixtures.Options) { o.JWKSCacheTTL = time.Second }
	runVSCases(t, []vsCase{
		{id: "RS-67", cfg: short, want: check.StatusPass, detail: "when the rotation window ended"},
		{id: "RS-67", cfg: short, tweak: ttl, want: check.StatusPass, detail: "stopped trusting the withdrawn key within that time"},
		{id: "RS-67", cfg: short, tweak: cooldown, want: check.StatusPass, detail: "rate-limited"},
		{id: "RS-67", cfg: short, flaws: []fixtures.Flaw{fixtures.FlawJWKSFetchedOnce}, want: check.StatusWarn, detail: "lock every client out"},
		{id: "RS-67", cfg: func(c *check.Config) { c.Minter = nil; c.Scopes = nil }, want: check.StatusSkip},
	})
}

// TestRateLimit_PerClient: RS-68 passes when the limit is per client_id, warns when it is
// keyed by IP or the 429 body is plain text, and sends nothing without a declaration.
func TestRateLimit_PerClient(t *testing.T) {
	declare := func(c *check.Config) { c.RateLimit = &check.RateLimit{Requests: 5, Per: time.Minute} }
	limited := func(o *fixtures.Options) { o.RateLimit = &fixtures.RateLimit{Requests: 5, Per: time.Minute} }
	runVSCases(t, []vsCase{
		{id: "RS-68", tweak: limited, cfg: declare, want: check.StatusPass, detail: "per client"},
		{id: "RS-68", tweak: limited, want: check.StatusSkip},
		{id: "RS-68", flaws: []fixtures.Flaw{fixtures.FlawRateLimitByIP}, cfg: declare, want: check.StatusWarn, detail: "keyed by IP or global"},
		{id: "RS-68", flaws: []fixtures.Flaw{fixtures.FlawRateLimitPlainBody}, cfg: declare, want: check.StatusWarn, detail: "not JSON"},
		{id: "RS-68", flaws: []fixtures.Flaw{fixtures.FlawRateLimitNever}, cfg: declare, want: check.StatusSkip},
	})
}

// TestHealth: RS-69 passes when /health turns degraded with the authorization server
// failing, warns when it stays healthy or is not JSON, informs when there is none.
func TestHealth(t *testing.T) {
	anon := func(c *check.Config) { c.Minter = nil; c.Scopes = nil }
	elsewhere := func(c *check.Config) { c.HealthPath = "/status" }
	runVSCases(t, []vsCase{
		{id: "RS-69", want: check.StatusPass, detail: "reported it"},
		{id: "RS-69", cfg: anon, want: check.StatusPass, detail: "needs cooperative mode"},
		{id: "RS-69", cfg: elsewhere, want: check.StatusInfo, detail: "no health endpoint"},
		{id: "RS-69", flaws: []fixtures.Flaw{fixtures.FlawHealthAlwaysHealthy}, want: check.StatusWarn, detail: "still reported healthy"},
		{id: "RS-69", flaws: []fixtures.Flaw{fixtures.FlawHealthNotJSON}, want: check.StatusWarn, detail: "JSON object"},
	})
}

// TestDNSRebinding: RS-70 passes on the reference server (Host and Origin checked before
// authentication), warns when only Origin is checked, fails when neither is.
func TestDNSRebinding(t *testing.T) {
	anon := func(c *check.Config) { c.Minter = nil; c.Scopes = nil }
	runVSCases(t, []vsCase{
		{id: "RS-70", want: check.StatusPass},
		{id: "RS-70", cfg: anon, want: check.StatusPass},
		{id: "RS-70", flaws: []fixtures.Flaw{fixtures.FlawHostUnchecked}, want: check.StatusWarn, detail: "foreign Host"},
		{id: "RS-70", flaws: []fixtures.Flaw{fixtures.FlawDNSRebindingOpen}, want: check.StatusFail, detail: "rebound its DNS name"},
		{id: "RS-57", flaws: []fixtures.Flaw{fixtures.FlawDNSRebindingOpen}, want: check.StatusWarn, detail: "accepts this origin"},
	})
}

// TestAS_WhatServerAsks: RS-71 passes on a server that caches its JWKS (and on one that
// also introspects) and warns on one that fetches it for every request; RS-72 passes on a
// server that introspects (at once, or after a short introspection cache), informs on one
// that validates locally, fails on one that ignores "active": false or caches answers for
// ever.
func TestAS_WhatServerAsks(t *testing.T) {
	anon := func(c *check.Config) { c.Minter = nil; c.Scopes = nil }
	introspects := func(o *fixtures.Options) { o.Introspection = &fixtures.Introspection{} }
	shortCache := func(o *fixtures.Options) { o.Introspection = &fixtures.Introspection{CacheTTL: 300 * time.Millisecond} }
	quick := func(c *check.Config) { c.RevocationWait = time.Second }
	runVSCases(t, []vsCase{
		{id: "RS-71", want: check.StatusPass, detail: "caches its key set"},
		{id: "RS-71", tweak: introspects, want: check.StatusPass, detail: "token introspection used"},
		{id: "RS-71", flaws: []fixtures.Flaw{fixtures.FlawJWKSPerRequest}, want: check.StatusWarn, detail: "for every request"},
		{id: "RS-71", cfg: anon, want: check.StatusSkip},
		{id: "RS-72", want: check.StatusInfo, detail: "validates tokens locally"},
		{id: "RS-72", tweak: introspects, want: check.StatusPass, detail: "refused at once"},
		{id: "RS-72", tweak: shortCache, cfg: quick, want: check.StatusPass, detail: "caches introspection results for about"},
		{id: "RS-72", flaws: []fixtures.Flaw{fixtures.FlawIntrospectionActiveIgnored}, want: check.StatusFail, detail: "ignores the introspection answer"},
		{id: "RS-72", flaws: []fixtures.Flaw{fixtures.FlawIntrospectionCached}, cfg: quick, want: check.StatusFail, detail: "caches introspection results for longer"},
		{id: "RS-72", cfg: anon, want: check.StatusSkip},
	})
}

// TestAS_RevocationThroughControlPlane: with --mockas (a running mockas reached through its
// control plane) RS-71 reads the capture page by page and RS-72 revokes through
// POST /_mockas/tokens/revoke.
func TestAS_RevocationThroughControlPlane(t *testing.T) {
	e := newEnv(t, func(o *fixtures.Options) { o.Introspection = &fixtures.Introspection{} })
	cfg := e.config()
	m, err := check.ControlPlaneMinter(t.Context(), e.AS.URL, 0)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Minter = m
	for _, id := range []string{"RS-71", "RS-72"} {
		if res := run(t, cfg, id); res.Status != check.StatusPass {
			t.Errorf("%s through the control plane: %s: %s", id, res.Status, res.Detail)
		}
	}
	for _, f := range []fixtures.Flaw{fixtures.FlawIntrospectionActiveIgnored} {
		e := newEnv(t, fixtures.FlawTweak(f), f)
		cfg := e.config()
		if cfg.Minter, err = check.ControlPlaneMinter(t.Context(), e.AS.URL, 0); err != nil {
			t.Fatal(err)
		}
		if res := run(t, cfg, "RS-72"); res.Status != check.StatusFail {
			t.Errorf("RS-72 through the control plane on %s: %s: %s", f, res.Status, res.Detail)
		}
	}
}
