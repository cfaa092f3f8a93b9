package check

import (
	"strings"
	"testing"
)

func TestDescribeBody(t *testing.T) {
	page := "<!doctype html><html><head><title> My  App </title></head><body>" + strings.Repeat("<div></div>", 200) + "</body></html>"
	longLine := "data: " + strings.Repeat("x", 400)
	tests := []struct {
		name, contentType, body string
		truncated               bool
		want                    string
	}{
		{"empty", "application/json", "", false, "(empty)"},
		{"json", "application/json", `{"error":"invalid_token"}`, false, `{"error":"invalid_token"}`},
		{"long text", "text/plain", strings.Repeat("a", 350), false, strings.Repeat("a", 300) + "…[50 more bytes]"},
		{"html by type", "text/html; charset=utf-8", page, false, `HTML page "My App", 2.2 KB`},
		{"html by content", "application/octet-stream", "<HTML><body>hi</body></HTML>", false, "HTML page, 28 bytes"},
		{"html truncated", "text/html", "<html>", true, "HTML page, 6 bytes (truncated)"},
		{"binary", "application/octet-stream", "\xff\xfe\x00\x01", false, "binary, 4 bytes"},
		{"event stream", "text/event-stream", "event: message\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":1}\r\n\r\n: keep-alive\n\n", false,
			"event stream, 64 bytes:\n    event: message\n    data: {\"jsonrpc\":\"2.0\",\"id\":1}\n    : keep-alive"},
		{"event stream cut between lines", "text/event-stream", strings.Repeat("data: "+strings.Repeat("y", 100)+"\n\n", 5), false,
			"event stream, 540 bytes:\n" + strings.Repeat("    data: "+strings.Repeat("y", 100)+"\n", 2) + "    … 3 more lines"},
		{"event stream with one long line", "text/event-stream", longLine + "\n\n", false,
			"event stream, 408 bytes:\n    " + longLine[:300] + "…[106 more bytes]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := describeBody(tt.contentType, tt.body, tt.truncated); got != tt.want {
				t.Errorf("describeBody =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
