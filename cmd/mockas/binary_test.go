package main

// Subprocess tests of the mockas binary: readiness, issuer, config files, control plane
// switch, signals and exit codes (keys and the state directory: binary_state_test.go; logs and
// footprint: binary_logs_test.go).

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/mockas"
)

func TestBinary_readyLineAndDefaultIssuer(t *testing.T) {
	p := startMockas(t, t.TempDir(), "--addr", "127.0.0.1:0", "--ephemeral")
	if !strings.HasPrefix(p.ready, "mockas: serving http://127.0.0.1:") || strings.Contains(p.ready, "listening on") {
		t.Errorf("ready line = %q, want \"mockas: serving http://127.0.0.1:PORT\"", p.ready)
	}
	status, meta := getJSON(t, p.base+"/.well-known/oauth-authorization-server")
	if status != http.StatusOK || meta["issuer"] != p.base || meta["token_endpoint"] != p.base+"/oauth/token" {
		t.Errorf("metadata = %d %v, want issuer %s", status, meta, p.base)
	}
	if code := p.stop(t, syscall.SIGTERM); code != exitOK {
		t.Errorf("exit code after SIGTERM = %d, want 0; stderr:\n%s", code, p.stderr.String())
	}
}

func TestBinary_issuerOverride(t *testing.T) {
	const issuer = "https://tenant.mockas.test"
	p := startMockas(t, t.TempDir(), "--addr", "127.0.0.1:0", "--ephemeral", "--issuer", issuer)
	if !strings.HasPrefix(p.ready, "mockas: serving "+issuer+" (listening on 127.0.0.1:") {
		t.Errorf("ready line = %q, want the issuer and the listen address", p.ready)
	}
	_, meta := getJSON(t, p.base+"/.well-known/oauth-authorization-server")
	want := map[string]any{"issuer": issuer, "jwks_uri": issuer + "/keys", "authorization_endpoint": issuer + "/oauth/authorize"}
	got := map[string]any{"issuer": meta["issuer"], "jwks_uri": meta["jwks_uri"], "authorization_endpoint": meta["authorization_endpoint"]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metadata (-want +got):\n%s", diff)
	}
	_, tok := clientCredentials(t, p.base, mockas.DefaultClientID, mockas.DefaultClientSecret, "")
	at, _ := tok["access_token"].(string)
	if at == "" || jwtClaims(t, at)["iss"] != issuer {
		t.Errorf("token response %v: want an access token with iss %s", tok, issuer)
	}
}

// configYAML and configJSON describe the same environment.
const configYAML = `# mockas test environment
resources:
  - id: res_20000000000000002
    server_url: http://127.0.0.1:3000/mcp
    scopes: [mcp:tools:read, mcp:tools:write]
clients:
  - client_id: skc_20000000000000002
    client_secret: s3cret-from-file
    redirect_uris: [http://127.0.0.1:7777/callback]
    scopes: ["mcp:tools:*", openid]
    grant_types: [client_credentials, authorization_code]
  - client_id: skc_20000000000000003
    client_secret: limited-secret
    grant_types: [client_credentials]
users:
  - sub: usr_20000000000000002
    email: alice@example.com
    name: Alice
    claims:
      roles: [admin]
lifetimes:
  access_token: 10m
  authorization_code: 2m
rate_limits:
  - client_id: skc_20000000000000003
    requests: 1
    per: 1h
faults:
  - endpoint: userinfo
    count: 1
    status: 503
    error: temporarily_unavailable
`

const configJSON = `{
  "resources": [{"id": "res_20000000000000002", "server_url": "http://127.0.0.1:3000/mcp",
                 "scopes": ["mcp:tools:read", "mcp:tools:write"]}],
  "clients": [
    {"client_id": "skc_20000000000000002", "client_secret": "s3cret-from-file",
     "redirect_uris": ["http://127.0.0.1:7777/callback"], "scopes": ["mcp:tools:*", "openid"],
     "grant_types": ["client_credentials", "authorization_code"]},
    {"client_id": "skc_20000000000000003", "client_secret": "limited-secret", "grant_types": ["client_credentials"]}
  ],
  "users": [{"sub": "usr_20000000000000002", "email": "alice@example.com", "name": "Alice",
             "claims": {"roles": ["admin"]}}],
  "lifetimes": {"access_token": "10m", "authorization_code": 120},
  "rate_limits": [{"client_id": "skc_20000000000000003", "requests": 1, "per": "1h"}],
  "faults": [{"endpoint": "userinfo", "count": 1, "status": 503, "error": "temporarily_unavailable"}]
}`

