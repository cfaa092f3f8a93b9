package scenarios

// Token validation (requirements catalogue §1D): negative tests RS-33…RS-49 and the positive
// control RS-50. Sources: MCP "Token Handling" (all versions: "Invalid or expired tokens MUST
// receive a HTTP 401 response"), OAuth 2.1 §5.2, RFC 6750 §3.1, RFC 7515, RFC 7519, RFC 8725 and
// RFC 9068 §4.
//
// Every negative sends the baseline MCP request with exactly one deliberately broken token and
// expects 401. The variants of one check are sent concurrently and judged afterwards, on the
// check goroutine. When a valid token can be had, each negative first makes sure the positive
// control passed, so a server that rejects every token is reported inconclusive, never passed.

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/jwtrule"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// tokenVariant is one token sent by a validation check and what came back.
type tokenVariant struct {
	name  string // what is wrong with the token, for messages
	token string
	resp  *check.Response
	err   error
}

// authBaseline is the baseline MCP request of the run's version (initialize up to 2025-11-25,
// tools/list in the stateless 2026-07-28 shape) carrying token.
func authBaseline(c *check.C, token string) check.Request {
	req := c.BaselineRequest()
	req.Authorization = check.Bearer(token)
	return req
}

// versionAtLeast compares dated MCP versions; "draft" counts as newer than every date.
func versionAtLeast(v, min string) bool {
	if v == "draft" {
		return true
	}
	return v >= min
}

// sendTokenVariants sends the baseline request once per variant, concurrently, and records
// each response. Only transport-level errors are collected; judging happens on the caller.
// C ends a check by panicking, which only its own goroutine may do (TryDo skips on a
// persistent 429): such an ending is caught in the sender and re-raised here.
func sendTokenVariants(ctx context.Context, c *check.C, vs []tokenVariant) {
	reqs := make([]check.Request, len(vs))
	for i := range vs {
		reqs[i] = authBaseline(c, vs[i].token)
	}
	endings := make([]any, len(vs))
	var wg sync.WaitGroup
	for i := range vs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { endings[i] = recover() }()
			vs[i].resp, vs[i].err = c.TryDo(ctx, reqs[i])
		}()
	}
	wg.Wait()
	for _, e := range endings {
		if e != nil {
			panic(e) // the check's ending, now on the check goroutine
		}
	}
}

// expectRejected asserts that every variant was answered 401. It returns the names of the
// variants whose 401 lacked error="invalid_token" (RFC 6750 §3.1: the RS SHOULD include it).
func expectRejected(c *check.C, vs []tokenVariant) (noErrorCode []string) {
	for _, v := range vs {
		if v.err != nil {
			c.Fail("sent the baseline request with %s: the request failed before a response arrived: %v", v.name, v.err)
		}
	}
	for _, v := range vs {
		c.Expect(v.resp).To(check.HaveStatus(http.StatusUnauthorized),
			"sent the baseline request with %s; expected 401 Unauthorized (the token is invalid)", v.name)
	}
	for _, v := range vs {
		if ch, ok := v.resp.BearerChallenge(); !ok || !paramIs(ch, "error", "invalid_token") {
			noErrorCode = append(noErrorCode, v.name)
		}
	}
	return noErrorCode
}

// paramIs reports whether the challenge carries the named param with exactly value.
func paramIs(ch check.Challenge, name, value string) bool {
	got, ok := ch.Param(name)
	return ok && got == value
}

// noteNoErrorCode records (without ending the check) which rejections lacked invalid_token.
func noteNoErrorCode(c *check.C, names []string) {
	if len(names) > 0 {
		c.Note("401 without error=\"invalid_token\" in the Bearer challenge for: %s (RFC 6750 §3.1 SHOULD; clients key token refresh on it)",
			strings.Join(names, ", "))
	}
}

// requirePositiveControl ends the check as skipped (inconclusive) when a valid token can be
// had but the positive control (RS-50) failed: a server that rejects every token would
// otherwise "pass" every negative. Without any valid token the negatives still run, and the
// detail says they prove less.
func requirePositiveControl(ctx context.Context, c *check.C) {
	cfg := c.Config()
	if cfg.Minter == nil && cfg.Token == "" {
		c.Note("no valid token available (anonymous mode): the positive control RS-50 could not run, so a 401 here does not prove that valid tokens are accepted")
		return
	}
	_ = c.ValidToken(ctx) // skips the check when the positive control failed
}

// randomB64 returns n random bytes, base64url without padding.
func randomB64(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return base64.RawURLEncoding.EncodeToString(b)
}

// b64JSON is base64url(JSON(v)) without padding.
func b64JSON(v any) string {
	seg, err := jwtrule.EncodeSegment(v)
	if err != nil {
		panic(fmt.Sprintf("scenarios: marshal constant JOSE object: %v", err)) // programmer error
	}
	return seg
}

