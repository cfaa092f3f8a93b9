package conformance_test

// Shared pieces of the real-server acceptance tests (realservers_gosdk_test.go,
// realservers_mcpgo_test.go, realservers_ts_test.go): MCP servers built on the SDKs people
// run — the official Go and TypeScript SDKs and mark3labs/mcp-go — with typed tools whose
// arguments are required, resources, prompts, stateful sessions, a JWKS cache and
// per-operation scopes, in a correct variant and in variants broken the way real servers
// are (a scope never checked, a scope refused in-band with a 200). The suite runs against
// each (conformance.Execute, cooperative mode, an in-process mockas) and the tests assert
// the verdicts: no FAIL on a correct server, the scope checks catching the broken ones.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/toolargs"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// The scopes of the real servers, Scalekit-style (seed document: tool, resource and action
// scopes). Every request needs realBaseScope; each operation of realOperationScopes needs
// its scope on top, which the "prefix:*" scope above it implies.
const (
	realBaseScope    = "mcp:access"
	realWeatherScope = "mcp:tools:weather"
	realNotesWrite   = "mcp:tools:notes:write"
	realNotesRead    = "mcp:resources:notes:read"
	realPromptScope  = "mcp:prompts:summarize"
	realNotesURI     = "notes://all"
)

// realOperationScopes maps an MCP operation ("tools/call:NAME", "resources/read:URI",
// "prompts/get:NAME") to the scopes it needs on top of realBaseScope.
var realOperationScopes = map[string][]string{
	"tools/call:get_weather":         {realWeatherScope},
	"tools/call:delete_note":         {realNotesWrite},
	"resources/read:" + realNotesURI: {realNotesRead},
	"prompts/get:summarize":          {realPromptScope},
}

// realScopesSupported is what the servers advertise in their protected resource metadata.
var realScopesSupported = []string{realBaseScope, realWeatherScope, realNotesWrite, realNotesRead, realPromptScope,
	"mcp:tools:*", "mcp:resources:*"}

// scopeMode says where, if anywhere, a server enforces its per-operation scopes.
type scopeMode string

const (
	// scopeHTTP refuses a call lacking its scope with 403 and a Bearer
	// error="insufficient_scope" challenge from HTTP middleware that reads the JSON-RPC
	// method and name (MCP 2025-11-25 authorization §10.1.1): the correct server.
	scopeHTTP scopeMode = "http-403"
	// scopeInBand checks the scope inside the handler and answers 200 with an isError tool
	// result (or a JSON-RPC error): what SDK tutorials show, and what a client cannot step
	// up from.
	scopeInBand scopeMode = "in-band"
	// scopeNone never checks per-operation scopes: any valid token may call anything.
	scopeNone scopeMode = "not-checked"
)

// rpcOperation is the operation key of one JSON-RPC request ("tools/call:get_weather"),
// or its bare method when it names nothing.
func rpcOperation(method string, params json.RawMessage) string {
	var p struct {
		Name string `json:"name"`
		URI  string `json:"uri"`
	}
	_ = json.Unmarshal(params, &p)
	switch method {
	case "tools/call", "prompts/get":
		return method + ":" + p.Name
	case "resources/read":
		return method + ":" + p.URI
	}
	return method
}

// bodyOperations returns the operation keys of the requests in a JSON-RPC body (one
// message or a batch). A body that does not parse yields none: the SDK rejects it.
func bodyOperations(body []byte) []string {
	type msg struct {
		Method string          `json:"method"`
		Params json.RawMessage `json:"params"`
	}
	var msgs []msg
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '[' {
		if json.Unmarshal(t, &msgs) != nil {
			return nil
		}
	} else {
		var one msg
		if json.Unmarshal(t, &one) != nil {
			return nil
		}
		msgs = []msg{one}
	}
	var ops []string
	for _, m := range msgs {
		ops = append(ops, rpcOperation(m.Method, m.Params))
	}
	return ops
}

