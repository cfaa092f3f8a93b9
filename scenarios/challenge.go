package scenarios

// The 401 challenge: RFC 6750 §3 (the WWW-Authenticate Bearer challenge), OAuth 2.1
// (draft-ietf-oauth-v2-1-13) §5.3, and the MCP authorization pages ("Error Handling",
// "Authorization Server Location", Security Best Practices "Session Hijacking").
// Catalogue rows RS-01…RS-10b.

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/onsi/gomega"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/mockas"
)

func init() {
	// MCP 2025-03-26 "Example: authorization code grant": "When authorization is required and
	// not yet proven by the client, servers MUST respond with HTTP 401 Unauthorized";
	// MCP 2025-11-25 §10 (error table: 401 "Authorization required or token invalid");
	// RFC 6750 §3.
	check.Define("RS-01", check.Anonymous, func(ctx context.Context, c *check.C) {
		c.Step("POST the baseline MCP request to %s without credentials", c.Config().URL)
		resp := c.Unauthenticated(ctx)
		if resp.Status == http.StatusBadRequest {
			// The catalogue: "If 400 arrives, first fix protocol headers (see RS-55) and retry."
			req := cloneRequest(resp.Request)
			if req.Header.Get("MCP-Protocol-Version") == "" {
				req.Header.Set("MCP-Protocol-Version", c.SpecVersion())
			}
			c.Step("the baseline drew 400: retry it once with MCP-Protocol-Version: %s", c.SpecVersion())
			retry := c.Do(ctx, req)
			if retry.Status == http.StatusBadRequest {
				c.Warn("sent the baseline MCP request without credentials (also with MCP-Protocol-Version: %s); "+
					"expected 401 Unauthorized; got 400 both times, so the server rejects the request before "+
					"authentication and the 401 cannot be observed (see RS-55): %s", c.SpecVersion(), retry.String())
			}
			resp = retry
		}
		c.Expect(resp).To(check.HaveStatus(http.StatusUnauthorized),
			"a protected MCP endpoint must answer a request without credentials with 401")
	})

	// RFC 6750 §3: "If the protected resource request does not include authentication
	// credentials or does not contain an access token that enables access to the protected
	// resource, the resource server MUST include the HTTP WWW-Authenticate response header
	// field"; "All challenges defined by this specification MUST use the auth-scheme value
	// Bearer. This scheme MUST be followed by one or more auth-param values."
	check.Define("RS-02", check.Anonymous, func(ctx context.Context, c *check.C) {
		c.Step("POST the baseline MCP request without credentials")
		resp := protectedBaseline(ctx, c)
		c.Step("parse every WWW-Authenticate field line and look for a Bearer challenge")
		c.Expect(resp).To(check.HaveBearerChallenge())
		ch, _ := resp.BearerChallenge()
		if len(ch.Params) == 0 {
			c.Fail("sent the baseline MCP request without credentials; expected a Bearer challenge followed by "+
				"one or more auth-params (RFC 6750 §3); got a bare Bearer challenge: WWW-Authenticate: %s",
				strings.Join(resp.Header.Values("WWW-Authenticate"), " | "))
		}
	})

	// MCP 2025-06-18 §2.3.1: "MCP servers MUST use the HTTP header WWW-Authenticate when
	// returning a 401 Unauthorized to indicate the location of the resource server metadata
	// URL as described in RFC9728 Section 5.1". MCP 2025-11-25 §4.2: "MCP servers MUST
	// implement one of the following discovery mechanisms" (this header, or RS-11's
	// well-known URI).
	check.Define("RS-03", check.Anonymous, func(ctx context.Context, c *check.C) {
		c.Step("POST the baseline MCP request without credentials")
		resp := protectedBaseline(ctx, c)
		c.Step("look for resource_metadata in the Bearer challenge")
		if ch, ok := resp.BearerChallenge(); ok {
			if v, ok := ch.Param("resource_metadata"); ok && v != "" {
				c.Note("resource_metadata=%q", v)
				return
			}
		}
		if raw, found := rawChallengeParam(resp, "resource_metadata"); found {
			c.Note("resource_metadata=%s is present but does not parse as an auth-param (see RS-04)", raw)
			return
		}
		missing := fmt.Sprintf("sent the baseline MCP request without credentials; expected a Bearer challenge "+
			"with resource_metadata=\"<PRM URL>\"; got %s", resp.String())
		if c.SpecVersion() < "2025-11-25" {
			c.Fail("%s", missing)
			return
		}
		c.Step("2025-11-25 and later allow the well-known URI instead: try the RFC 9728 well-known URLs")
		for _, f := range fetchWellKnownPRM(ctx, c) {
			if f.Doc != nil {
				c.Warn("%s. A PRM is served at %s, which satisfies MCP %s §4.2, but strict clients require "+
					"the header (the C# SDK throws \"The WWW-Authenticate header does not contain a "+
					"resource_metadata parameter\", csharp-sdk #1050)", missing, f.URL, c.SpecVersion())
				return
			}
		}
		c.Fail("%s, and no well-known URL (%s) serves a protected resource metadata document either, "+
			"so clients have no way to discover the authorization server", missing,
			strings.Join(check.WellKnownPRMURLs(c.Config().URL), ", "))
	})

	// RFC 9110 §11.2: auth-param = token BWS "=" BWS ( token / quoted-string ) — a URL contains
	// ":" and "/", which are not tchar, so it must be a quoted-string; RFC 9728 §5.1:
	// "resource_metadata: The URL of the protected resource metadata." (go-sdk PR #834: "emit
	// the resource metadata URL in quotes to ensure proper parsing").
	check.Define("RS-04", check.Anonymous, func(ctx context.Context, c *check.C) {
		c.Step("POST the baseline MCP request without credentials")
		resp := protectedBaseline(ctx, c)
		p, ok := challengeParam(resp, "resource_metadata")
		if !ok {
			if raw, found := rawChallengeParam(resp, "resource_metadata"); found {
				c.Fail("expected resource_metadata as a quoted-string (a URL's ':' and '/' are not token "+
					"characters, RFC 9110 §11.2); got resource_metadata=%s, which does not parse: "+
					"WWW-Authenticate: %s", raw, strings.Join(resp.Header.Values("WWW-Authenticate"), " | "))
			}
			c.Skip("the Bearer challenge has no resource_metadata parameter (see RS-03)")
		}
		c.Step("check resource_metadata=%q is a quoted-string holding an absolute URL", p.Value)
		if !p.Quoted {
			c.Fail("expected resource_metadata to be a quoted-string (a URL's ':' and '/' are not token "+
				"characters, RFC 9110 §11.2); got it unquoted in WWW-Authenticate: %s",
				strings.Join(resp.Header.Values("WWW-Authenticate"), " | "))
		}
		if len(p.Value) > 2 && p.Value[0] == '<' && p.Value[len(p.Value)-1] == '>' {
			c.Fail("expected resource_metadata to be an absolute URL; got %q: the URL is wrapped in angle "+
				"brackets (a documentation placeholder copied literally?); send it without them", p.Value)
			return
		}
		u, err := url.Parse(p.Value)
		if err != nil || !u.IsAbs() || u.Host == "" {
			c.Fail("expected resource_metadata to be an absolute URL; got %q (%v)", p.Value, err)
			return
		}
		switch {
		case u.Scheme == "https":
		case u.Scheme == "http" && isLoopback(u.Hostname()):
			c.Note("resource_metadata uses http on a loopback host (see RS-58)")
		default:
			c.Fail("expected resource_metadata to use https (OAuth 2.1 §1.5); got %q", p.Value)
		}
		c.Step("GET %s without credentials: it must be a protected resource metadata document", p.Value)
		f := fetchPRM(ctx, c, p.Value)
		if f.Doc == nil {
			c.Fail("sent GET %s (the advertised resource_metadata); expected 200 with a JSON object; %s",
				p.Value, f.Problem)
		}
	})

	// RFC 6750 §3.1: "If the request lacks any authentication information (e.g., the client was
	// unaware that authentication is necessary or attempted using an unsupported authentication
	// method), the resource server SHOULD NOT include an error code or other error information."
	check.Define("RS-05", check.Anonymous, func(ctx context.Context, c *check.C) {
		c.Step("POST the baseline MCP request without credentials")
		resp := protectedBaseline(ctx, c)
		c.Step("expect no error, error_description or error_uri in the Bearer challenge")
		c.Expect(resp).To(check.HaveBearerChallenge(
			check.WithoutParam("error"), check.WithoutParam("error_description"), check.WithoutParam("error_uri")),
			"a request without any credentials should get a challenge without error information")
	})

	// MCP 2025-11-25 §4.2 (07-28 index §6): "MCP servers SHOULD include a scope parameter in
	// the WWW-Authenticate header as defined in RFC 6750 Section 3 to indicate the scopes
	// required for accessing the resource."
	check.Define("RS-06", check.Anonymous, func(ctx context.Context, c *check.C) {
		c.Step("POST the baseline MCP request without credentials")
		resp := protectedBaseline(ctx, c)
		c.Step("expect a scope parameter in the Bearer challenge")
		c.Expect(resp).To(check.HaveBearerChallenge(check.WithParam("scope", gomega.Not(gomega.BeEmpty()))),
			"the 401 challenge should name the scopes needed (scope=\"...\")")
		p, _ := challengeParam(resp, "scope")
		if bad := badChars(p.Value, true); bad != "" {
			c.Fail("expected scope to hold space-delimited scope tokens of %%x21 / %%x23-5B / %%x5D-7E "+
				"(OAuth 2.1 §5.3.1); got scope=%q with %s", p.Value, bad)
		}
	})

	// RFC 6750 §3: "The realm attribute MUST NOT appear more than once" (likewise scope, error,
	// error_description, error_uri); RFC 9110 §11.2: "each parameter name MUST only occur once
	// per challenge"; OAuth 2.1 §5.3.1: values "MUST NOT include characters outside the set
	// %x21 / %x23-5B / %x5D-7E" (plus %x20: as delimiter for scope, inside error and
	// error_description); error_uri "MUST conform to the URI-reference syntax".
	check.Define("RS-07", check.Anonymous, func(ctx context.Context, c *check.C) {
		c.Step("POST the baseline MCP request without credentials")
		base := protectedBaseline(ctx, c)
		garbage := randomToken()
		c.Step("POST it again with Authorization: Bearer <random 43-character token> (a challenge with error params)")
		invalid := c.Do(ctx, withAuth(base.Request, "Bearer "+garbage))
		var problems []string
		checked := 0
		for _, probe := range []struct {
			what string
			resp *check.Response
		}{{"no credentials", base}, {"a random bearer token", invalid}} {
			chs, err := probe.resp.Challenges()
			if err != nil {
				problems = append(problems, fmt.Sprintf("with %s: WWW-Authenticate %q does not parse (RFC 9110 §11.6.1): %v",
					probe.what, strings.Join(probe.resp.Header.Values("WWW-Authenticate"), " | "), err))
				continue
			}
			for _, ch := range chs {
				if !strings.EqualFold(ch.Scheme, "Bearer") {
					continue
				}
				checked++
				for _, pr := range challengeSyntaxProblems(ch) {
					problems = append(problems, fmt.Sprintf("with %s: %s", probe.what, pr))
				}
			}
		}
		if checked == 0 {
			c.Skip("no Bearer challenge to inspect (see RS-02)")
		}
		if len(problems) > 0 {
			c.Fail("expected each Bearer challenge parameter at most once and values within the RFC 6750 "+
				"charsets; got: %s", strings.Join(problems, "; "))
		}
	})

	// RFC 6750 §3.1: a request "attempted using an unsupported authentication method" lacks
	// authentication information, so "the resource server SHOULD NOT include an error code or
	// other error information"; RFC 6750 §3: the server "MUST include the HTTP
	// WWW-Authenticate response header field"; MCP 2025-11-25 §10: "Servers MUST return
	// appropriate HTTP status codes for authorization errors" (401: "Authorization required or
	// token invalid").
	check.Define("RS-08", check.Anonymous, func(ctx context.Context, c *check.C) {
		base := protectedBaseline(ctx, c)
		c.Step("POST the baseline MCP request with Authorization: Basic dXNlcjpwYXNz (user:pass)")
		resp := c.Do(ctx, withAuth(base.Request, "Basic dXNlcjpwYXNz"))
		if resp.Status >= 200 && resp.Status < 300 {
			c.Fail("sent Authorization: Basic dXNlcjpwYXNz; expected 401 with a Bearer challenge; got %s: "+
				"the endpoint let Basic credentials through", resp.String())
		}
		if resp.Status != http.StatusUnauthorized {
			// The catalogue (RS-08, level SHOULD): "FAIL on 2xx"; any other refusal keeps the
			// endpoint closed and only departs from RFC 6750 §3.1's SHOULD.
			c.Warn("sent Authorization: Basic dXNlcjpwYXNz; expected 401 with a Bearer challenge, as without "+
				"credentials (RFC 6750 §3.1: an unsupported authentication method counts as none); got %s "+
				"(refused, so not a bypass, but clients will not start the OAuth flow from it)", resp.String())
		}
		c.Expect(resp).To(check.HaveBearerChallenge())
		if v, ok := challengeParam(resp, "error"); ok {
			c.Warn("sent Authorization: Basic dXNlcjpwYXNz; expected a challenge without error information "+
				"(RFC 6750 §3.1); got error=%q: %s", v.Value, resp.String())
		}
	})

	// DERIVED from Streamable HTTP (MCP 2025-06-18/2025-11-25 transports §2): the single MCP
	// endpoint serves POST, GET (SSE stream) and DELETE (end session); MCP 2025-11-25
	// §9.1: "authorization MUST be included in every HTTP request from client to server";
	// Security Best Practices 2025-11-25 "Session Hijacking › Mitigation": "MCP servers that
	// implement authorization MUST verify all inbound requests."
	check.Define("RS-09", check.Anonymous, func(ctx context.Context, c *check.C) {
		base := protectedBaseline(ctx, c)
		var problems, notes []string
		for _, m := range []string{http.MethodGet, http.MethodDelete} {
			req := check.Request{Method: m, URL: c.Config().URL, Header: http.Header{}}
			if m == http.MethodGet {
				req.Header.Set("Accept", "text/event-stream")
			}
			if c.SpecVersion() >= "2025-06-18" {
				req.Header.Set("MCP-Protocol-Version", c.SpecVersion())
			}
			c.Step("%s %s without credentials", m, c.Config().URL)
			resp, err := c.TryDo(ctx, req)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s without credentials did not complete (%v); a response "+
					"stream opened without authentication looks like this", m, err))
				continue
			}
			switch s := resp.Status; {
			case s >= 200 && s < 300:
				problems = append(problems, fmt.Sprintf("%s without credentials: expected 401 (or 405 when the "+
					"method is not served); got %s", m, resp.String()))
			case s == http.StatusUnauthorized:
			case s == http.StatusMethodNotAllowed || s == http.StatusNotFound || s == http.StatusBadRequest ||
				s == http.StatusForbidden:
				notes = append(notes, fmt.Sprintf("%s → %d (rejected; not an authentication bypass)", m, s))
			default:
				notes = append(notes, fmt.Sprintf("%s → %d", m, s))
			}
		}
		for _, n := range notes {
			c.Note("%s", n)
		}
		if len(problems) > 0 {
			c.Fail("POST without credentials gets %d, but %s", base.Status, strings.Join(problems, "; "))
		}
	})

	// MCP 2025-11-25 §9.1: "authorization MUST be included in every HTTP request from client to
	// server, even if they are part of the same logical session"; Security Best Practices
	// 2025-11-25 "Session Hijacking › Mitigation": "MCP servers that implement authorization
	// MUST verify all inbound requests. MCP Servers MUST NOT use sessions for authentication."
	check.Define("RS-10", check.NeedsToken, func(ctx context.Context, c *check.C) {
		token := c.ValidToken(ctx)
		c.Step("initialize a session with a valid token")
		s := c.Initialize(ctx, token)
		if s.ID == "" {
			c.Skip("the server issued no Mcp-Session-Id (stateless), so no session can stand in for a token")
		}
		c.Step("control: tools/list in session %s with the token must succeed", redactID(s.ID))
		ctl := c.SessionRequest(s, "tools/list", nil)
		ctl.Authorization = check.Bearer(token)
		if r := c.Do(ctx, ctl); r.Status < 200 || r.Status >= 300 {
			c.Skip("control failed: tools/list inside the session with the valid token got %s", r.String())
		}
		c.Step("tools/list in the same session with Mcp-Session-Id but without Authorization")
		resp := c.Do(ctx, c.SessionRequest(s, "tools/list", nil))
		switch {
		case resp.Status >= 200 && resp.Status < 300:
			c.Fail("sent tools/list with a valid Mcp-Session-Id and no Authorization; expected 401; got %s: "+
				"the session authenticated the request", resp.String())
		case resp.Status != http.StatusUnauthorized:
			c.Warn("sent tools/list with a valid Mcp-Session-Id and no Authorization; expected 401 (clients "+
				"re-authenticate on 401); got %s (rejected, but not with 401)", resp.String())
		}
	})

	// Security Best Practices 2025-06-18/2025-11-25 "Session Hijacking › Mitigation": "MCP
	// servers MUST use secure, non-deterministic session IDs"; "MCP servers SHOULD bind session
	// IDs to user-specific information".
	check.Define("RS-10b", check.NeedsToken, func(ctx context.Context, c *check.C) {
		token := c.ValidToken(ctx)
		const n = 3
		var sessions []*check.Session
		c.Step("initialize %d sessions with a valid token and collect their Mcp-Session-Id", n)
		for range n {
			sessions = append(sessions, c.Initialize(ctx, token))
		}
		ids := make([]string, 0, n)
		for _, s := range sessions {
			ids = append(ids, s.ID)
		}
		if ids[0] == "" {
			c.Skip("the server issued no Mcp-Session-Id (stateless)")
		}
		if dup := duplicateOf(ids); dup != "" {
			c.Fail("initialized %d sessions; expected distinct, non-deterministic session IDs; got the session "+
				"ID %s more than once", n, redactID(dup))
		}
		var warnings []string
		if bits := sessionIDBits(ids); bits < 64 {
			warnings = append(warnings, fmt.Sprintf("session IDs look predictable: consecutive IDs differ by "+
				"an estimated %.0f bits (expected at least 64; IDs such as %s)", bits, redactID(ids[0])))
		}
		if c.Config().Minter != nil {
			c.Step("mint a token for a second subject and use it inside the first subject's session")
			other := c.Mint(ctx, mockas.TokenSpec{
				Subject: "mcp-conform-rs10b-other-subject", ClientID: "mcp-conform-rs10b-other-client",
			})
			ctl := c.SessionRequest(sessions[0], "tools/list", nil)
			ctl.Authorization = check.Bearer(token)
			if r := c.Do(ctx, ctl); r.Status < 200 || r.Status >= 300 {
				c.Note("control: tools/list inside the session with its own token got %d; cross-subject probe skipped", r.Status)
			} else {
				req := c.SessionRequest(sessions[0], "tools/list", nil)
				req.Authorization = check.Bearer(other)
				resp := c.Do(ctx, req)
				if resp.Status >= 200 && resp.Status < 300 {
					warnings = append(warnings, fmt.Sprintf("sent tools/list in subject A's session with "+
						"subject B's valid token; expected a rejection (the status is unspecified: 404, 401 "+
						"or 403 are all plausible); got %s: the session is not bound to its user", resp.String()))
				} else {
					c.Note("subject B's token inside subject A's session → %d", resp.Status)
				}
			}
		} else {
			c.Note("no minter (not cooperative mode): the cross-subject session binding was not probed")
		}
		if len(warnings) > 0 {
			c.Warn("%s", strings.Join(warnings, "; "))
		}
	})
}