// runMintedNegatives mints one token per spec (cooperative mode), sends them and asserts 401.
func runMintedNegatives(ctx context.Context, c *check.C, names []string, specs []mockas.TokenSpec) []tokenVariant {
	requirePositiveControl(ctx, c)
	vs := make([]tokenVariant, len(specs))
	for i, spec := range specs {
		c.Step("mint a token that is valid except: %s", names[i])
		vs[i] = tokenVariant{name: names[i], token: c.Mint(ctx, spec)}
	}
	c.Step("send the baseline request with each token (concurrently), expect 401")
	sendTokenVariants(ctx, c, vs)
	return vs
}

// runForgedNegatives forges one token per defect from the published JWKS, sends them and
// asserts 401.
func runForgedNegatives(ctx context.Context, c *check.C, defects ...mockas.Defect) []tokenVariant {
	requirePositiveControl(ctx, c)
	vs := make([]tokenVariant, len(defects))
	for i, d := range defects {
		c.Step("forge a token from the published JWKS with defect %q", d)
		vs[i] = tokenVariant{name: fmt.Sprintf("a forged token (defect %s)", d), token: c.Forge(ctx, mockas.TokenSpec{Defect: d})}
	}
	c.Step("send the baseline request with each token (concurrently), expect 401")
	sendTokenVariants(ctx, c, vs)
	return vs
}

