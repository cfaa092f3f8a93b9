package scenarios

// Insufficient scope and step-up (requirements catalogue §1E): RS-51…RS-54. Sources: MCP
// 2025-11-25 authorization §10.1 "Scope Challenge Handling" (2026-07-28 index §11.1), RFC 6750
// §3.1 (insufficient_scope).
//
// Which operation needs which scope is the server's choice: the advertised scopes (challenge
// scope, PRM scopes_supported) never say which operation needs which. So these checks run on
// the run's scope map: requirements declared with --scope OPERATION=SCOPE and, when none is
// declared or with --discover-scopes, requirements learned by scope discovery
// (check.C.ScopedOperations). Each check runs on every such operation, and proves first that
// a token holding the needed scope gets through, so a refusal is attributable to the missing
// scope.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/onsi/gomega"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// scopedOperations returns the declared and learned operations needing at least one scope;
// when there is none it skips the check (RS-51, which has more subjects, says INFO when
// discovery saw every operation served to a token holding no scopes).
func scopedOperations(ctx context.Context, c *check.C) []check.ScopedOperation {
	ops, _, why := c.ScopedOperations(ctx)
	if len(ops) == 0 {
		c.Skip("%s", why)
	}
	return ops
}

// labels names each operation for the per-operation detail, with its source.
func labels(ops []check.ScopedOperation) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = o.Operation.String() + " (" + o.Source + " " + scopeList(o.Needs) + ")"
	}
	return out
}

