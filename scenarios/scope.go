package scenarios

// Insufficient scope and step-up (requirements catalogue §1E): RS-51…RS-54. Sources: MCP
// 2025-11-25 authorization §10.1 "Scope Challenge Handling" (2026-07-28 index §11.1), RFC 6750
// §3.1 (insufficient_scope).
//
// Which operation needs which scope is the server's choice, so these checks only run on a
// declared requirement (--scope TOOL=SCOPE): the advertised scopes (challenge scope, PRM
// scopes_supported) never say which tool needs which. Every check first proves that a token
// holding the declared scope gets through, so a refusal is attributable to the missing scope.

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/onsi/gomega"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// scopedTool is a declared tool and the scopes it needs (all required).
type scopedTool struct {
	tool  string
	needs []string
}

// declaredScopedTools lists the declared tools needing at least one scope, most scopes
// first, then by name; it skips the check when there is none.
func declaredScopedTools(c *check.C) []scopedTool {
	var out []scopedTool
	for tool, s := range c.Config().Scopes {
		if needs := strings.Fields(s); len(needs) > 0 {
			out = append(out, scopedTool{tool: tool, needs: needs})
		}
	}
	if len(out) == 0 {
		c.Skip("no scope requirement declared (--scope TOOL=SCOPE); the server's advertised scopes (challenge scope, PRM scopes_supported) do not say which operation needs which scope, so insufficient scope cannot be provoked reliably")
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].needs) != len(out[j].needs) {
			return len(out[i].needs) > len(out[j].needs)
		}
		return out[i].tool < out[j].tool
	})
	return out
}

// scopeCovers reports whether granted scope g implies need under the "prefix:*" hierarchy
// convention (Scalekit's; e.g. mcp:tools:* covers mcp:tools:weather).
func scopeCovers(g, need string) bool {
	if g == need || g == "*" {
		return true
	}
	return strings.HasSuffix(g, ":*") && strings.HasPrefix(need, strings.TrimSuffix(g, "*"))
}

// advertisedScopes are the scopes the server advertises: challenge scope and PRM
// scopes_supported.
func advertisedScopes(ctx context.Context, c *check.C) []string {
	d := c.Discover(ctx)
	out := append([]string(nil), d.Scopes...)
	if list, ok := d.PRM["scopes_supported"].([]any); ok {
		for _, s := range list {
			if str, ok := s.(string); ok {
				out = append(out, str)
			}
		}
	}
	return out
}

