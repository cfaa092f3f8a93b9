package main

// Acceptance test of the one safety core (issue 8): hostile targets give bounded, redacted,
// escaped output through run (every report format), probe and token inspect alike.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Secrets of the hostile run: an opaque (not JWT-shaped) supplied token and a --header-env
// value, so only the run's secret list can catch them.
const (
	hostileToken  = "opaque-supplied-token-5c1e7a90"
	hostileHeader = "gw-secret-value-93ab41"
)

// hostileBytes is what a hostile target puts wherever it can: a screen clear and a forged
// PASS line, a window-title OSC, a bidi override and invalid UTF-8.
const hostileBytes = "\x1b[2J\x1b[H\rPASS  RS-99  forged\x1b]0;pwned\x07 \u202etxt.exe\xff"

// echoTarget echoes every credential it receives back in a header, the challenge's
// error_description and the body, surrounded by terminal escapes.
func echoTarget(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base := "http://" + r.Host // not srv.URL: the handler must not read the variable being assigned
		echo := r.Header.Get("Authorization") + " " + r.Header.Get("X-Gateway-Key") + " " + r.URL.RawQuery
		w.Header().Set("X-Echo", strings.ToValidUTF8(strings.Map(func(c rune) rune {
			if c < 0x20 {
				return -1
			}
			return c
		}, echo+" "+hostileToken), "?"))
		if strings.HasPrefix(r.URL.Path, "/.well-known/") {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{
				"resource": base + "/mcp", "authorization_servers": []string{base},
				"issuer": base, "jwks_uri": base + "/jwks", "scopes_supported": []string{"mcp" + hostileBytes},
				"echo": echo + hostileBytes,
			})
			return
		}
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer resource_metadata="%s/.well-known/oauth-protected-resource/mcp", error="invalid_token", error_description="rejected %s"`,
			base, strings.ReplaceAll(echo, `"`, "")))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":"invalid_token","error_description":"rejected %s %s","seen":%q}`, echo, hostileBytes, echo)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// floodTarget answers every request with 20,000 WWW-Authenticate lines.
func floodTarget(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 20000 {
			w.Header().Add("WWW-Authenticate", fmt.Sprintf(`Bearer realm="r%d", error="invalid_token"`, i))
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// assertSafe checks one output: no secret, no raw terminal control, valid UTF-8, bounded.
func assertSafe(t *testing.T, name, out string, maxBytes int) {
	t.Helper()
	for _, secret := range []string{hostileToken, hostileHeader} {
		if strings.Contains(out, secret) {
			t.Errorf("%s leaks %q", name, secret)
		}
	}
	if i := strings.IndexAny(out, "\x1b\x07\u202e\u009b"); i >= 0 {
		t.Errorf("%s carries a raw control character at %d: %q", name, i, out[max(0, i-40):min(len(out), i+40)])
	}
	if strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\r") {
		t.Errorf("%s carries a bare CR", name)
	}
	if !utf8.ValidString(out) {
		t.Errorf("%s is not valid UTF-8", name)
	}
	if len(out) > maxBytes {
		t.Errorf("%s is %d bytes, more than %d", name, len(out), maxBytes)
	}
}

func TestHostileTargets_runProbeAndTokenInspect(t *testing.T) {
	env := []string{"TOK=" + hostileToken, "GW=X-Gateway-Key: " + hostileHeader}
	for _, tt := range []struct {
		name string
		srv  *httptest.Server
	}{{"echo", echoTarget(t)}, {"flood", floodTarget(t)}} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			url := tt.srv.URL + "/mcp"
			start := time.Now()
			r := runBinary(t, env, "run", "--url", url, "--token-env", "TOK", "--header-env", "GW", "--verbose",
				"--json", filepath.Join(dir, "r.json"), "--junit", filepath.Join(dir, "r.xml"),
				"--html", filepath.Join(dir, "r.html"), "--sarif", filepath.Join(dir, "r.sarif"))
			t.Logf("run against the %s target: exit %d in %s", tt.name, r.code, time.Since(start))
			if r.code != exitFail {
				t.Errorf("run: exit code %d, want %d\n%s\n%s", r.code, exitFail, tail(r.stdout), r.stderr)
			}
			assertSafe(t, "run stdout", r.stdout, 4<<20)
			t.Logf("run stdout: %d bytes", len(r.stdout))
			// The hostile bytes did reach the output, escaped and redacted (the test can fail).
			want := map[string][]string{
				"echo":  {`\x1b[2J\x1b[H\rPASS  RS-99`, "[redacted 30 bytes]", "[redacted 22 bytes]"},
				"flood": {"more header lines dropped"},
			}[tt.name]
			for _, w := range want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("run stdout lacks %q:\n%s", w, tail(r.stdout))
				}
			}
			assertSafe(t, "run stderr", r.stderr, 64<<10)
			for _, f := range []string{"r.json", "r.xml", "r.html", "r.sarif"} {
				data, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				text := string(data)
				if f == "r.json" || f == "r.sarif" { // JSON escapes controls as \u001b: decode first
					var v any
					if err := json.Unmarshal(data, &v); err != nil {
						t.Fatalf("%s: %v", f, err)
					}
					b, _ := json.Marshal(v)
					text = string(b) + flatten(v)
				}
				assertSafe(t, f, text, 8<<20)
			}

			start = time.Now()
			p := runInProcess(t, map[string]string{"GW": "X-Gateway-Key: " + hostileHeader}, "probe", "--url", url, "--header-env", "GW")
			t.Logf("probe against the %s target: exit %d in %s", tt.name, p.code, time.Since(start))
			assertSafe(t, "probe stdout", p.stdout, 1<<20)
			if tt.name == "flood" && !strings.Contains(p.stdout, "more header lines dropped") {
				t.Errorf("probe does not say header lines were dropped:\n%s", tail(p.stdout))
			}
			if tt.name == "echo" && !strings.Contains(p.stdout, "[redacted 22 bytes]") {
				t.Errorf("probe does not show the echoed header value redacted:\n%s", tail(p.stdout))
			}
			assertSafe(t, "probe stderr", p.stderr, 64<<10)

			tok := hostileJWT(tt.srv.URL)
			ti := runInProcess(t, map[string]string{"T": tok}, "token", "inspect", "--token-env", "T", "--issuer", tt.srv.URL)
			assertSafe(t, "token inspect stdout", ti.stdout, 256<<10)
			assertSafe(t, "token inspect stderr", ti.stderr, 64<<10)
			if !strings.Contains(ti.stdout, `"k\u001b[2J\u001b[H\rPASS`) || !strings.Contains(ti.stdout, `\u202etxt.exe`) {
				t.Errorf("token inspect does not show the hostile kid escaped:\n%s", ti.stdout)
			}
			if strings.Contains(ti.stdout+ti.stderr, tok) {
				t.Errorf("token inspect prints the token")
			}
		})
	}
}

// hostileJWT is an unsigned-looking JWT whose header and claims carry terminal escapes.
func hostileJWT(issuer string) string {
	seg := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return seg(map[string]any{"alg": "RS256", "kid": "k" + hostileBytes, "typ": "JWT"}) + "." +
		seg(map[string]any{"iss": issuer, "sub": "s" + hostileBytes, "aud": "a", "exp": time.Now().Add(time.Hour).Unix(), "scope": hostileBytes}) +
		".c2lnbmF0dXJl"
}

// flatten concatenates every string of a decoded JSON value, so escapes JSON encoding hides
// (\u001b) are checked as the characters a reader of the value would get.
func flatten(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			b.WriteString(v)
			b.WriteString("\n")
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for k, e := range v {
				b.WriteString(k)
				walk(e)
			}
		}
	}
	walk(v)
	return b.String()
}
