package main

// This file is how "token inspect --issuer" reaches the issuer and verifies the signature:
// the metadata URLs in the order of check.ASMetadataURLs, bounded requests through the one
// client (safe.Client, its credential origin the issuer), go-jose with the algorithm
// allow-list, and the verdict lines it prints.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/jwtrule"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// Verdicts printed by token inspect.
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

// quoteList renders strings as ["a", "b"].
func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// checkSignature discovers the issuer's JWKS and verifies the signature.
func (in *inspection) checkSignature(ctx context.Context, tok string, algOK bool) error {
	r := in.r
	if in.flags.issuer == "" {
		r.line(verdictSkip, "sig        not verified: pass --issuer URL to verify it against the issuer's JWKS")
		return nil
	}
	issuer := in.flags.issuer
	var meta map[string]any
	var tried []string
	for _, u := range check.ASMetadataURLs(issuer) {
		resp, doc, err := in.f.getJSON(ctx, u)
		if resp == nil && err != nil {
			if check.IsUnreachable(err) {
				return fmt.Errorf("cannot reach the issuer: %w", err)
			}
			tried = append(tried, err.Error())
			continue
		}
		if err != nil {
			tried = append(tried, fmt.Sprintf("GET %s: %v", u, err))
			continue
		}
		meta = doc
		if got, _ := doc["issuer"].(string); got != issuer {
			r.line(verdictFail, "metadata   %s declares issuer %q, not %q (RFC 8414 §3.3): is --issuer the exact environment URL?", u, got, issuer)
		} else {
			r.line(verdictOK, "metadata   %s", u)
		}
		break
	}
	if meta == nil {
		r.line(verdictFail, "metadata   no RFC 8414 or OpenID Connect metadata for %s: %s", issuer, strings.Join(tried, "; "))
		r.line(verdictFail, "sig        not verified: no JWKS")
		return nil
	}
	jwksURI, _ := meta["jwks_uri"].(string)
	if jwksURI == "" {
		r.line(verdictFail, "jwks       the metadata has no jwks_uri")
		r.line(verdictFail, "sig        not verified: no JWKS")
		return nil
	}
	set, resp, err := fetchJWKS(ctx, in.f, jwksURI)
	if err != nil {
		if check.IsUnreachable(err) {
			return fmt.Errorf("cannot reach the JWKS: %w", err)
		}
		r.line(verdictFail, "jwks       %v", err)
		r.line(verdictFail, "sig        not verified: no JWKS")
		return nil
	}
	kids := make([]string, 0, len(set.Keys))
	for _, k := range set.Keys {
		kids = append(kids, fmt.Sprintf("%q", k.KeyID))
	}
	if leaked, _ := jwtrule.PrivateKeys(resp.body); len(leaked) > 0 { // the rule of RS-74
		l := make([]string, len(leaked))
		for i, k := range leaked {
			l[i] = k.String()
		}
		r.line(verdictFail, "jwks       %s publishes private key material (RFC 7517 §7): %s: anyone can sign tokens for this issuer; rotate these keys",
			jwksURI, strings.Join(l, "; "))
	} else {
		r.line(verdictOK, "jwks       %d key(s) from %s: kid %s", len(set.Keys), jwksURI, strings.Join(kids, ", "))
	}
	if !algOK {
		r.line(verdictFail, "sig        not verified: alg %v is not allowed", in.tok.Header["alg"])
		return nil
	}
	v := jwtrule.Verifier{Keys: set}
	kid, alg := in.tok.HeaderString("kid"), in.tok.HeaderString("alg")
	key, _, err := v.Verify(tok)
	switch {
	case err == nil:
		r.line(verdictOK, "sig        verified with kid %q (%s)", key.KeyID, alg)
	case errors.Is(err, jwtrule.ErrMalformedJWS):
		r.line(verdictFail, "sig        %v", err)
	case errors.Is(err, jwtrule.ErrUnknownKid):
		r.line(verdictFail, "sig        kid %q is not in the issuer's JWKS: signed by a key the issuer never published, or the issuer rotated its key (validators that cache the JWKS need a restart)", kid)
	default:
		r.line(verdictFail, "sig        does not verify with the issuer's key(s) %s (%v): forged, tampered with, or signed by another key under the same kid",
			strings.Join(kids, ", "), strings.TrimPrefix(err.Error(), jwtrule.ErrBadSignature.Error()+": "))
	}
	return nil
}
