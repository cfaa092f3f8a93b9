package check

// This file builds the MCP requests the probes send (JSON-RPC 2.0 over Streamable HTTP) and
// reads their answers. Up to 2025-11-25 a client opens a session with initialize
// (MCP lifecycle) and then sends MCP-Protocol-Version and Mcp-Session-Id (transports §2.5,
// §2.7). For 2026-07-28, streamable-http "Request Metadata": "Every POST request to the MCP
// endpoint MUST include an MCP-Protocol-Version header", the Mcp-Method header "Required For
// All requests" and Mcp-Name for "tools/call, resources/read, prompts/get requests", and the
// body's params._meta carries io.modelcontextprotocol/protocolVersion.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// RPCMessage is one JSON-RPC 2.0 message (request, notification or response).
type RPCMessage struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *RPCError       `json:"error,omitempty"`
}

// IsResponse reports whether the message is a response (it has a result or an error).
func (m *RPCMessage) IsResponse() bool { return m.Result != nil || m.Error != nil }

// RPCError is a JSON-RPC 2.0 error object.
type RPCError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Error implements error.
func (e *RPCError) Error() string { return fmt.Sprintf("JSON-RPC error %d: %s", e.Code, e.Message) }

// ErrNoJSONRPC is wrapped when a response carries no JSON-RPC message.
var ErrNoJSONRPC = errors.New("no JSON-RPC message in the response")

// JSONRPC returns the JSON-RPC message of the response: the JSON body, or for
// text/event-stream the first response carried in a data: event (else the first message).
func (r *Response) JSONRPC() (*RPCMessage, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "text/event-stream" {
		return parseSSE(r.Body)
	}
	var m RPCMessage
	if err := json.Unmarshal(r.Body, &m); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoJSONRPC, err)
	}
	if m.JSONRPC != "2.0" {
		return nil, fmt.Errorf("%w: jsonrpc member is %q, want \"2.0\"", ErrNoJSONRPC, m.JSONRPC)
	}
	return &m, nil
}

// parseSSE reads Server-Sent Events (data: lines joined by newlines, events ended by a
// blank line) and returns the first JSON-RPC response, else the first JSON-RPC message.
func parseSSE(body []byte) (*RPCMessage, error) {
	var first *RPCMessage
	var data []string
	flush := func() *RPCMessage {
		defer func() { data = nil }()
		if len(data) == 0 {
			return nil
		}
		var m RPCMessage
		if json.Unmarshal([]byte(strings.Join(data, "\n")), &m) != nil || m.JSONRPC != "2.0" {
			return nil
		}
		return &m
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), MaxBodyBytes+1)
	for more := true; more; {
		more = sc.Scan()
		line := strings.TrimSuffix(sc.Text(), "\r")
		if !more || line == "" {
			if m := flush(); m != nil {
				if m.IsResponse() {
					return m, nil
				}
				if first == nil {
					first = m
				}
			}
			continue
		}
		if v, ok := strings.CutPrefix(line, "data:"); ok {
			data = append(data, strings.TrimPrefix(v, " "))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: read event stream: %w", ErrNoJSONRPC, err)
	}
	if first != nil {
		return first, nil
	}
	return nil, fmt.Errorf("%w: event stream has no JSON-RPC data event", ErrNoJSONRPC)
}

// InitializeParams returns the params of an initialize request for version.
func InitializeParams(version, clientVersion string) map[string]any {
	return map[string]any{
		"protocolVersion": version,
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "mcp-conform", "version": clientVersion},
	}
}

// buildMCPRequest builds a JSON-RPC POST for version. Methods under notifications/ get no id.
func buildMCPRequest(version, clientVersion, method string, params any, id int) (Request, error) {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json, text/event-stream")
	if method == "initialize" && params == nil {
		params = InitializeParams(version, clientVersion)
	}
	msg := map[string]any{"jsonrpc": "2.0", "method": method}
	if !strings.HasPrefix(method, "notifications/") {
		msg["id"] = id
	}
	if !usesInitialize(version) {
		p, err := paramsObject(params)
		if err != nil {
			return Request{}, err
		}
		meta, _ := p["_meta"].(map[string]any)
		if meta == nil {
			meta = map[string]any{}
		}
		meta["io.modelcontextprotocol/protocolVersion"] = version
		if _, ok := meta["io.modelcontextprotocol/clientCapabilities"]; !ok {
			meta["io.modelcontextprotocol/clientCapabilities"] = map[string]any{}
		}
		if _, ok := meta["io.modelcontextprotocol/clientInfo"]; !ok {
			meta["io.modelcontextprotocol/clientInfo"] = map[string]any{"name": "mcp-conform", "version": clientVersion}
		}
		p["_meta"] = meta
		params = p
		h.Set("MCP-Protocol-Version", version)
		h.Set("Mcp-Method", method)
		if name, ok := mcpName(method, p); ok {
			h.Set("Mcp-Name", encodeHeaderValue(name))
		}
	}
	if params != nil {
		msg["params"] = params
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return Request{}, fmt.Errorf("encode %s request: %w", method, err)
	}
	return Request{Method: http.MethodPost, Header: h, Body: body}, nil
}

// paramsObject turns params into a JSON object map (nil → empty).
func paramsObject(params any) (map[string]any, error) {
	if params == nil {
		return map[string]any{}, nil
	}
	b, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("encode params: %w", err)
	}
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil || p == nil {
		return nil, fmt.Errorf("params must be a JSON object for 2026-07-28 requests: %s", b)
	}
	return p, nil
}

