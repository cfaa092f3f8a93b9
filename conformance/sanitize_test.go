package conformance

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

func TestSanitizeCopies(t *testing.T) {
	orig := check.Result{
		Detail:    "Authorization: Bearer x",
		Steps:     []string{"Authorization: Bearer y"},
		Exchanges: []check.Exchange{{Request: "Authorization: Bearer z"}},
	}
	got := sanitize(orig)
	const want = "Authorization: Bearer [redacted 1 bytes]"
	if got.Detail != want || got.Steps[0] != want || got.Exchanges[0].Request != want {
		t.Errorf("sanitize did not redact: %+v", got)
	}
	if orig.Steps[0] != "Authorization: Bearer y" || orig.Exchanges[0].Request != "Authorization: Bearer z" {
		t.Errorf("sanitize modified its input: %+v", orig)
	}
}

func TestNewReportRedactsTheRunsSecrets(t *testing.T) {
	const secret = "opaque-supplied-token-123"
	res := []check.Result{{ID: "RS-01", Status: check.StatusFail, Detail: "Received: 401; body: echo " + secret}}
	r := newReport("http://127.0.0.1:1/mcp", "2025-11-25", time.Time{}, 0, res, nil, secret)
	if got := r.Results[0].Detail; got != "Received: 401; body: echo [redacted 25 bytes]" {
		t.Errorf("detail = %q", got)
	}
	if res[0].Detail == r.Results[0].Detail {
		t.Errorf("newReport modified the caller's results")
	}
}

// TestConsoleEscapesTargetBytes: a detail quoting a hostile body cannot clear the screen or
// forge a line, with or without colour.
func TestConsoleEscapesTargetBytes(t *testing.T) {
	res := []check.Result{{ID: "RS-02", Title: "t\x1b]0;x\x07", Status: check.StatusFail, Level: check.MUST,
		Detail: "Received: 200; body: \x1b[2J\x1b[H\rPASS  RS-02 \u202eok\xff", Steps: []string{"\x1b[31m"},
		Exchanges: []check.Exchange{{Response: "HTTP/1.1 200 OK\r\n\r\n\x1b[2J"}}}}
	r := newReport("http://127.0.0.1:1/mcp", "2025-11-25", time.Time{}, 0, res, nil)
	for _, color := range []bool{false, true} {
		var b strings.Builder
		if err := r.WriteConsole(&b, color); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if color {
			out = strings.NewReplacer(ansiReset, "", ansiBold, "", ansiRed, "", ansiGreen, "", ansiYellow, "", ansiBlue, "", ansiCyan, "", ansiGrey, "").Replace(out)
		}
		if strings.ContainsAny(out, "\x1b\r\u202e\x07") || !utf8.ValidString(out) {
			t.Errorf("color=%v: console output carries raw control bytes: %q", color, out)
		}
		if !strings.Contains(out, `\x1b[2J\x1b[H\rPASS`) {
			t.Errorf("color=%v: the escaped body is not shown: %q", color, out)
		}
	}
	var js, ju, ht strings.Builder
	_ = r.WriteJSON(&js)
	_ = r.WriteJUnit(&ju)
	_ = r.WriteHTML(&ht)
	for name, out := range map[string]string{"json": js.String(), "junit": ju.String(), "html": ht.String()} {
		if strings.Contains(out, "\x1b") || strings.Contains(out, `\u001b`) || strings.Contains(out, "\u202e") {
			t.Errorf("%s report carries a raw escape: %q", name, out)
		}
	}
}
