package check

// This file renders exchanges as HTTP/1.1-style text for reports, with credentials
// redacted: Authorization values (RFC 9110 §11.6.2), bearer tokens anywhere (RFC 6750 §2),
// and the client_secret, access_token, refresh_token and id_token members of JSON bodies
// and form/query parameters (RFC 6749 §2.3.1, §5.1).

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// maxTranscriptBody is how much of each body an Exchange keeps.
const maxTranscriptBody = 4 << 10

// Patterns of secrets; compiled once at init and read-only afterwards.
var (
	jwtPattern      = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?`)
	jsonSecretField = regexp.MustCompile(`("(?:access_token|refresh_token|id_token|client_secret)"\s*:\s*")((?:[^"\\]|\\.)*)(")`)
	formSecretField = regexp.MustCompile(`((?:^|[?&\s])(?:access_token|refresh_token|id_token|client_secret)=)([^&\s]*)`)
)

// redactValue keeps a short prefix of a secret and states how much was removed, e.g.
// "eyJhbGci…[redacted 812 bytes]".
func redactValue(v string) string {
	if v == "" {
		return ""
	}
	keep := len(v) / 4
	if keep > 8 {
		keep = 8
	}
	return fmt.Sprintf("%s…[redacted %d bytes]", v[:keep], len(v)-keep)
}

// redactCredential redacts an Authorization field value, keeping the auth-scheme and the
// exact whitespace after it.
func redactCredential(v string) string {
	i := strings.IndexAny(v, " \t")
	if i < 0 {
		if len(v) <= len("Negotiate") { // a bare scheme such as "Bearer"
			return v
		}
		return redactValue(v)
	}
	rest := v[i:]
	trimmed := strings.TrimLeft(rest, " \t")
	return v[:i] + rest[:len(rest)-len(trimmed)] + redactValue(trimmed)
}

// redactText removes known secrets, JWT-shaped strings and secret JSON/form members from s.
func redactText(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 8 {
			s = strings.ReplaceAll(s, sec, redactValue(sec))
		}
	}
	s = jsonSecretField.ReplaceAllStringFunc(s, func(m string) string {
		g := jsonSecretField.FindStringSubmatch(m)
		if strings.Contains(g[2], "[redacted ") {
			return m
		}
		return g[1] + redactValue(g[2]) + g[3]
	})
	s = formSecretField.ReplaceAllStringFunc(s, func(m string) string {
		g := formSecretField.FindStringSubmatch(m)
		if strings.Contains(g[2], "%5Bredacted") || strings.Contains(g[2], "[redacted") {
			return m
		}
		return g[1] + redactValue(g[2])
	})
	return jwtPattern.ReplaceAllStringFunc(s, redactValue)
}

// capBody redacts and shortens a body for a transcript.
func capBody(body []byte, secrets []string) string {
	s := redactText(string(body), secrets)
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
			switch strings.ToLower(k) {
			case "authorization", "proxy-authorization", "cookie":
				v = redactCredential(v)
			case "mcp-session-id", "set-cookie":
				v = redactValue(v)
			default:
				v = redactText(v, secrets)
			}
			fmt.Fprintf(b, "%s: %s\n", k, v)
		}
	}
}

// renderExchange renders one request and its response (or transport error).
func renderExchange(s *sentRequest, resp *Response, err error, secrets []string) Exchange {
	var req strings.Builder
	target := s.url.RequestURI()
	fmt.Fprintf(&req, "%s %s HTTP/1.1\n", s.method, redactText(target, secrets))
	fmt.Fprintf(&req, "Host: %s\n", s.url.Host)
	writeHeaders(&req, s.header, secrets)
	if len(s.body) > 0 {
		req.WriteString("\n")
		req.WriteString(capBody(s.body, secrets))
	}

	var out strings.Builder
	switch {
	case err != nil:
		fmt.Fprintf(&out, "(no response: %s)", redactText(err.Error(), secrets))
	case resp != nil:
		fmt.Fprintf(&out, "HTTP/1.1 %d %s\n", resp.Status, http.StatusText(resp.Status))
		writeHeaders(&out, resp.Header, secrets)
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
	u := redactText(req.URL, nil)
	lines := append(append([]string(nil), req.Authorization...), req.Header.Values("Authorization")...)
	auth := "no Authorization"
	switch n := len(lines); {
	case n == 1:
		auth = "Authorization: " + redactCredential(lines[0])
	case n > 1:
		parts := make([]string, n)
		for i, v := range lines {
			parts[i] = fmt.Sprintf("%q", redactCredential(v))
		}
		auth = fmt.Sprintf("%d Authorization field lines: %s", n, strings.Join(parts, ", "))
	}
	return fmt.Sprintf("%s %s (%s)", req.Method, u, auth)
}
