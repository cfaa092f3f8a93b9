package main

// Subprocess tests of the mockas binary: readiness, issuer, config files, keys, state across
// restarts, control plane switch, signals, exit codes and logs.

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
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

func TestBinary_keyFile(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	jwk, err := json.Marshal(jose.JSONWebKey{Key: priv, KeyID: "snk_30000000000000003", Algorithm: "RS256", Use: "sig"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file string
		content    []byte
		wantKID    string // "" means any snk_ kid
	}{
		{"pkcs1 pem", "key.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(priv)}), ""},
		{"pkcs8 pem", "key8.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), ""},
		{"jwk", "key.jwk", jwk, "snk_30000000000000003"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tc.file)
			if err := os.WriteFile(path, tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			p := startMockas(t, dir, "--addr", "127.0.0.1:0", "--ephemeral", "--key", path)
			_, body := getJSON(t, p.base+"/keys")
			raw, _ := json.Marshal(body)
			var set jose.JSONWebKeySet
			if err := json.Unmarshal(raw, &set); err != nil || len(set.Keys) != 1 {
				t.Fatalf("JWKS %s: %v", raw, err)
			}
			pub, ok := set.Keys[0].Key.(*rsa.PublicKey)
			if !ok || !pub.Equal(&priv.PublicKey) {
				t.Errorf("published key is not the --key file's")
			}
			if kid := set.Keys[0].KeyID; (tc.wantKID != "" && kid != tc.wantKID) || !strings.HasPrefix(kid, "snk_") {
				t.Errorf("kid = %q, want %q (snk_…)", kid, tc.wantKID)
			}
		})
	}
}

func TestBinary_statePersistsAcrossRestart(t *testing.T) {
	home := t.TempDir()
	state := filepath.Join(home, "state")
	p := startMockas(t, home, "--addr", "127.0.0.1:0", "--state", state)
	kid := activeKID(t, p.base)
	status, reg := postJSON(t, p.base+"/resource-server/oauth/register", map[string]any{
		"client_name": "persisted agent", "grant_types": []string{"client_credentials"},
		"token_endpoint_auth_method": "client_secret_basic",
	})
	id, _ := reg["client_id"].(string)
	secret, _ := reg["client_secret"].(string)
	if status != http.StatusCreated || !strings.HasPrefix(id, "m2m_") || secret == "" {
		t.Fatalf("registration = %d %v", status, reg)
	}
	if code := p.stop(t, syscall.SIGTERM); code != exitOK {
		t.Fatalf("exit code = %d", code)
	}
	for _, f := range []string{"keys.json", filepath.Join("clients", id+".json")} {
		fi, err := os.Stat(filepath.Join(state, f))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v (mode %v), want a 0600 file", f, err, fi)
		}
	}

	p = startMockas(t, home, "--addr", "127.0.0.1:0", "--state", state)
	if got := activeKID(t, p.base); got != kid {
		t.Errorf("kid after restart = %s, want %s", got, kid)
	}
	if status, tok := clientCredentials(t, p.base, id, secret, ""); status != http.StatusOK || tok["access_token"] == nil {
		t.Errorf("registered client after restart = %d %v, want 200", status, tok)
	}
}

func TestBinary_defaultStateDir(t *testing.T) {
	home := t.TempDir()
	p := startMockas(t, home, "--addr", "127.0.0.1:0")
	kid := activeKID(t, p.base)
	p.stop(t, syscall.SIGINT)
	if _, err := os.Stat(filepath.Join(home, ".config", "mockas", "keys.json")); err != nil {
		t.Fatalf("default state directory: %v", err)
	}
	p = startMockas(t, home, "--addr", "127.0.0.1:0")
	if got := activeKID(t, p.base); got != kid {
		t.Errorf("kid after restart = %s, want %s", got, kid)
	}
}

func TestBinary_ephemeral(t *testing.T) {
	home := t.TempDir()
	p := startMockas(t, home, "--addr", "127.0.0.1:0", "--ephemeral")
	first := activeKID(t, p.base)
	p.stop(t, syscall.SIGTERM)
	p = startMockas(t, home, "--addr", "127.0.0.1:0", "--ephemeral")
	if second := activeKID(t, p.base); second == first {
		t.Errorf("kid %s survived an --ephemeral restart", first)
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "mockas")); !os.IsNotExist(err) {
		t.Errorf("--ephemeral wrote the default state directory (stat: %v)", err)
	}
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

// TestBinary_stateDirOneOwner: a second mockas on the same state directory used to start
// with its own key and silently lose the first one's registrations.
func TestBinary_stateDirOneOwner(t *testing.T) {
	home := t.TempDir()
	state := filepath.Join(home, "state")
	first := startMockas(t, home, "--addr", "127.0.0.1:0", "--state", state)
	code, stdout, stderr := runMockas(t, home, "--addr", "127.0.0.1:0", "--state", state)
	host := strings.TrimPrefix(first.base, "http://")
	if code != exitFailure || stdout != "" || !strings.Contains(stderr, fmt.Sprintf("pid %d", first.cmd.Process.Pid)) ||
		!strings.Contains(stderr, host) || !strings.Contains(stderr, "in use") {
		t.Errorf("second owner: exit %d, stdout %q, stderr %q; want exit 1 naming pid %d and %s", code, stdout, stderr, first.cmd.Process.Pid, host)
	}
	if code := first.stop(t, syscall.SIGTERM); code != exitOK {
		t.Fatalf("first exit code = %d", code)
	}
	again := startMockas(t, home, "--addr", "127.0.0.1:0", "--state", state) // the lock went with the process
	again.stop(t, syscall.SIGTERM)
}

// TestBinary_unwritableStateDir: a state directory mockas cannot write stops it at start
// with a clear error, instead of acknowledging changes it cannot keep.
func TestBinary_unwritableStateDir(t *testing.T) {
	home := t.TempDir()
	file := filepath.Join(home, "not-a-dir")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runMockas(t, home, "--addr", "127.0.0.1:0", "--state", filepath.Join(file, "state"))
	if code != exitFailure || stdout != "" || !strings.Contains(stderr, "--ephemeral") || !strings.Contains(stderr, "state directory") {
		t.Errorf("unwritable state: exit %d, stdout %q, stderr %q; want exit 1 and a clear message", code, stdout, stderr)
	}
}

func TestBinary_auditLogs(t *testing.T) {
	p := startMockas(t, t.TempDir(), "--addr", "127.0.0.1:0", "--ephemeral")
	status, tok := clientCredentials(t, p.base, mockas.DefaultClientID, mockas.DefaultClientSecret, "mcp:tools:read")
	if status != http.StatusOK {
		t.Fatalf("client credentials = %d %v", status, tok)
	}
	if status, _ := clientCredentials(t, p.base, mockas.DefaultClientID, "wrong-secret-value", ""); status != http.StatusUnauthorized {
		t.Errorf("wrong secret = %d, want 401", status)
	}
	_, reg := postJSON(t, p.base+"/resource-server/oauth/register", map[string]any{
		"client_name": "logged agent", "grant_types": []string{"client_credentials"},
	})
	if code := p.stop(t, syscall.SIGTERM); code != exitOK {
		t.Fatalf("exit code = %d", code)
	}
	stderr := p.stderr.String()
	var events []map[string]any
	for i, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("stderr line %d is not JSON: %q", i+1, line)
		}
		events = append(events, ev)
	}
	find := func(event string, success bool) map[string]any {
		for _, ev := range events {
			if ev["event"] == event && ev["success"] == success {
				return ev
			}
		}
		t.Errorf("no %s event with success=%v in:\n%s", event, success, stderr)
		return nil
	}
	if ev := find("oauth_token_request", true); ev != nil {
		want := map[string]any{"client_id": mockas.DefaultClientID, "grant_type": "client_credentials", "requested_scopes": []any{"mcp:tools:read"}}
		got := map[string]any{"client_id": ev["client_id"], "grant_type": ev["grant_type"], "requested_scopes": ev["requested_scopes"]}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("oauth_token_request (-want +got):\n%s", diff)
		}
	}
	if ev := find("oauth_token_request", false); ev != nil && ev["error"] != "invalid_client" {
		t.Errorf("failed oauth_token_request error = %v, want invalid_client", ev["error"])
	}
	find("client_registration", true)
	at := tok["access_token"].(string)
	for name, secret := range map[string]string{
		"client secret": mockas.DefaultClientSecret, "wrong secret": "wrong-secret-value",
		"access token": at, "token signature": at[strings.LastIndex(at, ".")+1:],
		"registered secret": reg["client_secret"].(string),
	} {
		if strings.Contains(stderr, secret) {
			t.Errorf("stderr contains the %s", name)
		}
	}
}

