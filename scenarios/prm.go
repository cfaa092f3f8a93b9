package scenarios

// Protected resource metadata: RFC 9728 (OAuth 2.0 Protected Resource Metadata) §2, §3, §5,
// §7, and the MCP discovery rules built on it (MCP 2025-06-18 §2.3, 2025-11-25 §4, 07-28
// authorization-server-discovery). Catalogue rows RS-11…RS-25.

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// wellKnownPRMSuffix is the RFC 9728 §3 well-known URI suffix.
const wellKnownPRMSuffix = "/.well-known/oauth-protected-resource"

func init() {
	// MCP 2025-11-25 §4.2: "MCP servers MUST implement one of the following discovery
	// mechanisms to provide authorization server location information to MCP clients"; item 2:
	// "Serve metadata at a well-known URI as specified in RFC9728.
	// This can be either: At the path of the server's MCP endpoint [...] At the root"; clients
	// "MUST fall back to constructing and requesting the well-known URIs in the order listed
	// above". RFC 9728 §3.
	check.Define("RS-11", check.Anonymous, func(ctx context.Context, c *check.C) {
		c.Step("GET the RFC 9728 well-known URLs of %s in the MCP client order", c.Config().URL)
		var found, tried []string
		for _, f := range fetchWellKnownPRM(ctx, c) {
			tried = append(tried, fmt.Sprintf("%s (%s)", f.URL, f.Problem))
			if f.Doc != nil {
				found = append(found, f.URL)
			}
		}
		if len(found) > 0 {
			c.Note("protected resource metadata served at %s", strings.Join(found, " and "))
			return
		}
		if p, ok := challengeParam(c.Unauthenticated(ctx), "resource_metadata"); ok {
			if f := fetchPRM(ctx, c, p.Value); f.Doc != nil {
				c.Info("no well-known URL serves the metadata (%s); discovery relies on the "+
					"WWW-Authenticate resource_metadata (%s), which MCP 2025-11-25 §4.2 allows as the "+
					"other mechanism", strings.Join(tried, "; "), p.Value)
				return
			}
		}
		c.Fail("sent GET to the well-known URLs; expected a protected resource metadata document at one of "+
			"them (or a working resource_metadata in the 401 challenge); got: %s", strings.Join(tried, "; "))
	})

	// MCP 2025-11-25 §4.1: "MCP servers MUST implement the OAuth 2.0 Protected Resource Metadata
	// (RFC9728) specification to indicate the locations of authorization servers"; §4.2:
	// clients "use the resource metadata URL from the parsed WWW-Authenticate headers when
	// present; otherwise, they MUST fall back to [...] the well-known URIs".
	check.Define("RS-12", check.Anonymous, func(ctx context.Context, c *check.C) {
		c.Step("follow the MCP discovery order: the 401's resource_metadata, else the well-known URLs")
		if p, ok := challengeParam(c.Unauthenticated(ctx), "resource_metadata"); ok {
			f := fetchPRM(ctx, c, p.Value)
			if f.Doc != nil {
				c.Note("reached through resource_metadata %s", p.Value)
				return
			}
			elsewhere := ""
			for _, w := range fetchWellKnownPRM(ctx, c) {
				if w.Doc != nil {
					elsewhere = fmt.Sprintf(" (a document exists at %s, but clients that find resource_metadata use only that URL)", w.URL)
					break
				}
			}
			c.Fail("sent GET %s, the resource_metadata advertised in the 401 challenge; expected 200 with the "+
				"protected resource metadata; %s%s", p.Value, f.Problem, elsewhere)
		}
		var tried []string
		for _, w := range fetchWellKnownPRM(ctx, c) {
			if w.Doc != nil {
				c.Note("no resource_metadata in the challenge; reached through the well-known URL %s", w.URL)
				return
			}
			tried = append(tried, fmt.Sprintf("GET %s: %s", w.URL, w.Problem))
		}
		c.Fail("the 401 challenge has no resource_metadata and no well-known URL serves protected resource "+
			"metadata; expected a document reachable by either mechanism; got: %s", strings.Join(tried, "; "))
	})

	// RFC 9728 §3.2: "A successful response MUST use the 200 OK HTTP status code and return a
	// JSON object using the application/json content type that contains a set of metadata
	// parameters as its members that are a subset of the metadata parameters defined in
	// Section 2."
	check.Define("RS-13", check.Anonymous, func(ctx context.Context, c *check.C) {
		c.Step("GET every protected resource metadata location (advertised and well-known)")
		var problems []string
		answered := 0
		for _, f := range allPRMLocations(ctx, c) {
			if f.Resp == nil || f.Resp.Status != http.StatusOK {
				c.Note("GET %s: %s", f.URL, f.Problem)
				continue
			}
			answered++
			ct := f.Resp.Header.Get("Content-Type")
			if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
				problems = append(problems, fmt.Sprintf("GET %s answered 200 with Content-Type %q, expected "+
					"application/json", f.URL, ct))
			}
			if f.Doc == nil {
				problems = append(problems, fmt.Sprintf("GET %s answered 200 but %s", f.URL, f.Problem))
			}
		}
		if answered == 0 {
			c.Skip("no protected resource metadata location answered 200 (see RS-12)")
		}
		if len(problems) > 0 {
			c.Fail("expected each 200 metadata response to be a JSON object served as application/json "+
				"(a missing document should be 404, not an HTML page); got: %s", strings.Join(problems, "; "))
		}
	})

	// RFC 9728 §3.1: "A protected resource metadata document MUST be queried using an HTTP
	// GET request at the previously specified URL". DERIVED: discovery happens before the client has a token, so the document is
	// served without credentials; MCP 2025-03-26 "Server Metadata Discovery Headers": clients
	// "SHOULD include the header MCP-Protocol-Version" during metadata discovery.
	check.Define("RS-14", check.Anonymous, func(ctx context.Context, c *check.C) {
		used, others := clientPRMLocations(ctx, c)
		var fails, warns []string
		var doc *prmFetch
		for i := range used {
			f := &used[i]
			c.Step("GET %s without credentials (a location an MCP client queries)", f.URL)
			if f.Resp != nil && (f.Resp.Status == http.StatusUnauthorized || f.Resp.Status == http.StatusForbidden) {
				fails = append(fails, fmt.Sprintf("GET %s without credentials: expected 200 or 404, got %s",
					f.URL, f.Resp.String()))
			}
			if f.Doc != nil && doc == nil {
				doc = f
			}
		}
		for _, f := range others {
			if f.Resp != nil && (f.Resp.Status == http.StatusUnauthorized || f.Resp.Status == http.StatusForbidden) {
				warns = append(warns, fmt.Sprintf("GET %s without credentials answered %d; the well-known "+
					"location should be public too", f.URL, f.Resp.Status))
			}
		}
		if doc != nil {
			c.Step("GET %s again with MCP-Protocol-Version: %s", doc.URL, c.SpecVersion())
			vr := c.Do(ctx, check.Request{Method: http.MethodGet, URL: doc.URL,
				Header: http.Header{"Accept": {"application/json"}, "Mcp-Protocol-Version": {c.SpecVersion()}}})
			// DERIVED (the RFC 9728 MUST says nothing of extra headers): a warning, since
			// 2025-03-26 clients SHOULD send the header during discovery and would be refused.
			if vr.Status != http.StatusOK {
				warns = append(warns, fmt.Sprintf("GET %s with MCP-Protocol-Version: %s: expected 200 as without "+
					"the header, got %s; clients that send the header during discovery are refused", doc.URL, c.SpecVersion(), vr.String()))
			}
			const foreign = "https://mcp-conform.invalid"
			c.Step("GET %s again with Origin: %s (a browser-based client)", doc.URL, foreign)
			or := c.Do(ctx, check.Request{Method: http.MethodGet, URL: doc.URL,
				Header: http.Header{"Accept": {"application/json"}, "Origin": {foreign}}})
			if or.Status != http.StatusOK {
				warns = append(warns, fmt.Sprintf("GET %s with Origin: %s: expected 200 (browser-based "+
					"clients discover cross-origin), got %d; acceptable only as DNS-rebinding protection of "+
					"a local server", doc.URL, foreign, or.Status))
			}
		}
		if len(fails) > 0 {
			c.Fail("the protected resource metadata must be served to an unauthenticated GET: %s",
				strings.Join(append(fails, warns...), "; "))
		}
		if doc == nil {
			c.Skip("no protected resource metadata document found (see RS-12)")
		}
		if len(warns) > 0 {
			c.Warn("%s", strings.Join(warns, "; "))
		}
	})

	// RFC 9728 §2: "resource REQUIRED. The protected resource's resource identifier"; §1.2: a
	// resource identifier is "a URL that uses the https scheme and has no fragment component
	// [...] it also SHOULD NOT include a query component".
	check.Define("RS-15", check.Anonymous, func(ctx context.Context, c *check.C) {
		d := discoveredPRM(ctx, c)
		raw, ok := d.PRM["resource"].(string)
		c.Step("check resource in %s", d.ResourceMetadataURL)
		if !ok || raw == "" {
			c.Fail("expected the REQUIRED member \"resource\" as a non-empty string in %s; got %s",
				d.ResourceMetadataURL, jsonValue(d.PRM["resource"]))
		}
		u, err := url.Parse(raw)
		if err != nil || !u.IsAbs() || u.Host == "" {
			c.Fail("expected resource to be an absolute URL; got %q (%v)", raw, err)
			return
		}
		var fails, warns []string
		if u.Fragment != "" || strings.Contains(raw, "#") {
			fails = append(fails, "it has a fragment component")
		}
		switch {
		case u.Scheme == "https":
		case u.Scheme == "http" && isLoopback(u.Hostname()):
			c.Note("resource uses http on a loopback host (RS-58 reports the scheme)")
		default:
			fails = append(fails, fmt.Sprintf("it uses the %q scheme, not https", u.Scheme))
		}
		if u.RawQuery != "" || u.ForceQuery {
			warns = append(warns, "it has a query component (RFC 9728 §1.2: SHOULD NOT)")
		}
		if len(fails) > 0 {
			c.Fail("expected resource to be an https URL without fragment; got %q: %s", raw,
				strings.Join(append(fails, warns...), "; "))
		}
		if len(warns) > 0 {
			c.Warn("resource %q: %s", raw, strings.Join(warns, "; "))
		}
	})

	// RFC 9728 §3.3: "The resource value returned MUST be identical to the protected resource's
	// resource identifier value into which the well-known URI path suffix was inserted to
	// create the URL used to retrieve the metadata. If these values are not identical, the
	// data contained in the response MUST NOT be used."
	check.Define("RS-16", check.Anonymous, func(ctx context.Context, c *check.C) {
		var problems []string
		served := 0
		target := c.Config().URL
		wellKnown := check.WellKnownPRMURLs(target)
		for _, f := range fetchWellKnownPRM(ctx, c) {
			if f.Doc == nil {
				continue
			}
			served++
			want := strings.Replace(f.URL, wellKnownPRMSuffix, "", 1)
			got, _ := f.Doc["resource"].(string)
			c.Step("compare resource of %s with %q, code point by code point", f.URL, want)
			switch {
			case got == want:
			case want+"/" == got && isOrigin(want):
				// RFC 9728 §3.1 removes a terminating slash after the host before inserting the
				// suffix, so "https://host/" also maps to the root well-known URL.
				c.Note("the root document names %q, which RFC 9728 §3.1 also maps to the root well-known URL", got)
			case got == target && len(wellKnown) > 1 && f.URL == wellKnown[len(wellKnown)-1]:
				// The usual Express layout: one document at the root describing the endpoint
				// at /mcp. Its place is the path-suffixed URL (RFC 9728 §3.1), where the
				// resource it names is right.
				problems = append(problems, fmt.Sprintf("GET %s: expected resource %q (the root document describes the origin), "+
					"got %q, the MCP endpoint: serve this document at %s instead, point resource_metadata there, "+
					"and drop the root document or make it name %q", f.URL, want, got, wellKnown[0], want))
			default:
				problems = append(problems, fmt.Sprintf("GET %s: expected resource %q, got %s%s", f.URL, want,
					jsonValue(f.Doc["resource"]), loopbackAliasHint(got, want)))
			}
		}
		if served == 0 {
			c.Skip("no well-known URL serves protected resource metadata; RFC 9728 §3.3 ¶1 applies to those only")
		}
		if len(problems) > 0 {
			c.Fail("a client must discard metadata whose resource differs from the URL it derived the "+
				"well-known URL from (no normalization, RFC 9728 §6): %s", strings.Join(problems, "; "))
		}
	})

	// RFC 9728 §3.3: "If the protected resource metadata was retrieved from a URL returned by
	// the protected resource via the WWW-Authenticate resource_metadata parameter, then the
	// resource value returned MUST be identical to the URL that the client used to make the
	// request to the resource server."
	check.Define("RS-17", check.Anonymous, func(ctx context.Context, c *check.C) {
		p, ok := challengeParam(c.Unauthenticated(ctx), "resource_metadata")
		if !ok {
			c.Skip("the 401 challenge has no resource_metadata parameter (see RS-03)")
		}
		c.Step("GET %s (the advertised resource_metadata)", p.Value)
		f := fetchPRM(ctx, c, p.Value)
		if f.Doc == nil {
			c.Skip("the advertised resource_metadata is not a metadata document (see RS-12): %s", f.Problem)
		}
		target := c.Config().URL
		c.Step("compare its resource with the MCP endpoint URL %q byte for byte", target)
		got, _ := f.Doc["resource"].(string)
		if got != target && (got+"/" == target && isOrigin(got) || target+"/" == got && isOrigin(target)) {
			// An origin and the same origin with the path "/" are the same request target (RFC
			// 9110 §4.2.3: an empty path is equivalent to "/"); a server at the root cannot know
			// which spelling its user typed. RS-24 reports the trailing slash.
			c.Note("resource %q and the endpoint URL %q differ only by the root path \"/\" (the same request target)", got, target)
			return
		}
		if got != target {
			hint := ""
			if got != "" && (strings.TrimSuffix(got, "/") == strings.TrimSuffix(target, "/") ||
				strings.HasPrefix(target, strings.TrimSuffix(got, "/"))) {
				hint = " (a server mounted at a path should point resource_metadata at the path-suffixed " +
					"document whose resource is the full endpoint URL)"
			}
			if h := loopbackAliasHint(got, target); h != "" {
				hint = h
			}
			c.Fail("sent the MCP request to %q; expected the metadata at %s to declare resource %q; got %s%s",
				target, p.Value, target, jsonValue(f.Doc["resource"]), hint)
		}
	})

	// MCP 2025-11-25 §4.1: "The protected resource metadata document returned by the MCP server
	// MUST include the authorization_servers field containing at least one authorization
	// server."
	check.Define("RS-18", check.Anonymous, func(ctx context.Context, c *check.C) {
		d := discoveredPRM(ctx, c)
		c.Step("check authorization_servers in %s", d.ResourceMetadataURL)
		if _, err := nonEmptyStrings(d.PRM, "authorization_servers"); err != nil {
			c.Fail("expected authorization_servers to be a non-empty JSON array of strings in %s; got %s: %v",
				d.ResourceMetadataURL, jsonValue(d.PRM["authorization_servers"]), err)
		}
	})

	// RFC 9728 §2: "authorization_servers [...] JSON array containing a list of OAuth
	// authorization server issuer identifiers, as defined in [RFC8414]"; RFC 8414 §3.3: "The
	// issuer value returned MUST be identical to the authorization server's issuer identifier
	// value into which the well-known URI string was inserted"; MCP 2025-11-25 §4.3: clients
	// "MUST try endpoints in the following priority order".
	check.Define("RS-19", check.Anonymous, func(ctx context.Context, c *check.C) {
		d := discoveredPRM(ctx, c)
		servers, err := nonEmptyStrings(d.PRM, "authorization_servers")
		if err != nil {
			c.Skip("authorization_servers is not usable (see RS-18): %v", err)
		}
		var fails, warns []string
		for _, issuer := range servers {
			f, w := checkIssuer(ctx, c, issuer)
			fails, warns = append(fails, f...), append(warns, w...)
		}
		if len(fails) > 0 {
			c.Fail("each authorization_servers entry must be an issuer whose metadata declares that issuer: %s",
				strings.Join(append(fails, warns...), "; "))
		}
		if len(warns) > 0 {
			c.Warn("%s", strings.Join(warns, "; "))
		}
	})

	// RFC 9728 §3.2: "Parameters with zero values MUST be omitted from the response."; §2
	// bearer_methods_supported: "The empty array [] can be used to indicate that no bearer
	// methods are supported."
	check.Define("RS-20", check.Anonymous, func(ctx context.Context, c *check.C) {
		d := discoveredPRM(ctx, c)
		c.Step("look for empty strings, arrays, objects and nulls in %s", d.ResourceMetadataURL)
		var zero []string
		for _, k := range sortedKeys(d.PRM) {
			if k == "bearer_methods_supported" {
				if arr, ok := d.PRM[k].([]any); ok && len(arr) == 0 {
					continue
				}
			}
			switch v := d.PRM[k].(type) {
			case nil:
				zero = append(zero, fmt.Sprintf("%q: null", k))
			case string:
				if v == "" {
					zero = append(zero, fmt.Sprintf("%q: \"\"", k))
				}
			case []any:
				if len(v) == 0 {
					zero = append(zero, fmt.Sprintf("%q: []", k))
				}
			case map[string]any:
				if len(v) == 0 {
					zero = append(zero, fmt.Sprintf("%q: {}", k))
				}
			}
		}
		if len(zero) > 0 {
			c.Fail("expected parameters with zero values to be omitted from %s; got %s",
				d.ResourceMetadataURL, strings.Join(zero, ", "))
		}
	})

	// RFC 9728 §2: "scopes_supported RECOMMENDED"; MCP 07-28 index §10: "MCP Servers [...]
	// SHOULD NOT include offline_access in WWW-Authenticate scope or Protected Resource
	// Metadata scopes_supported".
	check.Define("RS-21", check.Anonymous, func(ctx context.Context, c *check.C) {
		d := discoveredPRM(ctx, c)
		c.Step("check scopes_supported in %s", d.ResourceMetadataURL)
		scopes, err := nonEmptyStrings(d.PRM, "scopes_supported")
		if err != nil {
			c.Fail("expected scopes_supported (RECOMMENDED; clients fall back to it to choose scopes, MCP "+
				"2025-11-25 §6) in %s; got %s: %v", d.ResourceMetadataURL, jsonValue(d.PRM["scopes_supported"]), err)
		}
		if c.SpecVersion() >= "2026-07-28" {
			var where []string
			if slices.Contains(scopes, "offline_access") {
				where = append(where, "scopes_supported")
			}
			if p, ok := challengeParam(c.Unauthenticated(ctx), "scope"); ok &&
				slices.Contains(strings.Fields(p.Value), "offline_access") {
				where = append(where, "the 401 challenge's scope")
			}
			if len(where) > 0 {
				c.Fail("expected no offline_access (it is for the authorization server, not the resource); "+
					"got it in %s", strings.Join(where, " and "))
			}
		}
	})

	// RFC 9728 §2: bearer_methods_supported values are "header", "body" and "query"; OAuth 2.1
	// §5.1: "resource servers MUST ignore access tokens in a URI query parameter".
	check.Define("RS-22", check.Anonymous, func(ctx context.Context, c *check.C) {
		d := discoveredPRM(ctx, c)
		c.Step("check bearer_methods_supported in %s", d.ResourceMetadataURL)
		v, present := d.PRM["bearer_methods_supported"]
		if !present {
			c.Note("bearer_methods_supported is absent (clients assume the Authorization header)")
			return
		}
		arr, ok := v.([]any)
		if !ok {
			c.Skip("bearer_methods_supported is not an array (see RS-23): %s", jsonValue(v))
		}
		for _, m := range arr {
			if s, _ := m.(string); s == "query" {
				c.Fail("expected bearer_methods_supported not to advertise \"query\" (OAuth 2.1 §5.1: resource "+
					"servers MUST ignore tokens in the query); got %s", jsonValue(v))
			}
		}
	})

	// RFC 9728 §2: "jwks_uri [...] The URL MUST use the https scheme"; "resource_signing_alg_
	// values_supported [...] The value none MUST NOT be used"; the remaining members are
	// typed (JSON arrays of strings, booleans, URLs).
	check.Define("RS-23", check.Anonymous, func(ctx context.Context, c *check.C) {
		d := discoveredPRM(ctx, c)
		c.Step("check the types and values of the optional members of %s", d.ResourceMetadataURL)
		if problems := prmTypeProblems(d.PRM); len(problems) > 0 {
			c.Fail("expected the optional RFC 9728 §2 members to be well-typed; got: %s", strings.Join(problems, "; "))
		}
	})

	// MCP 2025-11-25 §8.1 "Canonical Server URI": "implementations SHOULD consistently use the
	// form without the trailing slash for better interoperability unless the trailing slash is
	// semantically significant for the specific resource";
	// scheme and host are lowercase in the canonical form.
	check.Define("RS-24", check.Anonymous, func(ctx context.Context, c *check.C) {
		var problems []string
		c.Step("check the MCP endpoint URL %q is in canonical form", c.Config().URL)
		problems = append(problems, canonicalProblems("the MCP endpoint URL", c.Config().URL)...)
		d := c.Discover(ctx)
		if res, ok := d.PRM["resource"].(string); ok && res != "" {
			c.Step("check the PRM resource %q is in canonical form", res)
			problems = append(problems, canonicalProblems("resource", res)...)
		}
		if len(problems) > 0 {
			c.Fail("expected canonical URIs (lowercase scheme and host, no trailing slash); got: %s",
				strings.Join(problems, "; "))
		}
	})

	// RFC 9728 §7.10: "Implementations should utilize HTTP caching directives such as
	// Cache-Control with max-age, as defined in [RFC9111], to enable caching of retrieved
	// metadata for appropriate time periods" (lower-case should, informational).
	check.Define("RS-25", check.Anonymous, func(ctx context.Context, c *check.C) {
		d := discoveredPRM(ctx, c)
		c.Step("GET %s and look at its caching directives", d.ResourceMetadataURL)
		f := fetchPRM(ctx, c, d.ResourceMetadataURL)
		if f.Resp == nil {
			c.Skip("the metadata could not be fetched again: %s", f.Problem)
		}
		cc := strings.ToLower(f.Resp.Header.Get("Cache-Control"))
		if strings.Contains(cc, "max-age") || strings.Contains(cc, "s-maxage") || f.Resp.Header.Get("Expires") != "" {
			c.Note("Cache-Control: %q, Expires: %q", f.Resp.Header.Get("Cache-Control"), f.Resp.Header.Get("Expires"))
			return
		}
		c.Info("the metadata response carries no max-age or Expires (Cache-Control: %q); clients refetch it "+
			"on every discovery", f.Resp.Header.Get("Cache-Control"))
	})
}

