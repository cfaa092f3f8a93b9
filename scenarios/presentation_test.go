package scenarios_test

// Proof for the token-presentation checks (RS-26…RS-32): each passes on the correct reference
// server and fails or warns on the reference server broken in exactly that way.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
)

var presentationIDs = []string{"RS-26", "RS-27", "RS-28", "RS-29", "RS-30", "RS-31", "RS-32"}

var presentationCases = []rsCase{
	{id: "RS-26", want: check.StatusPass},
	{id: "RS-26", flaw: fixtures.FlawSchemeCaseSensitive, want: check.StatusFail},

	{id: "RS-27", want: check.StatusPass},
	{id: "RS-27", flaw: fixtures.FlawSingleSpaceOnly, want: check.StatusWarn},

	{id: "RS-28", want: check.StatusPass},
	{id: "RS-28", flaw: fixtures.FlawQueryTokenAccepted, want: check.StatusFail},

	{id: "RS-29", want: check.StatusPass},
	{id: "RS-29", flaw: fixtures.FlawQueryTokenAccepted, want: check.StatusFail},

	{id: "RS-30", want: check.StatusPass},
	{id: "RS-30", flaw: fixtures.FlawBodyTokenAccepted, want: check.StatusWarn},

	{id: "RS-31", want: check.StatusPass},
	{id: "RS-31", flaw: fixtures.FlawDuplicateAuthAccepted, want: check.StatusWarn},

	{id: "RS-32", want: check.StatusPass},
	{id: "RS-32", flaw: fixtures.FlawMalformedAuth500, want: check.StatusFail},
}

func TestPresentation_Checks(t *testing.T) {
	runRSCases(t, presentationCases)
}

func TestPresentation_FlawCoverage(t *testing.T) {
	assertFlawCoverage(t, presentationCases, presentationIDs)
}

// TestPresentation_RS31_ServerError shows RS-31 failing (not only warning) on a server that
// crashes with 500 on two Authorization field lines (no fixture flaw does that).
func TestPresentation_RS31_ServerError(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	cfg := proxyEnv(t, e, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if len(r.Header.Values("Authorization")) > 1 {
				http.Error(w, "panic: duplicate header", http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	assertStatus(t, run(t, cfg, "RS-31"), check.StatusFail)
}

// TestPresentation_RS26_AnonymousOnly shows the anonymous half of RS-26 on its own: without a
// token or minter, the lowercase scheme with a random token must still get invalid_token;
// when no answer carries an error code nothing can tell, so the check is inconclusive. With a
// valid token (cooperative mode) a server whose 401s carry no error code, like go-sdk's,
// passes: the case variants of the scheme were accepted.
func TestPresentation_RS26_AnonymousOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		flaw        fixtures.Flaw
		cooperative bool
		want        check.Status
	}{
		{"", false, check.StatusPass},
		{fixtures.FlawSchemeCaseSensitive, false, check.StatusWarn},
		{fixtures.FlawInvalidTokenNoError, false, check.StatusSkip},
		{fixtures.FlawInvalidTokenNoError, true, check.StatusPass},
	} {
		name := strings.TrimSpace("server " + string(tc.flaw))
		if tc.cooperative {
			name += " cooperative"
		}
		t.Run(name, func(t *testing.T) {
			var flaws []fixtures.Flaw
			if tc.flaw != "" {
				flaws = append(flaws, tc.flaw)
			}
			cfg := newEnv(t, nil, flaws...).config()
			if !tc.cooperative {
				cfg.Minter = nil
			}
			res := run(t, cfg, "RS-26")
			assertStatus(t, res, tc.want)
			if tc.want == check.StatusSkip && !strings.Contains(res.Detail, "inconclusive") {
				t.Errorf("detail %q does not say the check is inconclusive", res.Detail)
			}
		})
	}
}