func init() {
	// MCP 2025-11-25 §9.2 (same in 2025-03-26 "Token Handling", 2025-06-18 §2.6.2, 2026-07-28
	// index §9.2): "Invalid or expired tokens MUST receive a HTTP 401 response."
	// RFC 6750 §3.1: invalid_token — "The resource SHOULD respond with the HTTP 401 (Unauthorized) status code."
	check.Define("RS-33", check.Anonymous, func(ctx context.Context, c *check.C) {
		requirePositiveControl(ctx, c)
		c.Step("send the baseline request with a random 43-character opaque bearer token")
		vs := []tokenVariant{{name: "a random opaque token", token: randomB64(32)}}
		sendTokenVariants(ctx, c, vs)
		if missing := expectRejected(c, vs); len(missing) > 0 {
			c.Warn("the 401 for a random token carries no error=\"invalid_token\" (RFC 6750 §3.1: the resource server SHOULD include the error code; clients key token refresh on it); got %s",
				vs[0].resp.String())
		}
	})

	// MCP 2025-11-25 §9.2: "Invalid or expired tokens MUST receive a HTTP 401 response." A
	// structurally broken JWT is an invalid token; it must never surface as a server error.
	check.Define("RS-34", check.Anonymous, func(ctx context.Context, c *check.C) {
		requirePositiveControl(ctx, c)
		hdr := b64JSON(map[string]string{"alg": "RS256", "typ": "JWT"})
		pay := b64JSON(map[string]any{"sub": "mcp-conform", "exp": 4102444800})
		huge := hdr + "." + b64JSON(map[string]string{"pad": strings.Repeat("A", 48<<10)}) + "." + randomB64(256)
		vs := []tokenVariant{
			{name: "a JWT with two segments", token: hdr + "." + pay},
			{name: "a JWT whose segments are not base64url", token: "++++.////.~~~~"},
			{name: "a JWT whose header is not JSON", token: base64.RawURLEncoding.EncodeToString([]byte("not json")) + "." + pay + "." + randomB64(64)},
			{name: "a JWT whose payload is not JSON", token: hdr + "." + base64.RawURLEncoding.EncodeToString([]byte("not json")) + "." + randomB64(64)},
			{name: "a five-segment token (JWE shape)", token: b64JSON(map[string]string{"alg": "RSA-OAEP", "enc": "A256GCM"}) + "." + randomB64(256) + "." + randomB64(12) + "." + randomB64(64) + "." + randomB64(16)},
			{name: "a 64 KiB JWT", token: huge},
		}
		c.Step("send the baseline request with %d structurally broken tokens (concurrently)", len(vs))
		sendTokenVariants(ctx, c, vs)
		hugeV := vs[len(vs)-1]
		vs = vs[:len(vs)-1]
		noteNoErrorCode(c, expectRejected(c, vs))
		c.Step("judge the 64 KiB token: 401, or a 4xx that refuses the oversized header (400, 413, 431)")
		if hugeV.err != nil {
			c.Note("the 64 KiB token got no response (%v); a server may drop oversized headers", hugeV.err)
			return
		}
		c.Expect(hugeV.resp).To(check.HaveStatus(http.StatusUnauthorized, http.StatusBadRequest,
			http.StatusRequestEntityTooLarge, http.StatusRequestHeaderFieldsTooLarge),
			"sent the baseline request with %s; expected 401 (or 400/413/431 for the header size), never 2xx or 5xx", hugeV.name)
	})

	// RFC 9068 §4: "The resource server MUST reject any JWT in which the value of alg is none."
	// RFC 8725 §2.1 lists "alg":"none" acceptance among the attacks verifiers must prevent.
	check.Define("RS-35", check.Anonymous, func(ctx context.Context, c *check.C) {
		vs := runForgedNegatives(ctx, c, mockas.DefectAlgNone, mockas.DefectAlgNoneCapitalized,
			mockas.DefectAlgNoneUpper, mockas.DefectAlgNoneMixed, mockas.DefectAlgNoneNoDot)
		noteNoErrorCode(c, expectRejected(c, vs))
	})

	// RFC 8725 §3.1: "each key MUST be used with exactly one algorithm, and this MUST be checked
	// when the cryptographic operation is performed." RFC 9068 §4: the resource server "MUST
	// use the keys provided by the authorization server" — an HMAC over the public key is not.
	check.Define("RS-36", check.Anonymous, func(ctx context.Context, c *check.C) {
		vs := runForgedNegatives(ctx, c, mockas.DefectHS256JWK, mockas.DefectHS256SPKIPEM,
			mockas.DefectHS256SPKIPEMNoNewline, mockas.DefectHS256SPKIDER,
			mockas.DefectHS256PKCS1PEM, mockas.DefectHS256PKCS1DER)
		noteNoErrorCode(c, expectRejected(c, vs))
	})

	// RFC 9068 §4: "The resource server MUST validate the signature of all incoming JWT access
	// tokens according to [RFC7515] using the algorithm specified in the JWT 'alg' Header
	// Parameter. The resource server MUST use the keys provided by the authorization server."
	check.Define("RS-37", check.Anonymous, func(ctx context.Context, c *check.C) {
		vs := runForgedNegatives(ctx, c, mockas.DefectForeignKey, mockas.DefectUnknownKID)
		noteNoErrorCode(c, expectRejected(c, vs))
	})

	// RFC 9068 §4: "The resource server MUST use the keys provided by the authorization server."
	// RFC 8725 §3.1: the algorithm and key come from the verifier's configuration; a key the
	// token names for itself (jwk, jku, x5u) or a kid used as a file path must not be trusted.
	check.Define("RS-38", check.Anonymous, rs38KeyInjection)

	// RFC 7515 §4.1.1: alg "MUST be present"; RFC 8725 §2.1 lists signature stripping and
	// weak keys among the attacks; RFC 9068 §4: "The resource server MUST use the keys
	// provided by the authorization server" (an empty HMAC secret is none of them).
	check.Define("RS-66", check.Anonymous, rs66PlaybookTokens)

	// RFC 7515 §5.2 step 10: "If none of the validations in step 9 succeeded, then the JWS MUST
	// be considered invalid."; MCP 2025-11-25 §9.2: "Invalid or expired tokens MUST receive a
	// HTTP 401 response."
	check.Define("RS-39", check.NeedsToken, rs39TamperedSignature)

	// RFC 9068 §4: "The current time MUST be before the time represented by the exp claim.
	// Implementers MAY provide for some small leeway, usually no more than a few minutes, to
	// account for clock skew." MCP 2025-11-25 §9.2: "Invalid or expired tokens MUST receive a
	// HTTP 401 response."
	check.Define("RS-40", check.NeedsMinting, rs40Expired)

	// RFC 7519 §4.1.5: "The nbf (not before) claim identifies the time before which the JWT
	// MUST NOT be accepted for processing."
	check.Define("RS-41", check.NeedsMinting, rs41NotYetValid)

	// RFC 9068 §4: "The issuer identifier for the authorization server [...] MUST exactly match
	// the value of the iss claim." MCP 2025-11-25 §9.2: "MCP servers MUST only accept tokens
	// that are valid for use with their own resources."
	check.Define("RS-42", check.NeedsMinting, rs42Issuer)

	// MCP 2025-11-25 §9.2: "MCP servers MUST validate that access tokens were issued
	// specifically for them as the intended audience, according to RFC 8707 Section 2";
	// Security Best Practices "Token Passthrough": "MCP servers MUST NOT accept any tokens that
	// were not explicitly issued for the MCP server."
	check.Define("RS-43", check.NeedsMinting, rs43WrongAudience)

	// MCP 2025-11-25 §11.8 (Access Token Privilege Restriction): servers "MUST reject tokens
	// that do not include them in the audience claim or otherwise verify that they are the
	// intended recipient of the token."
	check.Define("RS-44", check.NeedsMinting, func(ctx context.Context, c *check.C) {
		vs := runMintedNegatives(ctx, c, []string{"a token without an aud claim"},
			[]mockas.TokenSpec{{Defect: mockas.DefectNoAudience}})
		nameAudiences(vs)
		noteNoErrorCode(c, expectRejected(c, vs))
	})

	// RFC 9068 §4: "The resource server MUST validate that the aud claim contains a resource
	// indicator value corresponding to an identifier the resource server expects for itself."
	// RFC 7519 §4.1.3: aud is an array of strings, or a single string.
	check.Define("RS-45", check.NeedsMinting, rs45AudienceForms)

	// RFC 9068 §4: "The resource server MUST verify that the typ header value is at+jwt or
	// application/at+jwt and reject tokens carrying any other value." (Applies only to servers
	// implementing the RFC 9068 profile, which MCP does not mandate: recorded, never judged.)
	check.Define("RS-46", check.NeedsMinting, rs46Typ)

	// RFC 9068 §2.2: "exp REQUIRED". A token that never expires defeats revocation by expiry.
	check.Define("RS-47", check.NeedsMinting, func(ctx context.Context, c *check.C) {
		vs := runMintedNegatives(ctx, c, []string{"a token without an exp claim"},
			[]mockas.TokenSpec{{Defect: mockas.DefectNoExpiry}})
		noteNoErrorCode(c, expectRejected(c, vs))
	})

	// MCP 2025-06-18 §2.5.1.1: "implementations SHOULD accept uppercase scheme and host
	// components" (written for the resource parameter; whether it applies to aud comparison is
	// unconfirmed, so this only records behaviour).
	check.Define("RS-48", check.NeedsMinting, rs48AudienceCase)

	// RFC 7515 §4.1.11: "If any of the listed extension Header Parameters are not understood
	// and supported by the recipient, then the JWS is invalid."
	check.Define("RS-49", check.NeedsMinting, func(ctx context.Context, c *check.C) {
		vs := runMintedNegatives(ctx, c, []string{"a token listing an unknown extension in crit"},
			[]mockas.TokenSpec{{Defect: mockas.DefectCritUnknown}})
		noteNoErrorCode(c, expectRejected(c, vs))
	})

	// Positive control (requirements catalogue §1D RS-50; MCP 2025-11-25 §9.2: servers "MUST
	// validate access tokens as described in OAuth 2.1 Section 5.2", which includes accepting
	// valid ones): the baseline request with a valid token must get a 2xx JSON-RPC result,
	// otherwise no rejection above proves anything. The framework's probe is reused so that the
	// control every negative depends on and the reported RS-50 are the same code.
	check.Define("RS-50", check.NeedsToken, check.PositiveControl)
}

