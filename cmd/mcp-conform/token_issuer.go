package main

// This file is how "token inspect --issuer" reaches the issuer and verifies the signature:
// check.DiscoverIssuer (the authorization-server half of the one discovery chain, through the
// one bounded client), jwtrule's verifier with the algorithm allow-list, and the verdict lines
// it prints.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/jwtrule"
)

// Verdicts printed by token inspect.
const (
	verdictOK   = "OK"
	verdictWarn = "WARN"
	verdictFail = "FAIL"
	verdictSkip = "SKIP"
)

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
	d, err := check.DiscoverIssuer(ctx, check.Config{Timeout: in.flags.timeout}, issuer)
	if err != nil {
		return fmt.Errorf("--issuer: %w", err)
	}
	meta := d.ASMetadata
	if meta == nil {
		if check.IsUnreachable(d.ASErr) {
			return fmt.Errorf("cannot reach the issuer: %w", d.ASErr)
		}
		r.line(verdictFail, "metadata   %v (RFC 8414 and OpenID Connect URLs tried)", d.ASErr)
		r.line(verdictFail, "sig        not verified: no JWKS")
		return nil
	}
	if got, _ := meta["issuer"].(string); got != issuer {
		r.line(verdictFail, "metadata   %s declares issuer %q, not %q (RFC 8414 §3.3): is --issuer the exact environment URL?", d.ASMetadataURL, got, issuer)
	} else {
		r.line(verdictOK, "metadata   %s", d.ASMetadataURL)
	}
	if d.JWKSURL == "" {
		r.line(verdictFail, "jwks       the metadata has no jwks_uri")
		r.line(verdictFail, "sig        not verified: no JWKS")
		return nil
	}
	jwksURI, set := d.JWKSURL, d.JWKS
	if set == nil {
		if check.IsUnreachable(d.JWKSErr) {
			return fmt.Errorf("cannot reach the JWKS: %w", d.JWKSErr)
		}
		r.line(verdictFail, "jwks       %v", d.JWKSErr)
		r.line(verdictFail, "sig        not verified: no JWKS")
		return nil
	}
	kids := make([]string, 0, len(set.Keys))
	for _, k := range set.Keys {
		kids = append(kids, fmt.Sprintf("%q", k.KeyID))
	}
	if leaked := d.JWKSPrivate; len(leaked) > 0 { // the rule of RS-74
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
