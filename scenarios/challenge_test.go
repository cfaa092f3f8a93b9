package scenarios_test

// Proof for the 401-challenge checks (RS-01…RS-10b): each passes on the correct reference
// server and fails or warns on the reference server broken in exactly that way. The shared
// table runner (rsCase, runRSCases, assertFlawCoverage) is used by prm_test.go and
// presentation_test.go too.

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
)

// rsCase is one check run against one reference server.
type rsCase struct {
	id      string
	flaw    fixtures.Flaw // "" is the correct server
	version string        // spec version of the run; "" resolves automatically
	want    check.Status
	detail  string // a substring the result detail must contain (INFO rows end in info either way)
}

func (tc rsCase) name() string {
	server := "correct"
	if tc.flaw != "" {
		server = string(tc.flaw)
	}
	if tc.version != "" {
		server += "@" + tc.version
	}
	return tc.id + "/" + server
}

// runRSCases runs every case in parallel, each against a fresh mockas and reference server.
func runRSCases(t *testing.T, cases []rsCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name(), func(t *testing.T) {
			t.Parallel()
			var flaws []fixtures.Flaw
			if tc.flaw != "" {
				flaws = append(flaws, tc.flaw)
			}
			e := newEnv(t, nil, flaws...)
			cfg := e.config()
			cfg.SpecVersion = tc.version
			res := run(t, cfg, tc.id)
			assertStatus(t, res, tc.want)
			if !strings.Contains(res.Detail, tc.detail) {
				t.Errorf("%s: detail %q does not contain %q", res.ID, res.Detail, tc.detail)
			}
		})
	}
}

// assertStatus reports a result whose status is not want, with everything it recorded.
func assertStatus(t *testing.T, res check.Result, want check.Status) {
	t.Helper()
	if res.Status != want {
		t.Errorf("%s: status %s, want %s\ndetail: %s\nsteps:\n  %s", res.ID, res.Status, want, res.Detail,
			strings.Join(res.Steps, "\n  "))
	}
}

// assertFlawCoverage fails when a flaw documented as tripping one of ids has no case in
// cases that expects a non-pass verdict, and when one of ids has no case on the correct
// server: every check must be shown both passing and tripping.
func assertFlawCoverage(t *testing.T, cases []rsCase, ids []string) {
	t.Helper()
	covered := map[string]bool{}
	for _, tc := range cases {
		if tc.flaw == "" {
			covered[tc.id+"|"] = true
		} else if tc.want != check.StatusPass {
			covered[tc.id+"|"+string(tc.flaw)] = true
		}
	}
	tripped := map[string]bool{}
	for _, f := range fixtures.AllFlaws() {
		_, trips := fixtures.FlawInfo(f)
		for _, id := range trips {
			if !slices.Contains(ids, id) {
				continue
			}
			tripped[id] = true
			if !covered[id+"|"+string(f)] {
				t.Errorf("flaw %q is documented to trip %s, but no case shows it", f, id)
			}
		}
	}
	for _, id := range ids {
		if !covered[id+"|"] {
			t.Errorf("%s has no case on the correct server", id)
		}
		if !tripped[id] && !slices.ContainsFunc(cases, func(tc rsCase) bool { return tc.id == id && tc.want != check.StatusPass }) {
			t.Errorf("%s is never shown tripping", id)
		}
	}
}

// proxyEnv fronts e's reference server with a reverse proxy whose handler wrap can alter,
// for behaviours no fixture flaw provides. It returns the run configuration aimed at the
// proxy (the metadata the server advertises still names the server itself).
func proxyEnv(t *testing.T, e *env, wrap func(next http.Handler) http.Handler) check.Config {
	t.Helper()
	backend, err := url.Parse(e.Server.URL)
	if err != nil {
		t.Fatalf("parse %q: %v", e.Server.URL, err)
	}
	proxy := httptest.NewServer(wrap(httputil.NewSingleHostReverseProxy(backend)))
	t.Cleanup(proxy.Close)
	cfg := e.config()
	cfg.URL = proxy.URL + strings.TrimPrefix(e.Server.MCPURL(), e.Server.URL)
	return cfg
}

var challengeIDs = []string{"RS-01", "RS-02", "RS-03", "RS-04", "RS-05", "RS-06", "RS-07", "RS-08", "RS-09",
	"RS-10", "RS-10b"}

