package scenarios_test

// Correct servers built differently from the reference fixture: every check runs against each
// and none may FAIL (THE RULE: a FAIL is a real violation; where the spec leaves the choice to
// the server the checks warn or skip). Each variant is the reference handler
// (fixtures.NewHandler) configured differently and/or fronted by a small middleware that
// changes one legitimate design choice: where the endpoint is mounted, SSE answers, no
// sessions, the shape of 401/403 bodies, GET handling, scopes, Origin policy, extra PRM members,
// the probe mode and the spec version. One variant carries a genuine violation (resource_metadata
// pointing at a root document whose resource is the origin) and must fail exactly RS-17.
//
// To keep the test from passing vacuously, each variant also states what must hold: the
// positive control passes whenever a token can be had, and named checks end as expected
// (warn, skip with a reason, pass).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// serverVariant is one correct-but-different server and what a full run must show on it.
type serverVariant struct {
	name string
	// options adjusts the reference server's options; base is "http://127.0.0.1:PORT".
	options func(base string, o *fixtures.Options)
	// wrap fronts the reference handler; mcpPath is the endpoint path it serves.
	wrap func(base, mcpPath string, next http.Handler) http.Handler
	// url is the target URL given to the suite; default the fixture's endpoint URL.
	url func(base string) string
	// mode adjusts the run configuration (cooperative with declared weather scope by default).
	mode func(t *testing.T, as *mockas.Server, resource string, cfg *check.Config)
	// fail are the checks that must FAIL (a genuine violation); every other check must not.
	fail []string
	// want are further verdicts that must hold; a detail substring may be given after "|".
	want map[string]string
	// noControl: no valid token in this mode, so RS-50 is not required to pass.
	noControl bool
}

// variantRun is the outcome of every check against one variant.
type variantRun struct {
	version string
	results map[string]check.Result
}

// startVariant serves v on a loopback port, trusting a fresh mockas, and returns the run
// configuration.
func startVariant(t *testing.T, v serverVariant) check.Config {
	t.Helper()
	as := mockas.Start(t)
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	opts := fixtures.Options{Issuer: as.Issuer()}
	if v.options != nil {
		v.options(base, &opts)
	}
	h, err := fixtures.NewHandler(opts, base)
	if err != nil {
		ts.Close()
		t.Fatalf("fixtures.NewHandler: %v", err)
	}
	path := opts.Path
	if path == "" {
		path = "/mcp"
	}
	if v.wrap != nil {
		h = v.wrap(base, path, h)
	}
	ts.Config.Handler = h
	ts.Start()
	t.Cleanup(ts.Close)
	cfg := check.Config{
		URL:    base + path,
		Minter: check.LocalMinter(as),
		Scopes: map[string]string{"weather": "mcp:tools:weather"},
	}
	if v.url != nil {
		cfg.URL = v.url(base)
	}
	if v.mode != nil {
		v.mode(t, as, base+path, &cfg)
	}
	return cfg
}

// runEveryCheck executes every defined check against cfg: the independent ones on a few
// workers, the rate-limit ones afterwards (as conformance.Execute does).
func runEveryCheck(t *testing.T, cfg check.Config) variantRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	r, err := check.NewRun(ctx, cfg)
	if err != nil {
		t.Fatalf("check.NewRun: %v", err)
	}
	out := variantRun{version: r.Config().SpecVersion, results: map[string]check.Result{}}
	var mu sync.Mutex
	var independent, limited []check.Definition
	for _, def := range check.Definitions() {
		// As the concurrent driver: checks that count or change the shared mockas (RS-69's
		// faults) or burst against a rate limit run last and alone.
		if check.RunsLast(def.Needs) {
			limited = append(limited, def)
		} else {
			independent = append(independent, def)
		}
	}
	queue := make(chan check.Definition)
	var wg sync.WaitGroup
	r.BeginConcurrent(len(independent))
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for def := range queue {
				res := r.Execute(ctx, def, check.Hooks{})
				r.EndConcurrent()
				mu.Lock()
				out.results[def.ID] = res
				mu.Unlock()
			}
		}()
	}
	for _, def := range independent {
		queue <- def
	}
	close(queue)
	wg.Wait()
	for _, def := range limited {
		out.results[def.ID] = r.Execute(ctx, def, check.Hooks{})
	}
	if ctx.Err() != nil {
		t.Fatalf("run interrupted: %v", ctx.Err())
	}
	return out
}

