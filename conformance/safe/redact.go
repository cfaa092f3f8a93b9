package safe

// This file is the one redaction policy. A credential is replaced by a marker that says what
// was removed and how long it was, e.g. "Bearer [redacted JWT, 812 bytes]":
//
//   - every registered secret (Secrets), wherever it appears and in its URL-encoded form;
//   - the values of header fields that carry credentials (RFC 9110 §11.6.2 Authorization and
//     §11.7.2 Proxy-Authorization keep their auth-scheme; Cookie, Set-Cookie, X-Api-Key and
//     Mcp-Session-Id are replaced whole), both in structured headers and in "Name: value"
//     lines of free text;
//   - anything shaped like a compact JWS/JWT (RFC 7515 §7.1), signed or not;
//   - the access_token, refresh_token, id_token, client_secret, client_assertion,
//     code_verifier and password members of JSON bodies, form bodies and query strings
//     (RFC 6749 §2.3.1, §4.1.3, §5.1; RFC 7636 §4.5; RFC 6750 §2.3);
//   - the private and symmetric members of JSON Web Keys (d, p, q, dp, dq, qi, k: RFC 7518
//     §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2) in JSON that holds a "kty" member, so a JWKS that
//     leaks a private key (RS-74) does not leak it again through the report.
//
// Redaction is idempotent: redacted text passes through again unchanged.

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// MinSecretLen is the shortest registered secret that is redacted wherever it appears;
// shorter values would redact ordinary words. Credential headers and the patterns still
// catch short credentials in their usual places.
const MinSecretLen = 8

// marker is the start of every redaction marker; text that carries it is not redacted again.
const marker = "[redacted"

// isRedacted reports whether v already carries a redaction marker (any case: "[REDACTED]"
// written by older versions counts too).
func isRedacted(v string) bool { return containsFold(v, marker) }

// containsFold reports whether s contains the lower-case ASCII needle, ignoring ASCII case,
// without allocating: Redact runs on every header and body of a run, so this is a hot path.
func containsFold(s, needle string) bool {
	n := len(needle)
	for i := 0; i+n <= len(s); i++ {
		c := s[i]
		if c|0x20 != needle[0] && c != needle[0] {
			continue
		}
		if strings.EqualFold(s[i:i+n], needle) {
			return true
		}
	}
	return false
}

// containsAnyFold reports whether s contains one of the lower-case ASCII needles, ignoring case.
func containsAnyFold(s string, needles ...string) bool {
	for _, n := range needles {
		if containsFold(s, n) {
			return true
		}
	}
	return false
}

// Patterns of credentials; compiled once and read-only afterwards.
var (
	jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?`)
	// "name": "value" in JSON (escaped quotes inside the value allowed).
	jsonSecretField = regexp.MustCompile(`(?i)("(?:access_token|refresh_token|id_token|client_secret|client_assertion|code_verifier|password)"\s*:\s*")((?:[^"\\]|\\.)*)(")`)
	// A private or symmetric JWK member; applied only to text holding "kty".
	jwkPrivateField = regexp.MustCompile(`("(?:d|p|q|dp|dq|qi|k)"\s*:\s*")((?:[^"\\]|\\.)*)(")`)
	// name=value in query strings, form bodies and prose.
	formSecretField = regexp.MustCompile(`(?i)((?:^|[?&\s;,])(?:access_token|refresh_token|id_token|client_secret|client_assertion|code_verifier|password)=)([^&\s"',;]*)`)
	// A "Name: value" line of a credential header field.
	headerLine = regexp.MustCompile(`(?im)^([ \t]*(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|mcp-session-id)[ \t]*:[ \t]*)([^\r\n]*)`)
)

// Secrets is a set of values that must never leave the process. The zero value is empty and
// ready to use; it is not safe for concurrent use (see package check's Run for a locked one).
type Secrets []string

// Add registers values (empty and duplicate values are ignored).
func (s *Secrets) Add(values ...string) {
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" || isRedacted(v) {
			continue
		}
		dup := false
		for _, have := range *s {
			if have == v {
				dup = true
				break
			}
		}
		if !dup {
			*s = append(*s, v)
		}
	}
}

// Value replaces one secret value by its marker: "[redacted 12 bytes]", or
// "[redacted JWT, 812 bytes]" when it is JWT-shaped (which kind of token was sent matters
// when reading a transcript; its bytes do not).
func Value(v string) string {
	switch {
	case v == "" || isRedacted(v):
		return v
	case jwtPattern.FindString(v) == v:
		return fmt.Sprintf("[redacted JWT, %d bytes]", len(v))
	default:
		return fmt.Sprintf("[redacted %d bytes]", len(v))
	}
}