// rs38KeyInjection sends tokens that bring their own verification key (embedded jwk, jku,
// x5u pointing at a listener the tool runs) or use kid as a path (HS256 with an empty key).
// Any status but 401 is a violation; a fetch of the jku/x5u URL while every token is
// rejected warns (RFC 8725 §3.1: keys come from the verifier's configuration; fetching a
// token-supplied URL is SSRF, one step from trusting it).
func rs38KeyInjection(ctx context.Context, c *check.C) {
	requirePositiveControl(ctx, c)
	d := c.Discover(ctx)
	c.Step("generate a tester RSA key and start a loopback listener serving it as a JWKS (jku) and a certificate (x5u)")
	inj, err := newKeyInjector(d)
	if err != nil {
		c.Skip("cannot prepare the key-injection tokens: %v", err)
	}
	defer inj.close()
	vs := inj.variants()
	c.Step("send the baseline request with %d key-injection tokens (concurrently), expect 401 and no fetch of the tester URLs", len(vs))
	sendTokenVariants(ctx, c, vs)
	noteNoErrorCode(c, expectRejected(c, vs))
	if hits := inj.fetched(); len(hits) > 0 {
		c.Warn("the server fetched the token-supplied key URL(s) %s while validating tokens whose jku/x5u header points at the tester's listener (all tokens were still rejected with 401): "+
			"it requests any URL a token names (SSRF), and keys should come only from the authorization server's published JWKS",
			strings.Join(hits, ", "))
	}
}

// rs66PlaybookTokens sends the tokens of jwt_tool's playbook that RS-35…RS-39 do not:
// HS256 with an empty key, no alg at all, and RS256 with a null signature, all with claims
// that would otherwise be valid.
func rs66PlaybookTokens(ctx context.Context, c *check.C) {
	requirePositiveControl(ctx, c)
	k, err := newKeyInjector(c.Discover(ctx))
	if err != nil {
		c.Skip("cannot prepare the playbook tokens: %v", err)
	}
	k.close() // no listener needed: only the claims and the AS kid
	noAlg := b64JSON(map[string]any{"typ": "JWT", "kid": k.asKID}) + "." + b64JSON(k.claims)
	rs256 := b64JSON(map[string]any{"alg": "RS256", "typ": "JWT", "kid": k.asKID}) + "." + b64JSON(k.claims)
	vs := []tokenVariant{
		{name: "an HS256 token with the authorization server's kid MACed with an empty key",
			token: k.hs256(map[string]any{"alg": "HS256", "typ": "JWT", "kid": k.asKID}, nil)},
		{name: "an HS256 token without kid MACed with an empty key",
			token: k.hs256(map[string]any{"alg": "HS256", "typ": "JWT"}, nil)},
		{name: "a token whose header has no alg, unsigned", token: noAlg + "."},
		{name: "a token whose header has no alg, with a random signature", token: noAlg + "." + randomB64(256)},
		{name: "an RS256 token with the authorization server's kid and a null (empty) signature", token: rs256 + "."},
	}
	c.Step("send the baseline request with %d playbook tokens (concurrently), expect 401", len(vs))
	sendTokenVariants(ctx, c, vs)
	noteNoErrorCode(c, expectRejected(c, vs))
}