// judge applies THE RULE and the variant's expectations to a run.
func (v serverVariant) judge(t *testing.T, vr variantRun) {
	t.Helper()
	if len(vr.results) != len(check.Definitions()) {
		t.Fatalf("ran %d checks, want %d", len(vr.results), len(check.Definitions()))
	}
	mustFail := map[string]bool{}
	for _, id := range v.fail {
		mustFail[id] = true
	}
	ids := make([]string, 0, len(vr.results))
	for id := range vr.results {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		res := vr.results[id]
		if res.Status != check.StatusPass {
			t.Logf("%s %s: %s", id, res.Status, firstLineOf(res.Detail))
		}
		switch {
		case mustFail[id] && res.Status != check.StatusFail:
			t.Errorf("%s (spec %s): want fail (genuine violation), got %s: %s", id, vr.version, res.Status, res.Detail)
		case !mustFail[id] && res.Status == check.StatusFail:
			t.Errorf("%s (spec %s): false FAIL on a correct server: %s", id, vr.version, res.Detail)
		case res.Status == check.StatusSkip && strings.TrimSpace(res.Detail) == "":
			t.Errorf("%s: skipped without a reason", id)
		}
	}
	if !v.noControl {
		if res := vr.results[check.ControlID]; res.Status != check.StatusPass {
			t.Errorf("positive control %s: want pass (else the token checks prove nothing), got %s: %s",
				check.ControlID, res.Status, res.Detail)
		}
	}
	for id, want := range v.want {
		status, detail, _ := strings.Cut(want, "|")
		res, ok := vr.results[id]
		if !ok {
			t.Errorf("%s: not run", id)
			continue
		}
		if string(res.Status) != status {
			t.Errorf("%s: want %s, got %s: %s", id, status, res.Status, res.Detail)
		} else if !strings.Contains(res.Detail, detail) {
			t.Errorf("%s: detail %q does not contain %q", id, res.Detail, detail)
		}
	}
}

// captured is a buffered response of the wrapped handler, to be rewritten before it is sent.
type captured struct {
	status int
	header http.Header
	body   []byte
}

// capture runs next on r with a recorder.
func capture(next http.Handler, r *http.Request) *captured {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body) // a recorder's body cannot fail to read
	return &captured{status: res.StatusCode, header: res.Header, body: body}
}

// send writes c to w, with a Content-Length matching the (possibly rewritten) body.
func (c *captured) send(w http.ResponseWriter) {
	for k, vs := range c.header {
		w.Header()[k] = vs
	}
	w.Header().Del("Content-Length")
	if len(c.body) > 0 {
		w.Header().Set("Content-Length", strconv.Itoa(len(c.body)))
	}
	w.WriteHeader(c.status)
	_, _ = w.Write(c.body)
}

// rewriting fronts next with edit, which may change any buffered response.
func rewriting(next http.Handler, edit func(r *http.Request, c *captured)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := capture(next, r)
		edit(r, c)
		c.send(w)
	})
}

// isJSON reports whether the captured response is declared application/json.
func (c *captured) isJSON() bool {
	mt, _, _ := mime.ParseMediaType(c.header.Get("Content-Type"))
	return mt == "application/json"
}

