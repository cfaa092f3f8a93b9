package conformance

// This file is the reports' second line of defence against leaking credentials. Package
// check already redacts the exchanges it records; every writer still passes what it prints
// through sanitize, so a report can never re-introduce a token that slipped through.

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// redacted replaces a credential in reports.
const redacted = "[REDACTED]"

// credentialHeaders are the header fields whose values are credentials (lower case).
func credentialHeaders() []string {
	return []string{"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "mcp-session-id"}
}

// jwtPattern matches a compact JWS/JWT (three base64url segments, the first a JSON header).
// The signature segment may be empty (alg none).
var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*`)

// secretParamPattern matches credential-carrying parameters in query strings, form bodies
// and JSON: access_token=…, "client_secret": "…".
var secretParamPattern = regexp.MustCompile(`(?i)("?(?:access_token|refresh_token|id_token|client_secret|password)"?\s*[:=]\s*"?)([^"&\s,}]+)`)

// redactText removes credentials from free text: header lines naming credentials keep their
// scheme (for "Bearer …", "Basic …"), JWTs and secret parameters are replaced.
func redactText(s string) string {
	if s == "" {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		lines[i] = redactHeaderLine(line)
	}
	s = strings.Join(lines, "\n")
	s = jwtPattern.ReplaceAllString(s, redacted)
	return secretParamPattern.ReplaceAllStringFunc(s, func(m string) string {
		if isRedacted(m) {
			return m
		}
		return secretParamPattern.ReplaceAllString(m, "${1}"+redacted)
	})
}

// isRedacted reports whether a value already carries a redaction marker: ours
// ("[REDACTED]") or package check's ("eyJhbGci…[redacted 812 bytes]").
func isRedacted(v string) bool { return strings.Contains(strings.ToLower(v), "[redacted") }

// redactHeaderLine redacts the value of a credential header field line.
func redactHeaderLine(line string) string {
	name, value, ok := strings.Cut(line, ":")
	if !ok {
		return line
	}
	lname := strings.ToLower(strings.TrimSpace(name))
	isCredential := false
	for _, h := range credentialHeaders() {
		if lname == h {
			isCredential = true
			break
		}
	}
	if !isCredential || strings.TrimSpace(value) == "" {
		return line
	}
	cr := ""
	if strings.HasSuffix(value, "\r") {
		cr, value = "\r", strings.TrimSuffix(value, "\r")
	}
	v := strings.TrimSpace(value)
	if lname == "authorization" || lname == "proxy-authorization" {
		// Keep the scheme: whether the probe sent "Bearer", "bearer" or "Basic" matters.
		scheme, cred, found := strings.Cut(v, " ")
		switch {
		case !found && len(v) <= len("Negotiate"):
			return line + cr // a bare scheme such as "Bearer": nothing secret
		case isRedacted(cred):
			return line + cr // already redacted by package check
		case found && strings.TrimSpace(cred) != "":
			return name + ": " + scheme + " " + redacted + cr
		}
	}
	if isRedacted(v) {
		return line + cr
	}
	return name + ": " + redacted + cr
}

// redactURL hides a password in u's userinfo and credential query parameters; unparsable
// input goes through redactText.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return redactText(raw)
	}
	return redactText(u.Redacted())
}

// sanitize returns a copy of res whose printable fields carry no credential.
func sanitize(res check.Result) check.Result {
	res.Detail = redactText(res.Detail)
	res.Steps = mapStrings(res.Steps, redactText)
	if res.Exchanges != nil {
		ex := make([]check.Exchange, len(res.Exchanges))
		for i, e := range res.Exchanges {
			ex[i] = check.Exchange{Request: redactText(e.Request), Response: redactText(e.Response)}
		}
		res.Exchanges = ex
	}
	return res
}

// mapStrings applies f to a copy of ss (nil stays nil).
func mapStrings(ss []string, f func(string) string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = f(s)
	}
	return out
}