// rs39TamperedSignature alters a valid token: payload changed after signing, signature
// removed, signature truncated. The valid token's own acceptance is the positive control.
func rs39TamperedSignature(ctx context.Context, c *check.C) {
	c.Step("obtain a valid token for this check")
	tok := c.ValidToken(ctx)
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[2] == "" {
		c.Skip("the valid token is not a signed JWS in compact serialization (%d segments); no signature to tamper with", len(parts))
	}
	altered, err := alterPayload(parts[1])
	if err != nil {
		c.Skip("the valid token's payload is not a base64url JSON object, cannot alter it: %v", err)
	}
	sig := parts[2]
	vs := []tokenVariant{
		{name: "the valid token with its payload altered after signing (sub changed)", token: parts[0] + "." + altered + "." + sig},
		{name: "the valid token with its signature removed (trailing dot kept)", token: parts[0] + "." + parts[1] + "."},
		{name: "the valid token with its signature truncated to half", token: parts[0] + "." + parts[1] + "." + sig[:len(sig)/2]},
	}
	c.Step("send the baseline request with each tampered token (concurrently), expect 401")
	sendTokenVariants(ctx, c, vs)
	noteNoErrorCode(c, expectRejected(c, vs))
}

// alterPayload decodes a base64url JSON object, changes sub (or adds it) and re-encodes it.
func alterPayload(seg string) (string, error) {
	claims, err := jwtrule.DecodeSegment(strings.TrimRight(seg, "="))
	if err != nil {
		return "", fmt.Errorf("decode payload: %w", err)
	}
	sub, _ := claims["sub"].(string)
	claims["sub"] = sub + "-tampered"
	return jwtrule.EncodeSegment(claims)
}

// rs40Expired sends a token expired 10 minutes ago (must be 401) and one expired 30 s ago
// (leeway: behaviour recorded only).
func rs40Expired(ctx context.Context, c *check.C) {
	now := unixNow()
	vs := runMintedNegatives(ctx, c,
		[]string{"a token that expired in the past (defect expired)", "a token with exp 10 minutes ago"},
		[]mockas.TokenSpec{
			{Defect: mockas.DefectExpired},
			{Claims: map[string]any{"iat": now - 900, "nbf": now - 900, "exp": now - 600}},
		})
	c.Step("send a token that expired 30 seconds ago (leeway: recorded, not judged)")
	leeway := []tokenVariant{{name: "a token with exp 30 seconds ago",
		token: c.Mint(ctx, mockas.TokenSpec{Claims: map[string]any{"iat": now - 330, "nbf": now - 330, "exp": now - 30}})}}
	sendTokenVariants(ctx, c, leeway)
	missing := expectRejected(c, vs)
	switch {
	case leeway[0].err != nil:
		c.Note("leeway probe (exp = now-30s) failed to send: %v", leeway[0].err)
	case leeway[0].resp.Status/100 == 2:
		c.Note("leeway: a token expired 30 s ago was accepted (%d); RFC 9068 §4 allows a small leeway", leeway[0].resp.Status)
	default:
		c.Note("leeway: a token expired 30 s ago was rejected (%d): clock-skew leeway, if any, is under 30 s", leeway[0].resp.Status)
	}
	if len(missing) > 0 {
		c.Warn("expired tokens were rejected with 401 but without error=\"invalid_token\" (RFC 6750 §3.1 SHOULD) for: %s; clients rely on it to refresh. Got %s",
			strings.Join(missing, ", "), vs[0].resp.String())
	}
}

// rs41NotYetValid sends a token with nbf 10 minutes ahead; iat in the future is recorded only.
func rs41NotYetValid(ctx context.Context, c *check.C) {
	now := unixNow()
	vs := runMintedNegatives(ctx, c,
		[]string{"a token that is not yet valid (defect not_yet_valid)", "a token with nbf 10 minutes ahead"},
		[]mockas.TokenSpec{
			{Defect: mockas.DefectNotYetValid},
			{Claims: map[string]any{"nbf": now + 600}},
		})
	c.Step("send a token whose iat is 10 minutes ahead but nbf is now (no MUST: recorded only)")
	iat := []tokenVariant{{name: "a token with iat 10 minutes ahead",
		token: c.Mint(ctx, mockas.TokenSpec{Claims: map[string]any{"iat": now + 600, "nbf": now - 5}})}}
	sendTokenVariants(ctx, c, iat)
	noteNoErrorCode(c, expectRejected(c, vs))
	if iat[0].err == nil {
		c.Note("iat 10 minutes ahead (nbf now): answered %d (no requirement; recorded only)", iat[0].resp.Status)
	}
}

