package check

// This file holds the run's scope map: which operation needs which scope, declared by the
// user (Config.Scopes) or learned by scope discovery. Discovery mints a valid token with no
// scopes, calls each eligible operation with it and reads the answers: a success means the
// operation needs no scope; a refusal carrying a challenge scope (MCP 2025-11-25 §10.1.1:
// the 403 names "the scopes needed to satisfy the current request") is confirmed with a
// token holding exactly that scope; a refusal naming no scope is resolved by trying each
// advertised scope alone. Calling a tool can have side effects, so discovery calls only
// tools annotated readOnlyHint: true (MCP server/tools ToolAnnotations) and tools the user
// named (--scope, --tool-args, --allow-tool); list methods, resources/read and prompts/get
// do not change state by definition.

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// Bounds of scope discovery.
const (
	maxDiscoveryOps       = 40 // operations tried
	maxDiscoveryPerKind   = 10 // resources and prompts tried
	maxDiscoveryScopeTies = 10 // advertised scopes tried one by one for a refusal naming none
	maxStepUpRounds       = 4  // tokens minted while following insufficient_scope challenges
	discoveryWorkers      = 4  // operations learned at once
)

// scopeDiscoveryID names scope discovery's internal check (its client, its logged calls).
const scopeDiscoveryID = "scope-discovery"

// Scope map sources.
const (
	SourceDeclared = "declared"
	SourceLearned  = "learned"
)

// ScopedOperation is an operation and the scopes it needs (all of them).
type ScopedOperation struct {
	Operation Operation
	Needs     []string
	Source    string // SourceDeclared or SourceLearned
}

// ScopeEntry is one line of the run's scope map, as reports show it.
type ScopeEntry struct {
	Operation string   `json:"operation"`      // canonical, e.g. "tools/call:weather"
	Scopes    []string `json:"scopes"`         // needed scopes; empty = none observed
	Source    string   `json:"source"`         // "declared" or "learned"
	Note      string   `json:"note,omitempty"` // how it was learned, or why it was not
}

// scopeDiscovery is the memoized outcome of scope discovery.
type scopeDiscovery struct {
	ran     bool
	reason  string       // why discovery did not run, or ended early
	entries []ScopeEntry // one per operation tried
}

// discoveryWanted reports whether scope discovery runs for this configuration, and why not.
func (r *Run) discoveryWanted() (bool, string) {
	if r.cfg.Minter == nil {
		return false, "scope discovery needs cooperative mode (it mints a token with no scopes and one per learned scope); declare requirements with --scope OPERATION=SCOPE"
	}
	if len(r.cfg.Scopes) > 0 && !r.cfg.DiscoverScopes {
		return false, "scopes are declared (--scope); add --discover-scopes to learn the others"
	}
	return true, ""
}

// learnScopes runs scope discovery once per run.
func (r *Run) learnScopes(ctx context.Context) *scopeDiscovery {
	r.scopeMu.Lock()
	defer r.scopeMu.Unlock()
	if r.learned != nil {
		return r.learned
	}
	d := &scopeDiscovery{}
	if ok, why := r.discoveryWanted(); !ok {
		d.reason = why
		r.learned = d
		return d
	}
	end := r.internal(ctx, scopeDiscoveryID, func(c *C) { c.discoverScopes(ctx, d) })
	if end != nil && d.reason == "" {
		d.reason = end.msg
	}
	if ctx.Err() == nil {
		r.learned = d
	}
	return d
}

