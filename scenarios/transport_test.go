package scenarios_test

// Proof for the transport checks RS-55…RS-62: pass (or record) on the correct reference server,
// fail or warn on the server broken in that way. RS-58 has no fixture flaw: the test reaches
// the correct server reached over plain http under a non-loopback host name instead.

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
)

func TestTransport_Verdicts(t *testing.T) {
	pass, fail, warn, info, skip := check.StatusPass, check.StatusFail, check.StatusWarn, check.StatusInfo, check.StatusSkip
	v0728 := func(c *check.Config) { c.SpecVersion = "2026-07-28" }
	v0326 := func(c *check.Config) { c.SpecVersion = "2025-03-26" }
	declare := func(c *check.Config) { c.RateLimit = &check.RateLimit{Requests: 5, Per: time.Minute} }
	limited := func(o *fixtures.Options) { o.RateLimit = &fixtures.RateLimit{Requests: 5, Per: time.Minute} }
	// A declared limit above the run's budget of 2,000 requests used to FAIL a correct server
	// with "request budget exhausted".
	declareBig := func(c *check.Config) { c.RateLimit = &check.RateLimit{Requests: 2000, Per: time.Minute} }
	limitedBig := func(o *fixtures.Options) { o.RateLimit = &fixtures.RateLimit{Requests: 2000, Per: time.Minute} }
	runVSCases(t, []vsCase{
		{id: "RS-55", want: pass},
		{id: "RS-55", cfg: v0728, want: pass},
		flawed("RS-55", fixtures.FlawProtocolVersionUnchecked, fail),
		{id: "RS-55", flaws: []fixtures.Flaw{fixtures.FlawProtocolVersionUnchecked}, cfg: v0728, want: fail},
		{id: "RS-56", want: pass},
		// 2026-07-28: the reference server still serves legacy (header-less) clients, which the
		// spec allows; recorded, not judged.
		{id: "RS-56", cfg: v0728, want: info, detail: "pre-2025-06-18"},
		flawed("RS-56", fixtures.FlawMissingVersionRejected, warn),
		{id: "RS-57", want: pass},
		{id: "RS-57", flaws: []fixtures.Flaw{fixtures.FlawOriginUnchecked}, want: warn, detail: "accepts this origin"},
		{id: "RS-57", flaws: []fixtures.Flaw{fixtures.FlawOriginAfterAuth}, want: warn, detail: "after authentication"},
		// The reference server runs on http://127.0.0.1: loopback http only warns.
		{id: "RS-58", want: warn, detail: "loopback"},
		{id: "RS-59", want: info}, // INFO row: a clean run records
		{id: "RS-59", flaws: []fixtures.Flaw{fixtures.FlawCORSMissing}, want: warn, detail: "preflight got 401"},
		{id: "RS-59", flaws: []fixtures.Flaw{fixtures.FlawCORSNoExposeHeaders}, want: warn, detail: "Access-Control-Expose-Headers"},
		{id: "RS-60", tweak: limited, cfg: declare, want: pass, detail: "429 after"},
		{id: "RS-60", tweak: limited, want: skip}, // nothing declared: nothing sent
		{id: "RS-60", tweak: limitedBig, cfg: declareBig, want: pass, detail: "429 after 2001"},
		{id: "RS-60", flaws: []fixtures.Flaw{fixtures.FlawRateLimitNever}, cfg: declare, want: fail, detail: "declared"},
		{id: "RS-60", flaws: []fixtures.Flaw{fixtures.FlawRateLimitNoRetryAfter}, cfg: declare, want: warn, detail: "no Retry-After"},
		{id: "RS-60", flaws: []fixtures.Flaw{fixtures.FlawRateLimitBadRetryAfter}, cfg: declare, want: fail, detail: "soon"},
		{id: "RS-61", want: info},
		{id: "RS-61", flaws: []fixtures.Flaw{fixtures.FlawErrorBodyContradicts}, want: warn, detail: "server_error"},
		{id: "RS-62", cfg: v0326, want: pass},
		{id: "RS-62", flaws: []fixtures.Flaw{fixtures.FlawNoASMetadata}, cfg: v0326, want: fail},
		{id: "RS-62", flaws: []fixtures.Flaw{fixtures.FlawASMetadataForeignIssuer}, cfg: v0326, want: warn, detail: "RFC 8414 §3.3"},
		{id: "RS-62", want: skip}, // 2025-03-26 only
	})
}

// TestTransport_RateLimitSendsNothingUndeclared: without --rate-limit, RS-60 must not send a
// single request to the MCP endpoint.
func TestTransport_RateLimitSendsNothingUndeclared(t *testing.T) {
	e := newEnv(t, func(o *fixtures.Options) { o.RateLimit = &fixtures.RateLimit{Requests: 5, Per: time.Minute} })
	res := run(t, e.config(), "RS-60")
	if res.Status != check.StatusSkip {
		t.Fatalf("RS-60 without a declared limit: status %q, want skip (%s)", res.Status, res.Detail)
	}
	if len(res.Exchanges) != 0 {
		t.Fatalf("RS-60 without a declared limit sent %d requests, want none", len(res.Exchanges))
	}
}

// TestTransport_HTTPSOnNonLoopbackFails: the correct server reached over plain http under a
// host name that is not loopback (no fixture flaw exists for this). The name is served by
// a transport that dials the fixture's loopback listener, so no traffic leaves loopback.
func TestTransport_HTTPSOnNonLoopbackFails(t *testing.T) {
	e := newEnv(t, func(o *fixtures.Options) { o.AllowedHosts = []string{"mcp.example.test"} })
	target, err := url.Parse(e.Server.URL)
	if err != nil {
		t.Fatalf("fixture URL: %v", err)
	}
	const host = "mcp.example.test"
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, target.Host) // every host name → the loopback fixture
	}
	cfg := e.config()
	cfg.Transport = tr
	cfg.URL = "http://" + host + ":" + target.Port() + strings.TrimPrefix(e.Server.MCPURL(), e.Server.URL)
	res := run(t, cfg, "RS-58")
	if res.Status != check.StatusFail || !strings.Contains(res.Detail, cfg.URL) {
		t.Fatalf("RS-58 via %s: status %q, want fail naming the URL\ndetail: %s", cfg.URL, res.Status, res.Detail)
	}
}