// rs42Issuer sends a trusted-key token with a foreign iss, and a token minted by a second,
// untrusted mockas (its own key and issuer) for this server's audience.
func rs42Issuer(ctx context.Context, c *check.C) {
	requirePositiveControl(ctx, c)
	resource := c.Discover(ctx).Resource
	c.Step("mint a token signed by the trusted key but with a foreign iss (defect wrong_issuer)")
	vs := []tokenVariant{{name: "a token with iss of another issuer, signed by the trusted key",
		token: c.Mint(ctx, mockas.TokenSpec{Defect: mockas.DefectWrongIssuer})}}
	c.Step("start a second, untrusted mockas on loopback and mint a token for %s from it", resource)
	untrusted := mockas.NewServer()
	defer untrusted.Close()
	tok, err := untrusted.Mint(mockas.TokenSpec{Audience: []string{resource},
		Subject: "mcp-conform-untrusted", ClientID: "mcp-conform-untrusted"})
	if err != nil {
		c.Fail("minting with the untrusted mockas failed (tool error, not a server violation): %v", err)
	}
	vs = append(vs, tokenVariant{name: "a token from an untrusted authorization server (" + untrusted.Issuer() + ")", token: tok})
	c.Step("send the baseline request with each token (concurrently), expect 401")
	sendTokenVariants(ctx, c, vs)
	noteNoErrorCode(c, expectRejected(c, vs))
}

// rs43WrongAudience sends tokens for other audiences: another resource (defect), a sibling
// path of this server's resource (catches prefix matching), and a client_id (ID-token shape).
func rs43WrongAudience(ctx context.Context, c *check.C) {
	resource := c.Discover(ctx).Resource
	names := []string{"a token for another resource (defect wrong_audience)",
		"a token whose aud is the client_id (ID-token shape)"}
	specs := []mockas.TokenSpec{{Defect: mockas.DefectWrongAudience},
		{ClientID: "mcp-conform-idtoken-client", Audience: []string{"mcp-conform-idtoken-client"}}}
	if sib, ok := siblingResource(resource); ok {
		names = append(names, "a token for the sibling resource "+sib+" (prefix of it is this server's resource)")
		specs = append(specs, mockas.TokenSpec{Audience: []string{sib}})
	}
	vs := runMintedNegatives(ctx, c, names, specs)
	nameAudiences(vs)
	noteNoErrorCode(c, expectRejected(c, vs))
}

// nameAudiences appends to each variant's name the aud it carried, so that every
// audience-related message shows what was sent.
func nameAudiences(vs []tokenVariant) {
	for i := range vs {
		if aud := check.TokenAudience(vs[i].token); aud != nil {
			vs[i].name += ", aud " + check.FormatAudience(aud)
		} else {
			vs[i].name += ", no aud claim"
		}
	}
}

