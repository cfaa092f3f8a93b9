package check

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/onsi/gomega"

	"github.com/mcp-conform/mcp-conform/mockas"
)

func TestNewRun_invalidConfig(t *testing.T) {
	srv := loopbackServer(t, http.NotFoundHandler())
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "relative URL", cfg: Config{URL: "/mcp"}, want: "absolute http or https"},
		{name: "other scheme", cfg: Config{URL: "ftp://127.0.0.1/mcp"}, want: "absolute http or https"},
		{name: "no host", cfg: Config{URL: "http:///mcp"}, want: "absolute http or https"},
		{name: "fragment", cfg: Config{URL: srv.URL + "/mcp#x"}, want: "fragment"},
		{name: "unknown version", cfg: Config{URL: srv.URL, SpecVersion: "2024-11-05"}, want: "spec version"},
		{name: "authorization header", cfg: Config{URL: srv.URL, Headers: http.Header{"Authorization": {"x"}}}, want: "Authorization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewRun(t.Context(), tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewRun error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestNewRun_unreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more
	_, err = NewRun(t.Context(), Config{URL: "http://" + addr + "/mcp"})
	var opErr *net.OpError
	if !errors.As(err, &opErr) || !strings.Contains(err.Error(), "not reachable") {
		t.Errorf("NewRun error = %v, want a wrapped *net.OpError saying not reachable", err)
	}
}

// TestNewRun_peerNotHTTPOrSilent: a peer that answers garbage or never answers is
// unreachable (the CLI exits 2), within the request timeout, never a hang.
func TestNewRun_peerNotHTTPOrSilent(t *testing.T) {
	for name, answer := range map[string][]byte{"garbage": []byte("\x00\x01not http\r\n\r\n"), "silent": nil} {
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ln.Close() })
			go func() {
				for {
					conn, err := ln.Accept()
					if err != nil {
						return
					}
					go func() {
						defer conn.Close()
						buf := make([]byte, 4096)
						_, _ = conn.Read(buf)
						if answer == nil {
							_, _ = conn.Read(buf) // hold the connection until the client gives up
							return
						}
						_, _ = conn.Write(answer)
					}()
				}
			}()
			_, err = NewRun(t.Context(), Config{URL: "http://" + ln.Addr().String() + "/mcp", Timeout: 200 * time.Millisecond})
			if !errors.Is(err, ErrUnreachable) {
				t.Errorf("NewRun error = %v, want one wrapping ErrUnreachable", err)
			}
		})
	}
}