// eligibleOperations lists what discovery may call, and notes on what it leaves out.
func (r *Run) eligibleOperations(cat *Catalog) (ops []Operation, left []string) {
	named := map[string]bool{}
	for k := range r.cfg.Scopes {
		if op, err := ParseOperation(k); err == nil && op.Method == MethodToolsCall {
			named[op.Name] = true
		}
	}
	for k := range r.cfg.ToolArgs {
		if op, err := ParseOperation(k); err == nil && op.Method == MethodToolsCall {
			named[op.Name] = true
		}
	}
	for _, t := range r.cfg.AllowTools {
		named[t] = true
	}
	ops = append(ops, cat.Listed...)
	for _, t := range cat.Tools {
		switch {
		case named[t.Name] || t.ReadOnly():
			ops = append(ops, ToolCall(t.Name))
		case t.Destructive():
			left = append(left, fmt.Sprintf("tool %q is annotated destructiveHint: true; it is called only when named (--allow-tool %s)", t.Name, t.Name))
		default:
			left = append(left, fmt.Sprintf("tool %q is not annotated readOnlyHint: true; name it to call it (--allow-tool %s)", t.Name, t.Name))
		}
	}
	for i, res := range cat.Resources {
		if i == maxDiscoveryPerKind {
			left = append(left, fmt.Sprintf("%d more resources not read (declare their scopes with --scope resources/read:URI=SCOPE)", len(cat.Resources)-i))
			break
		}
		ops = append(ops, Operation{Method: MethodResourcesRead, Name: res.URI})
	}
	for i, p := range cat.Prompts {
		if i == maxDiscoveryPerKind {
			left = append(left, fmt.Sprintf("%d more prompts not got (declare their scopes with --scope prompts/get:NAME=SCOPE)", len(cat.Prompts)-i))
			break
		}
		ops = append(ops, Operation{Method: MethodPromptsGet, Name: p.Name})
	}
	if len(ops) > maxDiscoveryOps {
		left = append(left, fmt.Sprintf("%d operations not tried (at most %d per run)", len(ops)-maxDiscoveryOps, maxDiscoveryOps))
		ops = ops[:maxDiscoveryOps]
	}
	return ops, left
}

// discoverScopes is the body of scope discovery, run as an internal check. The operations
// are learned concurrently, at most discoveryWorkers at a time: each worker does only
// network work and records its entry, and a worker's ending (a skip, a transport error) is
// recovered in that worker and becomes its entry's note. The no-scope token and its session
// are shared by every operation; the tokens an operation mints to step up carry a client of
// their own (ClientID + "-N"), so the workers together do not spend one client's rate limit.
func (c *C) discoverScopes(ctx context.Context, d *scopeDiscovery) {
	cat := c.Catalog(ctx)
	if cat.Err != nil {
		d.reason = "scope discovery could not read the server's tools: " + cat.Err.Error()
		return
	}
	ops, left := c.run.eligibleOperations(cat)
	d.ran = true
	for _, l := range left {
		d.entries = append(d.entries, ScopeEntry{Operation: "", Source: SourceLearned, Note: l})
	}
	none := c.Mint(ctx, mockas.TokenSpec{Scopes: []string{}})
	// Open the no-scope token's session (or learn that initialize refuses it) before the
	// workers share it; an ending here is met again, and noted, by each operation.
	_ = c.protect(func() { c.session(ctx, none, false) })
	entries := make([]ScopeEntry, len(ops))
	limited := make([]bool, len(ops)) // the operation's learning ended on a 429
	learn := func(i int, none string) {
		client := fmt.Sprintf("%s-%d", c.ClientID(), i+1)
		if none == "" {
			none = c.Mint(ctx, mockas.TokenSpec{Scopes: []string{}, ClientID: client, Subject: client})
		}
		l := &learner{c: c, op: ops[i], none: none, client: client,
			e: ScopeEntry{Operation: ops[i].String(), Source: SourceLearned}}
		if end := c.protect(func() { l.learn(ctx) }); end != nil {
			l.e.Scopes, l.e.Note = nil, "not learned: "+firstLine(end.msg)
			limited[i] = strings.Contains(end.msg, "(429)")
		}
		entries[i] = l.e
	}
	sem := make(chan struct{}, discoveryWorkers)
	var wg sync.WaitGroup
	for i := range ops {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			learn(i, none)
		}()
	}
	wg.Wait()
	// The shared no-scope token is one client: the workers together can go over a server's
	// per-client rate limit. An operation that ended on a 429 is learned again, one at a time,
	// with a no-scope token of its own client.
	for i := range ops {
		if limited[i] && ctx.Err() == nil {
			_ = c.protect(func() { learn(i, "") })
		}
	}
	d.entries = append(d.entries, entries...)
}

// learner learns the scopes of one operation, on a worker goroutine of scope discovery.
type learner struct {
	c      *C
	op     Operation
	none   string // the shared valid token holding no scopes
	client string // the client_id (and subject) of the tokens this operation mints
	e      ScopeEntry
}

// mint mints a valid token for the learner's client holding exactly scopes (nil: every
// advertised and declared scope).
func (l *learner) mint(ctx context.Context, scopes []string) string {
	return l.c.Mint(ctx, mockas.TokenSpec{Scopes: scopes, ClientID: l.client, Subject: l.client})
}

