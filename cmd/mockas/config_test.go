package main

// In-process tests of flag parsing and config building (no subprocess).

import (
	"errors"
	"flag"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/mockas"
)

func TestLoadConfigFile_yamlAndJSONDecodeAlike(t *testing.T) {
	want := mockas.Config{
		Resources: []mockas.Resource{{ID: "res_20000000000000002", ServerURL: "http://127.0.0.1:3000/mcp", Scopes: []string{"mcp:tools:read", "mcp:tools:write"}}},
		Clients: []mockas.Client{
			{
				ID: "skc_20000000000000002", Secret: "s3cret-from-file", RedirectURIs: []string{"http://127.0.0.1:7777/callback"},
				Scopes: []string{"mcp:tools:*", "openid"}, GrantTypes: []string{"client_credentials", "authorization_code"},
			},
			{ID: "skc_20000000000000003", Secret: "limited-secret", GrantTypes: []string{"client_credentials"}},
		},
		Users: []mockas.User{{Subject: "usr_20000000000000002", Email: "alice@example.com", Name: "Alice", Claims: map[string]any{"roles": []any{"admin"}}}},
		Lifetimes: mockas.Lifetimes{
			AccessToken:       mockas.Duration(10 * time.Minute),
			AuthorizationCode: mockas.Duration(2 * time.Minute),
		},
		RateLimits: []mockas.RateLimit{{ClientID: "skc_20000000000000003", Requests: 1, Per: mockas.Duration(time.Hour)}},
		Faults:     []mockas.Fault{{Endpoint: "userinfo", Count: 1, Status: 503, Error: "temporarily_unavailable"}},
	}
	dir := t.TempDir()
	for name, content := range map[string]string{"c.yaml": configYAML, "c.json": configJSON} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := loadConfigFile(path)
			if err != nil {
				t.Fatalf("loadConfigFile: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadConfigFile_emptyAndMultiDocumentYAML(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.yaml")
	multi := filepath.Join(dir, "multi.yaml")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(multi, []byte("issuer: http://a.test\n---\nissuer: http://b.test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := loadConfigFile(empty); err != nil || !cmp.Equal(mockas.Config{}, got) {
		t.Errorf("empty file = %+v, %v; want the zero Config", got, err)
	}
	if _, err := loadConfigFile(multi); err == nil {
		t.Errorf("two YAML documents: no error")
	}
}

func TestParseFlags_defaults(t *testing.T) {
	o, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.addr != "127.0.0.1:9000" || o.issuer != "" || o.ephemeral || o.noControl || o.shutdownTimeout != 10*time.Second {
		t.Errorf("defaults = %+v", o)
	}
	if _, err := parseFlags([]string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: err = %v, want flag.ErrHelp", err)
	}
	if _, err := parseFlags([]string{"--shutdown-timeout", "0s"}); !errors.Is(err, errUsage) {
		t.Errorf("zero shutdown timeout: err = %v, want a usage error", err)
	}
}

func TestBuildConfig_precedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "conf", "m.yaml")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("issuer: http://file.test\nstate_dir: st\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	userDir := func() (string, error) { return "/home/u/.config", nil }
	noUserDir := func() (string, error) { return "", errors.New("$HOME is not defined") }
	tests := []struct {
		name       string
		args       []string
		userDir    func() (string, error)
		wantIssuer string
		wantState  string
		wantErr    bool
	}{
		{"defaults", nil, userDir, "", "/home/u/.config/mockas", false},
		{"file", []string{"--config", file}, userDir, "http://file.test", filepath.Join(dir, "conf", "st"), false},
		{"flags override file", []string{"--config", file, "--issuer", "http://flag.test", "--state", "/s"}, userDir, "http://flag.test", "/s", false},
		{"ephemeral overrides file", []string{"--config", file, "--ephemeral"}, userDir, "http://file.test", "", false},
		{"no user config dir", nil, noUserDir, "", "", true},
		{"no user config dir but ephemeral", []string{"--ephemeral"}, noUserDir, "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseFlags(tc.args)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := buildConfig(o, tc.userDir)
			if tc.wantErr {
				if !errors.Is(err, errUsage) {
					t.Errorf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Issuer != tc.wantIssuer || cfg.StateDir != tc.wantState {
				t.Errorf("issuer, state = %q, %q; want %q, %q", cfg.Issuer, cfg.StateDir, tc.wantIssuer, tc.wantState)
			}
		})
	}
}

func TestIssuerHost(t *testing.T) {
	bound := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 41234}
	for addr, want := range map[string]string{
		"127.0.0.1:0":    "127.0.0.1:41234",
		"127.0.0.1:9000": "127.0.0.1:41234",
		":9000":          "127.0.0.1:41234",
		"0.0.0.0:9000":   "127.0.0.1:41234",
		"[::]:9000":      "127.0.0.1:41234",
		"localhost:0":    "localhost:41234",
		"[::1]:0":        "[::1]:41234",
	} {
		if got := issuerHost(addr, bound); got != want {
			t.Errorf("issuerHost(%q) = %q, want %q", addr, got, want)
		}
	}
}

// TestBuildConfig_claimsWithNonStringKeys: YAML decodes a mapping with non-string keys into
// map[any]any, which cannot go into a JWT; that is a usage error at start, not a 500 on the
// first token request.
func TestBuildConfig_claimsWithNonStringKeys(t *testing.T) {
	file := filepath.Join(t.TempDir(), "m.yaml")
	body := "users:\n  - sub: usr_1\n    claims:\n      levels:\n        1: admin\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := parseFlags([]string{"--config", file, "--ephemeral"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := buildConfig(o, nil); !errors.Is(err, errUsage) || !errors.Is(err, mockas.ErrInvalidConfig) {
		t.Fatalf("err = %v, want a usage error wrapping mockas.ErrInvalidConfig", err)
	}
}
