package check

// This file runs the discovery chain a client follows, once per run: the Bearer challenge
// of the unauthenticated 401 (RFC 6750 §3, RFC 9728 §5.1), the protected resource metadata
// (RFC 9728 §3, candidates in the order of MCP 2025-11-25 §4.2), the authorization server
// metadata (RFC 8414 §3 / OpenID Connect Discovery, in the order of MCP 2025-11-25 §4.3) and
// the JWKS (RFC 8414 §2 jwks_uri).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-jose/go-jose/v4"

	"github.com/mcp-conform/mcp-conform/conformance/jwtrule"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// Discovery is what the discovery chain yielded, fetched once per run.
type Discovery struct {
	Challenge           *Challenge          // Bearer challenge of the unauthenticated 401, if any
	ResourceMetadataURL string              // from the challenge, else the first well-known URL that worked
	PRM                 map[string]any      // the protected resource metadata document, or nil
	PRMErr              error               // why no PRM was found
	Resource            string              // PRM resource, else the target URL
	AuthServers         []string            // PRM authorization_servers
	ASMetadata          map[string]any      // metadata of the first authorization server, or nil
	JWKS                *jose.JSONWebKeySet // keys from the AS metadata jwks_uri, or nil
	Scopes              []string            // challenge scope, else PRM scopes_supported

	BaselineErr   error  // transport error of the unauthenticated baseline request
	ChallengeErr  error  // WWW-Authenticate syntax error of the baseline response
	HeaderPRMErr  error  // why the challenge's resource_metadata URL gave no PRM (then well-known was tried)
	ASMetadataURL string // the URL the AS metadata was read from
	ASErr         error  // why no AS metadata was found
	JWKSURL       string // jwks_uri of the AS metadata
	JWKSErr       error  // why no JWKS was found
	// JWKSPrivate are the keys of the jwks_uri document that carry private or symmetric key
	// material, read from the raw document (also when it does not decode as a JWK Set).
	JWKSPrivate []jwtrule.LeakedKey

	baselineEx Exchange   // the unauthenticated baseline exchange
	exchanges  []Exchange // the metadata fetches, in order
	stages     []Stage    // the stage of each of exchanges
}

// Stage names a step of the discovery chain.
type Stage string

// The steps of the discovery chain, in the order a client walks them.
const (
	StageChallenge  Stage = "challenge"   // the unauthenticated request and its 401 challenge
	StagePRM        Stage = "prm"         // protected resource metadata (RFC 9728)
	StageASMetadata Stage = "as-metadata" // authorization server metadata (RFC 8414 / OIDC)
	StageJWKS       Stage = "jwks"        // the key set named by jwks_uri
)

// Exchanges returns the requests the chain sent at stage (redacted transcripts), in order.
func (d *Discovery) Exchanges(stage Stage) []Exchange {
	if stage == StageChallenge {
		if d.baselineEx.Request == "" {
			return nil
		}
		return []Exchange{d.baselineEx}
	}
	var out []Exchange
	for i, e := range d.exchanges {
		if d.stages[i] == stage {
			out = append(out, e)
		}
	}
	return out
}

// add records exchanges sent at stage.
func (d *Discovery) add(stage Stage, ex []Exchange) {
	for _, e := range ex {
		d.exchanges = append(d.exchanges, e)
		d.stages = append(d.stages, stage)
	}
}

// Issuer returns the issuer member of the AS metadata, or "".
func (d *Discovery) Issuer() string {
	s, _ := d.ASMetadata["issuer"].(string)
	return s
}

// WellKnownPRMURLs returns the protected resource metadata URLs a client tries for target,
// in the order of MCP 2025-11-25 §4.2: path-suffixed (omitted when the path is empty or
// "/"), then root. RFC 9728 §3.1 inserts the well-known path between the host and the path.
func WellKnownPRMURLs(target string) []string {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil
	}
	root := u.Scheme + "://" + u.Host + "/.well-known/oauth-protected-resource"
	path := u.EscapedPath()
	var out []string
	if path != "" && path != "/" {
		s := root + path
		if u.RawQuery != "" {
			s += "?" + u.RawQuery
		}
		out = append(out, s)
	}
	return append(out, root)
}