// prmFetch is one GET of a protected resource metadata location.
type prmFetch struct {
	URL     string
	Resp    *check.Response // nil on a transport error
	Doc     map[string]any  // non-nil when the answer is 200 with a JSON object body
	Problem string          // what came back, when Doc is nil; the status otherwise
}

// fetchPRM GETs u without credentials and decodes a metadata document.
func fetchPRM(ctx context.Context, c *check.C, u string) prmFetch {
	f := prmFetch{URL: u}
	resp, err := c.TryDo(ctx, check.Request{Method: http.MethodGet, URL: u,
		Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		f.Problem = fmt.Sprintf("the request failed: %v", err)
		return f
	}
	f.Resp = resp
	if resp.Status != http.StatusOK {
		f.Problem = "got " + resp.String()
		return f
	}
	var doc map[string]any
	if err := resp.JSON(&doc); err != nil || doc == nil {
		f.Problem = fmt.Sprintf("the body is not a JSON object (%v): %s", err, resp.String())
		return f
	}
	f.Doc, f.Problem = doc, "200"
	return f
}

// fetchWellKnownPRM GETs the RFC 9728 well-known URLs of the target in the MCP client order
// (path-suffixed, then root).
func fetchWellKnownPRM(ctx context.Context, c *check.C) []prmFetch {
	var out []prmFetch
	for _, u := range check.WellKnownPRMURLs(c.Config().URL) {
		out = append(out, fetchPRM(ctx, c, u))
	}
	return out
}

// clientPRMLocations splits the metadata locations into those an MCP 2025-11-25 client
// queries (the advertised resource_metadata alone when present; else the well-known URLs up
// to the first that yields a document) and the others.
func clientPRMLocations(ctx context.Context, c *check.C) (used, others []prmFetch) {
	wk := fetchWellKnownPRM(ctx, c)
	if p, ok := challengeParam(c.Unauthenticated(ctx), "resource_metadata"); ok {
		return []prmFetch{fetchPRM(ctx, c, p.Value)}, wk
	}
	for i, f := range wk {
		if f.Doc != nil {
			return wk[:i+1], wk[i+1:]
		}
	}
	return wk, nil
}

// allPRMLocations is the advertised resource_metadata (if any) followed by the well-known URLs.
func allPRMLocations(ctx context.Context, c *check.C) []prmFetch {
	used, others := clientPRMLocations(ctx, c)
	out := append(used, others...)
	seen := map[string]bool{}
	uniq := out[:0]
	for _, f := range out {
		if !seen[f.URL] {
			seen[f.URL] = true
			uniq = append(uniq, f)
		}
	}
	return uniq
}

// discoveredPRM returns the run's discovery result and skips the check when no protected
// resource metadata document was found.
func discoveredPRM(ctx context.Context, c *check.C) *check.Discovery {
	d := c.Discover(ctx)
	if d.PRM == nil {
		c.Skip("no protected resource metadata document was discovered (see RS-12): %v", d.PRMErr)
	}
	return d
}

// checkIssuer runs the MCP authorization server metadata discovery for one
// authorization_servers entry and returns failures and warnings.
func checkIssuer(ctx context.Context, c *check.C, issuer string) (fails, warns []string) {
	u, err := url.Parse(issuer)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return []string{fmt.Sprintf("%q is not an absolute URL (%v)", issuer, err)}, nil
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(issuer, "#"):
		return []string{fmt.Sprintf("%q has a query or fragment, which an issuer identifier must not have "+
			"(RFC 8414 §2)", issuer)}, nil
	case u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())):
		fails = append(fails, fmt.Sprintf("%q does not use https (RFC 8414 §2)", issuer))
	}
	var tried []string
	for _, m := range check.ASMetadataURLs(issuer) {
		c.Step("GET %s (authorization server metadata of %q)", m, issuer)
		resp, err := c.TryDo(ctx, check.Request{Method: http.MethodGet, URL: m,
			Header: http.Header{"Accept": {"application/json"}}})
		if err != nil {
			tried = append(tried, fmt.Sprintf("GET %s: %v", m, err))
			continue
		}
		if resp.Status != http.StatusOK {
			tried = append(tried, fmt.Sprintf("GET %s: %d", m, resp.Status))
			continue
		}
		var meta map[string]any
		if err := resp.JSON(&meta); err != nil || meta == nil {
			return append(fails, fmt.Sprintf("GET %s (metadata of %q) answered 200 but not with a JSON "+
				"object: %s", m, issuer, resp.String())), warns
		}
		if got, _ := meta["issuer"].(string); got != issuer {
			return append(fails, fmt.Sprintf("GET %s: expected issuer %q (the authorization_servers entry), "+
				"got %s; an entry must be an issuer identifier, not an endpoint URL, and clients reject "+
				"metadata whose issuer differs (RFC 8414 §3.3)", m, issuer, jsonValue(meta["issuer"]))), warns
		}
		if c.SpecVersion() < "2025-11-25" && !strings.Contains(m, "/.well-known/oauth-authorization-server") {
			warns = append(warns, fmt.Sprintf("%q publishes only OpenID Connect discovery (%s); MCP %s clients "+
				"use RFC 8414 metadata", issuer, m, c.SpecVersion()))
		}
		c.Note("%q resolves through %s", issuer, m)
		return fails, warns
	}
	return append(fails, fmt.Sprintf("no metadata URL of %q answered 200 (%s)", issuer, strings.Join(tried, "; "))), warns
}