// mcpName returns the Mcp-Name source value: params.name or params.uri.
func mcpName(method string, p map[string]any) (string, bool) {
	var v any
	switch method {
	case "tools/call", "prompts/get":
		v = p["name"]
	case "resources/read":
		v = p["uri"]
	default:
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// encodeHeaderValue applies the 2026-07-28 "Value Encoding": "When a value cannot be safely
// represented as a plain ASCII header value (e.g., it contains non-ASCII characters, control
// characters, or has leading/trailing whitespace), clients MUST use Base64 encoding of the
// UTF-8 representation" as =?base64?…?=, also for plain values matching that pattern.
func encodeHeaderValue(v string) string {
	safe := v == strings.TrimSpace(v)
	for i := 0; i < len(v) && safe; i++ {
		safe = v[i] == ' ' || v[i] == '\t' || (v[i] >= 0x21 && v[i] <= 0x7e)
	}
	if safe && !(strings.HasPrefix(v, "=?base64?") && strings.HasSuffix(v, "?=")) {
		return v
	}
	return "=?base64?" + base64.StdEncoding.EncodeToString([]byte(v)) + "?="
}

// MCPRequest builds the baseline JSON-RPC POST for the run's spec version (initialize for
// versions up to 2025-11-25; a stateless request with the required headers for 2026-07-28).
// An initialize with nil params gets InitializeParams.
func (c *C) MCPRequest(method string, params any) Request {
	req, err := buildMCPRequest(c.SpecVersion(), c.run.clientVersion, method, params, c.nextRPCID())
	if err != nil {
		c.abort("build %s request: %v", method, err)
	}
	return req
}

// BaselineRequest returns the run's baseline request: initialize up to 2025-11-25,
// tools/list for 2026-07-28 (which has no initialize).
func (c *C) BaselineRequest() Request {
	if usesInitialize(c.SpecVersion()) {
		return c.MCPRequest("initialize", nil)
	}
	return c.MCPRequest("tools/list", map[string]any{})
}

// Session is an initialized MCP session (versions up to 2025-11-25).
type Session struct {
	ID      string // Mcp-Session-Id, may be empty for stateless servers
	Version string // negotiated protocol version
	Token   string
}

// Initialize opens a session with token and sends notifications/initialized; the session is
// closed (DELETE) when the check ends. For 2026-07-28 (no sessions) it sends nothing and
// returns a Session with no ID. A refused initialize ends the check as skipped
// (inconclusive): the positive control covers that failure.
func (c *C) Initialize(ctx context.Context, token string) *Session {
	s, refused := c.initialize(ctx, token)
	if refused != nil {
		c.Skip("inconclusive: initialize with a valid token was answered %s", refused)
	}
	return s
}

// initialize is Initialize, except that an authorization refusal (401 or 403) of the
// initialize request is returned instead of ending the check: a server that requires a scope
// for every request (a base scope checked by middleware) refuses initialize itself, and that
// refusal is then the server's answer to the operation the check wanted to perform.
func (c *C) initialize(ctx context.Context, token string) (*Session, *Response) {
	if !usesInitialize(c.SpecVersion()) {
		return &Session{Version: c.SpecVersion(), Token: token}, nil
	}
	c.addSecret(token)
	req := c.MCPRequest("initialize", nil)
	req.Authorization = Bearer(token)
	resp := c.Do(ctx, req)
	if resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden {
		return nil, resp
	}
	if resp.Status/100 != 2 {
		c.Skip("inconclusive: initialize with a valid token was answered %s", resp)
	}
	msg, err := resp.JSONRPC()
	if err != nil {
		c.Skip("inconclusive: initialize answer is not JSON-RPC: %v", err)
	}
	if msg.Error != nil {
		c.Skip("inconclusive: initialize failed: %v", msg.Error)
	}
	var res struct {
		ProtocolVersion string `json:"protocolVersion"`
	}
	_ = json.Unmarshal(msg.Result, &res) // a missing version falls back to the run's
	s := &Session{ID: resp.Header.Get("Mcp-Session-Id"), Version: res.ProtocolVersion, Token: token}
	if s.Version == "" {
		s.Version = c.SpecVersion()
	}
	c.closeSession(s)
	n := c.SessionRequest(s, "notifications/initialized", nil)
	n.Authorization = Bearer(token)
	if nr, err := c.TryDo(ctx, n); err != nil {
		c.Note("notifications/initialized failed: %v", err)
	} else if nr.Status/100 != 2 {
		c.Note("notifications/initialized was answered %d", nr.Status)
	}
	return s, nil
}

// SessionRequest builds a JSON-RPC POST inside an open session (session and version headers set,
// no Authorization: callers add it).
func (c *C) SessionRequest(s *Session, method string, params any) Request {
	req := c.MCPRequest(method, params)
	if s == nil || !usesInitialize(c.SpecVersion()) {
		return req
	}
	if s.ID != "" {
		req.Header.Set("Mcp-Session-Id", s.ID)
	}
	// Transports 2025-06-18 §2.7: the client "MUST include the MCP-Protocol-Version: <protocol-version>
	// HTTP header on all subsequent requests to the MCP server".
	if s.Version >= Version20250618 {
		req.Header.Set("MCP-Protocol-Version", s.Version)
	}
	return req
}