// protectedBaseline returns the run's unauthenticated baseline response and skips the check
// when it is not a 401: the challenge checks inspect a 401 (RS-01 reports anything else).
func protectedBaseline(ctx context.Context, c *check.C) *check.Response {
	resp := c.Unauthenticated(ctx)
	if resp.Status != http.StatusUnauthorized {
		c.Skip("the endpoint answered %d, not 401, to the baseline request without credentials (see RS-01)",
			resp.Status)
	}
	return resp
}

// cloneRequest returns a copy of req whose header and query can be changed without touching
// the original (the baseline request is shared by every check of the run).
func cloneRequest(req check.Request) check.Request {
	out := req
	out.Header = req.Header.Clone()
	if out.Header == nil {
		out.Header = http.Header{}
	}
	out.Query = url.Values{}
	for k, vs := range req.Query {
		out.Query[k] = append([]string(nil), vs...)
	}
	out.Authorization = append([]string(nil), req.Authorization...)
	out.Body = append([]byte(nil), req.Body...)
	if req.Body == nil {
		out.Body = nil
	}
	return out
}

// withAuth returns a copy of req carrying exactly the given raw Authorization field lines.
func withAuth(req check.Request, lines ...string) check.Request {
	out := cloneRequest(req)
	out.Authorization = lines
	return out
}

