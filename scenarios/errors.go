package scenarios

// Error responses (area "errors"): RS-63 the body format the seed document's "Error Response
// Standards" asks for (practice), RS-64 the RFC 6750 §3.1 error codes of the challenge, RS-65
// what a refusal must never carry (OWASP ASVS V7.4.1, V14.3.2; RFC 6750 §5.3).
//
// The three checks judge the same kind of answers: refusals of requests whose credentials
// are missing, random, malformed or crafted — the answers every client and every attacker
// sees. Each check sends its own requests (concurrently), so one can run without the others.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// refusal is one answer the error checks judge, and what provoked it.
type refusal struct {
	what  string // what was sent, for messages
	token string // the presented token ("" when none), to detect echoes
	resp  *check.Response
}

// craftedRefusals sends the requests of sendCraftedCredentials and returns their answers.
// The baseline without credentials is the shared one; the rest go concurrently. In
// cooperative mode with a declared --scope, a call lacking the tool's scope adds the 403.
func craftedRefusals(ctx context.Context, c *check.C, extra ...tokenVariant) []refusal {
	c.Step("take the 401 to the baseline request without credentials")
	out := []refusal{{what: "no credentials", resp: c.Unauthenticated(ctx)}}
	vs := append([]tokenVariant{
		{name: "a random opaque token", token: randomB64(32)},
		{name: "a structurally broken JWT (header not base64url)", token: "!!!." + b64JSON(map[string]any{"sub": "mcp-conform"}) + "." + randomB64(32)},
		{name: "an HS256 token whose kid is a path traversal", token: kidInjectionToken("../../../../../../etc/passwd")},
	}, extra...)
	c.Step("send the baseline request with %d crafted tokens and once with malformed Bearer credentials (concurrently)", len(vs))
	malformed := make(chan *check.Response, 1)
	go func() {
		defer func() {
			if recover() != nil {
				malformed <- nil
			}
		}()
		req := c.BaselineRequest()
		req.Authorization = []string{"Bearer two tokens"}
		resp, err := c.TryDo(ctx, req)
		if err != nil {
			resp = nil
		}
		malformed <- resp
	}()
	sendTokenVariants(ctx, c, vs)
	if r := <-malformed; r != nil {
		out = append(out, refusal{what: "malformed Bearer credentials (\"Bearer two tokens\")", resp: r})
	}
	for _, v := range vs {
		if v.err == nil {
			out = append(out, refusal{what: v.name, token: v.token, resp: v.resp})
		}
	}
	cfg := c.Config()
	if cfg.Minter != nil && len(cfg.Scopes) > 0 {
		if ops, _, _ := c.ScopedOperations(ctx); len(ops) > 0 {
			t := ops[0]
			c.Step("%s with a valid token lacking its declared scope (the 403)", t.Operation.Did())
			base := lackingScopes(ctx, c, t, ops)
			out = append(out, refusal{what: "a valid token lacking the scope of " + t.Operation.Label(), resp: callWithScopes(ctx, c, t, base)})
		}
	}
	return out
}