// requireOperationScopes is HTTP middleware placed after authentication: a request whose
// operation needs scopes the token lacks (granted by scopesOf) is refused with 403 and
// WWW-Authenticate: Bearer error="insufficient_scope", scope="<every scope the operation
// needs>", resource_metadata (MCP 2025-11-25 authorization §10.1.1; RFC 6750 §3.1).
func requireOperationScopes(prmURL string, scopesOf func(*http.Request) []string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<20))
		if err != nil {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		granted := scopesOf(r)
		for _, op := range bodyOperations(body) {
			missing := missingScopes(granted, realOperationScopes[op])
			if len(missing) == 0 {
				continue
			}
			needed := append([]string{realBaseScope}, realOperationScopes[op]...)
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(
				`Bearer error="insufficient_scope", scope=%q, resource_metadata=%q, error_description=%q`,
				strings.Join(needed, " "), prmURL, op+" needs "+strings.Join(missing, " ")))
			http.Error(w, "insufficient scope", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// inBandRefusal returns the message a handler refusing op in-band reports, or "" when the
// granted scopes cover it (scopeInBand servers only).
func inBandRefusal(mode scopeMode, op string, granted []string) string {
	if mode != scopeInBand {
		return ""
	}
	if missing := missingScopes(granted, realOperationScopes[op]); len(missing) > 0 {
		return "forbidden: " + op + " needs scope " + strings.Join(missing, " ")
	}
	return ""
}

// realServerRun is one run of the suite against a real server.
type realServerRun struct {
	name   string
	target conformance.Target
	// want maps a check ID to the verdicts accepted for it; IDs not listed may be anything
	// but a FAIL unless allowFail lists them.
	want map[string][]check.Status
	// detail maps a check ID to texts its detail must contain.
	detail map[string][]string
	// allowFail lists the IDs whose FAIL is a documented deviation of the SDK (each with
	// its reason in the test that sets it).
	allowFail []string
	// filter selects checks by label (conformance.Options.LabelFilter); "" runs them all.
	filter string
}

// executeRealServer runs the suite against run.target and checks the verdicts. It returns
// the report for further assertions.
func executeRealServer(t *testing.T, run realServerRun) *conformance.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	r, err := conformance.Execute(ctx, run.target, conformance.Options{LabelFilter: run.filter})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	s := r.Summary
	t.Logf("%s, MCP %s: %d checks: %d pass, %d fail, %d warn, %d skip, %d info in %s",
		run.name, r.SpecVersion, s.Total(), s.Pass, s.Fail, s.Warn, s.Skip, s.Info, r.Duration.Round(time.Millisecond))
	for _, e := range r.ScopeMap {
		if e.Operation == "" {
			t.Logf("  scope map, left out: %s", e.Note)
			continue
		}
		t.Logf("  scope map: %s %v (%s) %s", e.Operation, e.Scopes, e.Source, e.Note)
	}
	got := map[string]check.Result{}
	for _, res := range r.Results {
		got[res.ID] = res
		if res.Duration > time.Second {
			t.Logf("  %s took %s", res.ID, res.Duration.Round(time.Millisecond))
		}
		if res.Status != check.StatusPass && !strings.HasPrefix(res.Detail, "not applicable") {
			detail, _, _ := strings.Cut(res.Detail, "\n")
			t.Logf("  %-4s %-6s %s", strings.ToUpper(string(res.Status)), res.ID, detail)
		}
		if res.Status == check.StatusFail && run.want[res.ID] == nil && !slices.Contains(run.allowFail, res.ID) {
			t.Errorf("%s FAILS on %s: %s", res.ID, run.name, res.Detail)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(run.want)) {
		if res, ok := got[id]; !ok || !slices.Contains(run.want[id], res.Status) {
			t.Errorf("%s: %q (%s), want one of %v", id, res.Status, firstLineOf(res.Detail), run.want[id])
		}
	}
	for _, id := range slices.Sorted(maps.Keys(run.detail)) {
		for _, text := range run.detail[id] {
			if !strings.Contains(got[id].Detail, text) {
				t.Errorf("%s: detail does not contain %q:\n%s", id, text, got[id].Detail)
			}
		}
	}
	return r
}

func firstLineOf(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// declaredRealScopes is the --scope declaration of the real servers' weather tool.
func declaredRealScopes() map[string]string {
	return map[string]string{"get_weather": realWeatherScope}
}

// statuses is shorthand for a verdict set.
func statuses(s ...check.Status) []check.Status { return s }

// rpcClient is a minimal MCP client for the tests' own probes of the real servers (not the
// suite): JSON-RPC over Streamable HTTP, inside a session when the server opens one.
type rpcClient struct {
	url, token, session string
	id                  int
}

// rpcReply is one answer: the HTTP status and headers, and the JSON-RPC message if any.
type rpcReply struct {
	status int
	header http.Header
	result json.RawMessage
	err    *check.RPCError
}

// do sends one JSON-RPC request (a notification when method starts with notifications/).
func (c *rpcClient) do(t *testing.T, method string, params any) rpcReply {
	t.Helper()
	msg := map[string]any{"jsonrpc": "2.0", "method": method, "params": params}
	if !strings.HasPrefix(method, "notifications/") {
		c.id++
		msg["id"] = c.id
	}
	body, _ := json.Marshal(msg)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("MCP-Protocol-Version", "2025-11-25")
	if c.session != "" {
		req.Header.Set("Mcp-Session-Id", c.session)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if s := resp.Header.Get("Mcp-Session-Id"); s != "" {
		c.session = s
	}
	out := rpcReply{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode/100 != 2 || len(raw) == 0 {
		return out
	}
	m, err := (&check.Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}).JSONRPC()
	if err != nil {
		t.Fatalf("%s: %v: %s", method, err, raw)
	}
	out.result, out.err = m.Result, m.Error
	return out
}

// open initializes a session.
func (c *rpcClient) open(t *testing.T) {
	t.Helper()
	r := c.do(t, "initialize", map[string]any{"protocolVersion": "2025-11-25", "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "mcp-conform-test", "version": "0"}})
	if r.status != http.StatusOK || r.err != nil {
		t.Fatalf("initialize: %d %v", r.status, r.err)
	}
	c.do(t, "notifications/initialized", map[string]any{})
}

// listedTool is a tool of tools/list.
type listedTool struct {
	Name        string          `json:"name"`
	InputSchema json.RawMessage `json:"inputSchema"`
}

// listTools reads every page of tools/list.
func (c *rpcClient) listTools(t *testing.T) []listedTool {
	t.Helper()
	var all []listedTool
	cursor := ""
	for page := 0; page < 20; page++ {
		params := map[string]any{}
		if cursor != "" {
			params["cursor"] = cursor
		}
		r := c.do(t, "tools/list", params)
		if r.status != http.StatusOK || r.err != nil {
			t.Fatalf("tools/list: %d %v", r.status, r.err)
		}
		var res struct {
			Tools      []listedTool `json:"tools"`
			NextCursor string       `json:"nextCursor"`
		}
		if err := json.Unmarshal(r.result, &res); err != nil {
			t.Fatalf("tools/list result: %v", err)
		}
		all = append(all, res.Tools...)
		if cursor = res.NextCursor; cursor == "" {
			return all
		}
	}
	t.Fatal("tools/list: more than 20 pages")
	return nil
}

// isErrorResult reports whether a tools/call result has isError true.
func isErrorResult(raw json.RawMessage) bool {
	var r struct {
		IsError bool `json:"isError"`
	}
	return json.Unmarshal(raw, &r) == nil && r.IsError
}

// mintFor mints a token for the MCP endpoint url holding exactly scopes.
func mintFor(t *testing.T, as *mockas.Server, url string, scopes ...string) string {
	t.Helper()
	tok, err := as.Mint(mockas.TokenSpec{Audience: []string{url}, Scopes: append([]string{}, scopes...)})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// checkRealServer probes a real server directly, independently of the suite: every tool of
// tools/list accepts the arguments toolargs.Generate builds from its inputSchema (the SDK's
// own input validation is the judge), and a get_weather call lacking its scope is answered
// as mode says (403 insufficient_scope, a 200 isError refusal, or a 200 success).
func checkRealServer(t *testing.T, target conformance.Target, mode scopeMode) {
	t.Helper()
	all := mintFor(t, target.MockAS, target.URL, realScopesSupported...)
	c := &rpcClient{url: target.URL, token: all}
	c.open(t)
	tools := c.listTools(t)
	if len(tools) < 2 {
		t.Fatalf("tools/list: %d tools, want get_weather and delete_note at least", len(tools))
	}
	var weatherArgs map[string]any
	for _, tool := range tools {
		args, err := toolargs.Generate(tool.InputSchema)
		if err != nil {
			t.Errorf("tool %s: Generate: %v\ninputSchema: %s", tool.Name, err, tool.InputSchema)
			continue
		}
		if tool.Name == "get_weather" {
			weatherArgs = args
		}
		r := c.do(t, "tools/call", map[string]any{"name": tool.Name, "arguments": args})
		if r.status != http.StatusOK || r.err != nil || isErrorResult(r.result) {
			t.Errorf("tool %s refused the generated arguments %v: %d %v %s\ninputSchema: %s", tool.Name, args, r.status, r.err, r.result, tool.InputSchema)
		}
	}
	// The argument error the suite used to provoke: {} is refused by the SDK's validation.
	if r := c.do(t, "tools/call", map[string]any{"name": "get_weather", "arguments": map[string]any{}}); r.status == http.StatusOK && r.err == nil && !isErrorResult(r.result) {
		t.Errorf("get_weather accepted {} although city is required: %s", r.result)
	}
	lacking := &rpcClient{url: target.URL, token: mintFor(t, target.MockAS, target.URL, realBaseScope)}
	lacking.open(t)
	r := lacking.do(t, "tools/call", map[string]any{"name": "get_weather", "arguments": weatherArgs})
	switch mode {
	case scopeHTTP:
		if ch := r.header.Get("WWW-Authenticate"); r.status != http.StatusForbidden || !strings.Contains(ch, `error="insufficient_scope"`) {
			t.Errorf("get_weather without %s: %d %q, want 403 insufficient_scope", realWeatherScope, r.status, ch)
		}
	case scopeInBand:
		if r.status != http.StatusOK || (r.err == nil && !isErrorResult(r.result)) {
			t.Errorf("get_weather without %s: %d %v %s, want a 200 refusal in-band", realWeatherScope, r.status, r.err, r.result)
		}
	case scopeNone:
		if r.status != http.StatusOK || r.err != nil || isErrorResult(r.result) {
			t.Errorf("get_weather without %s: %d %v %s, want 200 success (scope not checked)", realWeatherScope, r.status, r.err, r.result)
		}
	}
}

// rawStatus POSTs an initialize request to url with the Authorization value auth (none
// when "") and returns the status.
func rawStatus(t *testing.T, url, auth string) int {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