// lackingScopes is every other declared or advertised scope, minus the tool's needs and any
// scope implying one of them: a token with these is valid but lacks what the tool needs.
func lackingScopes(ctx context.Context, c *check.C, t scopedTool) []string {
	cands := advertisedScopes(ctx, c)
	for _, s := range c.Config().Scopes {
		cands = append(cands, strings.Fields(s)...)
	}
	seen := map[string]bool{}
	var out []string
outer:
	for _, s := range cands {
		if seen[s] {
			continue
		}
		seen[s] = true
		for _, need := range t.needs {
			if scopeCovers(s, need) {
				continue outer
			}
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// unionScopes returns a ∪ b, in order of first appearance.
func unionScopes(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string(nil), a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// scopeList renders scopes for messages.
func scopeList(scopes []string) string {
	if len(scopes) == 0 {
		return "no scopes"
	}
	return "scope \"" + strings.Join(scopes, " ") + "\""
}

// callWithScopes calls the tool with a fresh valid token holding exactly scopes.
func callWithScopes(ctx context.Context, c *check.C, t scopedTool, scopes []string) *check.Response {
	c.Step("call tool %q with a valid token holding %s", t.tool, scopeList(scopes))
	// A non-nil Scopes (even empty) is minted as is; nil would mean "every scope".
	tok := c.Mint(ctx, mockas.TokenSpec{Scopes: append([]string{}, scopes...)})
	return c.CallTool(ctx, tok, t.tool, map[string]any{})
}

// requireScopedCallWorks skips the check (inconclusive) unless a token holding the declared
// scopes gets past authorization: otherwise a refusal proves nothing about scope handling.
func requireScopedCallWorks(ctx context.Context, c *check.C, t scopedTool, base []string) {
	resp := callWithScopes(ctx, c, t, unionScopes(base, t.needs))
	if resp.Status/100 != 2 || refusedInBand(resp) {
		c.Skip("inconclusive: calling tool %q with a valid token holding its declared %s did not succeed either (%s); check the --scope declaration",
			t.tool, scopeList(t.needs), resp.String())
	}
}

// callLackingScope calls the first declared scoped tool with a valid token lacking its
// scope, after a control call with the scope shows the tool works (else the check is
// skipped). It returns the tool, the scopes the token held and the answer.
func callLackingScope(ctx context.Context, c *check.C) (scopedTool, []string, *check.Response) {
	t := declaredScopedTools(c)[0]
	base := lackingScopes(ctx, c, t)
	requireScopedCallWorks(ctx, c, t, base)
	return t, base, callWithScopes(ctx, c, t, base)
}

// refusedInBand reports whether a 2xx tools/call answer is a refusal carried in the body
// rather than in the HTTP status the spec asks for: a JSON-RPC error, or a tool result with
// isError true (MCP server/tools "Error Handling": tool execution errors are reported in the
// result with isError, which is how SDKs surface an error thrown by a tool handler).
func refusedInBand(resp *check.Response) bool {
	msg, err := resp.JSONRPC()
	if err != nil {
		return false
	}
	if msg.Error != nil {
		return true
	}
	var result struct {
		IsError bool `json:"isError"`
	}
	return len(msg.Result) > 0 && json.Unmarshal(msg.Result, &result) == nil && result.IsError
}

func init() {
	// MCP 2025-11-25 authorization §10.1.1 "Runtime Insufficient Scope Errors": "When a client
	// makes a request with an access token with insufficient scope during runtime operations,
	// the server SHOULD respond with: HTTP 403 Forbidden status code (per RFC 6750 Section
	// 3.1)". §10 (all versions): "Servers MUST return appropriate HTTP status codes for
	// authorization errors" — 403 "Invalid scopes or insufficient permissions".
	check.Define("RS-51", check.NeedsMinting|check.NeedsScopes, func(ctx context.Context, c *check.C) {
		t, base, resp := callLackingScope(ctx, c)
		sent := "called tool \"" + t.tool + "\" with a valid token holding " + scopeList(base) + " but lacking the declared " + scopeList(t.needs)
		switch {
		case resp.Status/100 == 2 && refusedInBand(resp):
			c.Warn("%s; expected 403 Forbidden, got a 2xx carrying a JSON-RPC error or an isError tool result (refused in-band, so clients cannot step up): %s", sent, resp.String())
		case resp.Status/100 == 2:
			c.Fail("%s; expected 403 Forbidden, got a 2xx result: the operation ran without its declared scope: %s", sent, resp.String())
		case resp.Status == http.StatusUnauthorized:
			c.Warn("%s; expected 403 Forbidden (SHOULD), got 401, which tells the client its token is invalid so it re-authenticates instead of stepping up: %s", sent, resp.String())
		}
		c.Expect(resp).To(check.HaveStatus(http.StatusForbidden), "%s; expected 403 Forbidden", sent)
	})

	// MCP 2025-11-25 authorization §10.1.1: the 403 carries a "WWW-Authenticate header with the
	// Bearer scheme and additional parameters: error="insufficient_scope" [...] scope="..."
	// [...] resource_metadata - the URI of the Protected Resource Metadata document (for
	// consistency with 401 responses)".
	check.Define("RS-52", check.NeedsMinting|check.NeedsScopes, func(ctx context.Context, c *check.C) {
		t, _, resp := callLackingScope(ctx, c)
		if resp.Status/100 == 2 {
			c.Skip("the call lacking %s was not refused (%d), so there is no challenge to inspect (see RS-51)", scopeList(t.needs), resp.Status)
		}
		c.Expect(resp).To(check.HaveBearerChallenge(
			check.WithParam("error", "insufficient_scope"),
			check.WithParam("scope", gomega.Not(gomega.BeEmpty())),
			check.WithParam("resource_metadata", gomega.Not(gomega.BeEmpty())),
		), "called tool %q with a valid token lacking the declared %s; expected WWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"…\", resource_metadata=\"…\"",
			t.tool, scopeList(t.needs))
		ch, _ := resp.BearerChallenge()
		rm, _ := ch.Param("resource_metadata")
		if want := c.Discover(ctx).ResourceMetadataURL; want != "" && rm != want {
			c.Note("the 403's resource_metadata %q differs from the one discovered for the 401 (%q)", rm, want)
		}
	})

	// MCP 2025-11-25 authorization §10.1.1 "Server Scope Management": "When responding with
	// insufficient scope errors, servers SHOULD include the scopes needed to satisfy the
	// current request in the scope parameter." 2026-07-28 index §11.1.1: servers "SHOULD
	// include all scopes required for the current operation in a single challenge"; clients
	// request the union of previous and challenged scopes (§11.1.2).
	check.Define("RS-53", check.NeedsMinting|check.NeedsScopes, func(ctx context.Context, c *check.C) {
		t, base, first := callLackingScope(ctx, c)
		if first.Status/100 == 2 {
			c.Skip("the call lacking %s was not refused (%d), so there is no challenge to follow (see RS-51)", scopeList(t.needs), first.Status)
		}
		ch, ok := first.BearerChallenge()
		scope, hasScope := ch.Param("scope")
		if !ok || !hasScope || strings.TrimSpace(scope) == "" {
			c.Skip("the refusal (%d) names no scope to step up to (see RS-52): %s", first.Status, first.String())
		}
		next := strings.Fields(scope)
		how := "exactly the challenged scopes"
		if versionAtLeast(c.SpecVersion(), "2026-07-28") {
			next, how = unionScopes(base, next), "the previous scopes plus the challenged ones (2026-07-28 §11.1.2)"
		}
		c.Step("step up as a client would: %s", how)
		second := callWithScopes(ctx, c, t, next)
		c.Expect(second).To(check.HaveStatus(successStatuses()...),
			"after a challenge with scope=%q, called tool %q again with a valid token holding %s (%s); expected 2xx, not a second refusal: the challenge SHOULD name every scope the operation needs (declared: %s)",
			scope, t.tool, scopeList(next), how, scopeList(t.needs))
	})

	// MCP 2026-07-28 authorization index §11.1.2: "Servers MUST account for scope hierarchies,
	// where a broader scope implies narrower ones".
	check.Define("RS-54", check.NeedsMinting|check.NeedsScopes, rs54Hierarchy)
}

// rs54Hierarchy replaces a declared scope a:b:c by its parent a:b:* (the "prefix:*"
// convention) and expects the call to succeed. Whether a:b:* exists is the server's choice:
// the refusal is a violation (FAIL) when the server advertises that broader scope, a WARN
// otherwise.
func rs54Hierarchy(ctx context.Context, c *check.C) {
	tools := declaredScopedTools(c)
	sort.SliceStable(tools, func(i, j int) bool { return len(tools[i].needs) < len(tools[j].needs) })
	var t scopedTool
	var narrow, broad string
	for _, cand := range tools {
		for _, need := range cand.needs {
			if i := strings.LastIndex(need, ":"); i > 0 && !strings.HasSuffix(need, ":*") {
				t, narrow, broad = cand, need, need[:i]+":*"
				break
			}
		}
		if broad != "" {
			break
		}
	}
	if broad == "" {
		c.Skip("no declared scope has a hierarchical form (prefix:name, whose broader scope is prefix:*)")
	}
	base := lackingScopes(ctx, c, t)
	requireScopedCallWorks(ctx, c, t, base)
	var scopes []string
	for _, need := range t.needs {
		if need != narrow {
			scopes = append(scopes, need)
		}
	}
	scopes = unionScopes(base, append(scopes, broad))
	resp := callWithScopes(ctx, c, t, scopes)
	if resp.Status/100 == 2 {
		return
	}
	sent := "called tool \"" + t.tool + "\" (declared " + scopeList(t.needs) + ") with a valid token holding " +
		scopeList(scopes) + " — the broader " + broad + " instead of " + narrow
	for _, s := range advertisedScopes(ctx, c) {
		if s == broad {
			c.Fail("%s; expected 2xx because the server advertises %s, got %s", sent, broad, resp.String())
		}
	}
	c.Warn("%s; expected 2xx under the prefix:* hierarchy convention, got %s. The server does not advertise %s, so it may define no such hierarchy; if it does, it MUST honour it",
		sent, resp.String(), broad)
}
