package mockas_test

// Proof with real software: Scalekit's Node SDK (@scalekit-sdk/node, pinned by
// testdata/scalekitnode/package-lock.json) against mockas, as an application developing
// offline uses it. testdata/scalekitnode/client.js runs the login flow with PKCE
// (getAuthorizationUrl, the redirect, authenticateWithCode), validateAccessToken and
// validateToken, refreshAccessToken, getLogoutUrl and machine-to-machine tokens, and prints
// what each step returned.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/mockas"
)

func TestRealClient_ScalekitNodeSDK(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: this test runs Scalekit's Node SDK (Node.js 18+, then `npm ci` in mockas/testdata/scalekitnode)")
	}
	dir := filepath.Join("testdata", "scalekitnode")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@scalekit-sdk", "node", "package.json")); err != nil {
		t.Skip("@scalekit-sdk/node is not installed: run `npm ci` in mockas/testdata/scalekitnode")
	}
	as := mockas.Start(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "client.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MOCKAS_ISSUER="+as.Issuer(), "CLIENT_ID="+mockas.DefaultClientID,
		"CLIENT_SECRET="+mockas.DefaultClientSecret, "REDIRECT_URI="+mockas.DefaultClientRedirectURI)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	steps := map[string]map[string]any{}
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) != nil {
			continue
		}
		name, _ := m["step"].(string)
		delete(m, "step")
		steps[name] = m
		if e, ok := m["error"]; ok && name != "client_credentials_bad_secret" {
			t.Errorf("step %s: %v", name, e)
		}
	}
	if err != nil {
		t.Fatalf("node client.js: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr.String())
	}

	want := map[string]map[string]any{
		"authorize": {"status": 302.0, "redirect": mockas.DefaultClientRedirectURI, "state_ok": true, "has_code": true},
		// The SDK maps the ID token's claims to its user object.
		"authenticate_with_code": {
			"user":       map[string]any{"id": mockas.DefaultUserSubject, "email": mockas.DefaultUserEmail, "emailVerified": true, "name": mockas.DefaultUserName},
			"expires_in": 3600.0, "has_refresh": true, "has_id_token": true,
		},
		"validate_access_token":      {"valid": true},
		"validate_token_with_issuer": {"sub": mockas.DefaultUserSubject, "iss": as.Issuer()},
		"validate_forged_token":      {"valid": false},
		"refresh":                    {"rotated": true, "new_access": true, "valid": true},
		"logout_url": {"url_prefix": as.Issuer() + "/oidc/logout", "status": 302.0,
			"location": mockas.DefaultClientRedirectURI + "?state=" + stateOf(t, steps)},
		"client_credentials":            {"sub": mockas.DefaultClientID, "client_id": mockas.DefaultClientID},
		"client_credentials_bad_secret": {"refused": true, "error": "invalid_client"},
	}
	for name, w := range want {
		if diff := cmp.Diff(w, steps[name]); diff != "" {
			t.Errorf("step %s (-want +got):\n%s", name, diff)
		}
	}
}

// stateOf returns the state the client put in its authorization URL.
func stateOf(t *testing.T, steps map[string]map[string]any) string {
	t.Helper()
	raw, _ := steps["authorization_url"]["url"].(string)
	u, err := url.Parse(raw)
	if err != nil || u.Query().Get("state") == "" {
		t.Fatalf("no state in the authorization URL %q (%v)", raw, err)
	}
	return u.Query().Get("state")
}