// sseAnswers answers every successful JSON-RPC POST with text/event-stream: a log
// notification event, then the response event (transports §2.1: the server MUST return either
// application/json or text/event-stream; the client MUST support both).
func sseAnswers(_, mcpPath string, next http.Handler) http.Handler {
	return rewriting(next, func(r *http.Request, c *captured) {
		if r.URL.Path != mcpPath || r.Method != http.MethodPost || c.status != http.StatusOK || !c.isJSON() {
			return
		}
		note := `{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"working"}}`
		c.header.Set("Content-Type", "text/event-stream")
		c.header.Set("Cache-Control", "no-cache")
		c.body = []byte("event: message\ndata: " + note + "\n\n" +
			"id: 1\nevent: message\ndata: " + string(bytes.TrimSpace(c.body)) + "\n\n")
	})
}

// sseKeepOpen answers every successful JSON-RPC POST with an event stream that stays open
// after the response event (transports 2025-11-25 §2.1: after the response "the server SHOULD
// terminate the SSE stream" — SHOULD, so keeping it open is allowed), until the client goes
// away (or 10 s pass).
func sseKeepOpen(_, mcpPath string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != mcpPath || r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		c := capture(next, r)
		if c.status != http.StatusOK || !c.isJSON() {
			c.send(w)
			return
		}
		for k, vs := range c.header {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Del("Content-Length")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "id: 1\nevent: message\ndata: "+string(bytes.TrimSpace(c.body))+"\n\n")
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
}

// stateless never issues Mcp-Session-Id (transports §2.5: a server MAY assign one) and serves
// no GET stream or DELETE, answering 405 before authentication.
func stateless(_, mcpPath string, next http.Handler) http.Handler {
	inner := rewriting(next, func(_ *http.Request, c *captured) { c.header.Del("Mcp-Session-Id") })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == mcpPath && (r.Method == http.MethodGet || r.Method == http.MethodDelete) {
			w.Header().Set("Allow", "POST, OPTIONS")
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		r.Header.Del("Mcp-Session-Id")
		inner.ServeHTTP(w, r)
	})
}

// rpcErrorBodies replaces the bodies of 401 and 403 answers with a JSON-RPC error without id
// (transports §2: "The HTTP response body MAY comprise a JSON-RPC error response that has no
// id").
func rpcErrorBodies(_, _ string, next http.Handler) http.Handler {
	return rewriting(next, func(_ *http.Request, c *captured) {
		if c.status != http.StatusUnauthorized && c.status != http.StatusForbidden {
			return
		}
		c.header.Set("Content-Type", "application/json")
		c.body = []byte(fmt.Sprintf(`{"jsonrpc":"2.0","error":{"code":-32001,"message":%q}}`, http.StatusText(c.status)))
	})
}

// emptyErrorBodies sends 401 and 403 answers with no body at all (RFC 6750 §3 defines only
// the header).
func emptyErrorBodies(_, _ string, next http.Handler) http.Handler {
	return rewriting(next, func(_ *http.Request, c *captured) {
		if c.status != http.StatusUnauthorized && c.status != http.StatusForbidden {
			return
		}
		c.header.Del("Content-Type")
		c.body = nil
	})
}

