package check

// This file is the one place a check performs an MCP operation: inside an initialized
// session bound to the token that makes the call (MCP 2025-11-25 lifecycle: initialize, then
// notifications/initialized; transports §2.5: Mcp-Session-Id on every later request; §2.7:
// MCP-Protocol-Version), closed with DELETE when the check ends (transports §2.5: "Clients
// that no longer need a particular session [...] SHOULD send an HTTP DELETE to the MCP
// endpoint with the Mcp-Session-Id header"). For 2026-07-28 there is no session: each call
// is a stateless request. Every call is logged on the Run, with the arguments sent, for the
// reports ("Operations called").

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// JSON-RPC error codes the suite interprets.
const (
	codeInvalidParams    = -32602 // JSON-RPC 2.0 §5.1
	codeResourceNotFound = -32002 // MCP server/resources "Error Handling"
)

// cleanupTimeout bounds each cleanup request (session DELETE) sent after a check ended.
const cleanupTimeout = 2 * time.Second

// onEnd registers f to run when the check has ended, whatever its verdict.
func (c *C) onEnd(f func(ctx context.Context)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cleanups = append(c.cleanups, f)
}

// runCleanups runs the registered cleanups, last registered first. A cleanup never changes
// the verdict: its ending (a transport error, a 429) is ignored.
func (c *C) runCleanups(ctx context.Context) {
	c.mu.Lock()
	fs := c.cleanups
	c.cleanups = nil
	c.mu.Unlock()
	ctx = context.WithoutCancel(ctx)
	for i := len(fs) - 1; i >= 0; i-- {
		cctx, cancel := context.WithTimeout(ctx, cleanupTimeout)
		c.protect(func() { fs[i](cctx) })
		cancel()
	}
}

// closeSession ends s with DELETE once the check ends. A 405 (the server does not allow
// clients to end sessions, transports §2.5) or any other answer is only recorded.
func (c *C) closeSession(s *Session) {
	if s == nil || s.ID == "" {
		return
	}
	c.onEnd(func(ctx context.Context) {
		h := http.Header{}
		h.Set("Mcp-Session-Id", s.ID)
		if s.Version >= Version20250618 {
			h.Set("MCP-Protocol-Version", s.Version)
		}
		_, _ = c.send(ctx, Request{Method: http.MethodDelete, Header: h, Authorization: Bearer(s.Token)})
	})
}

// Arguments are the arguments of one call and where they came from.
type Arguments struct {
	Values map[string]any // nil for operations that take none
	Source string         // "supplied" (--tool-args), "generated" (from the schema), "none"
}

// Call performs op with token inside an initialized session bound to the token (one per
// token and check; stateless for 2026-07-28), with the arguments the run resolves for op,
// and returns the answer. Sessions are closed when the check ends. An initialize refused
// with 401 or 403 is returned as the answer (the operation itself is then not sent: a server
// checking a base scope on every request refuses initialize first); any other refused
// initialize ends the check as skipped.
func (c *C) Call(ctx context.Context, token string, op Operation) *Response {
	args := c.arguments(ctx, op)
	s, refused := c.session(ctx, token, false)
	if refused != nil {
		return refused
	}
	req := c.SessionRequest(s, op.Method, op.params(args.Values))
	req.Authorization = Bearer(token)
	resp := c.Do(ctx, req)
	if resp.Status == http.StatusNotFound && s.ID != "" {
		// Transports §2.5: a session the server ended is answered 404, and "the client MUST
		// start a new session by sending a new InitializeRequest".
		if s, refused = c.session(ctx, token, true); refused != nil {
			return refused
		}
		req = c.SessionRequest(s, op.Method, op.params(args.Values))
		req.Authorization = Bearer(token)
		resp = c.Do(ctx, req)
	}
	c.run.logCall(c.ID(), op, args, resp.Status)
	return resp
}

