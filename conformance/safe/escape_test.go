package safe

import (
	"fmt"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "PASS  RS-01  fine\n\tnext line", "PASS  RS-01  fine\n\tnext line"},
		{"clear screen and forged PASS", "\x1b[2J\x1b[HPASS  RS-02", `\x1b[2J\x1b[HPASS  RS-02`},
		{"OSC title and clipboard", "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x1b\\", `\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x1b\`},
		{"carriage return overwrite", "FAIL\rPASS", `FAIL\rPASS`},
		{"CRLF kept", "HTTP/1.1 200 OK\r\nA: b\r\n", "HTTP/1.1 200 OK\r\nA: b\r\n"},
		{"CR CR LF", "x\r\r\n", `x\r` + "\r\n"},
		{"C1 CSI", "a\u009b31mb", `a\u009b31mb`},
		{"bidi override", "user\u202eexe.txt", `user\u202eexe.txt`},
		{"invalid UTF-8", "a\xff\xfeb", `a\xff\xfeb`},
		{"unicode kept", "résumé — ✓", "résumé — ✓"},
		{"DEL and backspace", "a\x7fb\x08c", `a\x7fb\x08c`},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("%s: Text(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestLineAndHTML(t *testing.T) {
	if got := Line("a\nb\tc\x1b"); got != `a\nb\tc\x1b` {
		t.Errorf("Line = %q", got)
	}
	if got := HTML("<b>\x1b[31m&\"x\"</b>"); got != `&lt;b&gt;\x1b[31m&amp;&#34;x&#34;&lt;/b&gt;` {
		t.Errorf("HTML = %q", got)
	}
}

func TestWriter(t *testing.T) {
	var b strings.Builder
	w := &Writer{W: &b, Secrets: []string{"opaque-secret-1"}}
	fmt.Fprintf(w, "body: %s\x1b[2J\n", "opaque-secret-1")
	if got := b.String(); got != "body: [redacted 15 bytes]\\x1b[2J\n" {
		t.Errorf("Writer wrote %q", got)
	}
}
