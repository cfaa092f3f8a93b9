package main

// "serve-fixture" in-process: it serves the reference server until its context ends, prints
// one ready line naming the URL, applies flaws, and rejects bad flags.

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// serveFixture starts "serve-fixture args..." in-process and returns the MCP URL of its ready
// line and a function that stops it and returns its exit code and stderr.
func serveFixture(t *testing.T, args ...string) (mcpURL string, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	var stderr strings.Builder
	c := &cli{stdout: pw, stderr: &stderr, getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() {
		code := c.main(ctx, append([]string{"serve-fixture"}, args...))
		pw.Close()
		done <- code
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("serve-fixture printed no ready line (exit %d): %v\n%s", <-done, err, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := regexp.MustCompile(`^mcp-conform serve-fixture: serving (http://\S+) \(issuer `).FindStringSubmatch(line)
	if m == nil {
		cancel()
		t.Fatalf("unexpected ready line %q", line)
	}
	stopped := false
	stop = func() (int, string) {
		cancel()
		if stopped {
			return exitOK, ""
		}
		stopped = true
		return <-done, stderr.String()
	}
	t.Cleanup(func() { stop() })
	return m[1], stop
}

// challengeOf POSTs an initialize request without credentials and returns the status and the
// WWW-Authenticate value.
func challengeOf(t *testing.T, mcpURL string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, mcpURL,
		strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", mcpURL, err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
}

func TestServeFixture_servesUntilCancelled(t *testing.T) {
	as := mockas.NewServer()
	t.Cleanup(as.Close)
	mcpURL, stop := serveFixture(t, "--addr", "127.0.0.1:0", "--issuer", as.Issuer(), "--rate-limit", "5/1s")
	if !strings.HasSuffix(mcpURL, "/mcp") {
		t.Errorf("ready line URL %q does not end with the default path /mcp", mcpURL)
	}
	status, challenge := challengeOf(t, mcpURL)
	if status != http.StatusUnauthorized || !strings.Contains(challenge, `resource_metadata="`) {
		t.Errorf("unauthenticated POST: %d %q, want 401 with resource_metadata", status, challenge)
	}
	// A token from the trusted issuer is accepted.
	tok := mint(t, as, mockas.TokenSpec{Audience: []string{mcpURL}})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, mcpURL,
		strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("initialize with a valid token: status %d, want 200", resp.StatusCode)
	}
	if code, stderr := stop(); code != exitOK {
		t.Errorf("serve-fixture exited %d after cancellation, want 0; stderr:\n%s", code, stderr)
	}
	if _, err := http.Post(mcpURL, "application/json", strings.NewReader("{}")); err == nil {
		t.Error("the server still answers after shutdown")
	}
}

func TestServeFixture_flawAndPath(t *testing.T) {
	mcpURL, _ := serveFixture(t, "--addr", "127.0.0.1:0", "--issuer", "http://127.0.0.1:9", "--path", "/v1/mcp",
		"--flaw", "no-resource-metadata")
	if !strings.HasSuffix(mcpURL, "/v1/mcp") {
		t.Errorf("ready line URL %q does not use --path", mcpURL)
	}
	status, challenge := challengeOf(t, mcpURL)
	if status != http.StatusUnauthorized || challenge == "" || strings.Contains(challenge, "resource_metadata") {
		t.Errorf("with flaw no-resource-metadata: %d %q, want 401 with a challenge lacking resource_metadata", status, challenge)
	}
}

func TestServeFixture_listFlaws(t *testing.T) {
	r := runInProcess(t, nil, "serve-fixture", "--list-flaws")
	wantCode(t, r, exitOK, "serve-fixture --list-flaws")
	if !regexp.MustCompile(`(?m)^alg-none-accepted\s+RS-35\s+`).MatchString(r.stdout) {
		t.Errorf("the flaw list lacks alg-none-accepted tripping RS-35:\n%s", r.stdout)
	}
}

func TestServeFixture_usageErrors(t *testing.T) {
	tests := []struct {
		args     []string
		inStderr string
	}{
		{[]string{"serve-fixture"}, "--issuer is required"},
		{[]string{"serve-fixture", "--issuer", "localhost/issuer"}, "not an absolute http(s) URL"},
		{[]string{"serve-fixture", "--issuer", "http://127.0.0.1:9000", "--flaw", "nope"}, `--flaw "nope": unknown flaw`},
		{[]string{"serve-fixture", "--issuer", "http://127.0.0.1:9000", "--path", "mcp"}, "must start with /"},
		{[]string{"serve-fixture", "--issuer", "http://127.0.0.1:9000", "--addr", "3000"}, "want host:port"},
		{[]string{"serve-fixture", "--issuer", "http://127.0.0.1:9000", "--rate-limit", "5"}, "want N/DURATION"},
		{[]string{"serve-fixture", "--issuer", "http://127.0.0.1:9000", "extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[1:], " "), func(t *testing.T) {
			r := runInProcess(t, nil, tt.args...)
			wantCode(t, r, exitUsage, tt.args...)
			if !strings.Contains(r.stderr, tt.inStderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.inStderr, r.stderr)
			}
		})
	}
}

func TestServeFixture_addressInUse(t *testing.T) {
	addr := closedPort(t)
	first, _ := serveFixture(t, "--addr", addr, "--issuer", "http://127.0.0.1:9")
	if !strings.Contains(first, addr) {
		t.Fatalf("ready URL %q is not on %s", first, addr)
	}
	r := runInProcess(t, nil, "serve-fixture", "--addr", addr, "--issuer", "http://127.0.0.1:9")
	wantCode(t, r, exitFail, "serve-fixture (address in use)")
}