// nonEmptyStrings returns doc[key] as a non-empty list of non-empty strings.
func nonEmptyStrings(doc map[string]any, key string) ([]string, error) {
	v, ok := doc[key]
	if !ok {
		return nil, fmt.Errorf("%s is missing", key)
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s is a %T, not a JSON array", key, v)
	}
	if len(arr) == 0 {
		return nil, fmt.Errorf("%s is empty", key)
	}
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		if !ok || s == "" {
			return nil, fmt.Errorf("%s[%d] is %s, not a non-empty string", key, i, jsonValue(e))
		}
		out = append(out, s)
	}
	return out, nil
}

// prmTypeProblems checks the optional RFC 9728 §2 members that are present.
func prmTypeProblems(doc map[string]any) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, k := range []string{"scopes_supported", "bearer_methods_supported", "resource_signing_alg_values_supported",
		"authorization_details_types_supported", "dpop_signing_alg_values_supported"} {
		v, ok := doc[k]
		if !ok {
			continue
		}
		arr, isArr := v.([]any)
		if !isArr {
			add("%s is %s, not a JSON array", k, jsonValue(v))
			continue
		}
		for i, e := range arr {
			s, isStr := e.(string)
			switch {
			case !isStr:
				add("%s[%d] is %s, not a string", k, i, jsonValue(e))
			case k == "resource_signing_alg_values_supported" && strings.EqualFold(s, "none"):
				add("resource_signing_alg_values_supported lists %q, which MUST NOT be used", s)
			case k == "bearer_methods_supported" && s != "header" && s != "body" && s != "query":
				add("bearer_methods_supported[%d] is %q, not one of header, body, query", i, s)
			}
		}
	}
	for _, k := range []string{"tls_client_certificate_bound_access_tokens", "dpop_bound_access_tokens_required"} {
		if v, ok := doc[k]; ok {
			if _, isBool := v.(bool); !isBool {
				add("%s is %s, not a boolean", k, jsonValue(v))
			}
		}
	}
	for _, k := range []string{"resource_name", "signed_metadata"} {
		if v, ok := doc[k]; ok {
			if _, isStr := v.(string); !isStr {
				add("%s is %s, not a string", k, jsonValue(v))
			}
		}
	}
	for _, k := range []string{"jwks_uri", "resource_documentation", "resource_policy_uri", "resource_tos_uri"} {
		v, ok := doc[k]
		if !ok {
			continue
		}
		s, _ := v.(string)
		u, err := url.Parse(s)
		if s == "" || err != nil || !u.IsAbs() || u.Host == "" {
			add("%s is %s, not an absolute URL", k, jsonValue(v))
			continue
		}
		if k == "jwks_uri" && u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
			add("jwks_uri %q does not use the https scheme", s)
		}
	}
	return problems
}

