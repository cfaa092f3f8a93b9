package check

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResponse_JSONRPC(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		wantID      string
		wantMethod  string
		wantErr     bool
	}{
		{name: "JSON", contentType: "application/json", body: `{"jsonrpc":"2.0","id":1,"result":{}}`, wantID: "1"},
		{name: "SSE response after a notification", contentType: "text/event-stream",
			body: "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n: keep-alive\nid: 7\ndata: {\"jsonrpc\":\"2.0\",\r\ndata: \"id\":2,\"result\":{}}\r\n\r\n", wantID: "2"},
		{name: "SSE only a notification", contentType: "text/event-stream; charset=utf-8",
			body: "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\"}", wantMethod: "notifications/message"},
		{name: "SSE without data", contentType: "text/event-stream", body: "event: ping\n\n", wantErr: true},
		{name: "HTML", contentType: "text/html", body: "<html>", wantErr: true},
		{name: "wrong jsonrpc version", contentType: "application/json", body: `{"jsonrpc":"1.0","id":1}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Response{Status: 200, Header: http.Header{"Content-Type": {tt.contentType}}, Body: []byte(tt.body)}
			msg, err := r.JSONRPC()
			if tt.wantErr {
				if !errors.Is(err, ErrNoJSONRPC) {
					t.Fatalf("err = %v, want ErrNoJSONRPC", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(msg.ID) != tt.wantID || msg.Method != tt.wantMethod {
				t.Errorf("got id %s method %q", msg.ID, msg.Method)
			}
		})
	}
}

func TestBuildMCPRequest(t *testing.T) {
	tests := []struct {
		name       string
		version    string
		method     string
		params     any
		wantHeader map[string]string
		wantBody   string
	}{
		{name: "initialize 2025-11-25", version: Version20251125, method: "initialize",
			wantHeader: map[string]string{"Accept": "application/json, text/event-stream", "Content-Type": "application/json", "Mcp-Method": ""},
			wantBody:   `{"id":3,"jsonrpc":"2.0","method":"initialize","params":{"capabilities":{},"clientInfo":{"name":"mcp-conform","version":"v1"},"protocolVersion":"2025-11-25"}}`},
		{name: "notification has no id", version: Version20250618, method: "notifications/initialized",
			wantBody: `{"jsonrpc":"2.0","method":"notifications/initialized"}`},
		{name: "2026-07-28 tools/call", version: Version20260728, method: "tools/call", params: map[string]any{"name": "get_weather"},
			wantHeader: map[string]string{"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "get_weather"},
			wantBody:   `{"id":3,"jsonrpc":"2.0","method":"tools/call","params":{"_meta":{"io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"mcp-conform","version":"v1"},"io.modelcontextprotocol/protocolVersion":"2026-07-28"},"name":"get_weather"}}`},
		{name: "2026-07-28 resources/read non-ASCII uri", version: Version20260728, method: "resources/read", params: map[string]any{"uri": "file:///é"},
			wantHeader: map[string]string{"Mcp-Name": "=?base64?ZmlsZTovLy/DqQ==?="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := buildMCPRequest(tt.version, "v1", tt.method, tt.params, 3)
			if err != nil {
				t.Fatal(err)
			}
			if req.Method != http.MethodPost {
				t.Errorf("method %s", req.Method)
			}
			for k, v := range tt.wantHeader {
				if got := req.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if tt.wantBody != "" {
				var got, want any
				_ = json.Unmarshal(req.Body, &got)
				_ = json.Unmarshal([]byte(tt.wantBody), &want)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("body (-want +got):\n%s", diff)
				}
			}
		})
	}
	if _, err := buildMCPRequest(Version20260728, "v1", "tools/list", []int{1}, 1); err == nil {
		t.Error("non-object params accepted for 2026-07-28")
	}
}

// FuzzJSONRPC feeds arbitrary bodies, as JSON and as an event stream, to the parser of the
// target's answers: it must never panic, and a message it returns is JSON-RPC 2.0.
func FuzzJSONRPC(f *testing.F) {
	for _, seed := range []string{
		`{"jsonrpc":"2.0","id":1,"result":{}}`,
		`{"jsonrpc":"2.0","error":{"code":-32601,"message":"nope"}}`,
		"event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n",
		"data: {\"jsonrpc\":\"2.0\",\ndata: \"method\":\"notifications/progress\"}\n\ndata: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}\n\n",
		": keep-alive\r\n\r\ndata:\r\n\r\n",
		`{"jsonrpc":"1.0"}`,
		"",
	} {
		f.Add([]byte(seed), true)
		f.Add([]byte(seed), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, sse bool) {
		ct := "application/json"
		if sse {
			ct = "text/event-stream"
		}
		r := &Response{Status: 200, Header: http.Header{"Content-Type": {ct}}, Body: body}
		m, err := r.JSONRPC()
		if err == nil && (m == nil || m.JSONRPC != "2.0") {
			t.Fatalf("JSONRPC() = %+v, nil; want a JSON-RPC 2.0 message or an error", m)
		}
	})
}