// learn learns the scopes op needs into e.
func (l *learner) learn(ctx context.Context) {
	c, op, e := l.c, l.op, &l.e
	resp := c.Call(ctx, l.none, op)
	if Succeeded(resp) {
		e.Note = "served to a valid token with no scopes"
		return
	}
	c.SkipArgumentError(op, resp)
	if ch, ok := resp.BearerChallenge(); ok && (resp.Status == 403 || resp.Status == 401) {
		if scope, _ := ch.Param("scope"); strings.TrimSpace(scope) != "" {
			l.stepUp(ctx, resp.Status, scope)
			return
		}
	}
	refusal := fmt.Sprintf("%d", resp.Status)
	if RefusedInBand(resp) {
		refusal = "a 2xx refusal in the body (JSON-RPC error or isError)"
	}
	all := c.run.defaultScopes(ctx)
	if !Succeeded(c.Call(ctx, l.mint(ctx, nil), op)) {
		e.Note = fmt.Sprintf("not learned: a token with no scopes got %s, and a token holding every advertised and declared scope was refused too", refusal)
		return
	}
	for i, s := range all {
		if i == maxDiscoveryScopeTies {
			break
		}
		if Succeeded(c.Call(ctx, l.mint(ctx, []string{s}), op)) {
			e.Scopes = []string{s}
			e.Note = fmt.Sprintf("a token with no scopes got %s naming no scope; a token holding only %s was served", refusal, s)
			return
		}
	}
	e.Note = fmt.Sprintf("not learned: a token with no scopes got %s naming no scope; no single advertised scope was enough", refusal)
}

// stepUp follows insufficient_scope challenges as a client does (MCP 2026-07-28 index §11.1.2:
// the client requests the union of the scopes it holds and the challenged ones), so an
// operation behind a base scope (e.g. mcp:access checked by middleware) and its own scope
// (checked by the handler, challenged only once the base scope is held) is learned as both.
// It stops after maxStepUpRounds tokens or when a refusal names no scope it does not hold.
func (l *learner) stepUp(ctx context.Context, status int, scope string) {
	c, op, e := l.c, l.op, &l.e
	held := strings.Fields(scope)
	trail := []string{scope}
	for round := 0; round < maxStepUpRounds; round++ {
		resp := c.Call(ctx, l.mint(ctx, append([]string{}, held...)), op)
		if Succeeded(resp) {
			e.Scopes = held
			if len(trail) == 1 {
				e.Note = fmt.Sprintf("a token with no scopes got %d naming scope=%q; a token holding exactly it was served", status, scope)
			} else {
				e.Note = fmt.Sprintf("a token with no scopes got %d naming scope=%q; stepping up through %s, a token holding %q was served",
					status, scope, strings.Join(quoteAll(trail[1:]), ", "), strings.Join(held, " "))
			}
			return
		}
		ch, ok := resp.BearerChallenge()
		next, _ := ch.Param("scope")
		grown := held
		for _, s := range strings.Fields(next) {
			if !slices.Contains(grown, s) {
				grown = append(slices.Clip(grown), s)
			}
		}
		if !ok || len(grown) == len(held) {
			// The refusal names no scope the token lacks (an in-band refusal, or a 403
			// repeating the held scopes): try the held scopes plus each advertised one.
			for i, extra := range c.advertisedBeyond(ctx, held) {
				if i == maxDiscoveryScopeTies {
					break
				}
				with := append(slices.Clone(held), extra)
				if Succeeded(c.Call(ctx, l.mint(ctx, with), op)) {
					e.Scopes = with
					e.Note = fmt.Sprintf("a token with no scopes got %d naming scope=%q; a token holding %q was refused naming no further scope; one holding %q was served",
						status, scope, strings.Join(held, " "), strings.Join(with, " "))
					return
				}
			}
			e.Note = fmt.Sprintf("not learned: a token with no scopes got %d naming scope=%q, but a token holding %q was refused too (%d) without naming a scope it lacks, and no single advertised scope more was enough",
				status, scope, strings.Join(held, " "), resp.Status)
			return
		}
		held = grown
		trail = append(trail, next)
	}
	e.Note = fmt.Sprintf("not learned: still refused after %d step-up rounds (scope %q)", maxStepUpRounds, strings.Join(held, " "))
}

