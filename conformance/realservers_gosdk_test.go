package conformance_test

// A notes-and-weather MCP server on the official Go SDK (go-sdk v1.8.0), written as people
// write them: typed tools added with mcp.AddTool (inputSchema inferred from the argument
// struct, so "city" is required), tool annotations (get_weather readOnlyHint, delete_note
// destructiveHint), a resource and a prompt, the default stateful Streamable HTTP handler,
// auth.RequireBearerToken with a verifier that checks mockas's RS256 tokens against the
// cached JWKS (iss, aud, exp; see example_gosdk_test.go), and per-operation scopes enforced
// per scopeMode.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// realWeatherArgs are get_weather's arguments: city is required (no omitempty).
type realWeatherArgs struct {
	City  string `json:"city" jsonschema:"the city to report on"`
	Units string `json:"units,omitempty" jsonschema:"metric or imperial"`
}

// realDeleteArgs are delete_note's arguments.
type realDeleteArgs struct {
	ID string `json:"id" jsonschema:"the note's UUID"`
}

// newGoSDKRealServer returns the handler of the go-sdk notes server trusting issuer's
// tokens, enforcing per-operation scopes per mode.
func newGoSDKRealServer(t testing.TB, issuer string, mode scopeMode) http.Handler {
	t.Helper()
	server := mcp.NewServer(&mcp.Implementation{Name: "gosdk-notes", Version: "1.0.0"}, nil)

	weatherSchema, err := jsonschema.For[realWeatherArgs](nil)
	if err != nil {
		t.Fatal(err)
	}
	weatherSchema.Properties["city"].MinLength = jsonschema.Ptr(1)
	weatherSchema.Properties["units"].Enum = []any{"metric", "imperial"}
	mcp.AddTool(server, &mcp.Tool{
		Name:        "get_weather",
		Description: "Current weather for a city (needs " + realWeatherScope + ").",
		InputSchema: weatherSchema,
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true},
	}, func(_ context.Context, req *mcp.CallToolRequest, args realWeatherArgs) (*mcp.CallToolResult, any, error) {
		if msg := inBandRefusal(mode, "tools/call:get_weather", tokenScopes(req.Extra)); msg != "" {
			return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: msg}}}, nil, nil
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "Sunny, 21 °C in " + args.City}}}, nil, nil
	})

	deleteSchema, err := jsonschema.For[realDeleteArgs](nil)
	if err != nil {
		t.Fatal(err)
	}
	deleteSchema.Properties["id"].Format = "uuid"
	destructive := true
	mcp.AddTool(server, &mcp.Tool{
		Name:        "delete_note",
		Description: "Delete a note (needs " + realNotesWrite + ").",
		InputSchema: deleteSchema,
		Annotations: &mcp.ToolAnnotations{DestructiveHint: &destructive},
	}, func(_ context.Context, req *mcp.CallToolRequest, args realDeleteArgs) (*mcp.CallToolResult, any, error) {
		if msg := inBandRefusal(mode, "tools/call:delete_note", tokenScopes(req.Extra)); msg != "" {
			return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: msg}}}, nil, nil
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "deleted " + args.ID}}}, nil, nil
	})

	server.AddResource(&mcp.Resource{URI: realNotesURI, Name: "notes", MIMEType: "text/plain"},
		func(_ context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			if msg := inBandRefusal(mode, "resources/read:"+realNotesURI, tokenScopes(req.Extra)); msg != "" {
				return nil, &jsonrpcError{msg}
			}
			return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: realNotesURI, MIMEType: "text/plain", Text: "buy milk"}}}, nil
		})
	server.AddPrompt(&mcp.Prompt{Name: "summarize", Arguments: []*mcp.PromptArgument{{Name: "topic", Required: true}}},
		func(_ context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			if msg := inBandRefusal(mode, "prompts/get:summarize", tokenScopes(req.Extra)); msg != "" {
				return nil, &jsonrpcError{msg}
			}
			return &mcp.GetPromptResult{Messages: []*mcp.PromptMessage{{Role: "user",
				Content: &mcp.TextContent{Text: "Summarize " + req.Params.Arguments["topic"]}}}}, nil
		})

	keys := &goSDKKeys{issuer: issuer, client: &http.Client{Timeout: 5 * time.Second}}
	handler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base, ok := localBaseURL(r)
		if !ok {
			http.Error(w, "no local address", http.StatusInternalServerError)
			return
		}
		mcpURL, prmURL := base+"/mcp", base+"/.well-known/oauth-protected-resource/mcp"
		switch r.URL.Path {
		case "/.well-known/oauth-protected-resource/mcp":
			auth.ProtectedResourceMetadataHandler(&oauthex.ProtectedResourceMetadata{
				Resource:               mcpURL,
				AuthorizationServers:   []string{issuer},
				ScopesSupported:        realScopesSupported,
				BearerMethodsSupported: []string{"header"},
				ResourceName:           "go-sdk notes",
			}).ServeHTTP(w, r)
		case "/mcp":
			verifier := (&goSDKServer{issuer: issuer, keys: keys}).verifier(mcpURL)
			requireToken := auth.RequireBearerToken(verifier, &auth.RequireBearerTokenOptions{
				ResourceMetadataURL: prmURL,
				Scopes:              []string{realBaseScope},
			})
			var next http.Handler = handler
			if mode == scopeHTTP {
				next = requireOperationScopes(prmURL, func(r *http.Request) []string {
					if info := auth.TokenInfoFromContext(r.Context()); info != nil {
						return info.Scopes
					}
					return nil
				}, handler)
			}
			http.NewCrossOriginProtection().Handler(requireToken(next)).ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	})
}