// ASMetadataURLs returns the authorization server metadata URLs for issuer in the order of
// MCP 2025-11-25 §4.3:
//
// "For issuer URLs with path components (e.g., https://auth.example.com/tenant1), clients
// MUST try endpoints in the following priority order: 1. OAuth 2.0 Authorization Server
// Metadata with path insertion […] 2. OpenID Connect Discovery 1.0 with path insertion […]
// 3. OpenID Connect Discovery 1.0 path appending […] For issuer URLs without path
// components (e.g., https://auth.example.com), clients MUST try: 1. OAuth 2.0 Authorization
// Server Metadata […] 2. OpenID Connect Discovery 1.0"
func ASMetadataURLs(issuer string) []string {
	u, err := url.Parse(issuer)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil
	}
	origin := u.Scheme + "://" + u.Host
	// RFC 8414 §3.1: "any terminating "/" MUST be removed before inserting".
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	if path == "" {
		return []string{
			origin + "/.well-known/oauth-authorization-server",
			origin + "/.well-known/openid-configuration",
		}
	}
	return []string{
		origin + "/.well-known/oauth-authorization-server" + path,
		origin + "/.well-known/openid-configuration" + path,
		origin + path + "/.well-known/openid-configuration",
	}
}

// Discover runs (once per run) the discovery chain: 401 challenge, PRM, AS metadata, JWKS.
// Failures are recorded in the Discovery's error fields; Discover never ends the check.
func (c *C) Discover(ctx context.Context) *Discovery {
	d := c.run.discover(ctx)
	c.mu.Lock()
	first := !c.sawDiscovery
	c.sawDiscovery = true
	c.mu.Unlock()
	if first {
		if d.BaselineErr == nil {
			c.recordBaseline(d.baselineEx)
		}
		for _, e := range d.exchanges {
			c.record(e)
		}
	}
	return d
}

// Discovery returns the run's discovery result (computed on first use).
func (r *Run) Discovery(ctx context.Context) *Discovery { return r.discover(ctx) }

func (r *Run) discover(ctx context.Context) *Discovery {
	r.discMu.Lock()
	defer r.discMu.Unlock()
	if r.disc != nil {
		return r.disc
	}
	d := &Discovery{Resource: r.cfg.URL}
	base, ex, err := r.baseline(ctx)
	if err != nil {
		d.BaselineErr = err
	} else {
		d.baselineEx = ex
		r.readChallenge(d, base)
	}
	r.findPRM(ctx, d)
	r.findASMetadata(ctx, d)
	r.findJWKS(ctx, d)
	if d.Challenge != nil {
		if s, ok := d.Challenge.Param("scope"); ok {
			d.Scopes = strings.Fields(s)
		}
	}
	if len(d.Scopes) == 0 {
		d.Scopes = stringList(d.PRM["scopes_supported"])
	}
	// Cache only a complete answer: a cancelled context or a failed baseline is retried.
	if ctx.Err() == nil && d.BaselineErr == nil {
		r.disc = d
	}
	return d
}

func (r *Run) readChallenge(d *Discovery, base *Response) {
	chs, err := base.Challenges()
	d.ChallengeErr = err
	for _, ch := range chs {
		if strings.EqualFold(ch.Scheme, "Bearer") {
			ch := ch
			d.Challenge = &ch
			return
		}
	}
}

func (r *Run) findPRM(ctx context.Context, d *Discovery) {
	var errs []error
	if d.Challenge != nil {
		if rm, ok := d.Challenge.Param("resource_metadata"); ok {
			doc, ex, err := r.fetchJSON(ctx, rm)
			d.add(StagePRM, ex)
			if err == nil {
				d.PRM, d.ResourceMetadataURL = doc, rm
			} else {
				d.HeaderPRMErr = fmt.Errorf("resource_metadata %s: %w", rm, err)
				errs = append(errs, d.HeaderPRMErr)
			}
		}
	}
	if d.PRM == nil {
		// MCP 2025-11-25 §4.2: "otherwise, they MUST fall back to constructing and
		// requesting the well-known URIs in the order listed above."
		for _, u := range WellKnownPRMURLs(r.cfg.URL) {
			doc, ex, err := r.fetchJSON(ctx, u)
			d.add(StagePRM, ex)
			if err == nil {
				d.PRM, d.ResourceMetadataURL = doc, u
				break
			}
			errs = append(errs, err)
		}
	}
	if d.PRM == nil {
		d.PRMErr = fmt.Errorf("no protected resource metadata found: %w", errors.Join(errs...))
		return
	}
	if res, ok := d.PRM["resource"].(string); ok && res != "" {
		d.Resource = res
	}
	d.AuthServers = stringList(d.PRM["authorization_servers"])
}