// getNotServed answers GET on the endpoint with 405 before authentication (transports §2.2:
// "or else return HTTP 405 Method Not Allowed").
func getNotServed(_, mcpPath string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == mcpPath && r.Method == http.MethodGet {
			w.Header().Set("Allow", "POST, DELETE, OPTIONS")
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// onlyRootPRM serves no path-suffixed metadata document (404): the root one is enough.
func onlyRootPRM(_, mcpPath string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/oauth-protected-resource"+mcpPath {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// onlyPathPRM serves no root metadata document (404): the path-suffixed one is enough.
func onlyPathPRM(_, _ string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/oauth-protected-resource" {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refuseAnyOrigin is a strict allow-list that is empty: any request carrying Origin gets 403
// with a JSON-RPC error without id (transports "Security Warning"), on every path.
func refuseAnyOrigin(_, _ string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.Header.Values("Origin")) > 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"jsonrpc":"2.0","error":{"code":-32600,"message":"Forbidden: origin not allowed"}}`)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// richPRM adds the optional RFC 9728 §2 members and unknown extension members to every PRM
// document ("Additional protected resource metadata parameters MAY also be used").
func richPRM(_, _ string, next http.Handler) http.Handler {
	return rewriting(next, func(r *http.Request, c *captured) {
		if !strings.HasPrefix(r.URL.Path, "/.well-known/oauth-protected-resource") || c.status != http.StatusOK {
			return
		}
		var doc map[string]any
		if json.Unmarshal(c.body, &doc) != nil {
			return
		}
		doc["resource_documentation"] = "https://docs.mcp-conform.example/mcp"
		doc["resource_policy_uri"] = "https://docs.mcp-conform.example/policy"
		doc["resource_tos_uri"] = "https://docs.mcp-conform.example/tos"
		doc["resource_signing_alg_values_supported"] = []string{"RS256", "ES256"}
		doc["tls_client_certificate_bound_access_tokens"] = false
		doc["dpop_bound_access_tokens_required"] = false
		doc["dpop_signing_alg_values_supported"] = []string{"ES256"}
		doc["authorization_details_types_supported"] = []string{"payment_initiation"}
		doc["resource_name#de"] = "Referenzserver"
		doc["x_vendor_extension"] = map[string]any{"tier": "gold", "limits": []any{1, 2.5, true}}
		doc["mcp_protocol_versions"] = []string{"2025-06-18", "2025-11-25"}
		doc["x_enabled"] = false
		doc["x_count"] = 0
		b, err := json.Marshal(doc)
		if err != nil {
			return
		}
		c.body = b
	})
}

// extraChallenges adds a DPoP challenge on its own field line and a realm to the Bearer one
// (RFC 9728 §5.4 and RFC 9110 §11.6.1: several challenges may be offered).
func extraChallenges(_, _ string, next http.Handler) http.Handler {
	return rewriting(next, func(_ *http.Request, c *captured) {
		lines := c.header.Values("WWW-Authenticate")
		if len(lines) == 0 {
			return
		}
		out := []string{`DPoP algs="ES256 PS256"`}
		for _, l := range lines {
			if rest, ok := strings.CutPrefix(l, "Bearer "); ok {
				l = `Bearer realm="mcp", ` + rest
			}
			out = append(out, l)
		}
		c.header["Www-Authenticate"] = out
	})
}

// basicIsBadRequest answers a non-Bearer Authorization scheme with 400 invalid_request (a
// design some servers choose; RFC 6750 §3.1 only says such a request SHOULD be treated as
// carrying no credentials).
func basicIsBadRequest(_, mcpPath string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := r.Header.Get("Authorization")
		if r.URL.Path == mcpPath && a != "" && !strings.HasPrefix(strings.ToLower(a), "bearer") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":"invalid_request","error_description":"unsupported authentication scheme"}`)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sessionRequired answers 400 to an authenticated non-initialize POST without Mcp-Session-Id
// (what the TypeScript SDK's stateful transport does after its auth middleware: "Bad Request:
// No valid session ID provided").
func sessionRequired(_, mcpPath string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != mcpPath || r.Method != http.MethodPost || r.Header.Get("Mcp-Session-Id") != "" {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
		var msg struct {
			Method string `json:"method"`
		}
		_ = json.Unmarshal(body, &msg) // a non-JSON body is the reference handler's to refuse
		if msg.Method == "initialize" || msg.Method == "" {
			next.ServeHTTP(w, r)
			return
		}
		// Authentication first, as the SDK's middleware order has it: only a request the
		// reference handler would serve is refused for the missing session.
		c := capture(next, r)
		if c.status/100 == 2 {
			c.status = http.StatusBadRequest
			c.header.Set("Content-Type", "application/json")
			c.body = []byte(`{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: No valid session ID provided"},"id":null}`)
		}
		c.send(w)
	})
}

// only20260728 speaks nothing but stateless MCP 2026-07-28: an authenticated POST without
// MCP-Protocol-Version: 2026-07-28 is refused with 400 UnsupportedProtocolVersionError (-32022,
// streamable-http §6.1), initialize included. Authentication comes first.
func only20260728(_, mcpPath string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != mcpPath || r.Method != http.MethodPost || r.Header.Get("MCP-Protocol-Version") == "2026-07-28" {
			next.ServeHTTP(w, r)
			return
		}
		c := capture(next, r)
		if c.status/100 == 2 {
			c.status = http.StatusBadRequest
			c.header = http.Header{"Content-Type": {"application/json"}}
			c.body = []byte(`{"jsonrpc":"2.0","id":null,"error":{"code":-32022,"message":"Unsupported protocol version","data":{"supported":["2026-07-28"]}}}`)
		}
		c.send(w)
	})
}