// challengeParam returns the first named parameter of the response's Bearer challenge.
func challengeParam(resp *check.Response, name string) (check.Param, bool) {
	ch, ok := resp.BearerChallenge()
	if !ok {
		return check.Param{}, false
	}
	for _, p := range ch.Params {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return check.Param{}, false
}

// rawChallengeParam finds name=value in the raw WWW-Authenticate field lines, for values the
// RFC 9110 parser rejects (e.g. an unquoted URL); the value runs to the next comma.
func rawChallengeParam(resp *check.Response, name string) (string, bool) {
	for _, line := range resp.Header.Values("WWW-Authenticate") {
		lower := strings.ToLower(line)
		for i := strings.Index(lower, name); i >= 0; {
			rest := strings.TrimLeft(line[i+len(name):], " \t")
			before := strings.TrimRight(line[:i], " \t")
			if strings.HasPrefix(rest, "=") && (before == "" || strings.HasSuffix(before, ",") ||
				strings.HasSuffix(strings.ToLower(before), "bearer")) {
				v := strings.TrimLeft(rest[1:], " \t")
				if j := strings.IndexByte(v, ','); j >= 0 {
					v = v[:j]
				}
				return strings.TrimSpace(v), true
			}
			next := strings.Index(lower[i+len(name):], name)
			if next < 0 {
				break
			}
			i += len(name) + next
		}
	}
	return "", false
}

// challengeSyntaxProblems lists the RFC 6750 §3 / RFC 9110 §11.2 violations of one Bearer
// challenge: duplicated parameters and values outside the charsets.
func challengeSyntaxProblems(ch check.Challenge) []string {
	var problems []string
	seen := map[string]int{}
	for _, p := range ch.Params {
		name := strings.ToLower(p.Name)
		seen[name]++
		if seen[name] == 2 {
			problems = append(problems, fmt.Sprintf("parameter %q appears more than once", p.Name))
		}
		switch name {
		case "scope", "error", "error_description":
			if bad := badChars(p.Value, true); bad != "" {
				problems = append(problems, fmt.Sprintf("%s=%q has %s", p.Name, p.Value, bad))
			}
		case "error_uri":
			if bad := badChars(p.Value, false); bad != "" {
				problems = append(problems, fmt.Sprintf("error_uri=%q has %s", p.Value, bad))
			} else if _, err := url.Parse(p.Value); err != nil {
				problems = append(problems, fmt.Sprintf("error_uri=%q is not a URI-reference: %v", p.Value, err))
			}
		}
	}
	return problems
}

// badChars describes the first character of v outside %x21 / %x23-5B / %x5D-7E (plus %x20
// when space is allowed), or returns "".
func badChars(v string, space bool) string {
	for i := 0; i < len(v); i++ {
		b := v[i]
		if b == 0x21 || (b >= 0x23 && b <= 0x5B) || (b >= 0x5D && b <= 0x7E) || (space && b == 0x20) {
			continue
		}
		return fmt.Sprintf("the illegal byte 0x%02X at offset %d", b, i)
	}
	return ""
}

// isLoopback reports whether host (without port) is a loopback name or address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// randomToken returns 43 random base64url characters: a syntactically valid bearer token
// (token68) no authorization server ever issued.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error (Go 1.24+).
	return base64.RawURLEncoding.EncodeToString(b)
}