// TestBinary_footprint records (t.Logf, no timing or size assertion) the two numbers
// docs/benchmarks.md reports for the binary: time from exec to the ready line with a key in
// the state directory, and resident memory (VmRSS) after start and one token request. Run
// it with: go test -run TestBinary_footprint -v ./cmd/mockas/
func TestBinary_footprint(t *testing.T) {
	status := func(pid int) string {
		b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
		if err != nil {
			t.Skipf("no /proc on this system: %v", err)
		}
		return string(b)
	}
	home := t.TempDir()
	state := filepath.Join(home, "state")
	p := startMockas(t, home, "--addr", "127.0.0.1:0", "--state", state) // creates the key
	p.stop(t, syscall.SIGTERM)

	start := time.Now()
	p = startMockas(t, home, "--addr", "127.0.0.1:0", "--state", state)
	ready := time.Since(start)
	if code, _ := clientCredentials(t, p.base, mockas.DefaultClientID, mockas.DefaultClientSecret, ""); code != http.StatusOK {
		t.Fatalf("token request = %d", code)
	}
	var rssKB int
	for _, line := range strings.Split(status(p.cmd.Process.Pid), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			rssKB, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	if rssKB <= 0 {
		t.Fatalf("no VmRSS in /proc/%d/status", p.cmd.Process.Pid)
	}
	t.Logf("exec to ready line (key in state dir): %v; VmRSS after start + 1 token: %.1f MB", ready, float64(rssKB)/1024)
}
