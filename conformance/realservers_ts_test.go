package conformance_test

// The suite against an MCP server built on the official TypeScript SDK
// (testdata/tsserver/server.js: @modelcontextprotocol/sdk with express, zod and jose, at the
// versions pinned in its package-lock.json). The test starts `node server.js` on a free
// loopback port and skips when node or the installed dependencies are missing.

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// tsServerDir is the node project of the TypeScript SDK server.
var tsServerDir = filepath.Join("testdata", "tsserver")

// requireTSServer skips the test unless node and the project's node_modules are present.
func requireTSServer(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the TypeScript SDK server needs Node.js 18+ (then run `npm ci` in conformance/testdata/tsserver)")
	}
	if _, err := os.Stat(filepath.Join(tsServerDir, "node_modules", "@modelcontextprotocol", "sdk", "package.json")); err != nil {
		t.Skip("the TypeScript SDK server's dependencies are not installed: run `npm ci` in conformance/testdata/tsserver")
	}
	return node
}

// requireNodeModule skips the test unless node, the project's node_modules and the named
// package (e.g. "mcp-use", "@scalekit-sdk/node") are installed.
func requireNodeModule(t *testing.T, name string) {
	t.Helper()
	requireTSServer(t)
	if _, err := os.Stat(filepath.Join(tsServerDir, "node_modules", filepath.FromSlash(name), "package.json")); err != nil {
		t.Skipf("%s is not installed: run `npm ci` in conformance/testdata/tsserver", name)
	}
}

// startTSServer starts mockas and the TypeScript SDK server in mode and returns the
// cooperative-mode target.
func startTSServer(t *testing.T, mode scopeMode) conformance.Target {
	t.Helper()
	return startNodeServer(t, "server.js", "/mcp", "SCOPE_MODE="+string(mode))
}

// startNodeServer starts mockas and `node script` of testdata/tsserver with MOCKAS_ISSUER
// and env, and returns the cooperative-mode target for its MCP endpoint: the URL its ready
// line names, else 127.0.0.1, its port and path. The server's stderr goes to the test log.
func startNodeServer(t *testing.T, script, path string, env ...string) conformance.Target {
	t.Helper()
	node := requireTSServer(t)
	as := mockas.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, script)
	cmd.Dir = tsServerDir
	cmd.Env = append(append(os.Environ(), "MOCKAS_ISSUER="+as.Issuer()), env...)
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("node %s: %v", script, err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if s := stderr.String(); s != "" {
			t.Logf("%s stderr:\n%s", script, s)
		}
	})
	type readyLine struct {
		Port int    `json:"port"`
		URL  string `json:"url"` // the endpoint URL, when the server names it itself
	}
	ready := make(chan readyLine, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var r readyLine
			if json.Unmarshal(sc.Bytes(), &r) == nil && r.Port > 0 {
				ready <- r
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case r := <-ready:
		if r.URL != "" {
			return conformance.Target{URL: r.URL, MockAS: as}
		}
		return conformance.Target{URL: "http://127.0.0.1:" + strconv.Itoa(r.Port) + path, MockAS: as}
	case <-time.After(30 * time.Second):
		t.Fatalf("node %s did not report its port within 30s; stderr:\n%s", script, stderr.String())
	}
	return conformance.Target{}
}

// lockedBuffer collects a process's output safely.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() < 64<<10 {
		l.b.Write(p)
	}
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRealServer_TypeScriptSDK runs the suite against the TypeScript SDK server in each
// scope mode. The run of the whole suite also proves what only a real jose server shows:
// createRemoteJWKSet refuses a token whose kid it has not seen until 30 s after its last
// JWKS fetch, then refetches and accepts it, so RS-67 passes through its retry window
// (about 30 s of that run, spent while the other checks run) and notes that the refetch is
// rate-limited; jose keeps the withdrawn key cached (10 minutes), so the withdrawal is
// observed only until the other checks are done. RS-71 sees a cached key set and RS-72 a
// server that never introspects. The runs are parallel, so the rotation window overlaps
// the scope runs instead of adding to them.
func TestRealServer_TypeScriptSDK(t *testing.T) {
	requireTSServer(t)
	for _, tc := range realScopeCases("pass", true) {
		if tc.filter == "" {
			tc.want["RS-67"] = statuses(check.StatusPass)
			tc.want["RS-71"] = statuses(check.StatusPass)
			tc.want["RS-72"] = statuses(check.StatusInfo)
			if tc.detail == nil {
				tc.detail = map[string][]string{}
			}
			tc.detail["RS-67"] = []string{"the server refetches its JWKS on an unknown kid, rate-limited",
				"after the key left the JWKS a token signed with it was still accepted"}
			tc.detail["RS-71"] = []string{"no JWKS fetch for 4 requests with a known kid"}
		}
		t.Run(string(tc.mode)+"/"+tc.how, func(t *testing.T) {
			t.Parallel()
			target := startTSServer(t, tc.mode)
			checkRealServer(t, target, tc.mode)
			if tc.declare {
				target.Scopes = declaredRealScopes()
			}
			executeRealServer(t, realServerRun{name: "TypeScript SDK " + string(tc.mode), target: target, want: tc.want, detail: tc.detail, filter: tc.filter})
		})
	}
}
