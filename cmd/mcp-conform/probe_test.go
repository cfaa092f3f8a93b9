package main

// "probe" against reference servers trusting an in-process mockas: the correct server shows
// every step OK; broken ones name what is wrong; requests stay bounded.

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mcp-conform/mcp-conform/fixtures"
)

// probeFixture starts a mockas and a fixture server with flaws, and probes it.
func probeFixture(t *testing.T, flaws ...fixtures.Flaw) (result, fixtureEnv) {
	t.Helper()
	e := newFixture(t, fixtures.Broken{Flaws: flaws})
	args := []string{"probe", "--url", e.srv.MCPURL()}
	return runInProcess(t, nil, args...), e
}

func TestProbe_correctServer(t *testing.T) {
	r, e := probeFixture(t)
	wantCode(t, r, exitOK, "probe")
	for _, v := range verdicts(r.stdout) {
		if !strings.HasPrefix(v, verdictOK+" ") {
			t.Errorf("unexpected verdict %q on the correct server:\n%s", v, r.stdout)
		}
	}
	for _, want := range []string{
		"1. Unauthenticated request: POST " + e.srv.MCPURL(),
		"OK    401 Unauthorized",
		"2. Protected resource metadata",
		"GET " + e.srv.URL + "/.well-known/oauth-protected-resource/mcp (resource_metadata)",
		`OK    resource "` + e.srv.MCPURL() + `"`,
		`OK    authorization_servers ["` + e.as.Issuer() + `"]`,
		"3. Authorization server metadata for " + e.as.Issuer(),
		`OK    issuer "` + e.as.Issuer() + `"`,
		"4. JWKS",
		"OK    1 key(s) published",
		"the discovery chain is complete",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestProbe_brokenServers(t *testing.T) {
	tests := []struct {
		flaw       fixtures.Flaw
		wantFail   string // text of a FAIL line
		unreached  bool   // steps 3 and 4 are not reached
		wantInTail string // more text somewhere in the output
	}{
		{fixtures.FlawNoResourceMetadata, "no resource_metadata in the challenge", false, "found at a well-known URL"},
		{fixtures.FlawPRMHTML, `Content-Type "text/html`, true, "no protected resource metadata"},
		{fixtures.FlawNoPRM, "status 404, want 200", true, "no protected resource metadata"},
		{fixtures.FlawNoWWWAuthenticate, "no WWW-Authenticate header", false, ""},
		{fixtures.FlawChallenge403, "403 for a request without credentials", false, ""},
		{fixtures.FlawNoAuth, "the endpoint answers without credentials", false, ""},
		{fixtures.FlawPRMResourceOrigin, "resource \"", false, "clients must reject this document"},
		{fixtures.FlawPRMNoAuthorizationServers, "no authorization_servers", true, ""},
		{fixtures.FlawPRMASEndpoint, "no authorization server metadata for", false, ""},
		{fixtures.FlawPRMEmptyArray, "scopes_supported is empty", false, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.flaw), func(t *testing.T) {
			r, _ := probeFixture(t, tt.flaw)
			wantCode(t, r, exitFail, "probe", string(tt.flaw))
			found := false
			for _, line := range strings.Split(r.stdout, "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), verdictFail) && strings.Contains(line, tt.wantFail) {
					found = true
				}
			}
			if !found {
				t.Errorf("no FAIL line containing %q:\n%s", tt.wantFail, r.stdout)
			}
			if tt.unreached && !strings.Contains(r.stdout, "SKIP  not reached") {
				t.Errorf("later steps are not marked as not reached:\n%s", r.stdout)
			}
			if tt.wantInTail != "" && !strings.Contains(r.stdout, tt.wantInTail) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantInTail, r.stdout)
			}
			if !strings.Contains(r.stdout, "the discovery chain is broken") {
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
	if !strings.Contains(r.stdout, "redirect to \""+other.URL+"/elsewhere\" (not followed") {
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