// kidInjectionToken is an HS256 token whose kid is kid, MACed with an empty key: what a
// server that reads the key from a file or a database row named by kid would accept when
// the lookup yields nothing (jwt_tool's kid injection playbook).
func kidInjectionToken(kid string) string {
	in := b64JSON(map[string]any{"alg": "HS256", "typ": "JWT", "kid": kid}) + "." +
		b64JSON(map[string]any{"sub": "mcp-conform-attacker", "exp": 4102444800})
	mac := hmac.New(sha256.New, nil)
	mac.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// judgedStatus reports whether the error checks judge an answer with this status.
func judgedStatus(s int) bool {
	return s == http.StatusBadRequest || s == http.StatusUnauthorized || s == http.StatusForbidden || s == http.StatusTooManyRequests
}

func init() {
	// Seed document, "Error Response Standards": "Follow OAuth 2.1 and MCP error response
	// formats" — res.status(statusCode).json({ error, error_description, error_uri }).
	// Practice, not spec: RFC 6750 §3 defines only the header, so this warns at most.
	check.Define("RS-63", check.Anonymous, rs63ErrorBodyFormat)

	// RFC 6750 §3.1: "includes one of the following error codes in the response"; RFC 6749
	// §8.5: additional error codes "MUST be registered" (OAuth Extensions Error Registry).
	check.Define("RS-64", check.Anonymous, rs64RegisteredErrorCodes)

	// OWASP ASVS 4.0.3 V7.4.1: "Verify that a generic message is shown when an unexpected or
	// security sensitive error occurs"; V14.3.2: debug modes disabled in production.
	check.Define("RS-65", check.Anonymous, rs65NoLeaks)
}

// rs63ErrorBodyFormat judges the body of each refusal against the seed's error standard.
func rs63ErrorBodyFormat(ctx context.Context, c *check.C) {
	var warns, shapes []string
	var first *check.Response
	for _, r := range craftedRefusals(ctx, c) {
		if !judgedStatus(r.resp.Status) {
			shapes = append(shapes, fmt.Sprintf("%s: %d (not judged)", r.what, r.resp.Status))
			continue
		}
		shape, problem := seedErrorBody(r.resp)
		shapes = append(shapes, fmt.Sprintf("%s: %d, %s", r.what, r.resp.Status, shape))
		if problem != "" {
			warns = append(warns, fmt.Sprintf("%s: %s", r.what, problem))
			if first == nil {
				first = r.resp
			}
		}
	}
	if len(warns) > 0 {
		c.Warn("%d refusal(s) do not carry an OAuth-style JSON error body ({\"error\":…,\"error_description\":…}) — %s.\nFirst: %s",
			len(warns), strings.Join(warns, "; "), first.String())
	}
	c.Note("error bodies — %s", strings.Join(shapes, "; "))
}

// seedErrorBody describes a refusal body and says what, if anything, departs from the seed's
// error standard: HTML or plain text instead of JSON, an error that contradicts the
// challenge, a malformed error_description or error_uri.
func seedErrorBody(resp *check.Response) (shape, problem string) {
	body := strings.TrimSpace(string(resp.Body))
	if body == "" {
		return "empty body (the challenge carries the error)", ""
	}
	ct := resp.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	var doc map[string]any
	if err := resp.JSON(&doc); err != nil {
		switch {
		case mt == "text/html" || mt == "application/xhtml+xml" || looksLikeHTML(body):
			return "HTML page", "an HTML page (" + orUnset(ct) + ") instead of a JSON error body"
		case strings.Contains(mt, "json"):
			return "unparsable JSON", fmt.Sprintf("declared %s but not a JSON object (%v)", ct, err)
		default:
			return "non-JSON body", "a non-JSON body (" + orUnset(ct) + ") instead of a JSON error body"
		}
	}
	var headerErr string
	if ch, ok := resp.BearerChallenge(); ok {
		headerErr, _ = ch.Param("error")
	}
	switch e := doc["error"].(type) {
	case string:
		if headerErr != "" && e != headerErr {
			return "OAuth-style JSON", fmt.Sprintf("the body says error %q but the challenge says error=%q", e, headerErr)
		}
		if d, ok := doc["error_description"]; ok {
			if _, isString := d.(string); !isString {
				return "OAuth-style JSON", fmt.Sprintf("error_description is %T, not a string", d)
			}
		}
		if u, ok := doc["error_uri"]; ok {
			s, _ := u.(string)
			if pu, err := url.Parse(s); s == "" || err != nil || !pu.IsAbs() || pu.Host == "" {
				return "OAuth-style JSON", fmt.Sprintf("error_uri %v is not an absolute URL", u)
			}
		}
		return "OAuth-style JSON {\"error\":…}", ""
	case map[string]any:
		if _, ok := doc["jsonrpc"]; ok {
			return fmt.Sprintf("JSON-RPC error (code %v; MCP transports §2 allows it)", e["code"]), ""
		}
		return "JSON object with an error object", ""
	default:
		// RFC 6750 §3.1: a request without credentials gets no error code, so a body without
		// one agrees with its challenge.
		return "JSON object without an error member", ""
	}
}

// looksLikeHTML reports whether a body served without an HTML media type is HTML anyway.
func looksLikeHTML(body string) bool {
	head := strings.ToLower(body[:min(len(body), 512)])
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") || strings.Contains(head, "<body")
}

func orUnset(ct string) string {
	if ct == "" {
		return "no Content-Type"
	}
	return "Content-Type " + ct
}

// registeredErrorStatus maps each error code registered for use in a resource access error
// response (OAuth Extensions Error Registry) to the status its definition names.
var registeredErrorStatus = map[string]int{
	"invalid_request":                  http.StatusBadRequest,   // RFC 6750 §3.1
	"invalid_token":                    http.StatusUnauthorized, // RFC 6750 §3.1
	"insufficient_scope":               http.StatusForbidden,    // RFC 6750 §3.1
	"insufficient_user_authentication": http.StatusUnauthorized, // RFC 9470 §3
}

// rs64RegisteredErrorCodes checks the error parameter of every Bearer challenge.
func rs64RegisteredErrorCodes(ctx context.Context, c *check.C) {
	var fails, warns, seen []string
	for _, r := range craftedRefusals(ctx, c) {
		ch, ok := r.resp.BearerChallenge()
		if !ok {
			continue
		}
		code, ok := ch.Param("error")
		if !ok {
			continue
		}
		seen = append(seen, fmt.Sprintf("%s: %d error=%q", r.what, r.resp.Status, code))
		want, registered := registeredErrorStatus[code]
		switch {
		case !registered:
			fails = append(fails, fmt.Sprintf("%s: %d with error=%q, which is not a registered resource access error code (RFC 6750 §3.1: invalid_request, invalid_token, insufficient_scope; RFC 9470: insufficient_user_authentication): %s",
				r.what, r.resp.Status, code, r.resp.String()))
		case want != r.resp.Status:
			warns = append(warns, fmt.Sprintf("%s: error=%q came with %d; RFC 6750 §3.1 says the resource server SHOULD answer it with %d: %s",
				r.what, code, r.resp.Status, want, r.resp.String()))
		}
	}
	if len(fails) > 0 {
		c.Fail("%s", strings.Join(fails, "; "))
	}
	if len(warns) > 0 {
		c.Warn("%s", strings.Join(warns, "; "))
	}
	if len(seen) == 0 {
		c.Note("no challenge carried an error code")
		return
	}
	c.Note("challenge error codes — %s", strings.Join(seen, "; "))
}

// leakPatterns recognise stack traces and source locations in a body. Each needs a frame
// shape (a function and a line number), so prose that mentions "at" or a URL path does not
// match.
var leakPatterns = []struct {
	what string
	re   *regexp.Regexp
}{
	{"a Go stack trace", regexp.MustCompile(`goroutine \d+ \[[a-z ]+`)},
	{"a Go panic", regexp.MustCompile(`panic: .+\n\s*\n?goroutine \d+`)},
	{"a Node.js stack trace", regexp.MustCompile(`(?m)^\s+at (?:[\w$.<>\[\] ]+ \()?(?:file://)?[^\s()]+:\d+:\d+\)?\s*$`)},
	{"a Python traceback", regexp.MustCompile(`Traceback \(most recent call last\)|File "[^"]+\.py", line \d+`)},
	{"a Java stack trace", regexp.MustCompile(`Exception in thread "|(?m)^\s+at [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)`)},
	{"a .NET stack trace", regexp.MustCompile(`(?m)^\s+at [\w.` + "`" + `<>]+\(.*\) in .+:line \d+`)},
	{"a Ruby or PHP backtrace", regexp.MustCompile(`[\w/.-]+\.(?:rb|php):\d+:in |Stack trace:\s*\n#0 `)},
	{"a source file path with a line number", regexp.MustCompile(`(?:^|[\s("'=])(?:/|[A-Za-z]:\\)(?:[\w.@+-]+[/\\])+[\w.@+-]+\.(?:go|js|mjs|cjs|ts|py|rb|php|java|kt|cs|rs|ex|exs):\d+`)},
}

// findLeak returns what kind of internal detail text discloses, and the matching excerpt.
func findLeak(text string) (what, excerpt string, ok bool) {
	for _, p := range leakPatterns {
		if loc := p.re.FindStringIndex(text); loc != nil {
			return p.what, strings.TrimSpace(text[loc[0]:loc[1]]), true
		}
	}
	return "", "", false
}

// rs65NoLeaks looks for stack traces, source paths and echoed tokens in the refusals.
func rs65NoLeaks(ctx context.Context, c *check.C) {
	hdr := b64JSON(map[string]string{"alg": "RS256", "typ": "JWT"})
	extra := []tokenVariant{
		{name: "a JWT whose payload is not JSON", token: hdr + "." + base64.RawURLEncoding.EncodeToString([]byte("not json")) + "." + randomB64(64)},
		{name: "a JWT with a 64 KiB header", token: b64JSON(map[string]string{"alg": "RS256", "pad": strings.Repeat("A", 48<<10)}) + "." + b64JSON(map[string]any{"sub": "x"}) + "." + randomB64(256)},
	}
	var fails, warns []string
	for _, r := range craftedRefusals(ctx, c, extra...) {
		text := string(r.resp.Body) + "\n" + strings.Join(r.resp.Header.Values("WWW-Authenticate"), "\n")
		if what, excerpt, ok := findLeak(text); ok {
			fails = append(fails, fmt.Sprintf("the answer to %s (%d) discloses %s: %q", r.what, r.resp.Status, what, truncate(excerpt, 160)))
		}
		if len(r.token) >= 16 && strings.Contains(text, r.token) {
			warns = append(warns, fmt.Sprintf("the answer to %s (%d) repeats the presented token", r.what, r.resp.Status))
		}
	}
	if len(fails) > 0 {
		c.Fail("%s. Error answers must carry a generic message (OWASP ASVS V7.4.1); log the detail server-side", strings.Join(fails, "; "))
	}
	if len(warns) > 0 {
		c.Warn("%s. A reflected token ends up in logs, proxies and error trackers (RFC 6750 §5.3)", strings.Join(warns, "; "))
	}
}

// truncate shortens s to at most n bytes, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