func (r *Run) findASMetadata(ctx context.Context, d *Discovery) {
	issuer := ""
	switch {
	case len(d.AuthServers) > 0:
		issuer = d.AuthServers[0]
	case r.cfg.SpecVersion == Version20250326:
		// MCP 2025-03-26 "Authorization Base URL": "The authorization base URL MUST be
		// determined from the MCP server URL by discarding any existing path component."
		issuer = r.target.Scheme + "://" + r.target.Host
	default:
		d.ASErr = errors.New("no authorization_servers in the protected resource metadata")
		return
	}
	r.asMetadataFrom(ctx, d, issuer)
}

// DiscoverIssuer walks the authorization-server half of the discovery chain from an issuer
// URL instead of an MCP endpoint, for "token inspect --issuer": the metadata URLs of
// ASMetadataURLs in their order, then the jwks_uri the metadata names, with the same bounded
// requests, JSON rules and key-set reading as Discover (one discovery chain; the issuer is the
// client's target origin, jwks_uri is permitted once the metadata advertises it). The answer
// fills ASMetadata, ASMetadataURL, ASErr, JWKS, JWKSURL, JWKSErr and JWKSPrivate; err is a
// configuration error only.
func DiscoverIssuer(ctx context.Context, cfg Config, issuer string) (*Discovery, error) {
	cfg.URL = issuer
	r, err := newRun(cfg)
	if err != nil {
		return nil, err
	}
	d := &Discovery{AuthServers: []string{issuer}}
	r.asMetadataFrom(ctx, d, issuer)
	r.findJWKS(ctx, d)
	return d, nil
}

// asMetadataFrom reads the metadata of issuer: the first of ASMetadataURLs that answers a
// JSON object.
func (r *Run) asMetadataFrom(ctx context.Context, d *Discovery, issuer string) {
	var errs []error
	for _, u := range ASMetadataURLs(issuer) {
		doc, ex, err := r.fetchJSON(ctx, u)
		d.add(StageASMetadata, ex)
		if err == nil {
			d.ASMetadata, d.ASMetadataURL = doc, u
			return
		}
		errs = append(errs, err)
	}
	d.ASErr = fmt.Errorf("no authorization server metadata for %s: %w", issuer, errors.Join(errs...))
}

func (r *Run) findJWKS(ctx context.Context, d *Discovery) {
	if d.ASMetadata == nil {
		d.JWKSErr = errors.New("no authorization server metadata, so no jwks_uri")
		return
	}
	uri, _ := d.ASMetadata["jwks_uri"].(string)
	if uri == "" {
		d.JWKSErr = errors.New("authorization server metadata has no jwks_uri")
		return
	}
	d.JWKSURL = uri
	resp, ex, err := r.get(ctx, uri)
	d.add(StageJWKS, ex)
	if err != nil {
		d.JWKSErr = err
		return
	}
	d.JWKSPrivate, _ = jwtrule.PrivateKeys(resp.Body) // a document that is no JWK Set fails below
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(resp.Body, &set); err != nil {
		d.JWKSErr = fmt.Errorf("jwks_uri %s: decode JWK set: %w", uri, err)
		return
	}
	d.JWKS = &set
}

// get sends an unauthenticated GET and requires 200.
func (r *Run) get(ctx context.Context, raw string) (*Response, []Exchange, error) {
	req := Request{Method: http.MethodGet, URL: raw, Header: http.Header{"Accept": {"application/json"}}}
	resp, sent, err := r.send(ctx, req)
	var ex []Exchange
	if sent != nil {
		ex = append(ex, renderExchange(sent, resp, err, r.secretList()))
	}
	if err != nil {
		return nil, ex, err
	}
	if resp.Status >= 300 && resp.Status < 400 {
		return resp, ex, fmt.Errorf("GET %s: %w", raw, &safe.RedirectError{Status: resp.Status, Location: resp.Header.Get("Location")})
	}
	if resp.Status != http.StatusOK {
		return resp, ex, fmt.Errorf("GET %s: status %d", raw, resp.Status)
	}
	if resp.Truncated {
		return resp, ex, fmt.Errorf("GET %s: body larger than %d bytes", raw, MaxBodyBytes)
	}
	return resp, ex, nil
}

// fetchJSON GETs raw (no Authorization) and decodes a JSON object.
func (r *Run) fetchJSON(ctx context.Context, raw string) (map[string]any, []Exchange, error) {
	resp, ex, err := r.get(ctx, raw)
	if err != nil {
		return nil, ex, err
	}
	var doc map[string]any
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		return nil, ex, fmt.Errorf("GET %s: not a JSON object: %w", raw, err)
	}
	if doc == nil {
		return nil, ex, fmt.Errorf("GET %s: body is JSON null, not an object", raw)
	}
	return doc, ex, nil
}