// redactID shortens a session ID for messages.
func redactID(id string) string {
	if len(id) <= 8 {
		return strconv.Quote(id)
	}
	return strconv.Quote(id[:8] + "…")
}

// duplicateOf returns a value that occurs more than once in ids, or "".
func duplicateOf(ids []string) string {
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return id
		}
		seen[id] = true
	}
	return ""
}

// sessionIDBits estimates the entropy between consecutive session IDs: the smallest number of
// differing character positions between two of them (plus their length difference), times
// log2 of the alphabet the IDs use. A counter ("s-1", "s-2") scores a few bits, two UUIDv4s
// about 120.
func sessionIDBits(ids []string) float64 {
	alphabet := map[rune]bool{}
	for _, id := range ids {
		for _, r := range id {
			alphabet[r] = true
		}
	}
	perChar := math.Log2(float64(max(len(alphabet), 2)))
	minDiff := math.MaxInt
	for i := 1; i < len(ids); i++ {
		a, b := []rune(ids[i-1]), []rune(ids[i])
		diff := max(len(a), len(b)) - min(len(a), len(b))
		for j := range min(len(a), len(b)) {
			if a[j] != b[j] {
				diff++
			}
		}
		minDiff = min(minDiff, diff)
	}
	return float64(minDiff) * perChar
}
