package scenarios_test

// Proof for the token-validation checks RS-33…RS-50: each passes (or records, for INFO rows) on
// the correct reference server and fails or warns on the server broken in exactly that way;
// when the positive control fails, every negative is skipped as inconclusive, never passed.

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// vsCase is one expected verdict: check id against a fixture with flaws (none = correct).
type vsCase struct {
	id     string
	flaws  []fixtures.Flaw
	tweak  func(*fixtures.Options) // applied after the flaws' FlawTweak
	cfg    func(*check.Config)
	want   check.Status
	detail string // substring the result detail must contain (case-insensitive), if set
}

// name is the subtest name: id, then the flaws or "correct".
func (tc vsCase) name() string {
	if len(tc.flaws) == 0 {
		return tc.id + "/correct"
	}
	parts := make([]string, len(tc.flaws))
	for i, f := range tc.flaws {
		parts[i] = string(f)
	}
	return tc.id + "/" + strings.Join(parts, "+")
}

// runVSCases runs each case against a fresh mockas and fixture, in parallel. A flawed case
// also asserts that the fixture catalogue lists the id for that flaw, so the proof stays tied
// to fixtures.FlawInfo.
func runVSCases(t *testing.T, cases []vsCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name(), func(t *testing.T) {
			t.Parallel()
			for _, f := range tc.flaws {
				desc, ids := fixtures.FlawInfo(f)
				if desc == "" {
					t.Fatalf("flaw %q is not in the fixture catalogue", f)
				}
				if tc.want != check.StatusSkip && !slices.Contains(ids, tc.id) {
					t.Fatalf("flaw %q (%s) is documented to trip %v, not %s", f, desc, ids, tc.id)
				}
			}
			e := newEnv(t, func(o *fixtures.Options) {
				for _, f := range tc.flaws {
					if tw := fixtures.FlawTweak(f); tw != nil {
						tw(o)
					}
				}
				if tc.tweak != nil {
					tc.tweak(o)
				}
			}, tc.flaws...)
			cfg := e.config()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			res := run(t, cfg, tc.id)
			if res.Status != tc.want {
				t.Fatalf("%s: status %q, want %q\ndetail: %s\nsteps: %s", tc.id, res.Status, tc.want, res.Detail, strings.Join(res.Steps, " | "))
			}
			t.Logf("%s: %s: %s", tc.id, res.Status, res.Detail)
			if tc.detail != "" && !strings.Contains(strings.ToLower(res.Detail), strings.ToLower(tc.detail)) {
				t.Fatalf("%s: detail %q does not contain %q", tc.id, res.Detail, tc.detail)
			}
		})
	}
}

// flawed builds a case for one flaw.
func flawed(id string, f fixtures.Flaw, want check.Status) vsCase {
	return vsCase{id: id, flaws: []fixtures.Flaw{f}, want: want}
}