// siblingResource is resource with "-other" appended to its path: a different resource whose
// identifier starts with this one's. Origin-only resources have no such sibling.
func siblingResource(resource string) (string, bool) {
	u, err := parseHTTPURL(resource)
	if err != nil || u.Path == "" || u.Path == "/" {
		return "", false
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "-other"
	return u.String(), true
}

// rs45AudienceForms: aud as a one-element array and as a string must both be accepted (the
// array form is what Scalekit emits; RFC 7519 allows the string form). A multi-valued aud
// containing this server is recorded only.
func rs45AudienceForms(ctx context.Context, c *check.C) {
	requirePositiveControl(ctx, c)
	resource := c.Discover(ctx).Resource
	c.Step("mint valid tokens with aud = [%q], aud = %q (string) and aud = [other, %q]", resource, resource, resource)
	vs := []tokenVariant{
		{name: "a valid token with aud as a one-element array", token: c.Mint(ctx, mockas.TokenSpec{Audience: []string{resource}})},
		{name: "a valid token with aud as a string", token: c.Mint(ctx, mockas.TokenSpec{Audience: []string{resource}, AudienceAsString: true})},
		{name: "a valid token with aud = [another resource, this resource]",
			token: c.Mint(ctx, mockas.TokenSpec{Audience: []string{"https://api.mcp-conform.invalid/other", resource}})},
	}
	nameAudiences(vs)
	c.Step("send the baseline request with each token (concurrently), expect 2xx")
	sendTokenVariants(ctx, c, vs)
	for _, v := range vs {
		if v.err != nil {
			c.Fail("sent the baseline request with %s: no response: %v", v.name, v.err)
		}
	}
	if one := vs[0].resp; one.Status/100 != 2 {
		// The positive control passed with the default audience (a Scalekit token names the
		// resource id res_… and the URL): a server that refuses the URL alone expects the
		// other value for itself, which RFC 9068 §4 leaves to it ("an identifier the resource
		// server expects for itself"). Correct behind Scalekit, whose tokens always carry the
		// id; refused by any other authorization server: a WARN, not a FAIL.
		control := check.TokenAudience(c.Mint(ctx, mockas.TokenSpec{}))
		if len(control) > 1 {
			var others []string
			for _, a := range control {
				if a != resource {
					others = append(others, a)
				}
			}
			c.Warn("sent the baseline request with %s; got %s. The positive control's token, aud %s, was accepted: "+
				"the server seems to accept only %s, which works with an authorization server that always adds it "+
				"(Scalekit does) and with no other. Accept the resource of its PRM document, %q, as well: MCP clients "+
				"request tokens for that URL (RFC 8707).", vs[0].name, one.String(), check.FormatAudience(control),
				check.FormatAudience(others), resource)
		} else {
			c.Fail("sent the baseline request with %s; expected 2xx (aud contains this server's identifier, the resource "+
				"of its PRM document); got %s", vs[0].name, one.String())
		}
	}
	if multi := vs[2].resp; multi.Status/100 != 2 {
		c.Note("a token whose aud lists another resource besides this one was refused (%d); allowed by policy, recorded only", multi.Status)
	}
	if str := vs[1].resp; str.Status/100 != 2 {
		c.Warn("sent %s; expected 2xx (RFC 7519 §4.1.3 allows aud as a single string), got %s", vs[1].name, str.String())
	}
}

// successStatuses are the answers that mean "the request got through authentication".
func successStatuses() []int {
	return []int{http.StatusOK, http.StatusCreated, http.StatusAccepted, http.StatusNoContent}
}

// rs46Typ records whether typ JWT and typ at+jwt are accepted.
func rs46Typ(ctx context.Context, c *check.C) {
	// No positive-control gate: a server that refuses typ JWT also fails the control when the
	// control's tokens are typ JWT, and that refusal is exactly what this check records.
	c.Step("mint valid tokens that differ only in the typ header: JWT and at+jwt")
	vs := []tokenVariant{
		{name: "typ JWT", token: c.Mint(ctx, mockas.TokenSpec{Type: "JWT"})},
		{name: "typ at+jwt", token: c.Mint(ctx, mockas.TokenSpec{Type: "at+jwt"})},
	}
	sendTokenVariants(ctx, c, vs)
	c.Info("%s; %s (RFC 9068 §4 requires rejecting typ other than at+jwt only for servers implementing that profile, which MCP does not mandate)",
		describeAcceptance(c, vs[0]), describeAcceptance(c, vs[1]))
}

// describeAcceptance says whether a variant was accepted, for INFO details.
func describeAcceptance(c *check.C, v tokenVariant) string {
	if v.err != nil {
		c.Fail("sent the baseline request with %s: no response: %v", v.name, v.err)
	}
	if v.resp.Status/100 == 2 {
		return fmt.Sprintf("%s accepted (%d)", v.name, v.resp.Status)
	}
	return fmt.Sprintf("%s rejected (%d)", v.name, v.resp.Status)
}

// rs48AudienceCase records whether aud values differing only in scheme/host case or a
// trailing slash are accepted.
func rs48AudienceCase(ctx context.Context, c *check.C) {
	requirePositiveControl(ctx, c)
	resource := c.Discover(ctx).Resource
	u, err := parseHTTPURL(resource)
	if err != nil {
		c.Skip("the resource identifier %q is not an http(s) URL; no case variants to try", resource)
	}
	upper := strings.ToUpper(u.Scheme) + "://" + strings.ToUpper(u.Host) + u.EscapedPath()
	slash := strings.TrimSuffix(resource, "/") + "/"
	if strings.HasSuffix(resource, "/") {
		slash = strings.TrimSuffix(resource, "/")
	}
	c.Step("mint valid tokens with aud %q (upper-case scheme and host) and %q (trailing slash toggled)", upper, slash)
	vs := []tokenVariant{
		{name: "aud " + upper, token: c.Mint(ctx, mockas.TokenSpec{Audience: []string{upper}})},
		{name: "aud " + slash, token: c.Mint(ctx, mockas.TokenSpec{Audience: []string{slash}})},
	}
	sendTokenVariants(ctx, c, vs)
	c.Info("resource %q: %s; %s", resource, describeAcceptance(c, vs[0]), describeAcceptance(c, vs[1]))
}

// unixNow is the tool's clock in seconds; crafted time claims are relative to it, since the
// server under test judges them against real time.
func unixNow() int64 { return time.Now().Unix() }

// parseHTTPURL parses an absolute http(s) URL.
func parseHTTPURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	return u, nil
}

// keyInjector crafts tokens that carry or point to their own key, signed by a tester key, and
// serves that key on a loopback listener to observe whether the server fetches it.
type keyInjector struct {
	key    *rsa.PrivateKey
	kid    string
	asKID  string
	cert   []byte // DER of a self-signed certificate for key
	claims map[string]any
	base   string
	srv    *http.Server

	mu   sync.Mutex
	hits []string
}

