package main

// This file implements "mcp-conform probe": the discovery chain a client follows to obtain a
// token for an MCP server (401 challenge → protected resource metadata → authorization server
// metadata → JWKS), step by step, with what each step returned and what is wrong. It reuses
// the discovery helpers of conformance/check (ParseChallenges, WellKnownPRMURLs,
// ASMetadataURLs) and, like the suite, only sends bounded requests to the target and to URLs
// the target advertised.

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// Verdicts printed by probe and token inspect.
const (
	verdictOK   = "OK"
	verdictWarn = "WARN"
	verdictFail = "FAIL"
	verdictSkip = "SKIP"
)

// fetcher sends requests through the one bounded client (safe.Client). URLs the chain
// advertises are permitted as they are reached; extra headers go to the target's origin only.
type fetcher struct {
	client *safe.Client
}

// fetched is one bounded response.
type fetched struct {
	status    int
	header    http.Header
	body      []byte
	truncated bool
}

// newFetcher returns a fetcher whose credential origin is target's.
func newFetcher(target string, headers http.Header, timeout time.Duration) (*fetcher, error) {
	c, err := safe.NewClient(safe.Options{Target: target, Headers: headers, Timeout: timeout, UserAgent: "mcp-conform/" + conformance.Version()})
	if err != nil {
		return nil, err
	}
	return &fetcher{client: c}, nil
}

// do sends one request; a redirect is returned as a response (never followed).
func (f *fetcher) do(ctx context.Context, method, raw string, header http.Header, body []byte) (*fetched, error) {
	f.client.Permit(raw) // advertised by the previous step of the chain
	resp, err := f.client.Do(ctx, safe.Request{Method: method, URL: raw, Header: header, Body: body})
	if err != nil && !errors.Is(err, safe.ErrRedirect) {
		return nil, err
	}
	return &fetched{status: resp.Status, header: resp.Header, body: resp.Body, truncated: resp.Truncated}, nil
}

// getJSON GETs raw and decodes a JSON object. It returns the response (when there was one)
// and, separately, why it is not a usable JSON document.
func (f *fetcher) getJSON(ctx context.Context, raw string) (*fetched, map[string]any, error) {
	resp, err := f.do(ctx, http.MethodGet, raw, http.Header{"Accept": {"application/json"}}, nil)
	if err != nil {
		return nil, nil, err
	}
	doc, err := resp.jsonObject()
	return resp, doc, err
}

// jsonObject checks a metadata response: 200, application/json, a JSON object.
func (r *fetched) jsonObject() (map[string]any, error) {
	switch {
	case r.status >= 300 && r.status < 400:
		return nil, fmt.Errorf("redirect to %q (not followed: metadata must be served at this URL)", r.header.Get("Location"))
	case r.status != http.StatusOK:
		return nil, fmt.Errorf("status %d, want 200", r.status)
	case r.truncated:
		return nil, fmt.Errorf("body larger than %d bytes", check.MaxBodyBytes)
	}
	ct := r.header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return nil, fmt.Errorf("Content-Type %q, want application/json (an HTML catch-all page or a proxy answering instead?)", ct)
	}
	var doc map[string]any
	if err := json.Unmarshal(r.body, &doc); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if doc == nil {
		return nil, errors.New("JSON null, not an object")
	}
	return doc, nil
}

// describe is the one-line summary of a response: status, content type, size.
func (r *fetched) describe() string {
	s := fmt.Sprintf("%d %s", r.status, http.StatusText(r.status))
	if ct := r.header.Get("Content-Type"); ct != "" {
		s += ", " + ct
	}
	s += fmt.Sprintf(", %d bytes", len(r.body))
	if r.truncated {
		s += " (truncated)"
	}
	return s
}

// verdictLog prints verdict lines and counts them.
type verdictLog struct {
	w      io.Writer
	indent string
	counts map[string]int
}

// line prints one verdict line.
func (r *verdictLog) line(verdict, format string, args ...any) {
	r.counts[verdict]++
	fmt.Fprintf(r.w, "%s%-5s %s\n", r.indent, verdict, fmt.Sprintf(format, args...))
}

// note prints an indented informational line (no verdict).
func (r *verdictLog) note(format string, args ...any) {
	fmt.Fprintf(r.w, "%s      %s\n", r.indent, fmt.Sprintf(format, args...))
}

