package scenarios

// Transport-level interplay (requirements catalogue §1F): RS-55…RS-62 — MCP-Protocol-Version
// (MCP transports §2.7, 2026-07-28 streamable-http §6.1), Origin (transports "Security
// Warning"), https (OAuth 2.1 §1.5), CORS (WHATWG Fetch; not normative in MCP), rate limiting
// (RFC 6585 §4, RFC 9110 §10.2.3, draft-ietf-httpapi-ratelimit-headers), 401/403 bodies and
// the 2025-03-26 authorization base URL.
//
// Where the spec leaves the choice to the server (which origins are valid, CORS, whether it
// rate-limits) the checks warn or record, never fail.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/gomega"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// invalidOrigin is an origin no server can legitimately allow (RFC 6761 reserves .invalid).
const invalidOrigin = "https://mcp-conform.invalid"

// browserClientOrigin is the origin of a typical browser-based MCP client (the MCP Inspector's
// default), used for the CORS probe.
const browserClientOrigin = "http://localhost:6274"

// sessionedRequest returns an authenticated tools/list request the way the run's version sends
// it after initialization: inside an initialized session up to 2025-11-25, the stateless
// request from 2026-07-28.
func sessionedRequest(ctx context.Context, c *check.C, token string) check.Request {
	if versionAtLeast(c.SpecVersion(), "2026-07-28") {
		return authBaseline(c, token)
	}
	c.Step("initialize a session with a valid token")
	s := c.Initialize(ctx, token)
	req := c.SessionRequest(s, "tools/list", nil)
	req.Header = req.Header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	req.Authorization = check.Bearer(token)
	return req
}

// withHeader returns a copy of req with header name set to value ("" deletes it).
func withHeader(req check.Request, name, value string) check.Request {
	out := req
	out.Header = req.Header.Clone()
	if out.Header == nil {
		out.Header = http.Header{}
	}
	if value == "" {
		out.Header.Del(name)
	} else {
		out.Header.Set(name, value)
	}
	return out
}

