package mockas

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestState_survivesRestart(t *testing.T) {
	dir := t.TempDir()
	s1 := Start(t, WithStateDir(dir))
	kid := s1.JWKS().Keys[0].KeyID
	reg := postJSON(t, s1.URL+"/resource-server/oauth/register", `{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_post","client_name":"persisted"}`)
	id, secret := reg.json["client_id"].(string), reg.json["client_secret"].(string)
	tok, err := s1.Mint(TokenSpec{})
	if err != nil {
		t.Fatal(err)
	}
	s1.Close()
	for _, f := range []string{keysFile, filepath.Join(clientsDir, id+".json")} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", f, fi.Mode().Perm())
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}

	s2 := Start(t, WithStateDir(dir))
	if got := s2.JWKS().Keys[0].KeyID; got != kid {
		t.Fatalf("kid after restart %q, want %q", got, kid)
	}
	verify(t, s2.JWKS(), tok) // a token from before the restart still verifies
	r := postForm(t, s2.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}})
	if r.status != 200 {
		t.Fatalf("registered client after restart: %d %s", r.status, r.body)
	}
	// Rotation persists too.
	newKID, err := s2.RotateKey(true)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	s3 := Start(t, WithStateDir(dir))
	if jw := s3.JWKS(); len(jw.Keys) != 1 || jw.Keys[0].KeyID != newKID {
		t.Fatalf("after rotate+restart: %+v", jw.Keys)
	}
	// Reset forgets dynamic clients, on disk too.
	s3.Reset()
	s3.Close()
	s4 := Start(t, WithStateDir(dir))
	if n := len(s4.Clients()); n != 1 {
		t.Errorf("%d clients after reset+restart", n)
	}
}

func TestState_corruptFilesFail(t *testing.T) {
	tests := []struct {
		name, file, content string
	}{
		{"keys not json", keysFile, "{"},
		{"keys bad pem", keysFile, `{"version":1,"active_kid":"snk_1","keys":[{"kid":"snk_1","private_key":"nope"}]}`},
		{"keys no active", keysFile, `{"version":1,"active_kid":"snk_9","keys":[]}`},
		{"legacy clients not json", legacyClientsFile, "["},
		{"legacy client without id", legacyClientsFile, `{"version":1,"clients":[{"client_name":"x"}]}`},
		{"client not json", "clients/m2m_1.json", "["},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, clientsDir), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg := Config{Issuer: "http://127.0.0.1:9", StateDir: dir}
			if tt.file != keysFile {
				cfg.SigningKey = testKeyPEM
			}
			if _, err := NewHandler(cfg); !errors.Is(err, ErrState) {
				t.Fatalf("NewHandler = %v, want ErrState", err)
			}
		})
	}
}

func TestState_signingKeyFormats(t *testing.T) {
	h, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", SigningKey: testKeyPEM})
	if err != nil {
		t.Fatal(err)
	}
	kid := h.JWKS().Keys[0].KeyID
	h2, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", SigningKey: testKeyPEM})
	if err != nil {
		t.Fatal(err)
	}
	if h2.JWKS().Keys[0].KeyID != kid || !strings.HasPrefix(kid, "snk_") {
		t.Errorf("kid not stable for a configured key: %q vs %q", kid, h2.JWKS().Keys[0].KeyID)
	}
	h.mu.Lock()
	sk := h.keys.active
	h.mu.Unlock()
	jwkJSON, err := json.Marshal(map[string]any{"kty": "RSA", "kid": "snk_777"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", SigningKey: string(jwkJSON)}); err == nil {
		t.Error("incomplete JWK accepted")
	}
	full, err := privateJWK(sk, "snk_777")
	if err != nil {
		t.Fatal(err)
	}
	h3, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", SigningKey: full})
	if err != nil {
		t.Fatal(err)
	}
	if got := h3.JWKS().Keys[0].KeyID; got != "snk_777" {
		t.Errorf("JWK kid %q", got)
	}
}

func TestAudit_logs(t *testing.T) {
	var buf bytes.Buffer
	s := start(t, WithLogger(slog.New(slog.NewJSONHandler(&buf, nil))))
	tok := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"mcp:tools:weather"}}, DefaultClientID, DefaultClientSecret)
	postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}}, DefaultClientID, "wrong-secret")
	postJSON(t, s.URL+"/resource-server/oauth/register", `{"redirect_uris":["https://a.example/cb"]}`)
	var events []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		events = append(events, m)
	}
	if len(events) != 3 {
		t.Fatalf("%d events: %s", len(events), buf.String())
	}
	ok := events[0]
	if ok["event"] != "oauth_token_request" || ok["client_id"] != DefaultClientID || ok["grant_type"] != "client_credentials" ||
		ok["success"] != true || ok["requested_scopes"].([]any)[0] != "mcp:tools:weather" {
		t.Errorf("success event %v", ok)
	}
	if bad := events[1]; bad["success"] != false || bad["error"] != "invalid_client" {
		t.Errorf("failure event %v", bad)
	}
	if events[2]["event"] != "client_registration" || events[2]["client_id"] == nil {
		t.Errorf("registration event %v", events[2])
	}
	for _, secret := range []string{DefaultClientSecret, "wrong-secret", tok.json["access_token"].(string)} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("log contains a secret or token %q", secret[:8])
		}
	}
}