// session returns this check's session for token, initializing one on first use (or when
// fresh is set): every call a check makes with one token shares that token's session.
// An authorization refusal of initialize is returned as refused, and remembered: the
// refusal names no operation, so the token's next call gets the same answer without a
// second initialize. Goroutines of one check (scope discovery's workers) may call it at
// once: one of them initializes, the others wait for its session.
func (c *C) session(ctx context.Context, token string, fresh bool) (s *Session, refused *Response) {
	c.mu.Lock()
	if c.sessions == nil {
		c.sessions = map[string]*sessionSlot{}
	}
	slot, ok := c.sessions[token]
	if !ok {
		slot = &sessionSlot{}
		c.sessions[token] = slot
	}
	c.mu.Unlock()
	slot.mu.Lock()
	defer slot.mu.Unlock()
	if !fresh && (slot.s != nil || slot.refused != nil) {
		return slot.s, slot.refused
	}
	slot.s, slot.refused = c.initialize(ctx, token)
	return slot.s, slot.refused
}

// sessionSlot is the session of one token within a check, or the refusal of its initialize.
type sessionSlot struct {
	mu      sync.Mutex
	s       *Session
	refused *Response
}

// params builds the JSON-RPC params of op.
func (o Operation) params(args map[string]any) map[string]any {
	switch o.Method {
	case MethodToolsCall:
		if args == nil {
			args = map[string]any{}
		}
		return map[string]any{"name": o.Name, "arguments": args}
	case MethodPromptsGet:
		p := map[string]any{"name": o.Name}
		if len(args) > 0 {
			p["arguments"] = args
		}
		return p
	case MethodResourcesRead:
		return map[string]any{"uri": o.Name}
	default:
		return map[string]any{}
	}
}

// arguments resolves the arguments of op: supplied (Config.ToolArgs), else built from what
// the server declares (a tool's inputSchema, a prompt's arguments). An argument list the
// suite cannot build ends the check as skipped, naming the fix.
func (c *C) arguments(ctx context.Context, op Operation) Arguments {
	if v, ok := c.run.cfg.ToolArgs[op.String()]; ok {
		c.checkSuppliedArguments(ctx, op, v)
		return Arguments{Values: v, Source: "supplied"}
	}
	switch op.Method {
	case MethodToolsCall:
		args, err := c.run.toolArguments(ctx, op.Name)
		if err != nil {
			c.Skip("cannot build arguments for %s: %v; pass --tool-args %s=JSON", op.Label(), err, op.Name)
		}
		return args
	case MethodPromptsGet:
		return c.run.promptArguments(ctx, op.Name)
	default:
		return Arguments{Source: "none"}
	}
}

// ArgumentError reports whether a 2xx answer to op refuses the request's arguments rather
// than its authorization: a JSON-RPC -32602 "Invalid params" (SDKs answer an unknown tool
// or resource this way too), -32002 for a resource, or a tool result with isError whose text
// reports a validation problem (go-sdk answers invalid arguments with isError and
// `validating "arguments": …`). It returns the server's message.
func ArgumentError(op Operation, resp *Response) (string, bool) {
	if resp == nil || resp.Status/100 != 2 {
		return "", false
	}
	msg, err := resp.JSONRPC()
	if err != nil {
		return "", false
	}
	if e := msg.Error; e != nil {
		if e.Code == codeInvalidParams || (op.Method == MethodResourcesRead && e.Code == codeResourceNotFound) {
			return fmt.Sprintf("JSON-RPC error %d: %s", e.Code, e.Message), true
		}
		return "", false
	}
	if op.Method != MethodToolsCall {
		return "", false
	}
	text, isError := toolErrorText(msg.Result)
	if !isError || !looksLikeValidation(text) {
		return "", false
	}
	return text, true
}

// toolErrorText returns the text content of a tool result and whether it has isError.
func toolErrorText(result json.RawMessage) (string, bool) {
	var r struct {
		IsError bool `json:"isError"`
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
	}
	if len(result) == 0 || json.Unmarshal(result, &r) != nil || !r.IsError {
		return "", false
	}
	var parts []string
	for _, ct := range r.Content {
		if ct.Type == "text" && ct.Text != "" {
			parts = append(parts, ct.Text)
		}
	}
	text := strings.Join(parts, " ")
	if len(text) > 300 {
		text = text[:300] + "…"
	}
	return text, true
}