// hostIsLoopback reports whether the URL host (without port) is localhost or a loopback IP.
func hostIsLoopback(u *url.URL) bool {
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func init() {
	// MCP 2025-11-25 transports §2.7 "Protocol Version Header": "If the server receives a
	// request with an invalid or unsupported MCP-Protocol-Version, it MUST respond with 400
	// Bad Request." 2026-07-28 streamable-http §6.1: 400 with UnsupportedProtocolVersionError
	// (-32022).
	check.Define("RS-55", check.NeedsToken, rs55UnsupportedVersion)

	// MCP 2025-11-25 transports §2.7: "if the server does not receive an MCP-Protocol-Version
	// header, and has no other way to identify the version [...] the server SHOULD assume
	// protocol version 2025-03-26." 2026-07-28 streamable-http §6.1: a server that does not
	// support pre-2025-06-18 clients MUST reject a request without the header.
	check.Define("RS-56", check.NeedsToken, rs56MissingVersion)

	// MCP 2025-11-25 transports, Streamable HTTP "Security Warning": "If the Origin header is
	// present and invalid, servers MUST respond with HTTP 403 Forbidden." Which origins are
	// invalid is the server's choice.
	check.Define("RS-57", check.Anonymous, rs57Origin)

	// OAuth 2.1 §1.5: "All the OAuth protocol URLs (URLs exposed by the AS, RS and Client)
	// MUST use the https scheme except for loopback interface redirect URIs"; RFC 9728 §1.2
	// (resource: "a URL that uses the https scheme").
	check.Define("RS-58", check.Anonymous, rs58HTTPS)

	// Not normative in any MCP version; OAuth 2.1 §3.2 says of additional authorization server
	// endpoints such as metadata URLs that they "may also be accessed by the browser-based
	// application, and will also need to have the CORS headers defined to allow access"
	// (WHATWG Fetch).
	check.Define("RS-59", check.Anonymous, rs59CORS)

	// RFC 6585 §4 (429 Too Many Requests): "The 429 status code indicates that the user has
	// sent too many requests in a given amount of time [...] The response representations
	// SHOULD include details explaining the condition, and MAY include a Retry-After header
	// indicating how long to wait before making a new request." RFC 9110 §10.2.3: Retry-After
	// = HTTP-date / delay-seconds. MCP defines no rate limiting, so this runs only on a limit
	// the operator declared, and the obligation it checks is that declaration.
	check.Define("RS-60", check.NeedsRateLimit, rs60RateLimit)

	// MCP 2025-11-25 transports §2: "The HTTP response body MAY comprise a JSON-RPC error
	// response that has no id." RFC 6750 §3 defines only the header for 401/403.
	check.Define("RS-61", check.Anonymous, rs61ErrorBodies)

	// MCP 2025-03-26 authorization "Server Metadata Discovery": "MCP servers that do not support
	// the OAuth 2.0 Authorization Server Metadata protocol, MUST support fallback URLs";
	// "Authorization Base URL": "The authorization base URL MUST be determined from the MCP
	// server URL by discarding any existing path component";
	// "Fallbacks for Servers without Metadata Discovery": clients then use /authorize, /token
	// and /register on that base URL.
	check.Define("RS-62", check.Anonymous, rs62BaseURL)
}

// rs55UnsupportedVersion sends an authenticated request with an unsupported and a malformed
// MCP-Protocol-Version after a control request with the right one.
func rs55UnsupportedVersion(ctx context.Context, c *check.C) {
	req := sessionedRequest(ctx, c, c.ValidToken(ctx))
	c.Step("control: send the authenticated request with the correct MCP-Protocol-Version")
	if ctl := c.Do(ctx, req); ctl.Status/100 != 2 {
		c.Skip("inconclusive: the authenticated request with the correct MCP-Protocol-Version already failed: %s", ctl.String())
	}
	stateless := versionAtLeast(c.SpecVersion(), "2026-07-28")
	for _, bad := range []string{"1999-01-01", "not-a-version"} {
		c.Step("send the same request with MCP-Protocol-Version: %s, expect 400", bad)
		resp := c.Do(ctx, withHeader(req, "MCP-Protocol-Version", bad))
		c.Expect(resp).To(check.HaveStatus(http.StatusBadRequest),
			"sent an authenticated %s with MCP-Protocol-Version: %s; expected 400 Bad Request", requestKind(stateless), bad)
		if stateless {
			code := 0
			if msg, err := resp.JSONRPC(); err == nil && msg.Error != nil {
				code = msg.Error.Code
			}
			// Header ≠ body _meta is HeaderMismatch (-32020); either answer names the problem.
			c.Expect(code).To(gomega.BeElementOf(-32022, -32020),
				"sent MCP-Protocol-Version: %s (2026-07-28); expected a JSON-RPC error with code -32022 (UnsupportedProtocolVersionError) or -32020 (HeaderMismatch), got %s", bad, resp.String())
		}
	}
}

// requestKind names the request RS-55/RS-56 send, for messages.
func requestKind(stateless bool) string {
	if stateless {
		return "stateless tools/list"
	}
	return "tools/list inside an initialized session"
}

// rs56MissingVersion omits MCP-Protocol-Version on an otherwise correct authenticated request.
func rs56MissingVersion(ctx context.Context, c *check.C) {
	req := sessionedRequest(ctx, c, c.ValidToken(ctx))
	stateless := versionAtLeast(c.SpecVersion(), "2026-07-28")
	c.Step("send the authenticated request without MCP-Protocol-Version")
	resp := c.Do(ctx, withHeader(req, "MCP-Protocol-Version", ""))
	sent := "sent an authenticated " + requestKind(stateless) + " without MCP-Protocol-Version"
	if stateless {
		if resp.Status/100 == 2 {
			c.Info("%s: accepted (%d); allowed only if the server supports pre-2025-06-18 clients, otherwise it MUST answer 400", sent, resp.Status)
		}
		c.Expect(resp).To(check.HaveStatus(http.StatusBadRequest), "%s; expected 400 Bad Request (2026-07-28)", sent)
		return
	}
	if resp.Status == http.StatusBadRequest {
		c.Warn("%s; expected the server to assume a version (the negotiated one, or 2025-03-26) and answer, got 400 — correct only if it does not support 2025-03-26: %s", sent, resp.String())
	}
	c.Expect(resp).To(check.HaveStatus(successStatuses()...), "%s; expected 2xx (the server SHOULD assume a version)", sent)
}

// rs57Origin sends the baseline request with an invalid Origin, without and with a token.
func rs57Origin(ctx context.Context, c *check.C) {
	c.Step("send the baseline request without credentials and with Origin: %s", invalidOrigin)
	anon := c.Do(ctx, withHeader(c.BaselineRequest(), "Origin", invalidOrigin))
	var authed *check.Response
	if cfg := c.Config(); cfg.Minter != nil || cfg.Token != "" {
		c.Step("send the baseline request with a valid token and Origin: %s", invalidOrigin)
		authed = c.Do(ctx, withHeader(authBaseline(c, c.ValidToken(ctx)), "Origin", invalidOrigin))
	} else {
		c.Note("no valid token available: only the unauthenticated request was sent")
	}
	for _, r := range []*check.Response{anon, authed} {
		if r != nil && r.Status >= 500 {
			c.Fail("sent Origin: %s; expected 403 Forbidden, got a server error: %s", invalidOrigin, r.String())
		}
	}
	if authed != nil && authed.Status/100 == 2 {
		c.Warn("sent an authenticated request with Origin: %s; expected 403, got %d: the server accepts this origin. Which origins are valid is the server's choice, but a server that accepts every origin does not validate Origin (DNS rebinding): %s",
			invalidOrigin, authed.Status, authed.String())
	}
	if anon.Status/100 == 2 {
		c.Warn("sent an unauthenticated request with Origin: %s; expected 403, got %d (the endpoint is not protected: see RS-01)", invalidOrigin, anon.Status)
	}
	if anon.Status == http.StatusUnauthorized {
		c.Warn("sent an unauthenticated request with Origin: %s; expected 403, got 401: Origin is judged after authentication (or not at all), so a page on a foreign origin is invited to authorize. The spec does not fix the order of the two checks, hence a warning: %s",
			invalidOrigin, anon.String())
	}
	c.Expect(anon).To(check.HaveStatus(http.StatusForbidden), "sent an unauthenticated request with Origin: %s; expected 403 Forbidden", invalidOrigin)
	if authed != nil {
		c.Expect(authed).To(check.HaveStatus(http.StatusForbidden), "sent an authenticated request with Origin: %s; expected 403 Forbidden", invalidOrigin)
	}
}

// rs58HTTPS inspects the scheme of every OAuth URL the resource exposes.
func rs58HTTPS(ctx context.Context, c *check.C) {
	d := c.Discover(ctx)
	urls := [][2]string{{"MCP endpoint", c.Config().URL}}
	if d.Challenge != nil {
		if rm, ok := d.Challenge.Param("resource_metadata"); ok {
			urls = append(urls, [2]string{"resource_metadata", rm})
		}
	}
	if d.ResourceMetadataURL != "" {
		urls = append(urls, [2]string{"protected resource metadata URL", d.ResourceMetadataURL})
	}
	if res, ok := d.PRM["resource"].(string); ok {
		urls = append(urls, [2]string{"PRM resource", res})
	}
	for i, as := range d.AuthServers {
		urls = append(urls, [2]string{fmt.Sprintf("authorization_servers[%d]", i), as})
	}
	c.Step("check the scheme of %d URLs (endpoint, resource_metadata, resource, authorization_servers)", len(urls))
	var bad, loop []string
	seen := map[string]bool{}
	for _, pair := range urls {
		what, raw := pair[0], pair[1]
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || seen[what+raw] {
			continue // relative or broken URLs are judged by the discovery checks
		}
		seen[what+raw] = true
		switch {
		case strings.EqualFold(u.Scheme, "https"):
		case strings.EqualFold(u.Scheme, "http") && hostIsLoopback(u):
			loop = append(loop, what+" "+raw)
		default:
			bad = append(bad, what+" "+raw)
		}
	}
	if len(bad) > 0 {
		c.Fail("found non-https URLs on a non-loopback host: %s; expected the https scheme (OAuth 2.1 §1.5)", strings.Join(bad, "; "))
	}
	if len(loop) > 0 {
		c.Warn("http on loopback: %s; acceptable for local development only — serve https when deployed (OAuth 2.1 §1.5)", strings.Join(loop, "; "))
	}
}

// rs59CORS probes preflight, a cross-origin 401 and the PRM for CORS headers. Only a
// half-configured CORS setup (or a preflight that demands credentials) warns; a server with no
// CORS at all, or that refuses the browser origin, is recorded.
func rs59CORS(ctx context.Context, c *check.C) {
	const reqHeaders = "authorization, content-type, mcp-protocol-version, mcp-session-id"
	c.Step("send an OPTIONS preflight with Origin: %s, Access-Control-Request-Method: POST, Access-Control-Request-Headers: %s", browserClientOrigin, reqHeaders)
	pre := c.Do(ctx, check.Request{Method: http.MethodOptions, Header: http.Header{
		"Origin": {browserClientOrigin}, "Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {reqHeaders}}})
	c.Step("send the baseline request without credentials from Origin: %s", browserClientOrigin)
	post := c.Do(ctx, withHeader(c.BaselineRequest(), "Origin", browserClientOrigin))
	var prm *check.Response
	if u := c.Discover(ctx).ResourceMetadataURL; u != "" {
		c.Step("GET the PRM document %s with Origin: %s", u, browserClientOrigin)
		prm = c.Do(ctx, check.Request{Method: http.MethodGet, URL: u, Header: http.Header{"Origin": {browserClientOrigin}}})
	}
	if pre.Status == http.StatusForbidden && post.Status == http.StatusForbidden {
		c.Info("the server refuses the browser origin %s (403): CORS for browser clients was not judged", browserClientOrigin)
	}
	hasCORS := pre.Header.Get("Access-Control-Allow-Origin") != "" || post.Header.Get("Access-Control-Allow-Origin") != "" ||
		(prm != nil && prm.Header.Get("Access-Control-Allow-Origin") != "")
	var problems []string
	if pre.Status == http.StatusUnauthorized {
		problems = append(problems, "the preflight got 401: browsers never send credentials on a preflight, so no browser client can call the endpoint")
	}
	if !hasCORS {
		if len(problems) > 0 {
			c.Warn("%s (no CORS headers anywhere)", strings.Join(problems, "; "))
		}
		c.Info("no CORS headers on the endpoint or the PRM document: browser-based MCP clients cannot connect (not required by MCP)")
	}
	problems = append(problems, corsPreflightProblems(pre, reqHeaders)...)
	if acao := post.Header.Get("Access-Control-Allow-Origin"); acao == "" {
		problems = append(problems, fmt.Sprintf("the cross-origin 401 (%d) has no Access-Control-Allow-Origin, so a browser client cannot read the challenge", post.Status))
	} else if !headerListHas(post.Header.Values("Access-Control-Expose-Headers"), "www-authenticate") {
		problems = append(problems, "the cross-origin 401 does not list WWW-Authenticate in Access-Control-Expose-Headers, so a browser client cannot read resource_metadata")
	}
	if prm != nil && prm.Status == http.StatusOK && prm.Header.Get("Access-Control-Allow-Origin") == "" {
		problems = append(problems, "the PRM document has no Access-Control-Allow-Origin, so a browser client cannot discover the authorization server")
	}
	if len(problems) > 0 {
		c.Warn("CORS is configured but incomplete for browser clients (origin %s): %s", browserClientOrigin, strings.Join(problems, "; "))
	}
	c.Note("origin %s: preflight %d allows the MCP request headers; the cross-origin 401 exposes WWW-Authenticate; PRM Access-Control-Allow-Origin: %q",
		browserClientOrigin, pre.Status, prmACAO(prm))
}

// prmACAO is the PRM response's Access-Control-Allow-Origin, for notes.
func prmACAO(prm *check.Response) string {
	if prm == nil {
		return "(PRM not fetched)"
	}
	return prm.Header.Get("Access-Control-Allow-Origin")
}

// corsPreflightProblems judges a 2xx preflight answer.
func corsPreflightProblems(pre *check.Response, reqHeaders string) []string {
	if pre.Status/100 != 2 {
		if pre.Status == http.StatusUnauthorized {
			return nil // reported by the caller
		}
		return []string{fmt.Sprintf("the preflight got %d instead of 2xx", pre.Status)}
	}
	var out []string
	if acao := pre.Header.Get("Access-Control-Allow-Origin"); acao != "*" && acao != browserClientOrigin {
		out = append(out, fmt.Sprintf("the preflight's Access-Control-Allow-Origin is %q, not %q or *", acao, browserClientOrigin))
	}
	allowed := pre.Header.Values("Access-Control-Allow-Headers")
	var missing []string
	for _, h := range strings.Split(reqHeaders, ",") {
		h = strings.TrimSpace(h)
		// The wildcard never covers Authorization (WHATWG Fetch, CORS-preflight fetch).
		if !headerListHas(allowed, h) && (h == "authorization" || !headerListHas(allowed, "*")) {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		out = append(out, "the preflight's Access-Control-Allow-Headers lacks "+strings.Join(missing, ", "))
	}
	return out
}

// headerListHas reports whether a comma-separated header list contains name (case-insensitive).
func headerListHas(values []string, name string) bool {
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(item), name) {
				return true
			}
		}
	}
	return false
}

// rs60RateLimit sends at most 2N+2 authenticated requests with one token and judges the 429.
func rs60RateLimit(ctx context.Context, c *check.C) {
	rl := c.Config().RateLimit
	if rl == nil || rl.Requests <= 0 || rl.Per <= 0 {
		c.Skip("no rate limit declared (--rate-limit N/PERIOD): the suite does not burst-probe a server uninvited")
	}
	// Proving the limit can take more requests than the run's budget (a declared 1500/1m
	// needs 3002): this check gets its own allowance, bounded by check.MaxCheckAllowance
	// (a larger declaration is refused as a usage error before the run starts).
	budget := check.RateLimitProbe(*rl)
	c.AllowRequests(budget)
	req := authBaseline(c, c.ValidToken(ctx))
	c.Step("send up to %d authenticated requests with one token (one client), as fast as the server answers; declared limit %d per %s", budget, rl.Requests, rl.Per)
	start := time.Now()
	var limited *check.Response
	sent := 0
	for sent < budget && limited == nil {
		resp := c.Do(ctx, req)
		sent++
		switch {
		case resp.Status == http.StatusTooManyRequests:
			limited = resp
		case sent == 1 && resp.Status/100 != 2:
			c.Skip("inconclusive: the first authenticated request already failed: %s", resp.String())
		}
	}
	elapsed := time.Since(start)
	if limited == nil {
		if elapsed > rl.Per {
			c.Skip("inconclusive: %d requests took %s, longer than the declared window %s, so the limit may have reset", sent, elapsed.Round(time.Millisecond), rl.Per)
		}
		c.Fail("sent %d authenticated requests with one token in %s; expected a 429 once the declared limit of %d per %s was exceeded, got none. "+
			"MCP does not require rate limiting: this contradicts the limit the operator declared with --rate-limit",
			sent, elapsed.Round(time.Millisecond), rl.Requests, rl.Per)
	}
	c.Note("429 after %d requests in %s", sent, elapsed.Round(time.Millisecond))
	// A Retry-After that is present must follow its grammar; its absence is allowed (MAY).
	if ra := strings.TrimSpace(limited.Header.Get("Retry-After")); ra != "" && !isDelaySeconds(ra) {
		if _, err := http.ParseTime(ra); err != nil {
			c.Fail("the 429 after %d requests carries Retry-After %q, which is neither delay-seconds nor an HTTP-date (RFC 9110 §10.2.3); got %s",
				sent, ra, limited.String())
		}
	}
	if problems := rateLimitHeaderProblems(limited.Header); len(problems) > 0 {
		c.Warn("the 429 after %d requests is not well-formed for clients: %s; got %s", sent, strings.Join(problems, "; "), limited.String())
	}
}

// rateLimitHeaderProblems checks Retry-After (RFC 9110 §10.2.3) and, when present, the
// RateLimit / RateLimit-Policy fields (draft-ietf-httpapi-ratelimit-headers-11 §3-4, Structured
// Field lists) and the older RateLimit-Limit/-Remaining/-Reset integers.
func rateLimitHeaderProblems(h http.Header) []string {
	var out []string
	switch ra := strings.TrimSpace(h.Get("Retry-After")); {
	case ra == "":
		out = append(out, "no Retry-After (RFC 6585 §4: MAY, but without it clients cannot know when to retry)")
	case isDelaySeconds(ra):
	default:
		if _, err := http.ParseTime(ra); err != nil {
			out = append(out, fmt.Sprintf("Retry-After %q is neither delay-seconds nor an HTTP-date (RFC 9110 §10.2.3)", ra))
		}
	}
	for field, required := range map[string]string{"RateLimit": "r", "RateLimit-Policy": "q"} {
		v := strings.Join(h.Values(field), ", ")
		if v == "" {
			continue
		}
		items, err := parseSFList(v)
		if err != nil {
			out = append(out, fmt.Sprintf("%s %q is not a Structured Field list: %v", field, v, err))
			continue
		}
		for _, it := range items {
			if _, ok := it.params[required]; !ok {
				out = append(out, fmt.Sprintf("%s item %s lacks the required parameter %s", field, it.value, required))
			}
		}
	}
	for _, field := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
		if v := strings.TrimSpace(h.Get(field)); v != "" && !isDelaySeconds(v) {
			out = append(out, fmt.Sprintf("%s %q is not a non-negative integer", field, v))
		}
	}
	return out
}

// isDelaySeconds reports whether s is 1*DIGIT.
func isDelaySeconds(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// sfItem is one Structured Field list member (RFC 9651 §3.1): a bare item and its parameters.
type sfItem struct {
	value  string
	params map[string]string
}

// parseSFList parses a Structured Field list of bare items with parameters; inner lists are
// not used by the rate-limit fields and are rejected.
func parseSFList(s string) ([]sfItem, error) {
	var out []sfItem
	for i, member := range splitOutsideQuotes(s, ',') {
		parts := splitOutsideQuotes(member, ';')
		value := strings.TrimSpace(parts[0])
		if err := checkBareItem(value); err != nil {
			return nil, fmt.Errorf("member %d: %w", i, err)
		}
		it := sfItem{value: value, params: map[string]string{}}
		for _, p := range parts[1:] {
			k, v, hasV := strings.Cut(strings.TrimSpace(p), "=")
			if !isSFKey(k) {
				return nil, fmt.Errorf("member %d: bad parameter key %q", i, k)
			}
			if !hasV {
				v = "?1"
			} else if err := checkBareItem(v); err != nil {
				return nil, fmt.Errorf("member %d parameter %s: %w", i, k, err)
			}
			it.params[k] = v
		}
		out = append(out, it)
	}
	return out, nil
}

// splitOutsideQuotes splits s at sep, ignoring separators inside quoted strings.
func splitOutsideQuotes(s string, sep byte) []string {
	var out []string
	inQ, start := false, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && inQ:
			i++
		case s[i] == '"':
			inQ = !inQ
		case s[i] == sep && !inQ:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// checkBareItem accepts an integer/decimal, a quoted string, a token, a boolean or a byte
// sequence.
func checkBareItem(v string) error {
	switch {
	case v == "":
		return errors.New("empty item")
	case v == "?0" || v == "?1":
		return nil
	case v[0] == '"':
		if len(v) < 2 || v[len(v)-1] != '"' {
			return fmt.Errorf("unterminated string %s", v)
		}
		return nil
	case v[0] == ':':
		if len(v) < 2 || v[len(v)-1] != ':' {
			return fmt.Errorf("unterminated byte sequence %s", v)
		}
		return nil
	case v[0] == '-' || (v[0] >= '0' && v[0] <= '9'):
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Errorf("bad number %q: %w", v, err)
		}
		return nil
	case (v[0] >= 'a' && v[0] <= 'z') || (v[0] >= 'A' && v[0] <= 'Z') || v[0] == '*':
		if strings.ContainsAny(v, " \t\",;()=") {
			return fmt.Errorf("bad token %q", v)
		}
		return nil
	}
	return fmt.Errorf("bad item %q", v)
}

// isSFKey reports whether k is a Structured Field key: ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ).
func isSFKey(k string) bool {
	if k == "" || !((k[0] >= 'a' && k[0] <= 'z') || k[0] == '*') {
		return false
	}
	for i := 1; i < len(k); i++ {
		b := k[i]
		if !((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || strings.IndexByte("_-.*", b) >= 0) {
			return false
		}
	}
	return true
}

// rs61ErrorBodies records the body formats of the 401s and warns when a body's error code
// contradicts the challenge's.
func rs61ErrorBodies(ctx context.Context, c *check.C) {
	c.Step("inspect the 401 to the baseline request without credentials")
	anon := c.Unauthenticated(ctx)
	c.Step("send the baseline request with a random bearer token and inspect the 401")
	invalid := c.Do(ctx, authBaseline(c, randomB64(32)))
	var shapes, problems []string
	for _, x := range []struct {
		what string
		resp *check.Response
	}{{"no credentials", anon}, {"an invalid token", invalid}} {
		if x.resp.Status != http.StatusUnauthorized && x.resp.Status != http.StatusForbidden {
			shapes = append(shapes, fmt.Sprintf("%s: %d (not judged)", x.what, x.resp.Status))
			continue
		}
		shape, problem := errorBodyShape(x.resp)
		shapes = append(shapes, fmt.Sprintf("%s: %d, %s", x.what, x.resp.Status, shape))
		if problem != "" {
			problems = append(problems, fmt.Sprintf("%s (sent %s): %s", problem, x.what, x.resp.String()))
		}
	}
	if len(problems) > 0 {
		c.Warn("%s", strings.Join(problems, "; "))
	}
	c.Info("error bodies — %s", strings.Join(shapes, "; "))
}

// errorBodyShape describes a 401/403 body and says what, if anything, is incoherent about it.
func errorBodyShape(resp *check.Response) (shape, problem string) {
	body := strings.TrimSpace(string(resp.Body))
	if body == "" {
		return "empty body", ""
	}
	ct := resp.Header.Get("Content-Type")
	var doc map[string]any
	if err := resp.JSON(&doc); err != nil {
		if strings.Contains(strings.ToLower(ct), "json") {
			return "unparsable JSON", fmt.Sprintf("the body is declared %q but does not parse as a JSON object: %v", ct, err)
		}
		return fmt.Sprintf("non-JSON body (%s)", ct), ""
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
		return "OAuth-style JSON {\"error\":…}", ""
	case map[string]any:
		if _, ok := doc["jsonrpc"]; ok {
			return fmt.Sprintf("JSON-RPC error (code %v)", e["code"]), ""
		}
		return "JSON object with an error object", ""
	default:
		return "JSON object without an error member", ""
	}
}

// rs62BaseURL looks for RFC 8414 metadata at the root of the MCP host, else the default
// endpoints (2025-03-26).
func rs62BaseURL(ctx context.Context, c *check.C) {
	u, err := parseHTTPURL(c.Config().URL)
	if err != nil {
		c.Skip("the target URL is not an http(s) URL: %v", err)
	}
	base := u.Scheme + "://" + u.Host
	meta := base + "/.well-known/oauth-authorization-server"
	c.Step("GET %s (the authorization base URL is the MCP URL with its path discarded)", meta)
	resp := c.Do(ctx, check.Request{Method: http.MethodGet, URL: meta})
	var doc map[string]any
	if resp.Status == http.StatusOK && resp.JSON(&doc) == nil {
		_, hasAuthz := doc["authorization_endpoint"].(string)
		_, hasToken := doc["token_endpoint"].(string)
		if hasAuthz && hasToken {
			// RFC 8414 §3.3: "The issuer value returned MUST be identical to the authorization
			// server's issuer identifier value into which the well-known URI string was
			// inserted". Relayed metadata of a separate AS breaks this for validating clients.
			if iss, _ := doc["issuer"].(string); iss != base {
				c.Warn("GET %s answered usable metadata, but its issuer %q is not %q, the URL it was fetched from: "+
					"clients that validate RFC 8414 §3.3 reject it (relayed metadata of another authorization server?)", meta, iss, base)
			}
			return
		}
		c.Note("%s answered 200 JSON without authorization_endpoint and token_endpoint", meta)
	}
	c.Step("no usable metadata (%d): probe the default endpoints /authorize, /token and /register", resp.Status)
	var missing []string
	registerMissing := false
	for _, p := range []string{"/authorize", "/token", "/register"} {
		if r := c.Do(ctx, check.Request{Method: http.MethodGet, URL: base + p}); r.Status == http.StatusNotFound {
			if p == "/register" {
				registerMissing = true
				continue
			}
			missing = append(missing, base+p)
		}
	}
	if len(missing) > 0 {
		c.Fail("GET %s answered %s; expected RFC 8414 metadata there or, failing that, the default endpoints, but %s answered 404",
			meta, resp.String(), strings.Join(missing, " and "))
	}
	note := ""
	if registerMissing {
		note = " (/register is absent too: dynamic registration is only a SHOULD)"
	}
	c.Warn("no RFC 8414 metadata at %s (SHOULD); clients fall back to the default endpoints, which exist%s", meta, note)
}
