package main

// Subprocess tests of the mockas binary: signing keys from a file and the state directory
// (persistence across restarts, the default location, --ephemeral, one owner, unwritable).

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

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