func TestNewRun_resolvesVersion(t *testing.T) {
	tests := []struct {
		name     string
		answer   string // protocolVersion the target answers
		explicit string
		minter   bool
		want     string
	}{
		{name: "auto takes the negotiated version", answer: Version20250618, want: Version20250618},
		{name: "auto with minted token", answer: Version20250326, minter: true, want: Version20250326},
		{name: "auto ignores unknown versions", answer: "1999-01-01", want: Version20251125},
		{name: "explicit version wins", answer: Version20250618, explicit: Version20260728, want: Version20260728},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := newTestTarget(t, func(x *testTarget) { x.version = tt.answer })
			cfg := Config{URL: target.resource, SpecVersion: tt.explicit}
			if tt.minter {
				cfg.Minter = LocalMinter(target.as)
			} else {
				cfg.Token = mintFor(t, target, mockas.TokenSpec{})
			}
			run, err := NewRun(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := run.Config().SpecVersion; got != tt.want {
				t.Errorf("SpecVersion = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewRun_autoUnauthenticatedFallsBack(t *testing.T) {
	target := newTestTarget(t, func(x *testTarget) { x.version = Version20250618 })
	run, err := NewRun(t.Context(), Config{URL: target.resource, SpecVersion: "auto"})
	if err != nil {
		t.Fatal(err)
	}
	if got := run.Config().SpecVersion; got != LatestInitializeVersion {
		t.Errorf("SpecVersion = %q, want the fallback %q (the target answers 401 without a token)", got, LatestInitializeVersion)
	}
}

// mintFor mints a token the target accepts.
func mintFor(t *testing.T, target *testTarget, spec mockas.TokenSpec) string {
	t.Helper()
	if spec.Audience == nil {
		spec.Audience = []string{target.resource}
	}
	tok, err := target.as.Mint(spec)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestTokens_cooperative(t *testing.T) {
	target := newTestTarget(t, func(x *testTarget) { x.sse = true })
	run := newTestRun(t, Config{URL: target.resource, Minter: LocalMinter(target.as),
		ToolArgs: map[string]map[string]any{"echo": {"text": "hi"}}}, testRegistry(t))
	var token string
	res := runCheck(t, run, "T-MUST", NeedsToken|NeedsMinting, func(ctx context.Context, c *C) {
		token = c.ValidToken(ctx)
		c.Expect(c.Do(ctx, withAuth(c.BaselineRequest(), token))).To(HaveStatus(http.StatusOK))
		expired := c.Mint(ctx, mockas.TokenSpec{Defect: mockas.DefectExpired})
		c.Expect(c.Do(ctx, withAuth(c.BaselineRequest(), expired))).To(HaveOAuthError("invalid_token"))
		forged := c.Forge(ctx, mockas.TokenSpec{Defect: mockas.DefectAlgNone})
		c.Expect(c.Do(ctx, withAuth(c.BaselineRequest(), forged))).To(HaveStatus(http.StatusUnauthorized))
		resp := c.Call(ctx, token, ToolCall("echo"))
		c.Expect(resp).To(HaveStatus(http.StatusOK))
		msg, err := resp.JSONRPC()
		c.Expect(err).NotTo(gomega.HaveOccurred())
		c.Expect(msg.IsResponse()).To(gomega.BeTrue())
	})
	if res.Status != StatusPass {
		t.Fatalf("status %s: %s", res.Status, res.Detail)
	}
	claims := decodeClaims(t, token)
	if claims["sub"] != "mcp-conform-t-must" || claims["client_id"] != "mcp-conform-t-must" {
		t.Errorf("sub/client_id = %v/%v, want the check's own", claims["sub"], claims["client_id"])
	}
	if scope, _ := claims["scope"].(string); scope != "mcp:read" {
		t.Errorf("scope = %q, want every advertised scope", scope)
	}
	for _, ex := range res.Exchanges {
		if strings.Contains(ex.Request, token) || strings.Contains(ex.Response, token) {
			t.Fatalf("transcript leaks the token:\n%s", ex.Request)
		}
	}
	_, auth, hdrs := target.hits.snapshot()
	var sawSession bool
	for i, h := range hdrs {
		if h.Get("Mcp-Session-Id") == "session-1" && h.Get("MCP-Protocol-Version") == Version20251125 && len(auth[i]) == 1 {
			sawSession = true
		}
	}
	if !sawSession {
		t.Error("Call did not send the session and version headers with the token")
	}
	var closed bool
	for _, ex := range res.Exchanges {
		closed = closed || (strings.HasPrefix(ex.Request, "DELETE ") && strings.Contains(ex.Request, "Mcp-Session-Id: "))
	}
	if !closed {
		t.Error("the session Call opened was not closed with DELETE when the check ended")
	}
	if diff := cmp.Diff([]OperationCall{
		{Operation: "tools/list", Source: "none", Count: 1, Checks: []string{"catalog"}},
		{Operation: "resources/list", Source: "none", Count: 1, Checks: []string{"catalog"}},
		{Operation: "prompts/list", Source: "none", Count: 1, Checks: []string{"catalog"}},
		{Operation: "tools/call:echo", Arguments: `{"text":"hi"}`, Source: "supplied", Count: 1, Checks: []string{"T-MUST"}}}, run.Calls()); diff != "" {
		t.Errorf("Calls() (-want +got):\n%s", diff)
	}
}

func TestTokens_suppliedMode(t *testing.T) {
	target := newTestTarget(t, nil)
	tok := mintFor(t, target, mockas.TokenSpec{})
	run := newTestRun(t, Config{URL: target.resource, Token: tok}, testRegistry(t))
	res := runCheck(t, run, "T-MUST", NeedsToken, func(ctx context.Context, c *C) {
		if got := c.ValidToken(ctx, "other:scope"); got != tok {
			c.Fail("ValidToken returned another token")
		}
		c.Mint(ctx, mockas.TokenSpec{}) // skips: no minter
	})
	if res.Status != StatusSkip || !strings.Contains(res.Detail, "cooperative mode") || !strings.Contains(res.Detail, "not applied") {
		t.Errorf("got %s %q", res.Status, res.Detail)
	}
}

// TestNewRun_notMCP: a URL that answers HTTP but not as an MCP endpoint stops the run with
// ErrNotMCP and one reason; any answer an MCP endpoint can give does not.
func TestNewRun_notMCP(t *testing.T) {
	t.Parallel()
	answer := func(status int, ctype, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if ctype != "" {
				w.Header().Set("Content-Type", ctype)
			}
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		})
	}
	tests := []struct {
		name string
		h    http.Handler
		want string // in the error; "" = not ErrNotMCP
	}{
		{"HTML page", answer(200, "text/html; charset=utf-8", "<!doctype html><title>Hi</title>"), "with an HTML page"},
		{"HTML 403 without challenge", answer(403, "text/html", "<html>denied</html>"), ""},
		{"404 to POST", answer(404, "text/plain", "404 page not found"), "answered 404 Not Found: nothing serves MCP at this URL"},
		{"405 to POST", answer(405, "", ""), "answered 405 Method Not Allowed"},
		{"200 plain text", answer(200, "text/plain", "OK"), "without a JSON-RPC message"},
		{"200 JSON, not JSON-RPC", answer(200, "application/json", `{"status":"ok"}`), "without a JSON-RPC message"},
		{"401 challenge", answer(401, "", ""), ""},
		{"200 JSON-RPC", answer(200, "application/json", `{"jsonrpc":"2.0","id":1,"result":{}}`), ""},
		{"400 protocol refusal", answer(400, "text/plain", "bad version"), ""},
		{"500", answer(500, "text/html", "<html>oops</html>"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := loopbackServer(t, tt.h)
			_, err := NewRun(t.Context(), Config{URL: srv.URL + "/mcp", SpecVersion: Version20251125})
			switch {
			case tt.want == "" && errors.Is(err, ErrNotMCP):
				t.Errorf("NewRun: %v, want no ErrNotMCP", err)
			case tt.want != "" && (!errors.Is(err, ErrNotMCP) || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("NewRun: %v, want ErrNotMCP mentioning %q", err, tt.want)
			}
		})
	}
}
