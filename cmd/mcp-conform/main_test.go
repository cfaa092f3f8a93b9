package main

// Shared test harness. Commands that never reach RunSuite run in-process through cli.main;
// everything that runs the suite runs in a child process of this test binary (Ginkgo's
// RunSpecs may run once per process): TestMain turns the binary into mcp-conform itself when
// execEnv is set, so the demo's own re-execution works the same way.

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/demo"
	"github.com/mcp-conform/mcp-conform/fixtures"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// execEnv, set to "1" in a child's environment, makes the test binary behave as mcp-conform.
const execEnv = "MCP_CONFORM_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(execEnv) == "1" {
		main() // exits
	}
	m.Run()
}

// result is the outcome of one CLI invocation.
type result struct {
	stdout, stderr string
	code           int
}

// runInProcess runs the CLI in this process with env as its whole environment.
func runInProcess(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	c := &cli{stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return env[k] }}
	code := c.main(t.Context(), args)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// runBinary runs the CLI as a child process with extra environment variables (NAME=value).
func runBinary(t *testing.T, extraEnv []string, args ...string) result {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("os.Executable: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(append(os.Environ(), execEnv+"=1", "NO_COLOR=1"), extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	code := 0
	if err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			t.Fatalf("running %v: %v", args, err)
		}
		code = exitErr.ExitCode()
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// wantCode fails the test when r did not exit with want, showing the output.
func wantCode(t *testing.T, r result, want int, args ...string) {
	t.Helper()
	if r.code != want {
		t.Fatalf("mcp-conform %s: exit code %d, want %d\nstdout:\n%s\nstderr:\n%s",
			strings.Join(args, " "), r.code, want, tail(r.stdout), r.stderr)
	}
}

// tail keeps the end of long output readable in failure messages.
func tail(s string) string {
	const max = 6000
	if len(s) > max {
		return "…" + s[len(s)-max:]
	}
	return s
}

// fixtureEnv is a mockas plus one fixture server trusting it.
type fixtureEnv struct {
	as  *mockas.Server
	srv *fixtures.Server
}

// newFixture starts a mockas and a fixture server with the given catalogue entry applied
// (a zero Broken is the correct server), configured as the demo configures it.
func newFixture(t *testing.T, b fixtures.Broken) fixtureEnv {
	t.Helper()
	as := mockas.NewServer()
	t.Cleanup(as.Close)
	return fixtureEnv{as: as, srv: startFixture(t, as.Issuer(), b)}
}

// startFixture starts a fixture server trusting issuer, with b applied.
func startFixture(t *testing.T, issuer string, b fixtures.Broken) *fixtures.Server {
	t.Helper()
	opts := fixtures.Options{
		Issuer:    issuer,
		RateLimit: &fixtures.RateLimit{Requests: 5, Per: time.Second},
		Flaws:     b.Flaws,
	}
	if b.Options != nil {
		b.Options(&opts)
	}
	srv, err := fixtures.NewServer(opts)
	if err != nil {
		t.Fatalf("fixtures.NewServer: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// cooperativeArgs are the run arguments the demo uses against e, plus extra.
func (e fixtureEnv) cooperativeArgs(extra ...string) []string {
	args := []string{"run", "--url", e.srv.MCPURL(), "--mockas", e.as.URL,
		"--scope", demo.Scope, "--rate-limit", demo.RateLimit}
	return append(args, extra...)
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return addr
}

// skipShort skips tests that run the whole suite in child processes under -short.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the suite end to end; skipped with -short")
	}
}
