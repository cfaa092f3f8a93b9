package check

// This file obtains the tokens checks present: valid tokens (minted or supplied), tokens
// minted with one deliberate defect (cooperative mode) and tokens forged from the published
// JWKS (RFC 8725 §2.1 attacks that need no private key). Each check gets its own subject and
// client_id, so a target's per-client limits are not exhausted by other checks.

import (
	"context"
	"crypto/rsa"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// ClientID returns the subject and client_id this check's tokens carry:
// "mcp-conform-" + the lower-cased requirement ID, and "-N" for the Nth subject of a check
// run on several (C.Each): each subject is a probe of its own, so the subjects of one check
// do not spend one client's rate limit together.
func (c *C) ClientID() string {
	c.mu.Lock()
	n := c.subject
	c.mu.Unlock()
	id := "mcp-conform-" + strings.ToLower(c.ID())
	if n > 0 {
		id += "-" + strconv.Itoa(n)
	}
	return id
}

// defaultScopes is every advertised scope plus every declared one, so a "valid" token is
// really allowed to call everything.
func (r *Run) defaultScopes(ctx context.Context) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		for _, f := range strings.Fields(s) {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	for _, s := range r.discover(ctx).Scopes {
		add(s)
	}
	for _, s := range r.cfg.Scopes {
		add(s)
	}
	return out
}

// fillSpec applies the per-check defaults to spec.
func (c *C) fillSpec(ctx context.Context, spec mockas.TokenSpec) mockas.TokenSpec {
	if len(spec.Audience) == 0 {
		if m := c.run.cfg.Minter; m != nil && !spec.AudienceAsString {
			spec.Audience = scalekitAudience(m, c.Discover(ctx).Resource)
		} else {
			spec.Audience = []string{c.Discover(ctx).Resource}
		}
	}
	if spec.Subject == "" {
		spec.Subject = c.ClientID()
	}
	if spec.ClientID == "" {
		spec.ClientID = c.ClientID()
	}
	if spec.Scopes == nil {
		spec.Scopes = c.run.defaultScopes(ctx)
	}
	if spec.Type == "" {
		spec.Type = c.run.mintType()
	}
	return spec
}

// ValidToken returns a valid token for this check's own client and subject with the given
// scopes: minted in cooperative mode, the supplied token otherwise (scopes then ignored). It
// skips the check when no token can be had, and when the positive control failed.
func (c *C) ValidToken(ctx context.Context, scopes ...string) string {
	cfg := c.run.cfg
	if cfg.Minter == nil && cfg.Token == "" {
		c.Skip("needs a valid access token: supply one (--token-env NAME) or run in cooperative mode (--mockas or --serve-mockas)")
	}
	c.requireControl(ctx)
	if cfg.Minter == nil {
		if len(scopes) > 0 {
			c.Note("supplied token used as is; requested scopes %v are not applied", scopes)
		}
		return cfg.Token
	}
	spec := mockas.TokenSpec{}
	if len(scopes) > 0 {
		spec.Scopes = scopes
	}
	return c.Mint(ctx, spec)
}

// Mint mints a token from spec, filling defaults: issuer of the minter, audience = the
// resource the target declares (preceded, as in a Scalekit token, by the res_… id the mockas
// registered for it, or its default one), subject and client_id unique to this check. It skips the
// check outside cooperative mode. A nil spec.Scopes means every advertised and declared
// scope; an empty non-nil slice means none.
func (c *C) Mint(ctx context.Context, spec mockas.TokenSpec) string {
	m := c.run.cfg.Minter
	if m == nil {
		c.Skip("needs cooperative mode (crafted tokens from a mockas the target trusts); no minter is configured")
	}
	if !c.isControl {
		// The positive control settles which typ the target accepts (see PositiveControl);
		// checks that do not depend on its verdict still mint after it has run.
		c.run.positiveControl(ctx)
	}
	spec = c.fillSpec(ctx, spec)
	tok, err := m.Mint(ctx, spec)
	if err != nil {
		c.abort("mint a token (defect %q): %v", spec.Defect, err)
	}
	c.addSecret(tok)
	return tok
}

// Forge crafts a token that needs no AS private key (alg none, HMAC key confusion, foreign
// key, unknown kid) from the published JWKS; it works in every mode and skips the check when
// no JWKS was discovered.
func (c *C) Forge(ctx context.Context, spec mockas.TokenSpec) string {
	d := c.Discover(ctx)
	if d.JWKS == nil {
		c.Skip("needs the authorization server's JWKS, which discovery did not find: %v", d.JWKSErr)
	}
	key, ok := firstRSASigningKey(d.JWKS)
	if !ok {
		c.Skip("the authorization server's JWKS (%s) has no RSA signing key", d.JWKSURL)
	}
	if spec.Issuer == "" {
		spec.Issuer = d.Issuer()
		if spec.Issuer == "" && len(d.AuthServers) > 0 {
			spec.Issuer = d.AuthServers[0]
		}
	}
	spec = c.fillSpec(ctx, spec)
	tok, err := mockas.Forge(spec, key, time.Now())
	if err != nil {
		c.abort("forge a token (defect %q): %v", spec.Defect, err)
	}
	c.addSecret(tok)
	return tok
}

// firstRSASigningKey returns the first RSA public key not reserved for encryption.
func firstRSASigningKey(set *jose.JSONWebKeySet) (jose.JSONWebKey, bool) {
	for _, k := range set.Keys {
		if k.Use == "enc" {
			continue
		}
		pub := k.Public()
		if _, ok := pub.Key.(*rsa.PublicKey); ok {
			return pub, true
		}
	}
	return jose.JSONWebKey{}, false
}
