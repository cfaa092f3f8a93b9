package main

// This file builds the mockas binary once (TestMain) and drives it as a subprocess on
// 127.0.0.1: helpers to start it, wait for its ready line, talk to it and stop it.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// binPath is the binary built by TestMain; it is set once before any test runs.
var binPath string

// waitLimit bounds every wait on the subprocess so a hung binary fails the test instead of
// hanging it. It is a deadlock guard, not a timing assertion.
const waitLimit = 60 * time.Second

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

// buildAndRun builds the binary into a temporary directory and runs the tests.
func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "mockas-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkdir temp:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binPath = filepath.Join(dir, "mockas")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "go build:", err)
		return 1
	}
	return m.Run()
}

// syncBuffer is a bytes.Buffer safe for the exec copier and the test goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// proc is a running mockas.
type proc struct {
	cmd    *exec.Cmd
	ready  string // the ready line
	base   string // http://127.0.0.1:PORT, where it listens
	stderr *syncBuffer
	done   chan struct{}
	err    error // Wait's error, valid after done
}

// readyRE matches the ready line; group 1 is the issuer, group 2 the listen address when
// it differs from the issuer's.
var readyRE = regexp.MustCompile(`^mockas: serving (\S+)(?: \(listening on (\S+)\))?$`)

// tokenURL is the token endpoint path.
const tokenURL = "/oauth/token"

// testEnv is the environment of every subprocess: HOME and XDG_CONFIG_HOME point at home so
// the default state directory never touches the real user's.
func testEnv(home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
}

// startMockas starts the binary with args (and HOME=home) and waits for its ready line. It
// stops the process in Cleanup if the test did not.
func startMockas(t *testing.T, home string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = testEnv(home)
	p := &proc{cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("stdout pipe: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mockas: %v", err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	var line string
	var ok bool
	select {
	case line, ok = <-lines:
	case <-time.After(waitLimit):
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	if !ok {
		_ = cmd.Process.Kill()
		<-p.done
		t.Fatalf("mockas %v: no ready line; stderr:\n%s", args, p.stderr.String())
	}
	m := readyRE.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("ready line %q does not match %s", line, readyRE)
	}
	p.ready, p.base = line, m[1]
	if m[2] != "" {
		p.base = "http://" + m[2]
	}
	return p
}

// stop sends sig and returns the exit code.
func (p *proc) stop(t *testing.T, sig os.Signal) int {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
	return p.wait(t)
}

// wait waits for the process to end and returns its exit code.
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(waitLimit):
		_ = p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("mockas did not exit; stderr:\n%s", p.stderr.String())
	}
	var ee *exec.ExitError
	switch {
	case p.err == nil:
		return 0
	case errors.As(p.err, &ee):
		return ee.ExitCode()
	default:
		t.Fatalf("wait: %v", p.err)
		return -1
	}
}

// runMockas runs the binary to completion (for commands that exit by themselves) and returns
// its exit code, stdout and stderr.
func runMockas(t *testing.T, home string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = testEnv(home)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		return ee.ExitCode(), stdout.String(), stderr.String()
	default:
		t.Fatalf("run mockas %v: %v; stderr:\n%s", args, err, stderr.String())
		return -1, "", ""
	}
}

// getJSON GETs url and decodes a JSON object; it returns the status too.
func getJSON(t *testing.T, u string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	return doJSON(t, req)
}

// postForm POSTs a form, with HTTP Basic client authentication when id is not empty.
func postForm(t *testing.T, u string, form url.Values, id, secret string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	return doJSON(t, req)
}

// postJSON POSTs a JSON body.
func postJSON(t *testing.T, u string, body any) (int, map[string]any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	return doJSON(t, req)
}

// doJSON sends req and decodes a JSON object body (empty map for an empty or non-JSON body).
func doJSON(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	out := map[string]any{}
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

// clientCredentials asks for a token with client_secret_basic.
func clientCredentials(t *testing.T, base, id, secret, scope string) (int, map[string]any) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	if scope != "" {
		form.Set("scope", scope)
	}
	return postForm(t, base+tokenURL, form, id, secret)
}

// jwtClaims decodes the payload of a JWT without verifying it (the tests that need a
// verified token verify it against the JWKS separately).
func jwtClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("decode payload: %v", err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("unmarshal claims: %v", err)
	}
	return c
}

// activeKID returns the kid of the only key in the JWKS at base.
func activeKID(t *testing.T, base string) string {
	t.Helper()
	status, jwks := getJSON(t, base+"/keys")
	keys, _ := jwks["keys"].([]any)
	if status != http.StatusOK || len(keys) != 1 {
		t.Fatalf("GET /keys = %d with %d keys, want 200 with 1", status, len(keys))
	}
	kid, _ := keys[0].(map[string]any)["kid"].(string)
	return kid
}