// looksLikeValidation reports whether an isError text reports invalid input and not a
// refused authorization (an in-band scope refusal must stay visible to RS-51).
func looksLikeValidation(text string) bool {
	t := strings.ToLower(text)
	for _, auth := range []string{"scope", "forbidden", "permission", "unauthori", "not allowed", "access denied", "insufficient"} {
		if strings.Contains(t, auth) {
			return false
		}
	}
	for _, v := range []string{"validat", "invalid", "required", "missing", "argument", "schema", "must be", "expected", "unmarshal", "parse"} {
		if strings.Contains(t, v) {
			return true
		}
	}
	return false
}

// RefusedInBand reports whether a 2xx answer is a refusal carried in the body rather than in
// the HTTP status: a JSON-RPC error, or a tool result with isError true (MCP server/tools
// "Error Handling": tool execution errors are reported in the result with isError, which
// is how SDKs surface an error thrown by a tool handler).
func RefusedInBand(resp *Response) bool {
	if resp == nil || resp.Status/100 != 2 {
		return false
	}
	msg, err := resp.JSONRPC()
	if err != nil {
		return false
	}
	if msg.Error != nil {
		return true
	}
	_, isError := toolErrorText(msg.Result)
	return isError
}

// Succeeded reports whether resp is a 2xx JSON-RPC result that is not an in-band refusal.
func Succeeded(resp *Response) bool {
	if resp == nil || resp.Status/100 != 2 {
		return false
	}
	msg, err := resp.JSONRPC()
	return err == nil && msg.Error == nil && !RefusedInBand(resp)
}

// SkipArgumentError ends the check as skipped when resp refuses the arguments of op, with
// the server's message and the fix.
func (c *C) SkipArgumentError(op Operation, resp *Response) {
	text, ok := ArgumentError(op, resp)
	if !ok {
		return
	}
	text = safe.Redact(text, c.run.secretList())
	how := "generated"
	if _, ok := c.run.cfg.ToolArgs[op.String()]; ok {
		how = "supplied"
	}
	switch op.Method {
	case MethodToolsCall:
		if strings.Contains(strings.ToLower(text), "unknown tool") {
			c.Skip("the server does not know %s: %s; check the --scope declaration", op.Label(), text)
		}
		c.Skip("the server rejected the arguments %s for %s: %s; pass --tool-args %s=JSON", how, op.Name, text, op.Name)
	case MethodPromptsGet:
		c.Skip("the server rejected the arguments %s for %s: %s; pass --tool-args %s=JSON", how, op.Label(), text, op.String())
	default:
		c.Skip("the server refused %s as invalid: %s; check the --scope declaration", op.Label(), text)
	}
}

// callRecord is one logged call.
type callRecord struct {
	check  string
	op     Operation
	args   string // JSON, redacted
	source string
	status int
}

// logCall records one call of op for the reports.
func (r *Run) logCall(checkID string, op Operation, args Arguments, status int) {
	text := ""
	if args.Values != nil {
		if b, err := json.Marshal(args.Values); err == nil {
			text = safe.Redact(string(b), r.secretList())
		}
	}
	r.callMu.Lock()
	defer r.callMu.Unlock()
	r.calls = append(r.calls, callRecord{check: checkID, op: op, args: text, source: args.Source, status: status})
}

// Call is one operation the suite called, with the arguments it sent, for the reports.
type OperationCall struct {
	Operation string   `json:"operation"`           // canonical form, e.g. "tools/call:weather"
	Arguments string   `json:"arguments,omitempty"` // JSON as sent, secrets redacted
	Source    string   `json:"source"`              // supplied, generated or none
	Count     int      `json:"count"`               // how many times it was sent
	Checks    []string `json:"checks"`              // the checks that sent it
}

// Calls returns every operation the run called (tools/call, resources/read, prompts/get and
// list methods made on behalf of a check), grouped by operation and arguments, in order of
// first call.
func (r *Run) Calls() []OperationCall {
	r.callMu.Lock()
	defer r.callMu.Unlock()
	var out []OperationCall
	index := map[string]int{}
	for _, rec := range r.calls {
		key := rec.op.String() + "\x00" + rec.args
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, OperationCall{Operation: rec.op.String(), Arguments: rec.args, Source: rec.source})
		}
		out[i].Count++
		if !slices.Contains(out[i].Checks, rec.check) {
			out[i].Checks = append(out[i].Checks, rec.check)
		}
	}
	return out
}

// errNoCatalog is wrapped when the server's lists could not be read.
var errNoCatalog = errors.New("the server's tool list is not available")