func TestBinary_configFile(t *testing.T) {
	for _, tc := range []struct{ name, file, content string }{
		{"yaml", "mockas.yaml", configYAML},
		{"json", "mockas.json", configJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tc.file)
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			p := startMockas(t, dir, "--addr", "127.0.0.1:0", "--ephemeral", "--config", path)
			checkConfiguredEnvironment(t, p.base)
		})
	}
}

// checkConfiguredEnvironment checks, over HTTP, everything configYAML sets.
func checkConfiguredEnvironment(t *testing.T, base string) {
	t.Helper()
	const id, secret = "skc_20000000000000002", "s3cret-from-file"
	status, tok := clientCredentials(t, base, id, secret, "mcp:tools:read")
	if status != http.StatusOK || tok["expires_in"] != float64(600) {
		t.Fatalf("client credentials = %d %v, want 200 with expires_in 600 (lifetimes.access_token 10m)", status, tok)
	}
	claims := jwtClaims(t, tok["access_token"].(string))
	if diff := cmp.Diff([]any{"res_20000000000000002", "http://127.0.0.1:3000/mcp"}, claims["aud"]); diff != "" {
		t.Errorf("aud (-want +got):\n%s", diff)
	}
	if status, body := clientCredentials(t, base, id, secret, "admin:all"); status != http.StatusBadRequest || body["error"] != "invalid_scope" {
		t.Errorf("scope outside the client's = %d %v, want 400 invalid_scope", status, body)
	}
	if status, body := clientCredentials(t, base, mockas.DefaultClientID, mockas.DefaultClientSecret, ""); status != http.StatusUnauthorized || body["error"] != "invalid_client" {
		t.Errorf("default client (replaced by the file's) = %d %v, want 401 invalid_client", status, body)
	}
	const limited, limitedSecret = "skc_20000000000000003", "limited-secret"
	if status, _ := clientCredentials(t, base, limited, limitedSecret, ""); status != http.StatusOK {
		t.Errorf("first request of the rate-limited client = %d, want 200", status)
	}
	if status, body := clientCredentials(t, base, limited, limitedSecret, ""); status != http.StatusTooManyRequests {
		t.Errorf("second request of the rate-limited client = %d %v, want 429", status, body)
	}
	// Authorization code as the configured user.
	verifier := "configured-environment-verifier-0123456789-abcdefghijk"
	q := url.Values{
		"response_type": {"code"}, "client_id": {id}, "redirect_uri": {"http://127.0.0.1:7777/callback"},
		"code_challenge": {mockas.S256Challenge(verifier)}, "code_challenge_method": {"S256"},
		"scope": {"openid mcp:tools:read"}, "state": {"st-1"},
	}
	code := authorizeCode(t, base+"/oauth/authorize?"+q.Encode())
	status, tok = postForm(t, base+tokenURL, url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {verifier},
		"redirect_uri": {"http://127.0.0.1:7777/callback"},
	}, id, secret)
	if status != http.StatusOK {
		t.Fatalf("code exchange = %d %v", status, tok)
	}
	claims = jwtClaims(t, tok["access_token"].(string))
	if claims["sub"] != "usr_20000000000000002" || cmp.Diff([]any{"admin"}, claims["roles"]) != "" {
		t.Errorf("user token claims sub=%v roles=%v, want the configured user and its claims", claims["sub"], claims["roles"])
	}
	// The queued fault answers the first userinfo request only.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+tok["access_token"].(string))
	if status, body := doJSON(t, req); status != http.StatusServiceUnavailable {
		t.Errorf("userinfo with a queued fault = %d %v, want 503", status, body)
	}
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+tok["access_token"].(string))
	if status, body := doJSON(t, req); status != http.StatusOK || body["email"] != "alice@example.com" {
		t.Errorf("userinfo after the fault = %d %v, want 200 with the configured email", status, body)
	}
}

