package check

// This file renders exchanges as HTTP/1.1-style text for reports, credentials redacted by
// the one redaction policy (package safe) with the run's secrets.

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// maxTranscriptBody is how much of each body an Exchange keeps.
const maxTranscriptBody = 4 << 10

// capBody redacts and shortens a body for a transcript.
func capBody(body []byte, secrets []string) string {
	s := safe.Redact(string(body), secrets)
	if len(s) > maxTranscriptBody {
		return s[:maxTranscriptBody] + fmt.Sprintf("\n…[%d more bytes]", len(s)-maxTranscriptBody)
	}
	return s
}

// writeHeaders writes header lines sorted by name, one line per value, credentials redacted.
func writeHeaders(b *strings.Builder, h http.Header, secrets []string) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\n", k, safe.Header(k, v, secrets))
		}
	}
}

// renderExchange renders one request and its response (or transport error).
func renderExchange(s *sentRequest, resp *Response, err error, secrets []string) Exchange {
	var req strings.Builder
	target := s.url.RequestURI()
	fmt.Fprintf(&req, "%s %s HTTP/1.1\n", s.method, safe.Redact(target, secrets))
	fmt.Fprintf(&req, "Host: %s\n", s.url.Host)
	writeHeaders(&req, s.header, secrets)
	if len(s.body) > 0 {
		req.WriteString("\n")
		req.WriteString(capBody(s.body, secrets))
	}

	var out strings.Builder
	switch {
	case err != nil:
		fmt.Fprintf(&out, "(no response: %s)", safe.Redact(err.Error(), secrets))
	case resp != nil:
		fmt.Fprintf(&out, "HTTP/1.1 %d %s\n", resp.Status, http.StatusText(resp.Status))
		writeHeaders(&out, resp.Header, secrets)
		if resp.HeaderLinesDropped > 0 {
			fmt.Fprintf(&out, "[%d more header lines dropped: at most %d lines, %d bytes are kept]\n", resp.HeaderLinesDropped, safe.MaxHeaderLines, safe.MaxHeaderBytes)
		}
		if len(resp.Body) > 0 {
			out.WriteString("\n")
			out.WriteString(capBody(resp.Body, secrets))
		}
		if resp.Truncated {
			fmt.Fprintf(&out, "\n[body truncated at %d bytes]", MaxBodyBytes)
		}
	}
	return Exchange{Request: strings.TrimRight(req.String(), "\n"), Response: strings.TrimRight(out.String(), "\n")}
}

// describeSent summarises a request for failure messages: method, URL and the kind of
// Authorization it carried (redacted).
func describeSent(req Request) string {
	u := safe.URL(req.URL, nil)
	lines := append(append([]string(nil), req.Authorization...), req.Header.Values("Authorization")...)
	auth := "no Authorization"
	switch n := len(lines); {
	case n == 1:
		auth = "Authorization: " + safe.Credential(lines[0])
	case n > 1:
		parts := make([]string, n)
		for i, v := range lines {
			parts[i] = fmt.Sprintf("%q", safe.Credential(v))
		}
		auth = fmt.Sprintf("%d Authorization field lines: %s", n, strings.Join(parts, ", "))
	}
	return fmt.Sprintf("%s %s (%s)", req.Method, u, auth)
}
