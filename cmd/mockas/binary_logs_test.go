package main

// Subprocess tests of the mockas binary: its audit log lines and its footprint (start time
// and resident memory, logged for docs/benchmarks.md).

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/mockas"
)

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