func TestValidation_Verdicts(t *testing.T) {
	pass, fail, warn, info := check.StatusPass, check.StatusFail, check.StatusWarn, check.StatusInfo
	cases := []vsCase{
		{id: "RS-33", want: pass},
		flawed("RS-33", fixtures.FlawOpaqueTokenAccepted, fail),
		flawed("RS-33", fixtures.FlawInvalidTokenNoError, warn),
		{id: "RS-34", want: pass},
		flawed("RS-34", fixtures.FlawMalformedJWT500, fail),
		{id: "RS-35", want: pass},
		flawed("RS-35", fixtures.FlawAlgNoneAccepted, fail),
		{id: "RS-36", want: pass},
		flawed("RS-36", fixtures.FlawHS256Confusion, fail),
		{id: "RS-37", want: pass},
		flawed("RS-37", fixtures.FlawForeignKeyAccepted, fail),
		{id: "RS-38", want: pass},
		flawed("RS-38", fixtures.FlawJWKHeaderTrusted, fail),
		{id: "RS-38", flaws: []fixtures.Flaw{fixtures.FlawJKUFollowed}, want: fail, detail: "jku"},
		{id: "RS-38", flaws: []fixtures.Flaw{fixtures.FlawJKUFetched}, want: warn, detail: "fetched"},
		{id: "RS-38", flaws: []fixtures.Flaw{fixtures.FlawKidInjection}, want: fail, detail: "with kid"},
		{id: "RS-38", flaws: []fixtures.Flaw{fixtures.FlawEmptyHMACKeyAccepted}, want: fail, detail: "dev/null"},
		{id: "RS-66", want: pass},
		{id: "RS-66", flaws: []fixtures.Flaw{fixtures.FlawEmptyHMACKeyAccepted}, want: fail, detail: "empty key"},
		{id: "RS-66", flaws: []fixtures.Flaw{fixtures.FlawAlgMissingAccepted}, want: fail, detail: "no alg"},
		{id: "RS-39", want: pass},
		flawed("RS-39", fixtures.FlawSignatureStrippedAccepted, fail),
		flawed("RS-39", fixtures.FlawForeignKeyAccepted, fail),
		{id: "RS-40", want: pass},
		flawed("RS-40", fixtures.FlawExpiredAccepted, fail),
		{id: "RS-41", want: pass},
		flawed("RS-41", fixtures.FlawNBFIgnored, fail),
		{id: "RS-42", want: pass},
		flawed("RS-42", fixtures.FlawIssuerUnchecked, fail),
		{id: "RS-43", want: pass},
		flawed("RS-43", fixtures.FlawAudienceUnchecked, fail),
		{id: "RS-44", want: pass},
		flawed("RS-44", fixtures.FlawNoAudAccepted, fail),
		{id: "RS-45", want: pass},
		{id: "RS-45", flaws: []fixtures.Flaw{fixtures.FlawStringAudRejected}, want: warn, detail: "string"},
		// INFO rows record; the detail shows the deviation.
		{id: "RS-46", want: info, detail: "typ JWT accepted"},
		{id: "RS-46", flaws: []fixtures.Flaw{fixtures.FlawTypAtJWTRequired}, want: info, detail: "typ JWT rejected"},
		{id: "RS-47", want: pass},
		flawed("RS-47", fixtures.FlawNoExpAccepted, warn), // SHOULD-level row
		{id: "RS-48", want: info, detail: "rejected"},
		{id: "RS-48", flaws: []fixtures.Flaw{fixtures.FlawAudienceNormalized}, want: info, detail: "accepted"},
		{id: "RS-49", want: pass},
		flawed("RS-49", fixtures.FlawCritIgnored, fail),
		{id: "RS-50", want: pass},
		flawed("RS-50", fixtures.FlawPositiveBroken, fail),
	}
	runVSCases(t, cases)
}

// TestValidation_InconclusiveWithoutPositiveControl: a server that rejects every token would
// "pass" every negative; with the positive control failing they must be skipped instead.
func TestValidation_InconclusiveWithoutPositiveControl(t *testing.T) {
	var cases []vsCase
	for _, id := range []string{"RS-33", "RS-34", "RS-35", "RS-36", "RS-37", "RS-38", "RS-39", "RS-40",
		"RS-41", "RS-42", "RS-43", "RS-44", "RS-45", "RS-47", "RS-48", "RS-49"} {
		cases = append(cases, vsCase{id: id, flaws: []fixtures.Flaw{fixtures.FlawPositiveBroken}, want: check.StatusSkip, detail: "inconclusive"})
	}
	runVSCases(t, cases)
}

// TestValidation_ForgedChecksRunAnonymously: RS-35…RS-37 need no minter (they forge from the
// published JWKS), so they still catch the flaw without cooperative mode.
func TestValidation_ForgedChecksRunAnonymously(t *testing.T) {
	anon := func(c *check.Config) { c.Minter = nil; c.Scopes = nil }
	runVSCases(t, []vsCase{
		{id: "RS-35", cfg: anon, want: check.StatusPass},
		{id: "RS-35", flaws: []fixtures.Flaw{fixtures.FlawAlgNoneAccepted}, cfg: anon, want: check.StatusFail},
		{id: "RS-36", flaws: []fixtures.Flaw{fixtures.FlawHS256Confusion}, cfg: anon, want: check.StatusFail},
		{id: "RS-37", flaws: []fixtures.Flaw{fixtures.FlawForeignKeyAccepted}, cfg: anon, want: check.StatusFail},
		{id: "RS-38", flaws: []fixtures.Flaw{fixtures.FlawJWKHeaderTrusted}, cfg: anon, want: check.StatusFail},
		{id: "RS-40", cfg: anon, want: check.StatusSkip}, // needs minting
	})
}