// totals is the closing "N OK, N WARN, N FAIL, N SKIP" text.
func (r *verdictLog) totals() string {
	return fmt.Sprintf("%d OK, %d WARN, %d FAIL, %d SKIP",
		r.counts[verdictOK], r.counts[verdictWarn], r.counts[verdictFail], r.counts[verdictSkip])
}

// probeCmd is "mcp-conform probe".
func probeCmd(ctx context.Context, c *cli, args []string) int {
	fs := newFlagSet("probe", "mcp-conform probe --url URL [--timeout DURATION] [--header-env NAME]...",
		`Walk the discovery chain of an MCP server the way a client does, step by step, and say what
each step returned and what is wrong:

  1. the unauthenticated request and its 401 WWW-Authenticate Bearer challenge
  2. the protected resource metadata (resource_metadata, else the well-known URLs; RFC 9728)
  3. the authorization server metadata of the first authorization server (RFC 8414 / OIDC)
  4. the JWKS named by its jwks_uri

Requests are bounded (timeout, 1 MiB bodies, redirects reported, never followed) and go only
to the target and to URLs it advertises. No token is sent.`)
	target := fs.String("url", "", "the MCP endpoint (required), e.g. http://127.0.0.1:3000/mcp")
	timeout := new(time.Duration)
	fs.durationVar(timeout, "timeout", 5*time.Second, "per-request timeout, a `DURATION` such as 5s or 500ms (a bare number is seconds)")
	var headerEnv stringList
	fs.Var(&headerEnv, "header-env", "environment variable `NAME` holding \"Header-Name: value\" sent to the target (repeatable)")
	fs.notes = `Exit codes: 0 every step OK (warnings allowed), 1 a step FAILed, 2 usage error or the target
cannot be reached.`
	if code, done := c.parse(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return c.usageError(fs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	if *target == "" {
		return c.usageError(fs, errors.New("--url is required"))
	}
	if err := checkHTTPURL(*target); err != nil {
		return c.usageError(fs, fmt.Errorf("--url: %w", err))
	}
	if *timeout <= 0 {
		return c.usageError(fs, fmt.Errorf("--timeout %s: must be positive", *timeout))
	}
	headers, err := headersFromEnv(headerEnv, c.getenv)
	if err != nil {
		return c.usageError(fs, err)
	}
	f, err := newFetcher(*target, headers, *timeout)
	if err != nil {
		return c.usageError(fs, fmt.Errorf("--url: %w", err))
	}
	u, _ := url.Parse(*target) // validated above
	origin := u.Scheme + "://" + u.Host

	var secrets []string
	for _, vs := range headers {
		secrets = append(secrets, vs...)
	}
	out := &safe.Writer{W: c.stdout, Secrets: secrets} // target bytes: redacted and escaped
	p := &prober{f: f, target: *target, origin: origin, out: out,
		r: &verdictLog{w: out, indent: "   ", counts: map[string]int{}}}
	fmt.Fprintf(out, "probe %s\n", *target)
	if err := p.challenge(ctx); err != nil {
		c.errorf("cannot reach %s: %v", *target, err)
		return exitUsage
	}
	p.prm(ctx)
	p.asMetadata(ctx)
	p.jwks(ctx)

	fmt.Fprintf(c.stdout, "\nprobe: %s", p.r.totals())
	if p.r.counts[verdictFail] > 0 {
		fmt.Fprintf(c.stdout, ": the discovery chain is broken; see the FAIL lines above\n")
		return exitFail
	}
	fmt.Fprintf(c.stdout, ": the discovery chain is complete\n")
	return exitOK
}

// prober walks the discovery chain; each step reads what the previous one found.
type prober struct {
	f      *fetcher
	target string
	origin string
	out    io.Writer
	r      *verdictLog

	resourceMetadata string         // advertised by the challenge, usable
	prmDoc           map[string]any // the PRM document found, or nil
	asIssuer         string         // the authorization server probed
	asDoc            map[string]any // its metadata, or nil
	jwksURI          string         // advertised by the AS metadata
}

// step prints a step heading.
func (p *prober) step(n int, title string) {
	fmt.Fprintf(p.out, "\n%d. %s\n", n, title)
}

// challenge is step 1. A transport error is returned: the target cannot be reached.
func (p *prober) challenge(ctx context.Context) error {
	p.step(1, "Unauthenticated request: POST "+p.target+" (initialize, no credentials)")
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "initialize",
		"params": check.InitializeParams(check.Version20251125, conformance.Version())})
	if err != nil {
		return fmt.Errorf("encoding the initialize request: %w", err)
	}
	resp, err := p.f.do(ctx, http.MethodPost, p.target, http.Header{
		"Content-Type": {"application/json"},
		"Accept":       {"application/json, text/event-stream"},
	}, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(p.out, "   → %s\n", resp.describe())
	fields := resp.header.Values("WWW-Authenticate")
	for _, v := range fields {
		fmt.Fprintf(p.out, "     WWW-Authenticate: %s\n", v)
	}
	r := p.r
	switch s := resp.status; {
	case s == http.StatusUnauthorized:
		r.line(verdictOK, "401 Unauthorized")
	case s == http.StatusForbidden:
		r.line(verdictFail, "403 for a request without credentials: it must be 401 with a challenge (RFC 6750 §3; RS-01)")
	case s >= 200 && s < 300:
		r.line(verdictFail, "%d: the endpoint answers without credentials, it is not protected (RS-01)", s)
	case s >= 300 && s < 400:
		r.line(verdictFail, "%d redirect to %q (not followed): an MCP endpoint must answer 401 itself (RS-01)", s, resp.header.Get("Location"))
	case s == http.StatusNotFound || s == http.StatusMethodNotAllowed:
		r.line(verdictFail, "%d: is --url the MCP endpoint? (it must accept POST)", s)
	default:
		r.line(verdictFail, "status %d, want 401 (RS-01)", s)
	}
	if len(fields) == 0 {
		if resp.status == http.StatusUnauthorized || resp.status == http.StatusForbidden {
			r.line(verdictFail, "no WWW-Authenticate header: clients cannot discover how to authenticate (RFC 6750 §3; RS-02)")
		}
		return nil
	}
	chs, perr := check.ParseChallenges(fields)
	if perr != nil {
		r.line(verdictFail, "WWW-Authenticate does not parse: %v (RS-07)", perr)
	}
	var bearer *check.Challenge
	for i := range chs {
		if strings.EqualFold(chs[i].Scheme, "Bearer") {
			bearer = &chs[i]
			break
		}
	}
	if bearer == nil {
		r.line(verdictFail, "no Bearer challenge (RS-02)")
		return nil
	}
	if len(bearer.Params) == 0 {
		r.line(verdictFail, "bare \"Bearer\" challenge without auth-params: no resource_metadata, no scope (RS-02, RS-03)")
		return nil
	}
	for _, name := range []string{"resource_metadata", "scope", "error", "realm"} {
		if bearer.Count(name) > 1 {
			r.line(verdictFail, "the challenge repeats %s (RS-07)", name)
		}
	}
	rm, ok := bearer.Lookup("resource_metadata")
	switch {
	case !ok:
		r.line(verdictFail, "no resource_metadata in the challenge: clients cannot find the protected resource metadata from it (MCP 2025-06-18+; RFC 9728 §5.1; RS-03); trying the well-known URLs")
	case !isAbsoluteHTTP(rm.Value):
		r.line(verdictWarn, "resource_metadata %q is not an absolute http(s) URL (RS-04); trying the well-known URLs", rm.Value)
	default:
		p.resourceMetadata = rm.Value
		if rm.Quoted {
			r.line(verdictOK, "resource_metadata=%q", rm.Value)
		} else {
			r.line(verdictWarn, "resource_metadata=%s is not a quoted-string (RS-04)", rm.Value)
		}
	}
	if scope, ok := bearer.Param("scope"); ok && strings.TrimSpace(scope) != "" {
		r.line(verdictOK, "scope=%q", scope)
	} else {
		r.line(verdictWarn, "no scope in the challenge: clients must guess which scopes to request (RS-06)")
	}
	if e, ok := bearer.Param("error"); ok {
		r.line(verdictWarn, "error=%q on a request that carried no credentials (RFC 6750 §3.1 says no error code; RS-05)", e)
	}
	return nil
}

// prm is step 2: the protected resource metadata, from resource_metadata, else the
// well-known URLs (MCP 2025-11-25 §4.2).
func (p *prober) prm(ctx context.Context) {
	p.step(2, "Protected resource metadata (RFC 9728)")
	type candidate struct{ url, from, wantResource string }
	var cands []candidate
	if p.resourceMetadata != "" {
		cands = append(cands, candidate{p.resourceMetadata, "resource_metadata", p.target})
	}
	for _, u := range check.WellKnownPRMURLs(p.target) {
		if u == p.resourceMetadata {
			continue
		}
		want := p.target
		if u == p.origin+"/.well-known/oauth-protected-resource" {
			want = p.origin // RFC 9728 §3.3: the URL the well-known path was inserted into
		}
		cands = append(cands, candidate{u, "well-known", want})
	}
	r := p.r
	var found *candidate
	for i, cand := range cands {
		fmt.Fprintf(p.out, "   GET %s (%s)\n", cand.url, cand.from)
		resp, doc, err := p.f.getJSON(ctx, cand.url)
		if resp != nil {
			fmt.Fprintf(p.out, "   → %s\n", resp.describe())
		}
		if err != nil {
			verdict := verdictFail
			if cand.from == "well-known" && i < len(cands)-1 {
				verdict = verdictWarn // a later candidate may still work
			}
			r.line(verdict, "%v", err)
			continue
		}
		p.prmDoc, found = doc, &cands[i]
		break
	}
	if found == nil {
		r.line(verdictFail, "no protected resource metadata: clients cannot find the authorization server (RS-11, RS-12)")
		return
	}
	if found.from == "well-known" && p.resourceMetadata == "" {
		r.note("found at a well-known URL; the challenge should point here with resource_metadata")
	}
	resource, _ := p.prmDoc["resource"].(string)
	switch {
	case resource == "":
		r.line(verdictFail, "no resource member (REQUIRED by RFC 9728 §2; RS-15)")
	case resource != found.wantResource:
		r.line(verdictFail, "resource %q, want %q (RFC 9728 §3.3; RS-16, RS-17): clients must reject this document", resource, found.wantResource)
	default:
		r.line(verdictOK, "resource %q", resource)
	}
	if resource != "" {
		r.note("tokens for this server must carry aud containing %q (or the resource id the server accepts)", resource)
	}
	servers := stringsOf(p.prmDoc["authorization_servers"])
	if len(servers) == 0 {
		r.line(verdictFail, "no authorization_servers: clients cannot find where to get a token (RS-18)")
	} else {
		r.line(verdictOK, "authorization_servers %s", quoteList(servers))
		p.asIssuer = servers[0]
	}
	switch raw, ok := p.prmDoc["scopes_supported"]; {
	case !ok:
		r.line(verdictWarn, "no scopes_supported (RS-21)")
	case len(stringsOf(raw)) == 0:
		r.line(verdictFail, "scopes_supported is empty: omit it or list the scopes (RFC 9728 §2; RS-20)")
	default:
		scopes := stringsOf(raw)
		if slices.Contains(scopes, "offline_access") {
			r.line(verdictWarn, "scopes_supported lists offline_access (RS-21)")
		} else {
			r.line(verdictOK, "scopes_supported %s", quoteList(scopes))
		}
	}
	if slices.Contains(stringsOf(p.prmDoc["bearer_methods_supported"]), "query") {
		r.line(verdictWarn, "bearer_methods_supported lists \"query\" (OAuth 2.1 §5.1 forbids tokens in the URI; RS-22)")
	}
}

// asMetadata is step 3: the metadata of the first authorization server, in the order of
// MCP 2025-11-25 §4.3.
func (p *prober) asMetadata(ctx context.Context) {
	r := p.r
	if p.asIssuer == "" {
		p.step(3, "Authorization server metadata")
		r.line(verdictSkip, "not reached: no authorization server from step 2")
		return
	}
	p.step(3, "Authorization server metadata for "+p.asIssuer+" (RFC 8414 / OpenID Connect Discovery)")
	urls := check.ASMetadataURLs(p.asIssuer)
	if len(urls) == 0 {
		r.line(verdictFail, "%q is not an absolute http(s) issuer identifier (RS-19)", p.asIssuer)
		return
	}
	var errs []string
	for _, u := range urls {
		fmt.Fprintf(p.out, "   GET %s\n", u)
		resp, doc, err := p.f.getJSON(ctx, u)
		if resp != nil {
			fmt.Fprintf(p.out, "   → %s\n", resp.describe())
		}
		if err != nil {
			if resp != nil {
				err = fmt.Errorf("GET %s: %w", u, err) // transport errors already name the URL
			}
			errs = append(errs, err.Error())
			continue
		}
		p.asDoc = doc
		break
	}
	if p.asDoc == nil {
		r.line(verdictFail, "no authorization server metadata for %s: %s (is authorization_servers the issuer, not an endpoint? RS-19)",
			p.asIssuer, strings.Join(errs, "; "))
		return
	}
	if issuer, _ := p.asDoc["issuer"].(string); issuer != p.asIssuer {
		r.line(verdictFail, "issuer %q differs from the authorization_servers entry %q (RFC 8414 §3.3; RS-19): clients must reject this metadata", issuer, p.asIssuer)
	} else {
		r.line(verdictOK, "issuer %q", issuer)
	}
	for _, name := range []string{"authorization_endpoint", "token_endpoint"} {
		if v, _ := p.asDoc[name].(string); v == "" {
			r.line(verdictWarn, "no %s", name)
		}
	}
	if !slices.Contains(stringsOf(p.asDoc["code_challenge_methods_supported"]), "S256") {
		r.line(verdictWarn, "code_challenge_methods_supported lacks S256: MCP clients refuse to proceed without PKCE S256")
	}
	uri, _ := p.asDoc["jwks_uri"].(string)
	if uri == "" {
		r.line(verdictFail, "no jwks_uri: resource servers cannot find the signing keys")
		return
	}
	p.jwksURI = uri
	r.line(verdictOK, "jwks_uri %s", uri)
}

// jwks is step 4: the key set named by jwks_uri.
func (p *prober) jwks(ctx context.Context) {
	p.step(4, "JWKS")
	r := p.r
	if p.jwksURI == "" {
		r.line(verdictSkip, "not reached: no jwks_uri from step 3")
		return
	}
	fmt.Fprintf(p.out, "   GET %s\n", p.jwksURI)
	set, resp, err := fetchJWKS(ctx, p.f, p.jwksURI)
	if resp != nil {
		fmt.Fprintf(p.out, "   → %s\n", resp.describe())
	}
	if err != nil {
		r.line(verdictFail, "%v", err)
		return
	}
	checkKeySet(r, set)
}

// fetchJWKS GETs a JWK set.
func fetchJWKS(ctx context.Context, f *fetcher, uri string) (*jose.JSONWebKeySet, *fetched, error) {
	resp, err := f.do(ctx, http.MethodGet, uri, http.Header{"Accept": {"application/json"}}, nil)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case resp.status != http.StatusOK:
		return nil, resp, fmt.Errorf("GET %s: status %d, want 200", uri, resp.status)
	case resp.truncated:
		return nil, resp, fmt.Errorf("GET %s: body larger than %d bytes", uri, check.MaxBodyBytes)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(resp.body, &set); err != nil {
		return nil, resp, fmt.Errorf("GET %s: not a JWK set: %w", uri, err)
	}
	return &set, resp, nil
}

// checkKeySet reports on the keys of a published JWK set.
func checkKeySet(r *verdictLog, set *jose.JSONWebKeySet) {
	if len(set.Keys) == 0 {
		r.line(verdictFail, "the JWK set has no keys: no token can be verified")
		return
	}
	bad := false
	for _, k := range set.Keys {
		desc := fmt.Sprintf("kid=%q kty=%s alg=%s use=%s", k.KeyID, keyType(k), orDash(k.Algorithm), orDash(k.Use))
		switch {
		case !k.IsPublic():
			r.line(verdictFail, "%s holds PRIVATE key material: rotate this key now", desc)
			bad = true
		case k.KeyID == "":
			r.line(verdictWarn, "%s has no kid: Scalekit's SDKs select keys by kid", desc)
		default:
			r.note("key %s", desc)
		}
	}
	if !bad {
		r.line(verdictOK, "%d key(s) published", len(set.Keys))
	}
}

// keyType names a JWK's key type.
func keyType(k jose.JSONWebKey) string {
	switch k.Key.(type) {
	case *rsa.PublicKey, *rsa.PrivateKey:
		return "RSA"
	case *ecdsa.PublicKey, *ecdsa.PrivateKey:
		return "EC"
	case []byte:
		return "oct"
	default:
		return fmt.Sprintf("%T", k.Key)
	}
}

// isAbsoluteHTTP reports whether raw is an absolute http(s) URL with a host.
func isAbsoluteHTTP(raw string) bool { return checkHTTPURL(raw) == nil }

// stringsOf returns the strings of a JSON array (nil if v is not an array).
func stringsOf(v any) []string {
	arr, ok := v.([]any)
	if !ok {
		return nil
	}
	var out []string
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// quoteList renders strings as ["a", "b"].
func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// orDash returns s, or "-" when it is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
