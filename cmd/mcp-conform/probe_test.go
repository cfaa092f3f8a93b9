package main

// "probe" against reference servers trusting an in-process mockas: the correct server shows
// every step OK; broken ones name what is wrong; requests stay bounded.

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/fixtures"
)

// probeFixture starts a mockas and a fixture server with flaws, and probes it.
func probeFixture(t *testing.T, flaws ...fixtures.Flaw) (result, fixtureEnv) {
	t.Helper()
	e := newFixture(t, fixtures.Broken{Flaws: flaws})
	args := []string{"probe", "--url", e.srv.MCPURL()}
	return runInProcess(t, nil, args...), e
}

// probeStatuses returns ID → status word of the verdict lines of probe's output.
func probeStatuses(out string) map[string]string {
	re := regexp.MustCompile(`(?m)^   (PASS|FAIL|WARN|SKIP|INFO)\s+(RS-\S+)  `)
	got := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		got[m[2]] = m[1]
	}
	return got
}

func TestProbe_correctServer(t *testing.T) {
	r, e := probeFixture(t)
	wantCode(t, r, exitOK, "probe")
	for id, st := range probeStatuses(r.stdout) {
		if st == "FAIL" || st == "WARN" {
			t.Errorf("%s %s on the correct server:\n%s", st, id, r.stdout)
		}
	}
	for _, want := range []string{
		"1. Unauthenticated request to " + e.srv.MCPURL(),
		"   POST /mcp (Host: " + strings.TrimPrefix(e.srv.URL, "http://") + ")",
		"     → 401 Unauthorized",
		"   PASS  RS-01  ",
		"2. Protected resource metadata",
		"→ found at " + e.srv.URL + "/.well-known/oauth-protected-resource/mcp",
		"   PASS  RS-12  ",
		"3. Authorization server metadata",
		`→ issuer "` + e.as.Issuer() + `"`,
		"   PASS  RS-19  ",
		"4. JWKS",
		"→ 1 key(s) at ",
		"the discovery chain is complete",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestProbe_sameVerdictsAsRun: probe is a view over the checks of run: on broken servers it
// shows the IDs each flaw trips, with the verdicts a run reaches on the same server.
func TestProbe_sameVerdictsAsRun(t *testing.T) {
	probeIDs := conformance.ProbeIDs()
	for _, flaw := range []fixtures.Flaw{
		fixtures.FlawNoResourceMetadata, fixtures.FlawPRMHTML, fixtures.FlawNoWWWAuthenticate,
		fixtures.FlawChallenge403, fixtures.FlawPRMResourceOrigin, fixtures.FlawPRMASEndpoint, fixtures.FlawPRMEmptyArray,
	} {
		t.Run(string(flaw), func(t *testing.T) {
			r, e := probeFixture(t, flaw)
			got := probeStatuses(r.stdout)
			_, ids := fixtures.FlawInfo(flaw)
			for _, id := range ids {
				if slices.Contains(probeIDs, id) && got[id] != "FAIL" && got[id] != "WARN" {
					t.Errorf("%s: probe shows %s %q, want FAIL or WARN:\n%s", flaw, id, got[id], r.stdout)
				}
			}
			filter := "id:" + strings.Join(probeIDs, " || id:")
			rep, err := conformance.Execute(t.Context(), conformance.Target{URL: e.srv.MCPURL()}, conformance.Options{LabelFilter: filter})
			if err != nil {
				t.Fatal(err)
			}
			for _, res := range rep.Results {
				if want := strings.ToUpper(string(res.Status)); got[res.ID] != want {
					t.Errorf("%s: probe shows %s %q, run reaches %q", flaw, res.ID, got[res.ID], want)
				}
			}
			if want := rep.ExitCode(false); r.code != want {
				t.Errorf("%s: probe exits %d, run exits %d", flaw, r.code, want)
			}
			if r.code == exitFail && !strings.Contains(r.stdout, "the discovery chain is broken") {
				t.Errorf("the closing line does not say the chain is broken:\n%s", r.stdout)
			}
		})
	}
}

func TestProbe_redirectsAreNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		elsewhere.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"resource":"x"}`))
	}))
	t.Cleanup(other.Close)
	var target *httptest.Server
	target = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/mcp" {
			w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="`+target.URL+`/prm"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
	}))
	t.Cleanup(target.Close)

	r := runInProcess(t, nil, "probe", "--url", target.URL+"/mcp")
	wantCode(t, r, exitFail, "probe")
	if !strings.Contains(r.stdout, "302 redirect to "+other.URL+"/elsewhere not followed") {
		t.Errorf("the redirect is not reported:\n%s", r.stdout)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the redirect target was requested %d time(s)", n)
	}
}

func TestProbe_headerEnvOnlyToTheTarget(t *testing.T) {
	var leaked atomic.Int32
	as := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != "" {
			leaked.Add(1)
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(as.Close)
	var sawKey atomic.Int32
	var target *httptest.Server
	target = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") == "k" {
			sawKey.Add(1)
		}
		if r.URL.Path == "/mcp" {
			w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="`+target.URL+`/.well-known/oauth-protected-resource/mcp"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"resource":"` + target.URL + `/mcp","authorization_servers":["` + as.URL + `"]}`))
	}))
	t.Cleanup(target.Close)

	r := runInProcess(t, map[string]string{"GW": "X-Api-Key: k"}, "probe", "--url", target.URL+"/mcp", "--header-env", "GW")
	wantCode(t, r, exitFail, "probe") // the AS has no metadata
	if sawKey.Load() == 0 {
		t.Error("the target never received the --header-env header")
	}
	if n := leaked.Load(); n != 0 {
		t.Errorf("the --header-env header was sent to the authorization server %d time(s)", n)
	}
}

func TestProbe_unreachableAndUsage(t *testing.T) {
	url := "http://" + closedPort(t) + "/mcp"
	r := runInProcess(t, nil, "probe", "--url", url, "--timeout", "2s")
	wantCode(t, r, exitUsage, "probe", url)
	if !strings.Contains(r.stderr, "cannot reach "+url) {
		t.Errorf("stderr does not say the target is unreachable:\n%s", r.stderr)
	}
	for _, args := range [][]string{
		{"probe"},
		{"probe", "--url", "/mcp"},
		{"probe", "--url", "http://127.0.0.1:1/mcp", "extra"},
		{"probe", "--url", "http://127.0.0.1:1/mcp", "--timeout", "0s"},
	} {
		r := runInProcess(t, nil, args...)
		wantCode(t, r, exitUsage, args...)
	}
}