// authorizeCode performs the headless authorization request and returns the code.
func authorizeCode(t *testing.T, u string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("authorize = %d Location %q, want 302 with a code", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

func TestBinary_controlPlaneSwitch(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"on by default", nil, http.StatusOK},
		{"--no-control", []string{"--no-control"}, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := startMockas(t, t.TempDir(), append([]string{"--addr", "127.0.0.1:0", "--ephemeral"}, tc.args...)...)
			if status, _ := getJSON(t, p.base+"/_mockas/info"); status != tc.want {
				t.Errorf("GET /_mockas/info = %d, want %d", status, tc.want)
			}
			if status, _ := getJSON(t, p.base+"/health"); status != http.StatusOK {
				t.Errorf("GET /health = %d, want 200", status)
			}
		})
	}
}

func TestBinary_signalsExitZero(t *testing.T) {
	for _, sig := range []os.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			p := startMockas(t, t.TempDir(), "--addr", "127.0.0.1:0", "--ephemeral")
			if code := p.stop(t, sig); code != exitOK {
				t.Errorf("exit code = %d, want 0; stderr:\n%s", code, p.stderr.String())
			}
			if !strings.Contains(p.stderr.String(), `"event":"mockas_stopped"`) {
				t.Errorf("no mockas_stopped log line; stderr:\n%s", p.stderr.String())
			}
		})
	}
}

func TestBinary_usageErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	unknownKey := write("unknown.yaml", "clients:\n  - client_id: a\n    client_secert: typo\n")
	badDuration := write("duration.yaml", "lifetimes:\n  access_token: ten minutes\n")
	invalid := write("invalid.json", `{"resources": [{"id": "res 1"}]}`)
	unknownJSON := write("unknown.json", `{"issuer_url": "http://x"}`)
	badKey := write("bad.pem", "not a key")
	for _, tc := range []struct {
		name string
		args []string
		want string // substring of stderr
	}{
		{"unknown flag", []string{"--bogus"}, "flag provided but not defined: -bogus"},
		{"positional argument", []string{"serve"}, `unexpected argument "serve"`},
		{"state and ephemeral", []string{"--state", dir, "--ephemeral"}, "--ephemeral and --state exclude each other"},
		{"missing value", []string{"--addr"}, "flag needs an argument: -addr"},
		{"missing config file", []string{"--config", filepath.Join(dir, "nope.yaml")}, "nope.yaml"},
		{"unknown YAML key", []string{"--config", unknownKey}, "field client_secert not found"},
		{"bad YAML duration", []string{"--config", badDuration}, `duration "ten minutes"`},
		{"unknown JSON key", []string{"--config", unknownJSON}, `unknown field "issuer_url"`},
		{"invalid config", []string{"--config", invalid}, "resources[0]"},
		{"bad key file", []string{"--key", badKey, "--ephemeral"}, "signing_key"},
		{"bad issuer", []string{"--issuer", "ftp://as.example", "--ephemeral"}, "issuer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runMockas(t, dir, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) || stdout != "" {
				t.Errorf("mockas %v = exit %d, stdout %q, stderr %q; want exit 2 and %q on stderr", tc.args, code, stdout, stderr, tc.want)
			}
		})
	}
}

func TestBinary_helpAndVersion(t *testing.T) {
	for _, tc := range []struct {
		arg, want string
	}{{"-h", "--addr host:port (default 127.0.0.1:9000)"}, {"--help", "Exit codes:"}, {"--version", "mockas "}} {
		code, stdout, _ := runMockas(t, t.TempDir(), tc.arg)
		if code != exitOK || !strings.Contains(stdout, tc.want) {
			t.Errorf("mockas %s = exit %d, stdout %q; want 0 and %q", tc.arg, code, stdout, tc.want)
		}
	}
}

func TestBinary_addressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	code, stdout, stderr := runMockas(t, t.TempDir(), "--addr", ln.Addr().String(), "--ephemeral")
	if code != exitFailure || !strings.Contains(stderr, "cannot listen on "+ln.Addr().String()) ||
		!strings.Contains(stderr, "address already in use") || stdout != "" {
		t.Errorf("address in use: exit %d, stdout %q, stderr %q; want exit 1 and a clear message", code, stdout, stderr)
	}
}