// advertisedBeyond lists the advertised scopes (challenge scope, PRM scopes_supported, declared
// scopes) not in held, in order of first appearance.
func (c *C) advertisedBeyond(ctx context.Context, held []string) []string {
	cands := append(c.run.defaultScopes(ctx), prmScopes(c.Discover(ctx))...)
	var out []string
	for _, s := range cands {
		if !slices.Contains(held, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// quoteAll quotes each string for a message.
func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("scope=%q", s)
	}
	return out
}

// ScopedOperations returns the operations with a scope requirement this run checks:
// declared ones, plus learned ones when discovery runs (no declaration, or
// Config.DiscoverScopes). They are ordered most scopes first, then declared before learned,
// then by operation. When there is none, why says so (for a skip or an INFO).
func (c *C) ScopedOperations(ctx context.Context) (ops []ScopedOperation, observedNone bool, why string) {
	declared := map[string]bool{}
	for k, v := range c.run.cfg.Scopes {
		op, err := ParseOperation(k)
		if err != nil {
			continue // NewRun validated the keys
		}
		declared[op.String()] = true
		if needs := strings.Fields(v); len(needs) > 0 {
			ops = append(ops, ScopedOperation{Operation: op, Needs: needs, Source: SourceDeclared})
		}
	}
	d := c.run.learnScopes(ctx)
	served := 0
	for _, e := range d.entries {
		if e.Operation == "" || declared[e.Operation] {
			continue
		}
		op, err := ParseOperation(e.Operation)
		if err != nil {
			continue
		}
		if len(e.Scopes) > 0 {
			ops = append(ops, ScopedOperation{Operation: op, Needs: e.Scopes, Source: SourceLearned})
		} else if strings.HasPrefix(e.Note, "served") {
			served++
		}
	}
	sort.SliceStable(ops, func(i, j int) bool {
		a, b := ops[i], ops[j]
		if len(a.Needs) != len(b.Needs) {
			return len(a.Needs) > len(b.Needs)
		}
		if a.Source != b.Source {
			return a.Source == SourceDeclared
		}
		return a.Operation.String() < b.Operation.String()
	})
	if len(ops) > 0 {
		return ops, false, ""
	}
	switch {
	case d.ran && served > 0:
		return nil, true, fmt.Sprintf("no scope requirement observed: scope discovery called %d operations with a valid token holding no scopes and each was served (see the scope map)", served)
	case d.ran:
		return nil, false, "no scope requirement declared or learned: scope discovery found no operation it could call and learn from (see the scope map); declare one with --scope OPERATION=SCOPE"
	case d.reason != "":
		return nil, false, "no scope requirement declared (--scope OPERATION=SCOPE) and none learned: " + d.reason
	default:
		return nil, false, "no scope requirement declared (--scope OPERATION=SCOPE)"
	}
}

// ScopeMap returns the run's scope map: the declared requirements, then what scope
// discovery learned (if it ran), with notes on what it left out.
func (r *Run) ScopeMap() []ScopeEntry {
	var out []ScopeEntry
	keys := make([]string, 0, len(r.cfg.Scopes))
	for k := range r.cfg.Scopes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	r.scopeMu.Lock()
	d := r.learned
	r.scopeMu.Unlock()
	learned := map[string]ScopeEntry{}
	if d != nil {
		for _, e := range d.entries {
			if e.Operation != "" {
				learned[e.Operation] = e
			}
		}
	}
	for _, k := range keys {
		e := ScopeEntry{Operation: k, Scopes: strings.Fields(r.cfg.Scopes[k]), Source: SourceDeclared}
		if l, ok := learned[k]; ok && !slices.Equal(l.Scopes, e.Scopes) {
			e.Note = fmt.Sprintf("discovery observed %s (%s)", scopeText(l.Scopes), l.Note)
		}
		out = append(out, e)
	}
	if d == nil {
		return out
	}
	for _, e := range d.entries {
		if _, dup := r.cfg.Scopes[e.Operation]; !dup {
			e.Scopes = append([]string(nil), e.Scopes...)
			out = append(out, e)
		}
	}
	return out
}

// scopeText renders a scope list for notes.
func scopeText(scopes []string) string {
	if len(scopes) == 0 {
		return "no scope"
	}
	return "scope \"" + strings.Join(scopes, " ") + "\""
}