// canonicalProblems reports an uppercase scheme or host and a trailing slash on the path of
// raw, read as written (url.Parse would lowercase the scheme).
func canonicalProblems(what, raw string) []string {
	var problems []string
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return []string{fmt.Sprintf("%s %q has no scheme", what, raw)}
	}
	authority, path := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	host := authority[strings.LastIndex(authority, "@")+1:]
	if scheme != strings.ToLower(scheme) || host != strings.ToLower(host) {
		problems = append(problems, fmt.Sprintf("%s %q has an uppercase scheme or host", what, raw))
	}
	if strings.HasSuffix(path, "/") {
		problems = append(problems, fmt.Sprintf("%s %q ends with a trailing slash", what, raw))
	}
	return problems
}

// isOrigin reports whether u is scheme://authority with no path, query or fragment.
func isOrigin(u string) bool {
	_, rest, ok := strings.Cut(u, "://")
	return ok && !strings.ContainsAny(rest, "/?#")
}

// sortedKeys returns the keys of m in order, for stable messages.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// jsonValue renders a decoded JSON value for messages ("absent" for a missing member).
func jsonValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null/absent"
	case string:
		return fmt.Sprintf("%q", x)
	default:
		return fmt.Sprintf("%v (%T)", x, x)
	}
}

// loopbackAliasHint explains a resource that differs from want only by naming the host with
// another loopback name (localhost for 127.0.0.1, as some frameworks do whatever the bind
// address), or returns "".
func loopbackAliasHint(got, want string) string {
	g, err1 := url.Parse(got)
	w, err2 := url.Parse(want)
	if err1 != nil || err2 != nil || g.Hostname() == w.Hostname() || !isLoopback(g.Hostname()) || !isLoopback(w.Hostname()) ||
		g.Scheme != w.Scheme || g.Port() != w.Port() || g.EscapedPath() != w.EscapedPath() || g.RawQuery != w.RawQuery {
		return ""
	}
	return fmt.Sprintf(" (the server names itself %q, another loopback name: clients that reach it as %q discard "+
		"its metadata; derive resource from the URL the request was made to, or use %q wherever the server is named)",
		g.Host, w.Host, got)
}