// TestValidation_SuppliedTokenMode: with only a supplied token (no minter), RS-39 tampers with
// that token itself, and the negatives are still gated by the positive control.
func TestValidation_SuppliedTokenMode(t *testing.T) {
	for _, tc := range []struct {
		id   string
		flaw fixtures.Flaw
		want check.Status
	}{
		{"RS-39", "", check.StatusPass},
		{"RS-39", fixtures.FlawSignatureStrippedAccepted, check.StatusFail},
		{"RS-33", "", check.StatusPass},
		{"RS-33", fixtures.FlawPositiveBroken, check.StatusSkip},
		{"RS-40", "", check.StatusSkip}, // needs minting
	} {
		t.Run(tc.id+"/"+string(tc.flaw), func(t *testing.T) {
			t.Parallel()
			var flaws []fixtures.Flaw
			if tc.flaw != "" {
				flaws = append(flaws, tc.flaw)
			}
			e := newEnv(t, nil, flaws...)
			tok, err := e.AS.Mint(mockas.TokenSpec{Audience: []string{e.Server.MCPURL()},
				Scopes: []string{"mcp:tools:weather", "mcp:admin"}})
			if err != nil {
				t.Fatalf("mint the supplied token: %v", err)
			}
			cfg := e.config()
			cfg.Minter, cfg.Token = nil, tok
			res := run(t, cfg, tc.id)
			t.Logf("%s: %s: %s", tc.id, res.Status, res.Detail)
			if res.Status != tc.want {
				t.Fatalf("%s supplied-token mode: status %q, want %q\ndetail: %s", tc.id, res.Status, tc.want, res.Detail)
			}
		})
	}
}

// TestValidation_AudienceMessagesShowAud: every audience-related verdict shows the aud that
// was sent; a server that accepts only the Scalekit resource id (res_…) passes the positive
// control (whose token names both) and gets a WARN on RS-45 that says so (the identifier it
// expects for itself is its choice, RFC 9068 §4; mcp-use's Scalekit provider does this).
func TestValidation_AudienceMessagesShowAud(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	resIDOnly := proxyEnv(t, e, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok &&
				!slices.ContainsFunc(check.TokenAudience(tok), func(a string) bool { return strings.HasPrefix(a, "res_") }) {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="audience mismatch"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	if res := run(t, resIDOnly, check.ControlID); res.Status != check.StatusPass {
		t.Fatalf("RS-50 on the res_-only server: %s %s", res.Status, res.Detail)
	}
	res := run(t, resIDOnly, "RS-45")
	assertStatus(t, res, check.StatusWarn)
	for _, want := range []string{`aud ["` + e.Server.MCPURL() + `"]`, `the server seems to accept only ["res_`, "Accept the resource of its PRM document"} {
		if !strings.Contains(res.Detail, want) {
			t.Errorf("RS-45 detail lacks %q:\n%s", want, res.Detail)
		}
	}
	for _, tc := range []struct {
		id   string
		flaw fixtures.Flaw
		want string
	}{
		{"RS-43", fixtures.FlawAudienceUnchecked, `(defect wrong_audience), aud ["`},
		{"RS-44", fixtures.FlawNoAudAccepted, "a token without an aud claim, no aud claim"},
	} {
		res := run(t, newEnv(t, nil, tc.flaw).config(), tc.id)
		assertStatus(t, res, check.StatusFail)
		if !strings.Contains(res.Detail, tc.want) {
			t.Errorf("%s detail lacks %q:\n%s", tc.id, tc.want, res.Detail)
		}
	}
}