// newKeyInjector prepares the tester key, the claim set (derived from discovery so that only
// the key is wrong) and the listener.
func newKeyInjector(d *check.Discovery) (*keyInjector, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate tester key: %w", err)
	}
	k := &keyInjector{key: key, kid: "mcp-conform-" + randomB64(6)}
	k.asKID = k.kid
	if d.JWKS != nil && len(d.JWKS.Keys) > 0 && d.JWKS.Keys[0].KeyID != "" {
		k.asKID = d.JWKS.Keys[0].KeyID
	}
	iss, _ := d.ASMetadata["issuer"].(string)
	if iss == "" && len(d.AuthServers) > 0 {
		iss = d.AuthServers[0]
	}
	now := unixNow()
	k.claims = map[string]any{"iss": iss, "aud": []string{d.Resource}, "sub": "mcp-conform", "client_id": "mcp-conform",
		"scope": strings.Join(d.Scopes, " "), "iat": now, "nbf": now, "exp": now + 300, "jti": randomB64(16)}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mcp-conform tester key"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	if k.cert, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key); err != nil {
		return nil, fmt.Errorf("self-sign tester certificate: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for jku/x5u fetches: %w", err)
	}
	k.base = "http://" + ln.Addr().String()
	k.srv = &http.Server{Handler: http.HandlerFunc(k.serve), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = k.srv.Serve(ln) }()
	return k, nil
}

// serve answers jku/x5u fetches with the tester key and records them.
func (k *keyInjector) serve(w http.ResponseWriter, r *http.Request) {
	k.mu.Lock()
	k.hits = append(k.hits, k.base+r.URL.Path)
	k.mu.Unlock()
	switch r.URL.Path {
	case "/jwks.json":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{k.publicJWK(k.kid)}})
	case "/cert.pem":
		w.Header().Set("Content-Type", "application/x-pem-file")
		_ = pem.Encode(w, &pem.Block{Type: "CERTIFICATE", Bytes: k.cert})
	default:
		http.NotFound(w, r)
	}
}

func (k *keyInjector) publicJWK(kid string) jose.JSONWebKey {
	return jose.JSONWebKey{Key: &k.key.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"}
}

func (k *keyInjector) close() { _ = k.srv.Close() }

// fetched lists the tester URLs the server requested.
func (k *keyInjector) fetched() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.hits...)
}

// variants builds the key-injection tokens.
func (k *keyInjector) variants() []tokenVariant {
	pay := b64JSON(k.claims)
	rs256 := func(header map[string]any) string {
		in := b64JSON(header) + "." + pay
		sum := sha256.Sum256([]byte(in))
		sig, err := rsa.SignPKCS1v15(rand.Reader, k.key, crypto.SHA256, sum[:])
		if err != nil {
			panic(fmt.Sprintf("scenarios: RS256 sign with a freshly generated key: %v", err)) // cannot happen
		}
		return in + "." + base64.RawURLEncoding.EncodeToString(sig)
	}
	traversal := b64JSON(map[string]any{"alg": "HS256", "typ": "JWT", "kid": "../../../../../../../../../../dev/null"}) + "." + pay
	mac := hmac.New(sha256.New, nil)
	mac.Write([]byte(traversal))
	return []tokenVariant{
		{name: "a token signed by a tester key embedded in its jwk header (kid of the AS)",
			token: rs256(map[string]any{"alg": "RS256", "typ": "JWT", "kid": k.asKID, "jwk": k.publicJWK(k.asKID)})},
		{name: "a token signed by a tester key whose jku header points at the tester's JWKS " + k.base + "/jwks.json",
			token: rs256(map[string]any{"alg": "RS256", "typ": "JWT", "kid": k.kid, "jku": k.base + "/jwks.json"})},
		{name: "a token signed by a tester key whose x5u header points at the tester's certificate " + k.base + "/cert.pem",
			token: rs256(map[string]any{"alg": "RS256", "typ": "JWT", "kid": k.kid, "x5u": k.base + "/cert.pem"})},
		{name: "a token signed by a tester key whose self-signed certificate is embedded in x5c",
			token: rs256(map[string]any{"alg": "RS256", "typ": "JWT", "kid": k.kid, "x5c": []string{base64.StdEncoding.EncodeToString(k.cert)}})},
		{name: "an HS256 token with kid ../../(…)/dev/null MACed with an empty key",
			token: traversal + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))},
		{name: "an HS256 token with kid ' OR '1'='1 MACed with an empty key",
			token: k.hs256(map[string]any{"alg": "HS256", "typ": "JWT", "kid": "' OR '1'='1"}, nil)},
		{name: "an HS256 token with kid x' UNION SELECT 'mcp-conform' -- MACed with mcp-conform",
			token: k.hs256(map[string]any{"alg": "HS256", "typ": "JWT", "kid": "x' UNION SELECT 'mcp-conform' -- "}, []byte("mcp-conform"))},
	}
}

// hs256 returns the tester claims under header, MACed with HS256 and key.
func (k *keyInjector) hs256(header map[string]any, key []byte) string {
	in := b64JSON(header) + "." + b64JSON(k.claims)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