var challengeCases = []rsCase{
	{id: "RS-01", want: check.StatusPass},
	{id: "RS-01", flaw: fixtures.FlawNoAuth, want: check.StatusFail},
	{id: "RS-01", flaw: fixtures.FlawChallenge403, want: check.StatusFail},

	{id: "RS-02", want: check.StatusPass},
	{id: "RS-02", flaw: fixtures.FlawNoWWWAuthenticate, want: check.StatusFail},
	{id: "RS-02", flaw: fixtures.FlawBareBearer, want: check.StatusFail},
	{id: "RS-02", flaw: fixtures.FlawNoAuth, want: check.StatusSkip}, // no 401 to inspect

	{id: "RS-03", want: check.StatusPass},
	{id: "RS-03", version: check.Version20250618, want: check.StatusPass},
	// From 2025-11-25 the well-known documents are the alternative: only a warning.
	{id: "RS-03", flaw: fixtures.FlawNoResourceMetadata, want: check.StatusWarn},
	{id: "RS-03", flaw: fixtures.FlawNoWWWAuthenticate, want: check.StatusWarn},
	{id: "RS-03", flaw: fixtures.FlawBareBearer, want: check.StatusWarn},
	// 2025-06-18 has no alternative: a failure.
	{id: "RS-03", flaw: fixtures.FlawNoResourceMetadata, version: check.Version20250618, want: check.StatusFail},
	{id: "RS-03", flaw: fixtures.FlawBareBearer, version: check.Version20250618, want: check.StatusFail},

	{id: "RS-04", want: check.StatusPass},
	{id: "RS-04", flaw: fixtures.FlawUnquotedResourceMetadata, want: check.StatusWarn},
	{id: "RS-04", flaw: fixtures.FlawRelativeResourceMetadata, want: check.StatusWarn},
	{id: "RS-04", flaw: fixtures.FlawAngleBracketResourceMetadata, want: check.StatusWarn, detail: "wrapped in angle brackets"},
	{id: "RS-04", flaw: fixtures.FlawNoResourceMetadata, want: check.StatusSkip},

	{id: "RS-05", want: check.StatusPass},
	{id: "RS-05", flaw: fixtures.FlawErrorOnMissingToken, want: check.StatusWarn},

	{id: "RS-06", want: check.StatusPass},
	{id: "RS-06", flaw: fixtures.FlawNoScopeInChallenge, want: check.StatusWarn},

	{id: "RS-07", want: check.StatusPass},
	{id: "RS-07", flaw: fixtures.FlawDuplicateChallengeParam, want: check.StatusFail},

	{id: "RS-08", want: check.StatusPass},
	{id: "RS-08", flaw: fixtures.FlawBasicSchemeAccepted, want: check.StatusFail},
	{id: "RS-08", flaw: fixtures.FlawBasicSchemeError, want: check.StatusWarn},

	{id: "RS-09", want: check.StatusPass},
	{id: "RS-09", flaw: fixtures.FlawGetUnauthenticated, want: check.StatusFail},
	{id: "RS-09", flaw: fixtures.FlawDeleteUnauthenticated, want: check.StatusFail},

	{id: "RS-10", want: check.StatusPass},
	{id: "RS-10", flaw: fixtures.FlawSessionAuthenticates, want: check.StatusFail},

	{id: "RS-10b", want: check.StatusPass},
	{id: "RS-10b", flaw: fixtures.FlawPredictableSessionIDs, want: check.StatusWarn},
	{id: "RS-10b", flaw: fixtures.FlawSessionNotBound, want: check.StatusWarn},
}

func TestChallenge_Checks(t *testing.T) {
	runRSCases(t, challengeCases)
}

func TestChallenge_FlawCoverage(t *testing.T) {
	assertFlawCoverage(t, challengeCases, challengeIDs)
}

// TestChallenge_RS09_StreamOpened shows RS-09 failing on a server that opens an event
// stream for an unauthenticated GET and keeps it open (no fixture flaw does both).
func TestChallenge_RS09_StreamOpened(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	cfg := proxyEnv(t, e, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || r.Header.Get("Authorization") != "" || !strings.HasSuffix(r.URL.Path, "/mcp") {
				next.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		})
	})
	assertStatus(t, run(t, cfg, "RS-09"), check.StatusFail)
}