// chain composes wrappers, the first outermost.
func chain(ws ...func(base, mcpPath string, next http.Handler) http.Handler) func(string, string, http.Handler) http.Handler {
	return func(base, mcpPath string, next http.Handler) http.Handler {
		for i := len(ws) - 1; i >= 0; i-- {
			next = ws[i](base, mcpPath, next)
		}
		return next
	}
}

// rootMounted mounts the endpoint at "/" and accepts the origin as audience: the root PRM
// document names the origin as resource, so that is the aud clients obtain.
func rootMounted(base string, o *fixtures.Options) {
	o.Path = "/"
	o.Audience = []string{base}
}

func withVersion(v string) func(*testing.T, *mockas.Server, string, *check.Config) {
	return func(_ *testing.T, _ *mockas.Server, _ string, cfg *check.Config) { cfg.SpecVersion = v }
}

var serverVariants = []serverVariant{
	{
		name:    "root-endpoint-trailing-slash",
		options: rootMounted,
		url:     func(base string) string { return base + "/" },
		want: map[string]string{
			"RS-16": "pass", "RS-17": "pass",
			"RS-24": "warn|trailing slash", // MCP §8.1: SHOULD use the form without it
		},
	},
	{
		name:    "root-endpoint-no-slash",
		options: rootMounted,
		url:     func(base string) string { return base },
		want:    map[string]string{"RS-16": "pass", "RS-17": "pass", "RS-24": "pass"},
	},
	{
		name:    "deep-prefix",
		options: func(_ string, o *fixtures.Options) { o.Path = "/api/v1/mcp" },
		want:    map[string]string{"RS-11": "pass", "RS-16": "pass", "RS-17": "pass", "RS-43": "pass"},
	},
	{
		name: "sse-answers",
		wrap: sseAnswers,
		want: map[string]string{"RS-10": "pass", "RS-45": "pass", "RS-51": "pass", "RS-53": "pass", "RS-55": "pass"},
	},
	{
		name: "sse-kept-open",
		wrap: sseKeepOpen,
		mode: func(_ *testing.T, _ *mockas.Server, _ string, cfg *check.Config) { cfg.Timeout = 3 * time.Second },
		want: map[string]string{"RS-10": "pass", "RS-45": "pass", "RS-51": "pass", "RS-55": "pass"},
	},
	{
		name: "stateless",
		wrap: stateless,
		want: map[string]string{
			"RS-09":  "pass|405",
			"RS-10":  "skip|no Mcp-Session-Id",
			"RS-10b": "skip|no Mcp-Session-Id",
		},
	},
	{
		name: "stateless-sse",
		wrap: chain(stateless, sseAnswers),
		want: map[string]string{"RS-10": "skip|no Mcp-Session-Id", "RS-51": "pass", "RS-56": "pass"},
	},
	{
		name: "session-required",
		wrap: sessionRequired,
		want: map[string]string{"RS-10": "pass", "RS-51": "pass", "RS-55": "pass", "RS-56": "pass"},
	},
	{
		// RFC 9068 §4 strict: only typ at+jwt is accepted. Catalogue RS-46: a legitimate profile
		// choice (INFO), so the suite must not report the refusal of its typ JWT tokens as a
		// violation.
		name:    "rfc9068-typ-required",
		options: func(_ string, o *fixtures.Options) { o.Flaws = []fixtures.Flaw{fixtures.FlawTypAtJWTRequired} },
		want:    map[string]string{"RS-46": "info|typ JWT rejected"},
	},
	{
		name: "jsonrpc-error-bodies",
		wrap: rpcErrorBodies,
		want: map[string]string{"RS-61": "info|JSON-RPC error", "RS-51": "pass", "RS-57": "pass"},
	},
	{
		name: "empty-error-bodies",
		wrap: emptyErrorBodies,
		want: map[string]string{"RS-61": "info|empty body", "RS-51": "pass", "RS-57": "pass"},
	},
	{
		name: "get-405-before-auth",
		wrap: getNotServed,
		want: map[string]string{"RS-09": "pass|GET → 405"},
	},
	{
		name: "get-401",
		want: map[string]string{"RS-09": "pass"},
	},
	{
		// A genuine violation (catalogue RS-17): resource_metadata points at the root document,
		// whose resource is the origin, while the endpoint has a path. The server accepts the
		// origin as audience, so only RS-17 may fail.
		name: "root-prm-only-challenge-points-to-root",
		options: func(base string, o *fixtures.Options) {
			o.Flaws = []fixtures.Flaw{fixtures.FlawChallengePointsToRootPRM}
			o.Audience = []string{base}
		},
		wrap: onlyRootPRM,
		fail: []string{"RS-17"},
		want: map[string]string{"RS-11": "pass", "RS-12": "pass", "RS-16": "pass"},
	},
	{
		name: "path-prm-only",
		wrap: onlyPathPRM,
		want: map[string]string{"RS-11": "pass", "RS-16": "pass", "RS-17": "pass"},
	},
	{
		name: "no-scopes",
		options: func(_ string, o *fixtures.Options) {
			o.Tools = map[string]string{"echo": "", "weather": "", "admin": ""}
			o.Resources, o.Prompts = map[string]string{}, map[string]string{}
		},
		mode: func(_ *testing.T, _ *mockas.Server, _ string, cfg *check.Config) { cfg.Scopes = nil },
		want: map[string]string{
			"RS-06": "warn", "RS-21": "warn",
			"RS-51": "info|no scope requirement observed", "RS-52": "skip|scope", "RS-53": "skip|scope", "RS-54": "skip",
		},
	},
	{
		name: "origin-refuse-any",
		wrap: refuseAnyOrigin,
		want: map[string]string{"RS-57": "pass", "RS-59": "info"},
	},
	{
		name:    "origin-ignored",
		options: func(_ string, o *fixtures.Options) { o.Flaws = []fixtures.Flaw{fixtures.FlawOriginUnchecked} },
		want:    map[string]string{"RS-57": "warn"},
	},
	{
		name: "rich-prm",
		wrap: richPRM,
		want: map[string]string{"RS-20": "pass", "RS-23": "pass", "RS-13": "pass", "RS-15": "pass"},
	},
	{
		name: "extra-challenges",
		wrap: extraChallenges,
		want: map[string]string{"RS-02": "pass", "RS-03": "pass", "RS-07": "pass", "RS-17": "pass"},
	},
	{
		name: "basic-scheme-400",
		wrap: basicIsBadRequest,
		want: map[string]string{"RS-08": "warn|400"},
	},
	{
		name:      "anonymous-mode",
		noControl: true,
		mode: func(_ *testing.T, _ *mockas.Server, _ string, cfg *check.Config) {
			cfg.Minter, cfg.Scopes = nil, nil
		},
		want: map[string]string{
			"RS-50": "skip|needs a valid access token",
			"RS-10": "skip|needs a valid access token",
			"RS-40": "skip|cooperative",
			"RS-51": "skip|cooperative",
			"RS-33": "pass", "RS-35": "pass", "RS-36": "pass",
		},
	},
	{
		name: "supplied-token-mode",
		mode: func(t *testing.T, as *mockas.Server, resource string, cfg *check.Config) {
			tok, err := as.Mint(mockas.TokenSpec{Subject: "variant-user", ClientID: "variant-client",
				Audience: []string{resource}, Scopes: []string{"mcp:tools:weather", "mcp:admin"}})
			if err != nil {
				t.Fatalf("mint: %v", err)
			}
			cfg.Minter, cfg.Token = nil, tok
		},
		want: map[string]string{
			"RS-10": "pass", "RS-26": "pass", "RS-39": "pass",
			"RS-40": "skip|cooperative", "RS-43": "skip|cooperative", "RS-51": "skip|cooperative",
		},
	},
	{
		// Auto-detection finds 2026-07-28 from a stateless request the server serves.
		name: "only-2026-07-28-auto",
		wrap: chain(stateless, only20260728),
		want: map[string]string{"RS-55": "pass", "RS-10": "skip|not applicable to spec version 2026-07-28"},
	},
	{
		name: "only-2026-07-28",
		wrap: chain(stateless, only20260728),
		mode: withVersion(check.Version20260728),
		want: map[string]string{"RS-55": "pass", "RS-56": "pass"},
	},
	{name: "spec-2025-03-26", mode: withVersion(check.Version20250326), want: map[string]string{"RS-62": "pass", "RS-03": "skip|not applicable"}},
	{name: "spec-2025-06-18", mode: withVersion(check.Version20250618), want: map[string]string{"RS-03": "pass", "RS-06": "skip|not applicable"}},
	{name: "spec-2026-07-28", mode: withVersion(check.Version20260728), want: map[string]string{"RS-10": "skip|not applicable", "RS-55": "pass", "RS-56": "info|accepted"}},
}