// lackingScopes is every other declared, learned or advertised scope, minus the
// operation's own needs and any scope implying one of them: a token with these is valid but
// lacks what the operation needs. A base scope stays in the token: a need of the operation
// that another operation needs on its own (e.g. mcp:access, which a middleware requires for
// every request including initialize and tools/list, while get_weather needs mcp:access and
// mcp:tools:weather) is held, so the refusal is about the operation's own scope and not the
// base scope checked before it.
func lackingScopes(ctx context.Context, c *check.C, t check.ScopedOperation, all []check.ScopedOperation) []string {
	base := map[string]bool{}
	for _, o := range all {
		if len(o.Needs) < len(t.Needs) && isSubset(o.Needs, t.Needs) {
			for _, n := range o.Needs {
				base[n] = true
			}
		}
	}
	var own []string
	for _, need := range t.Needs {
		if !base[need] {
			own = append(own, need)
		}
	}
	cands := c.AdvertisedScopes(ctx)
	for _, o := range all {
		cands = append(cands, o.Needs...)
	}
	seen := map[string]bool{}
	var out []string
outer:
	for _, s := range cands {
		if seen[s] {
			continue
		}
		seen[s] = true
		for _, need := range own {
			if check.ScopeCovers(s, need) {
				continue outer
			}
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// isSubset reports whether every scope of a is in b.
func isSubset(a, b []string) bool {
	for _, s := range a {
		if !slices.Contains(b, s) {
			return false
		}
	}
	return len(a) > 0
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

// callWithScopes performs the operation with a fresh valid token holding exactly scopes.
func callWithScopes(ctx context.Context, c *check.C, t check.ScopedOperation, scopes []string) *check.Response {
	c.Step("%s with a valid token holding %s", t.Operation.Did(), scopeList(scopes))
	// A non-nil Scopes (even empty) is minted as is; nil would mean "every scope".
	tok := c.Mint(ctx, mockas.TokenSpec{Scopes: append([]string{}, scopes...)})
	return c.Call(ctx, tok, t.Operation)
}

// requireScopedCallWorks skips the check (inconclusive) unless a token holding the
// operation's scopes gets through: otherwise a refusal proves nothing about scope handling.
// An argument error is named as such; the --scope declaration is blamed only when the call
// holding it is refused with 403 insufficient_scope.
func requireScopedCallWorks(ctx context.Context, c *check.C, t check.ScopedOperation, base []string) {
	resp := callWithScopes(ctx, c, t, unionScopes(base, t.Needs))
	if check.Succeeded(resp) {
		return
	}
	c.SkipArgumentError(t.Operation, resp)
	held := "its " + t.Source + " " + scopeList(t.Needs)
	if ch, ok := resp.BearerChallenge(); ok && resp.Status == http.StatusForbidden {
		if e, _ := ch.Param("error"); e == "insufficient_scope" {
			c.Skip("inconclusive: %s with a valid token holding %s was refused with 403 insufficient_scope (%s); check the --scope declaration",
				t.Operation.Did(), held, resp.String())
		}
	}
	c.Skip("inconclusive: %s with a valid token holding %s did not succeed either, so a refusal without it would prove nothing: %s",
		t.Operation.Did(), held, resp.String())
}

// callLackingScope performs the operation with a valid token lacking its scope, after a
// control call with the scope shows the operation works (else the subject is skipped). It
// returns the scopes the token held and the answer.
func callLackingScope(ctx context.Context, c *check.C, t check.ScopedOperation, all []check.ScopedOperation) ([]string, *check.Response) {
	base := lackingScopes(ctx, c, t, all)
	requireScopedCallWorks(ctx, c, t, base)
	return base, callWithScopes(ctx, c, t, base)
}

// noteUnneededScopes notes the advertised scopes that no learned requirement needs: scope
// discovery cannot tell an operation that needs no scope from one whose scope is never
// checked, so it points at the scopes a declaration should cover.
func noteUnneededScopes(ctx context.Context, c *check.C, gaps []check.ScopeGap) {
	ops, _, _ := c.ScopedOperations(ctx)
	learned := false
	for _, o := range ops {
		learned = learned || o.Source == check.SourceLearned
	}
	if !learned && len(ops) > 0 {
		return
	}
	var unneeded []string
	seen := map[string]bool{}
outer:
	for _, s := range c.AdvertisedScopes(ctx) {
		if seen[s] || strings.HasSuffix(s, "*") || slices.ContainsFunc(gaps, func(g check.ScopeGap) bool { return g.Scope == s }) {
			continue
		}
		seen[s] = true
		for _, o := range ops {
			for _, need := range o.Needs {
				if check.ScopeCovers(s, need) {
					continue outer
				}
			}
		}
		unneeded = append(unneeded, s)
	}
	if len(unneeded) > 0 {
		c.Note("scopes advertised, but no operation tried needed them: %s; if an operation should need one, declare it (--scope OPERATION=SCOPE) to check it is enforced",
			strings.Join(unneeded, " "))
	}
}

// eachScoped runs f on every scoped operation, each with its own verdict (check.C.Each).
func eachScoped(ctx context.Context, c *check.C, f func(t check.ScopedOperation, all []check.ScopedOperation)) {
	ops := scopedOperations(ctx, c)
	c.Each(labels(ops), func(i int) { f(ops[i], ops) })
}

func init() {
	// MCP 2025-11-25 authorization §10.1.1 "Runtime Insufficient Scope Errors": "When a client
	// makes a request with an access token with insufficient scope during runtime operations,
	// the server SHOULD respond with: HTTP 403 Forbidden status code (per RFC 6750 Section
	// 3.1)". §10 (all versions): "Servers MUST return appropriate HTTP status codes for
	// authorization errors" — 403 "Invalid scopes or insufficient permissions".
	check.Define("RS-51", check.NeedsMinting|check.NeedsScopes, rs51Refused)

	// MCP 2025-11-25 authorization §10.1.1: the 403 carries a "WWW-Authenticate header with the
	// Bearer scheme and additional parameters: error="insufficient_scope" [...] scope="..."
	// [...] resource_metadata - the URI of the Protected Resource Metadata document (for
	// consistency with 401 responses)".
	check.Define("RS-52", check.NeedsMinting|check.NeedsScopes, func(ctx context.Context, c *check.C) {
		eachScoped(ctx, c, func(t check.ScopedOperation, all []check.ScopedOperation) {
			_, resp := callLackingScope(ctx, c, t, all)
			if resp.Status/100 == 2 {
				c.Skip("the call lacking %s was not refused (%d), so there is no challenge to inspect (see RS-51)", scopeList(t.Needs), resp.Status)
			}
			c.Expect(resp).To(check.HaveBearerChallenge(
				check.WithParam("error", "insufficient_scope"),
				check.WithParam("scope", gomega.Not(gomega.BeEmpty())),
				check.WithParam("resource_metadata", gomega.Not(gomega.BeEmpty())),
			), "%s with a valid token lacking the %s %s; expected WWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"…\", resource_metadata=\"…\"",
				t.Operation.Did(), t.Source, scopeList(t.Needs))
			ch, _ := resp.BearerChallenge()
			rm, _ := ch.Param("resource_metadata")
			if want := c.Discover(ctx).ResourceMetadataURL; want != "" && rm != want {
				c.Note("%s: the 403's resource_metadata %q differs from the one discovered for the 401 (%q)", t.Operation, rm, want)
			}
		})
	})

	// MCP 2025-11-25 authorization §10.1.1 "Server Scope Management": "When responding with
	// insufficient scope errors, servers SHOULD include the scopes needed to satisfy the
	// current request in the scope parameter." 2026-07-28 index §11.1.1: servers "SHOULD
	// include all scopes required for the current operation in a single challenge"; clients
	// request the union of previous and challenged scopes (§11.1.2).
	check.Define("RS-53", check.NeedsMinting|check.NeedsScopes, func(ctx context.Context, c *check.C) {
		eachScoped(ctx, c, func(t check.ScopedOperation, all []check.ScopedOperation) {
			base, first := callLackingScope(ctx, c, t, all)
			if first.Status/100 == 2 {
				c.Skip("the call lacking %s was not refused (%d), so there is no challenge to follow (see RS-51)", scopeList(t.Needs), first.Status)
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
			if !check.Succeeded(second) {
				c.Fail("after a challenge with scope=%q, %s again with a valid token holding %s (%s); expected success, not a second refusal: the challenge SHOULD name every scope the operation needs (%s: %s); got %s",
					scope, t.Operation.Did(), scopeList(next), how, t.Source, scopeList(t.Needs), second.String())
			}
		})
	})

	// MCP 2026-07-28 authorization index §11.1.2: "Servers MUST account for scope hierarchies,
	// where a broader scope implies narrower ones".
	check.Define("RS-54", check.NeedsMinting|check.NeedsScopes, rs54Hierarchy)
}

// rs54Hierarchy replaces a needed scope a:b:c by its parent a:b:* (the "prefix:*"
// convention) and expects the call to succeed, on every operation with a hierarchical
// scope. Whether a:b:* exists is the server's choice: the refusal is a violation (FAIL)
// when the server advertises that broader scope, a WARN otherwise.
func rs54Hierarchy(ctx context.Context, c *check.C) {
	all := scopedOperations(ctx, c)
	type subject struct {
		t             check.ScopedOperation
		narrow, broad string
	}
	var subjects []subject
	var names []string
	for _, cand := range all {
		for _, need := range cand.Needs {
			if i := strings.LastIndex(need, ":"); i > 0 && !strings.HasSuffix(need, ":*") {
				subjects = append(subjects, subject{cand, need, need[:i] + ":*"})
				names = append(names, labels([]check.ScopedOperation{cand})[0])
				break
			}
		}
	}
	if len(subjects) == 0 {
		c.Skip("no declared or learned scope has a hierarchical form (prefix:name, whose broader scope is prefix:*)")
	}
	c.Each(names, func(i int) {
		t, narrow, broad := subjects[i].t, subjects[i].narrow, subjects[i].broad
		base := lackingScopes(ctx, c, t, all)
		requireScopedCallWorks(ctx, c, t, base)
		var scopes []string
		for _, need := range t.Needs {
			if need != narrow {
				scopes = append(scopes, need)
			}
		}
		scopes = unionScopes(base, append(scopes, broad))
		resp := callWithScopes(ctx, c, t, scopes)
		if check.Succeeded(resp) {
			return
		}
		sent := t.Operation.Did() + " (" + t.Source + " " + scopeList(t.Needs) + ") with a valid token holding " +
			scopeList(scopes) + " — the broader " + broad + " instead of " + narrow
		for _, s := range c.AdvertisedScopes(ctx) {
			if s == broad {
				c.Fail("%s; expected success because the server advertises %s, got %s", sent, broad, resp.String())
			}
		}
		c.Warn("%s; expected success under the prefix:* hierarchy convention, got %s. The server does not advertise %s, so it may define no such hierarchy; if it does, it MUST honour it",
			sent, resp.String(), broad)
	})
}

// rs51Refused calls every scoped operation with a valid token lacking its scope and expects
// 403. With scope discovery, an advertised scope whose name designates an operation that
// discovery saw served without it (check.C.ScopeGaps: mcp:tools:weather and tool "weather")
// is a subject of its own and WARNs: discovery alone sees such an operation as needing no
// scope, and the spec leaves the scope design to the server, so it is never a FAIL.
func rs51Refused(ctx context.Context, c *check.C) {
	gaps := c.ScopeGaps(ctx)
	noteUnneededScopes(ctx, c, gaps)
	ops, observedNone, why := c.ScopedOperations(ctx)
	if len(ops) == 0 && len(gaps) == 0 {
		if observedNone {
			c.Info("%s", why)
		}
		c.Skip("%s", why)
	}
	subjects := labels(ops)
	for _, g := range gaps {
		subjects = append(subjects, fmt.Sprintf("%s (served without advertised scope %q)", g.Operation, g.Scope))
	}
	c.Each(subjects, func(i int) {
		if i >= len(ops) {
			warnScopeGap(c, gaps[i-len(ops)])
			return
		}
		t := ops[i]
		base, resp := callLackingScope(ctx, c, t, ops)
		sent := t.Operation.Did() + " with a valid token holding " + scopeList(base) + " but lacking the " + t.Source + " " + scopeList(t.Needs)
		switch {
		case check.RefusedInBand(resp):
			c.Warn("%s; expected 403 Forbidden, got a 2xx carrying a JSON-RPC error or an isError tool result (refused in-band, so clients cannot step up): %s", sent, resp.String())
		case resp.Status/100 == 2:
			c.Fail("%s; expected 403 Forbidden, got a 2xx result: the operation ran without its %s scope: %s", sent, t.Source, resp.String())
		case resp.Status == http.StatusUnauthorized:
			c.Warn("%s; expected 403 Forbidden (SHOULD), got 401, which tells the client its token is invalid so it re-authenticates instead of stepping up: %s", sent, resp.String())
		}
		c.Expect(resp).To(check.HaveStatus(http.StatusForbidden), "%s; expected 403 Forbidden", sent)
	})
}

// warnScopeGap ends a subject of RS-51 with a WARN naming the scope, the operation, what was
// sent and the fix.
func warnScopeGap(c *check.C, g check.ScopeGap) {
	c.Warn("%s was served without scope %q, which the server advertises (%s) and whose name designates it: scope discovery %s (answered %d). "+
		"If it needs %s, refuse a token lacking it with 403 and WWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"%s\"; "+
		"if it needs no such scope by design, declare each operation's scopes (--scope OPERATION=SCOPE) so the run checks those instead",
		g.Operation.Label(), g.Scope, g.Where, g.Sent(), g.Status, g.Scope, g.Scope)
}
