package check

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestParseOperation(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "weather", want: "tools/call:weather"},
		{in: "tools/call:weather", want: "tools/call:weather"},
		{in: "resources/read:file:///a?b=c", want: "resources/read:file:///a?b=c"},
		{in: "prompts/get:summary", want: "prompts/get:summary"},
		{in: "tools/list", want: "tools/list"},
		{in: "resources/list", want: "resources/list"},
		{in: "prompts/list", want: "prompts/list"},
		{in: "", err: "empty"},
		{in: "tools/call", err: "name what it applies to"},
		{in: "resources/read:", err: "no name"},
		{in: "tools/cal:x", err: "unknown method"},
		{in: "resources/raed:x", err: "unknown method"},
		{in: "two words", err: "white space"},
	}
	for _, tt := range tests {
		op, err := ParseOperation(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseOperation(%q) = %v, %v; want error %q", tt.in, op, err, tt.err)
			}
			continue
		}
		if err != nil || op.String() != tt.want {
			t.Errorf("ParseOperation(%q) = %q, %v; want %q", tt.in, op.String(), err, tt.want)
		}
	}
}

func TestArgumentError(t *testing.T) {
	tool, res := ToolCall("weather"), Operation{Method: MethodResourcesRead, Name: "x://a"}
	body := func(s string) *Response {
		return &Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(s)}
	}
	tests := []struct {
		name string
		op   Operation
		resp *Response
		want bool
	}{
		{"-32602", tool, body(`{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"Invalid params: city is required"}}`), true},
		{"go-sdk isError", tool, body(`{"jsonrpc":"2.0","id":1,"result":{"isError":true,"content":[{"type":"text","text":"validating \"arguments\": validating root: required: missing properties: [\"city\"]"}]}}`), true},
		{"fastmcp isError", tool, body(`{"jsonrpc":"2.0","id":1,"result":{"isError":true,"content":[{"type":"text","text":"Input validation error: 'city' is a required property"}]}}`), true},
		{"in-band scope refusal", tool, body(`{"jsonrpc":"2.0","id":1,"result":{"isError":true,"content":[{"type":"text","text":"insufficient scope: missing required mcp:tools:weather"}]}}`), false},
		{"tool failure", tool, body(`{"jsonrpc":"2.0","id":1,"result":{"isError":true,"content":[{"type":"text","text":"upstream weather API down"}]}}`), false},
		{"other JSON-RPC error", tool, body(`{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"internal"}}`), false},
		{"success", tool, body(`{"jsonrpc":"2.0","id":1,"result":{"content":[]}}`), false},
		{"resource not found", res, body(`{"jsonrpc":"2.0","id":1,"error":{"code":-32002,"message":"Resource not found"}}`), true},
		{"403", tool, &Response{Status: 403}, false},
	}
	for _, tt := range tests {
		if _, got := ArgumentError(tt.op, tt.resp); got != tt.want {
			t.Errorf("%s: ArgumentError = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestEach_worstVerdictWinsAndNamesEach(t *testing.T) {
	target := newTestTarget(t, nil)
	run := newTestRun(t, Config{URL: target.resource}, testRegistry(t))
	subjects := []string{"a", "b", "c", "d"}
	res := runCheck(t, run, "T-MUST", Anonymous, func(_ context.Context, c *C) {
		c.Each(subjects, func(i int) {
			switch subjects[i] {
			case "a":
				c.Skip("no arguments")
			case "b":
				c.Warn("refused in-band")
			case "c":
				c.Fail("served without its scope")
			}
		})
	})
	if res.Status != StatusFail || !strings.HasPrefix(res.Detail, "c: served without its scope") {
		t.Fatalf("got %s %q", res.Status, res.Detail)
	}
	for _, want := range []string{"a: SKIP — no arguments", "b: WARN — refused in-band", "c: FAIL", "d: PASS"} {
		if !strings.Contains(res.Detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, res.Detail)
		}
	}
	res = runCheck(t, run, "T-MUST", Anonymous, func(_ context.Context, c *C) {
		c.Each([]string{"a", "b"}, func(i int) {
			if i == 0 {
				c.Skip("no arguments")
			}
		})
	})
	if res.Status != StatusPass || !strings.Contains(res.Detail, "a: SKIP") {
		t.Fatalf("a pass beats a skip: got %s %q", res.Status, res.Detail)
	}
}
