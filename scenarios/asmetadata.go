package scenarios

// What the authorization server the target names publishes (area "as"), read from the
// discovery chain: RS-73, PKCE with S256 in its metadata (MCP 2025-11-25 Security
// Considerations, RFC 8414 §2, OAuth 2.1 §4.1.1); RS-74, no private key material in its JWKS
// (RFC 7517 §7, RFC 7518 §6).

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/jwtrule"
)

func init() {
	// MCP 2025-11-25: "If code_challenge_methods_supported is absent, the authorization
	// server does not support PKCE and MCP clients MUST refuse to proceed." "Authorization
	// servers providing OpenID Connect Discovery 1.0 MUST include
	// code_challenge_methods_supported in their metadata". OAuth 2.1 §4.1.1: S256 "is
	// Mandatory To Implement (MTI) on the server".
	check.Define("RS-73", check.Anonymous, rs73PKCE)
	// RFC 7517 §7: "Access to JWKs containing non-public key material by parties without
	// legitimate access to the non-public information MUST be prevented."
	check.Define("RS-74", check.Anonymous, rs74JWKSPrivateKeys)
}

// rs73PKCE reads code_challenge_methods_supported in the metadata the chain found.
func rs73PKCE(ctx context.Context, c *check.C) {
	d := c.Discover(ctx)
	if d.ASMetadata == nil {
		c.Skip("no authorization server metadata was discovered (see RS-19): %v", d.ASErr)
	}
	c.Step("read code_challenge_methods_supported in %s", d.ASMetadataURL)
	raw, present := d.ASMetadata["code_challenge_methods_supported"]
	if !present {
		oidc := strings.Contains(d.ASMetadataURL, "/.well-known/openid-configuration")
		if oidc && c.SpecVersion() >= check.Version20251125 {
			c.Fail("the authorization server's OpenID Connect metadata (%s) has no code_challenge_methods_supported, which MCP %s requires of authorization servers providing OpenID Connect Discovery; "+
				"MCP clients must refuse to proceed, so none can obtain a token for this server", d.ASMetadataURL, c.SpecVersion())
		}
		c.Warn("the authorization server's metadata (%s) has no code_challenge_methods_supported: RFC 8414 §2 reads that as no PKCE support, and MCP 2025-11-25 clients must then refuse to proceed, "+
			"so they cannot obtain a token for this server (the member is OPTIONAL in RFC 8414, so this is not a proven violation)", d.ASMetadataURL)
	}
	arr, isArr := raw.([]any)
	methods := make([]string, 0, len(arr))
	for _, v := range arr {
		s, ok := v.(string)
		if !ok {
			isArr = false
			break
		}
		methods = append(methods, s)
	}
	switch {
	case !isArr:
		c.Fail("code_challenge_methods_supported in %s must be a JSON array of strings (RFC 8414 §2); got %s: clients cannot tell whether PKCE with S256 is supported",
			d.ASMetadataURL, jsonText(raw))
	case !slices.Contains(methods, "S256"):
		c.Fail("code_challenge_methods_supported in %s is %s, without S256: OAuth 2.1 §4.1.1 makes S256 mandatory to implement on the authorization server, and MCP clients must use it",
			d.ASMetadataURL, jsonText(raw))
	}
	c.Note("code_challenge_methods_supported %s", jsonText(raw))
}

// rs74JWKSPrivateKeys looks for private and symmetric JWK members in the raw JWKS the chain
// fetched. The values are never printed; the evidence redacts them (safe.Redact).
func rs74JWKSPrivateKeys(ctx context.Context, c *check.C) {
	d := c.Discover(ctx)
	if d.JWKS == nil && len(d.JWKSPrivate) == 0 {
		c.Skip("no JWKS was fetched from the authorization server: %v", d.JWKSErr)
	}
	c.Step("look for private and symmetric key members (%s) in %s", strings.Join(jwtrule.PrivateJWKMembers(), ", "), d.JWKSURL)
	if len(d.JWKSPrivate) > 0 {
		leaks := make([]string, len(d.JWKSPrivate))
		for i, l := range d.JWKSPrivate {
			leaks[i] = l.String()
		}
		c.Fail("the authorization server's public JWKS (%s) publishes private key material (RFC 7517 §7): %s; anyone who reads it can sign tokens this server would accept. "+
			"Publish only public keys, and rotate these: they are compromised", d.JWKSURL, strings.Join(leaks, "; "))
	}
	c.Note("%d key(s), all public", len(d.JWKS.Keys))
}

// jsonText renders a decoded JSON value as JSON, e.g. ["S256"].
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}