// tokenScopes returns the scopes of the request's verified token.
func tokenScopes(extra *mcp.RequestExtra) []string {
	if extra == nil || extra.TokenInfo == nil {
		return nil
	}
	return extra.TokenInfo.Scopes
}

// jsonrpcError is a handler error go-sdk reports as a JSON-RPC error.
type jsonrpcError struct{ msg string }

func (e *jsonrpcError) Error() string { return e.msg }

// startGoSDKReal starts mockas and the go-sdk notes server in mode.
func startGoSDKReal(t *testing.T, mode scopeMode) conformance.Target {
	t.Helper()
	as := mockas.Start(t)
	srv := httptest.NewServer(newGoSDKRealServer(t, as.Issuer(), mode))
	t.Cleanup(srv.Close)
	return conformance.Target{URL: srv.URL + "/mcp", MockAS: as}
}

// TestRealServer_GoSDK runs the suite against the go-sdk notes server in each scope mode.
func TestRealServer_GoSDK(t *testing.T) {
	for _, tc := range realScopeCases(check.StatusWarn, true) {
		t.Run(string(tc.mode)+"/"+tc.how, func(t *testing.T) {
			target := startGoSDKReal(t, tc.mode)
			checkRealServer(t, target, tc.mode)
			if tc.declare {
				target.Scopes = declaredRealScopes()
			}
			executeRealServer(t, realServerRun{name: "go-sdk " + string(tc.mode), target: target, want: tc.want, detail: tc.detail, filter: tc.filter})
		})
	}
}

// realScopeCase is one run of a real server: a scope mode, with or without --scope
// declarations, and the verdicts the scope checks must reach.
type realScopeCase struct {
	mode    scopeMode
	how     string // "declared" or "discovered"
	declare bool
	want    map[string][]check.Status
	detail  map[string][]string // check ID → texts its detail must contain
	filter  string              // label filter: the whole suite runs once per server, the scope area otherwise
}

// realScopeCases are the runs every real server gets, with the exact verdicts RS-51…RS-53
// must reach. With declarations (--scope get_weather=mcp:tools:weather): a correct server
// passes all three, one that does not check the scope FAILs RS-51, one that refuses in-band
// WARNs RS-51 (nothing to inspect for RS-52/53: skipped). With discovery alone, every request
// needs the base scope mcp:access (named in the 403 to initialize), so discovery steps up:
// it learns get_weather needs mcp:access and mcp:tools:weather on the correct server, and the
// in-band server's refusal is still a WARN. Where the server never checks its operation
// scopes, discovery learns that get_weather, notes://all and summarize need only mcp:access
// (enforced: those subjects pass), while the server advertises mcp:tools:weather,
// mcp:resources:notes:read and mcp:prompts:summarize, whose names designate them: RS-51
// WARNs on each (check.DesignatedOperation). base403 is RS-52's verdict on the base scope's
// 403 in discovered runs: go-sdk's RequireBearerToken answers it without
// error="insufficient_scope" (a real SHOULD deviation: WARN); the others name it (PASS).
// weatherCalled says whether discovery calls get_weather: mcp-go's NewTool annotates every
// tool destructiveHint: true unless told otherwise, so discovery leaves its get_weather alone
// (and RS-51 says nothing about mcp:tools:weather there: the operation was never called).
func realScopeCases(base403 check.Status, weatherCalled bool) []realScopeCase {
	one := func(s check.Status) []check.Status { return statuses(s) }
	skip := check.StatusSkip
	gaps := []string{
		`resources/read:notes://all (served without advertised scope "mcp:resources:notes:read"): WARN`,
		`prompts/get:summarize (served without advertised scope "mcp:prompts:summarize"): WARN`,
		`resources/read:notes://all (learned scope "mcp:access"): PASS`,
		`a valid token holding scope "mcp:access"`,
	}
	if weatherCalled {
		gaps = append(gaps, `tools/call:get_weather (served without advertised scope "mcp:tools:weather"): WARN`,
			`tools/call:get_weather (learned scope "mcp:access"): PASS`)
	} else {
		gaps = append(gaps, "no operation tried needed them: mcp:tools:weather")
	}
	return []realScopeCase{
		{mode: scopeHTTP, how: "declared", declare: true, want: map[string][]check.Status{
			"RS-51": one(check.StatusPass), "RS-52": one(check.StatusPass), "RS-53": one(check.StatusPass)}},
		{mode: scopeHTTP, how: "discovered", filter: "area:scope", want: map[string][]check.Status{
			"RS-51": one(check.StatusPass), "RS-52": one(base403), "RS-53": one(check.StatusPass)}},
		{mode: scopeNone, how: "declared", declare: true, filter: "area:scope", want: map[string][]check.Status{
			"RS-51": one(check.StatusFail), "RS-52": one(skip), "RS-53": one(skip)}},
		{mode: scopeNone, how: "discovered", filter: "area:scope", want: map[string][]check.Status{
			"RS-51": one(check.StatusWarn), "RS-52": one(base403), "RS-53": one(check.StatusPass)},
			detail: map[string][]string{"RS-51": gaps}},
		{mode: scopeInBand, how: "declared", declare: true, filter: "area:scope", want: map[string][]check.Status{
			"RS-51": one(check.StatusWarn), "RS-52": one(skip), "RS-53": one(skip)}},
		{mode: scopeInBand, how: "discovered", filter: "area:scope", want: map[string][]check.Status{
			"RS-51": one(check.StatusWarn), "RS-52": one(base403), "RS-53": one(check.StatusPass)}},
	}
}
