package check

// This file reads scope names. Which operation needs which scope is the server's choice
// (MCP 2025-11-25 authorization §10.1.1 "Server Scope Management" only asks it to name the
// scopes in its challenges), so an advertised scope never proves a requirement. But the
// seed's scope design names a scope after what it guards — tool scopes (mcp:tools:weather),
// resource scopes (mcp:resources:customer-data:read), prompt and action scopes
// (mcp:prompts:summarize, mcp:exec:workflows:risk-assessment) — and a server advertising
// such a scope while serving that very operation to a token lacking it has most likely
// forgotten to check it. Scope discovery alone cannot see that (it looks like an operation
// needing no scope), so RS-51 warns on it: never a FAIL, since the scope may mean something
// else on this server.

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// AdvertisedScopes returns the scopes the server advertises, in order of first appearance:
// the 401 challenge's scope, then PRM scopes_supported (RFC 9728 §2).
func (c *C) AdvertisedScopes(ctx context.Context) []string {
	d := c.Discover(ctx)
	var out []string
	add := func(s string) {
		for _, f := range strings.Fields(s) {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	for _, s := range d.Scopes {
		add(s)
	}
	for _, s := range prmScopes(d) {
		add(s)
	}
	return out
}

// prmScopes returns the PRM's scopes_supported.
func prmScopes(d *Discovery) []string {
	list, _ := d.PRM["scopes_supported"].([]any)
	var out []string
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// ScopeCovers reports whether the granted scope g implies need: equal, "*", or a
// "prefix:*" scope above it (Scalekit's hierarchy convention: mcp:tools:* covers
// mcp:tools:weather).
func ScopeCovers(g, need string) bool {
	if g == need || g == "*" {
		return true
	}
	return strings.HasSuffix(g, ":*") && strings.HasPrefix(need, strings.TrimSuffix(g, "*"))
}

// scopeKinds maps the kind segment of a scope name to the method of the operations it names.
var scopeKinds = map[string]string{
	"tools": MethodToolsCall, "tool": MethodToolsCall,
	"resources": MethodResourcesRead, "resource": MethodResourcesRead,
	"prompts": MethodPromptsGet, "prompt": MethodPromptsGet,
}

// toolVerbs are the leading words a tool name may carry that its scope drops: get_weather is
// guarded by mcp:tools:weather.
var toolVerbs = []string{"get", "list", "read", "fetch", "search", "query", "find", "lookup", "create", "add",
	"update", "set", "delete", "remove", "run", "exec", "execute"}

// DesignatedOperation returns the one listed operation whose name scope designates, if any.
// The scope is split at ":"; a segment "tools", "resources" or "prompts" (singular too)
// restricts the candidates to that kind and the segments after it are the name segments
// (mcp:tools:weather → "weather"); without one, every segment after the first is, and every
// kind is a candidate (mcp:exec:workflows:risk-assessment → prompt "risk-assessment"). An
// operation matches when a name segment equals, ignoring case, the tool or prompt name, or a
// segment of the resource URI (scheme, host or path segment) or the resource's listed name.
// Failing an exact match, a tool name with a leading verb matches without it
// (get_weather ↔ weather). The match must be unique: two candidates, or a scope with a
// wildcard segment, designate nothing.
func DesignatedOperation(scope string, cat *Catalog) (Operation, bool) {
	segs := strings.Split(scope, ":")
	if len(segs) < 2 || slices.Contains(segs, "*") || slices.Contains(segs, "") {
		return Operation{}, false
	}
	kind, names := "", segs[1:]
	for i, s := range segs {
		if m, ok := scopeKinds[strings.ToLower(s)]; ok {
			kind, names = m, segs[i+1:]
			break
		}
	}
	if len(names) == 0 {
		return Operation{}, false
	}
	named := func(candidates ...string) bool {
		for _, n := range names {
			for _, cand := range candidates {
				if cand != "" && strings.EqualFold(n, cand) {
					return true
				}
			}
		}
		return false
	}
	var exact, loose []Operation
	if kind == "" || kind == MethodToolsCall {
		for _, t := range cat.Tools {
			switch {
			case named(t.Name):
				exact = append(exact, ToolCall(t.Name))
			case named(withoutVerb(t.Name)):
				loose = append(loose, ToolCall(t.Name))
			}
		}
	}
	if kind == "" || kind == MethodResourcesRead {
		for _, r := range cat.Resources {
			if named(append(uriSegments(r.URI), r.Name)...) {
				exact = append(exact, Operation{Method: MethodResourcesRead, Name: r.URI})
			}
		}
	}
	if kind == "" || kind == MethodPromptsGet {
		for _, p := range cat.Prompts {
			if named(p.Name) {
				exact = append(exact, Operation{Method: MethodPromptsGet, Name: p.Name})
			}
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0], true
	case len(exact) == 0 && len(loose) == 1:
		return loose[0], true
	}
	return Operation{}, false
}

// withoutVerb returns a tool name without its leading verb (get_weather → weather,
// get-weather → weather), or "" when it has none.
func withoutVerb(name string) string {
	for _, v := range toolVerbs {
		for _, sep := range []string{"_", "-"} {
			if rest, ok := strings.CutPrefix(strings.ToLower(name), v+sep); ok && rest != "" {
				return rest
			}
		}
	}
	return ""
}

// uriSegments returns the scheme, host and path segments of a resource URI
// (notes://all → notes, all; mcp-conform://customer-data/acme/profile → mcp-conform,
// customer-data, acme, profile).
func uriSegments(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	out := []string{u.Scheme, u.Hostname()}
	for _, p := range strings.Split(u.Path, "/") {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ScopeGap is an advertised scope whose name designates an operation (DesignatedOperation)
// that scope discovery saw served to a valid token lacking that scope.
type ScopeGap struct {
	Scope      string    // the advertised scope, e.g. mcp:tools:weather
	Where      string    // where it is advertised, for messages
	Operation  Operation // the operation its name designates
	Held       []string  // the scopes of the token that was served (empty: none)
	Arguments  string    // the arguments sent (JSON, redacted); "" for none
	ArgsSource string    // "generated", "supplied" or "none"
	Status     int       // the HTTP status of the served call
}

// ScopeGaps returns the advertised scopes whose name designates an operation that scope
// discovery called and saw served to a valid token lacking them (and lacking any broader
// scope above them). It returns nothing when discovery did not run, for operations the user
// declared (the declaration is what RS-51 checks then), and for operations discovery did not
// call or could not learn.
func (c *C) ScopeGaps(ctx context.Context) []ScopeGap {
	d := c.run.learnScopes(ctx)
	if !d.ran {
		return nil
	}
	served := map[string]ScopeEntry{}
	for _, e := range d.entries {
		if e.Operation != "" && (len(e.Scopes) > 0 || strings.HasPrefix(e.Note, "served")) {
			served[e.Operation] = e
		}
	}
	cat := c.Catalog(ctx)
	prm := prmScopes(c.Discover(ctx))
	var gaps []ScopeGap
	for _, s := range c.AdvertisedScopes(ctx) {
		op, ok := DesignatedOperation(s, cat)
		if !ok {
			continue
		}
		if _, declared := c.run.cfg.Scopes[op.String()]; declared {
			continue
		}
		e, ok := served[op.String()]
		if !ok || slices.ContainsFunc(e.Scopes, func(g string) bool { return ScopeCovers(g, s) }) {
			continue
		}
		where := "401 challenge scope"
		if slices.Contains(prm, s) {
			where = "PRM scopes_supported"
		}
		g := ScopeGap{Scope: s, Where: where, Operation: op, Held: slices.Clone(e.Scopes)}
		g.Arguments, g.ArgsSource, g.Status = c.run.sentBy(scopeDiscoveryID, op)
		gaps = append(gaps, g)
	}
	return gaps
}

// sentBy returns the arguments, their source and the status of the last successful call of
// op logged by the check checkID.
func (r *Run) sentBy(checkID string, op Operation) (args, source string, status int) {
	r.callMu.Lock()
	defer r.callMu.Unlock()
	for i := len(r.calls) - 1; i >= 0; i-- {
		rec := r.calls[i]
		if rec.check == checkID && rec.op == op && rec.status/100 == 2 {
			return rec.args, rec.source, rec.status
		}
	}
	return "", "", 0
}

// Sent describes the served call for a message: `called tool "weather" with arguments
// {"city":"…"} (generated) and a valid token holding no scopes`.
func (g ScopeGap) Sent() string {
	s := g.Operation.Did()
	if g.Arguments != "" && g.Arguments != "{}" {
		s += fmt.Sprintf(" with arguments %s (%s)", g.Arguments, g.ArgsSource)
	}
	held := "no scopes"
	if len(g.Held) > 0 {
		held = fmt.Sprintf("scope %q", strings.Join(g.Held, " "))
	}
	return s + " and a valid token holding " + held
}