// atVersion is v run with --spec-version version (its own want list does not carry over:
// which checks apply depends on the version).
func atVersion(v serverVariant, version string) serverVariant {
	v.name += "@" + version
	v.want = nil
	mode := v.mode
	v.mode = func(t *testing.T, as *mockas.Server, resource string, cfg *check.Config) {
		if mode != nil {
			mode(t, as, resource, cfg)
		}
		cfg.SpecVersion = version
	}
	return v
}

// variantsByName returns the named variants of serverVariants.
func variantsByName(names ...string) []serverVariant {
	var out []serverVariant
	for _, v := range serverVariants {
		for _, n := range names {
			if v.name == n {
				out = append(out, v)
			}
		}
	}
	return out
}

// TestVariants_NoFalseFail runs every check against every variant, and the layouts most
// sensitive to the version against the other spec versions.
func TestVariants_NoFalseFail(t *testing.T) {
	all := append([]serverVariant(nil), serverVariants...)
	for _, v := range variantsByName("root-endpoint-no-slash", "root-endpoint-trailing-slash", "deep-prefix", "stateless-sse",
		"root-prm-only-challenge-points-to-root") {
		for _, version := range []string{check.Version20250326, check.Version20250618, check.Version20260728} {
			vv := atVersion(v, version)
			if version == check.Version20250326 {
				vv.fail = nil // 2025-03-26 has no protected resource metadata rules (RS-17 does not apply)
			}
			all = append(all, vv)
		}
	}
	for _, v := range all {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			cfg := startVariant(t, v)
			v.judge(t, runEveryCheck(t, cfg))
		})
	}
}

// firstLineOf is the first line of s, for the per-variant log.
func firstLineOf(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
