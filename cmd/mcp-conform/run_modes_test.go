package main

// "mcp-conform run" in each mode: anonymous, supplied token and --serve-mockas (cooperative
// with an in-process mockas), each announced by its mode line.

import (
	"net"
	"strings"
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance/demo"
	"github.com/mcp-conform/mcp-conform/fixtures"
	"github.com/mcp-conform/mcp-conform/mockas"
)

func TestRun_anonymousMode(t *testing.T) {
	skipShort(t)
	e := newFixture(t, fixtures.Broken{})
	args := []string{"run", "--url", e.srv.MCPURL()}
	r := runBinary(t, nil, args...)
	wantCode(t, r, exitOK, args...)
	if !strings.HasPrefix(r.stdout, "mode: anonymous\n") {
		t.Errorf("stdout does not start with the anonymous mode line:\n%s", tail(r.stdout))
	}
}

func TestRun_suppliedTokenMode(t *testing.T) {
	skipShort(t)
	e := newFixture(t, fixtures.Broken{})
	tok, err := e.as.Mint(mockas.TokenSpec{Audience: []string{e.srv.MCPURL()}, Scopes: []string{"mcp:tools:weather"}})
	if err != nil {
		t.Fatalf("Mint: %v", err)
	}
	args := []string{"run", "--url", e.srv.MCPURL(), "--token-env", "TEST_MCP_TOKEN"}
	r := runBinary(t, []string{"TEST_MCP_TOKEN=" + tok}, args...)
	wantCode(t, r, exitOK, args...)
	if !strings.HasPrefix(r.stdout, "mode: supplied token\n") {
		t.Errorf("stdout does not start with the supplied-token mode line:\n%s", tail(r.stdout))
	}
	if strings.Contains(r.stdout+r.stderr, tok) {
		t.Error("the supplied token appears in the output")
	}
}

func TestRun_serveMockas(t *testing.T) {
	skipShort(t)
	addr := closedPort(t) // free now; the child binds it
	srv := startFixture(t, "http://"+addr, fixtures.Broken{})
	args := []string{"run", "--url", srv.MCPURL(), "--serve-mockas", addr,
		"--scope", demo.Scope, "--rate-limit", demo.RateLimit}
	r := runBinary(t, nil, args...)
	wantCode(t, r, exitOK, args...)
	if want := "mode: cooperative (mockas http://" + addr + ")\n"; !strings.HasPrefix(r.stdout, want) {
		t.Errorf("stdout does not start with %q:\n%s", want, tail(r.stdout))
	}
	// The in-process mockas is gone with the child.
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Errorf("something still listens on %s after the run", addr)
	}
}
