package mockas

// This file implements Mint: access tokens for tests, valid or with exactly one deliberate
// defect (see Defect), signed with this instance's keys. The defects that need no private
// key are crafted by the same code as Forge.

import (
	"fmt"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/mcp-conform/mcp-conform/conformance/jwtrule"
)

// Mint returns an access token described by spec, signed by this instance (with the
// unpublished key while SignWithUnpublishedKey is on). Zero fields default to: iss =
// TokenIssuer(); aud = [default resource id] plus its server URL when configured; sub =
// client_id = "mockas-test-client" (a set client_id also becomes sub); lifetime =
// Lifetimes.AccessToken; typ "JWT"; iat = nbf = the instance clock; jti "tkn_<digits>".
//
// The token is recorded, decoded, among IssuedTokens with source "mint".
func (h *Handler) Mint(spec TokenSpec) (string, error) {
	tok, err := h.mint(spec)
	if err != nil {
		return "", err
	}
	h.recordIssued(tok, "mint", spec.Defect, h.Now())
	return tok, nil
}

// mint is Mint without the record.
func (h *Handler) mint(spec TokenSpec) (string, error) {
	if !spec.Defect.Known() {
		return "", fmt.Errorf("%w: %q", ErrUnknownDefect, spec.Defect)
	}
	if spec.Lifetime < 0 {
		return "", fmt.Errorf("%w: negative lifetime", ErrInvalidSpec)
	}
	res := h.cfg.Resources[0]
	if spec.Issuer == "" {
		spec.Issuer = h.tokenIssuer(res.ID)
	}
	if len(spec.Audience) == 0 {
		spec.Audience = baseAudience(res)
	}
	spec = specDefaults(spec)
	lifetime := time.Duration(spec.Lifetime)
	if lifetime == 0 {
		lifetime = time.Duration(h.cfg.Lifetimes.AccessToken)
	}
	now := h.Now()
	claims := specClaims(spec, now, lifetime)

	h.mu.Lock()
	signer, active := h.keys.signer(), h.keys.active
	if spec.KeyID != "" {
		signer = h.keys.publishedKey(spec.KeyID)
	}
	h.mu.Unlock()
	if signer == nil {
		return "", fmt.Errorf("%w: kid %q is not a published key", ErrInvalidSpec, spec.KeyID)
	}

	if spec.Defect.Forgeable() {
		return forge(spec, claims, active.jwk, h.foreignSigner)
	}
	header := specHeader(spec, signer.kid)
	if spec.Defect == DefectCritUnknown {
		// RFC 7515 §4.1.11: "If any of the listed extension Header Parameters are not
		// understood and supported by the recipient, then the JWS is invalid."
		header["crit"] = []string{UnknownCriticalHeader}
		header[UnknownCriticalHeader] = true
	}
	tok, err := signCompact(header, claims, rsaSigner{priv: signer.priv, name: "RS256"})
	if err != nil {
		return "", err
	}
	switch spec.Defect {
	case DefectBadSignature:
		return tamper(tok, claims)
	case DefectTruncatedSignature:
		i := strings.LastIndexByte(tok, '.')
		sig := tok[i+1:]
		return tok[:i+1] + sig[:len(sig)/2], nil
	}
	return tok, nil
}

// tamper replaces the payload of a signed token with an altered one, keeping the
// signature (RFC 7515 §5.2 validation must then fail).
func tamper(tok string, claims map[string]any) (string, error) {
	parts := strings.SplitN(tok, ".", 3)
	claims["sub"] = fmt.Sprint(claims["sub"]) + "-tampered"
	p, err := jwtrule.EncodeSegment(claims)
	if err != nil {
		return "", err
	}
	return parts[0] + "." + p + "." + parts[2], nil
}

// foreignSigner returns the instance's cached foreign RSA key (generated on first use).
func (h *Handler) foreignSigner(jose.JSONWebKey) (jwsSigner, error) {
	h.mu.Lock()
	f := h.keys.foreign
	h.mu.Unlock()
	if f == nil {
		sk, err := generateSigningKey()
		if err != nil {
			return nil, err
		}
		h.mu.Lock()
		if h.keys.foreign == nil {
			h.keys.foreign = sk
		}
		f = h.keys.foreign
		h.mu.Unlock()
	}
	return rsaSigner{priv: f.priv, name: "RS256"}, nil
}

// baseAudience is [RES] plus the resource's server URL when configured (Scalekit's aud).
func baseAudience(r Resource) []string { return jwtrule.ScalekitAudience(r.ID, r.ServerURL) }