// Credential redacts an Authorization-style field value, keeping the auth-scheme and the
// whitespace after it ("Bearer [redacted JWT, 812 bytes]"); a bare scheme is kept as is.
func Credential(v string) string {
	if isRedacted(v) {
		return v
	}
	i := strings.IndexAny(v, " \t")
	if i < 0 {
		if isScheme(v) { // a bare scheme such as "Bearer"
			return v
		}
		return Value(v)
	}
	rest := v[i:]
	trimmed := strings.TrimLeft(rest, " \t")
	if trimmed == "" {
		return v
	}
	return v[:i] + rest[:len(rest)-len(trimmed)] + Value(trimmed)
}

// isScheme reports whether v looks like a bare auth-scheme (a short token of letters).
func isScheme(v string) bool {
	if len(v) > len("Negotiate") {
		return false
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return false
		}
	}
	return true
}

// Header redacts one header field value by field name: credential fields always, any other
// field through Redact.
func Header(name, value string, secrets []string) string {
	switch strings.ToLower(name) {
	case "authorization", "proxy-authorization":
		return Credential(Redact(value, secrets))
	case "cookie", "set-cookie", "x-api-key", "mcp-session-id":
		return Value(value)
	default:
		return Redact(value, secrets)
	}
}

// Redact returns s with every credential the policy knows removed; secrets are the run's
// registered secret values (nil is allowed: the patterns still apply).
func Redact(s string, secrets []string) string {
	if s == "" {
		return s
	}
	for _, sec := range secrets {
		if len(sec) < MinSecretLen || !mayHold(s, sec) || isRedacted(sec) {
			continue
		}
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Value(sec))
		}
		if q := url.QueryEscape(sec); q != sec && strings.Contains(s, q) {
			s = strings.ReplaceAll(s, q, Value(sec))
		}
	}
	// Each pattern runs only when the text holds its cheap literal prefix: the regexp engine is
	// the costly part of a run's output, and most headers and bodies hold no credential at all.
	if strings.Contains(s, ":") && containsAnyFold(s, "authorization", "cookie", "x-api-key", "mcp-session-id") {
		s = redactHeaderLines(s)
	}
	if containsAnyFold(s, "token", "secret", "assertion", "verifier", "password") {
		s = jsonSecretField.ReplaceAllStringFunc(s, func(m string) string {
			g := jsonSecretField.FindStringSubmatch(m)
			return g[1] + Value(g[2]) + g[3]
		})
		s = formSecretField.ReplaceAllStringFunc(s, func(m string) string {
			g := formSecretField.FindStringSubmatch(m)
			if g[2] == "" || isRedacted(g[2]) || strings.Contains(g[2], "%5Bredacted") {
				return m
			}
			return g[1] + Value(g[2])
		})
	}
	if strings.Contains(s, `"kty"`) {
		s = jwkPrivateField.ReplaceAllStringFunc(s, func(m string) string {
			g := jwkPrivateField.FindStringSubmatch(m)
			return g[1] + Value(g[2]) + g[3]
		})
	}
	if !strings.Contains(s, "eyJ") {
		return s
	}
	return jwtPattern.ReplaceAllStringFunc(s, Value)
}

// mayHold reports, cheaply, whether s can hold sec or its URL-encoded form. A run registers
// every token it mints (hundreds) and redacts every header and body it reports, so the
// per-secret cost is the hot path. When sec's last MinSecretLen bytes need no escaping (a
// JWT's signature, an opaque token), both forms end with them, and a text without them holds
// neither. The end, not the start: every JWT of one issuer starts with the same header.
func mayHold(s, sec string) bool {
	tail := sec[len(sec)-MinSecretLen:]
	for i := 0; i < len(tail); i++ {
		if !queryUnreserved(tail[i]) {
			return true
		}
	}
	return strings.Contains(s, tail)
}

// queryUnreserved reports whether url.QueryEscape leaves c as it is.
func queryUnreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
}

// redactHeaderLines redacts the values of "Name: value" lines of credential header fields.
func redactHeaderLines(s string) string {
	return headerLine.ReplaceAllStringFunc(s, func(m string) string {
		g := headerLine.FindStringSubmatch(m)
		name := strings.TrimRight(strings.TrimSpace(g[1]), ":")
		value, cr := strings.CutSuffix(g[2], "\r")
		if strings.EqualFold(strings.TrimSpace(name), "authorization") || strings.EqualFold(strings.TrimSpace(name), "proxy-authorization") {
			value = Credential(value)
		} else {
			value = Value(value)
		}
		out := g[1] + value
		if cr {
			out += "\r"
		}
		return out
	})
}

// URL redacts a URL for printing: a password in its userinfo and credential query
// parameters; unparsable input goes through Redact.
func URL(raw string, secrets []string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return Redact(raw, secrets)
	}
	return Redact(u.Redacted(), secrets)
}
