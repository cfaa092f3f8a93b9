package scenarios_test

// RS-73 (PKCE with S256 in the authorization server's metadata) and RS-74 (no private key
// material in its JWKS): a pass on the reference server, the verdict each flaw is documented
// to trip, and the FAILs of fronts that advertise only plain, mistype the member, or serve
// OpenID Connect metadata without it.

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
)

func TestAS_MetadataAndKeys(t *testing.T) {
	runVSCases(t, []vsCase{
		{id: "RS-73", want: check.StatusPass},
		flawed("RS-73", fixtures.FlawASNoPKCE, check.StatusWarn),
		{id: "RS-74", want: check.StatusPass},
		{id: "RS-74", flaws: []fixtures.Flaw{fixtures.FlawJWKSPrivateKey}, want: check.StatusFail, detail: `(kid "mcp-host-1", kty RSA): d, p, q, dp, dq, qi`},
		// Anonymous: both read only the discovery chain.
		{id: "RS-73", cfg: func(c *check.Config) { c.Minter = nil; c.Scopes = nil }, want: check.StatusPass},
		{id: "RS-74", cfg: func(c *check.Config) { c.Minter = nil; c.Scopes = nil }, want: check.StatusPass},
	})
}

// TestAS_PKCEFailures fronts the reference server (which fronts its authorization server,
// FlawASNoPKCE) with metadata that is a real violation.
func TestAS_PKCEFailures(t *testing.T) {
	setMethods := func(v any) func(_, _ string, next http.Handler) http.Handler {
		return func(_, _ string, next http.Handler) http.Handler {
			return rewriting(next, func(r *http.Request, c *captured) {
				if r.URL.Path != "/.well-known/oauth-authorization-server" {
					return
				}
				var meta map[string]any
				if json.Unmarshal(c.body, &meta) != nil {
					t.Fatalf("relayed metadata is not JSON: %s", c.body)
				}
				meta["code_challenge_methods_supported"] = v
				c.body, _ = json.Marshal(meta)
			})
		}
	}
	// OpenID Connect Discovery only: the relayed document moves to openid-configuration.
	oidcOnly := func(_, _ string, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/.well-known/oauth-authorization-server":
				http.NotFound(w, r)
			case "/.well-known/openid-configuration":
				r = r.Clone(r.Context())
				r.URL.Path = "/.well-known/oauth-authorization-server"
				next.ServeHTTP(w, r)
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
	for name, tc := range map[string]struct {
		wrap   func(base, path string, next http.Handler) http.Handler
		want   check.Status
		detail string
	}{
		"plain only":     {setMethods([]string{"plain"}), check.StatusFail, "without S256"},
		"a string":       {setMethods("S256"), check.StatusFail, "must be a JSON array of strings"},
		"S256 and plain": {setMethods([]string{"plain", "S256"}), check.StatusPass, ""},
		"OIDC, absent":   {oidcOnly, check.StatusFail, "OpenID Connect metadata"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg := startVariant(t, serverVariant{
				options: func(_ string, o *fixtures.Options) { o.Flaws = []fixtures.Flaw{fixtures.FlawASNoPKCE} },
				wrap:    tc.wrap,
			})
			res := run(t, cfg, "RS-73")
			if res.Status != tc.want || !strings.Contains(res.Detail, tc.detail) {
				t.Fatalf("RS-73: %s, want %s with %q\ndetail: %s", res.Status, tc.want, tc.detail, res.Detail)
			}
		})
	}
}

// TestAS_LeakedKeyRedacted: RS-74's detail and evidence name the leaked members, never their
// values.
func TestAS_LeakedKeyRedacted(t *testing.T) {
	e := newEnv(t, nil, fixtures.FlawJWKSPrivateKey)
	res := run(t, e.config(), "RS-74")
	if res.Status != check.StatusFail {
		t.Fatalf("RS-74: %s, want fail: %s", res.Status, res.Detail)
	}
	resp, err := http.Get(e.Server.URL + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	// The evidence: the result, and the discovery chain's JWKS exchange probe prints.
	r, err := check.NewRun(context.Background(), e.config())
	if err != nil {
		t.Fatal(err)
	}
	jwksEx := r.Discovery(context.Background()).Exchanges(check.StageJWKS)
	if len(jwksEx) == 0 {
		t.Fatal("no JWKS exchange recorded")
	}
	all := res.Detail + strings.Join(res.Steps, "\n")
	for _, ex := range append(res.Exchanges, jwksEx...) {
		all += ex.Request + ex.Response
	}
	checked := 0
	for _, k := range set.Keys {
		for _, m := range []string{"d", "p", "q", "dp", "dq", "qi"} {
			if v, ok := k[m].(string); ok {
				checked++
				if strings.Contains(all, v) {
					t.Errorf("the private member %s of kid %v appears in the result", m, k["kid"])
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("the flawed JWKS holds no private member")
	}
	if !strings.Contains(all, `"d":"[redacted`) {
		t.Errorf("the JWKS exchange does not show the redacted members:\n%s", jwksEx[0].Response)
	}
	if !strings.Contains(res.Detail, "d, p, q, dp, dq, qi") {
		t.Errorf("the detail does not name the leaked members: %s", res.Detail)
	}
}
