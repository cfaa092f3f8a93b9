package main

// This file prints the checks of "token inspect": the token's format, header, iss, aud, exp,
// nbf, iat and scopes, one verdict line each. The rules themselves are conformance/jwtrule's,
// the ones the checks and mockas use.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/jwtrule"
)

// inspection is one "token inspect" run.
type inspection struct {
	flags tokenFlags
	out   io.Writer
	now   time.Time
	r     *verdictLog

	tok *jwtrule.Token // decoded (unverified), once decode succeeded
}

// run decodes and checks tok, printing as it goes. An error means the issuer could not be
// reached (exit 2); everything else is a verdict line.
func (in *inspection) run(ctx context.Context, tok string) error {
	r := in.r
	if !in.decode(tok) {
		return nil
	}
	fmt.Fprintf(in.out, "\nchecks (now %s, this machine's clock)\n", in.now.UTC().Format(time.RFC3339))
	r.line(verdictOK, "format     three base64url segments holding JSON")
	algErr := jwtrule.CheckAlg(in.tok.HeaderString("alg"), jwtrule.Algorithms())
	if algErr == nil {
		r.line(verdictOK, "alg        %s (allowed: %s)", in.tok.HeaderString("alg"), jwtrule.AlgList(jwtrule.Algorithms()))
	} else {
		r.line(verdictFail, "alg        %v", algErr)
	}
	in.checkHeader()
	if err := in.checkSignature(ctx, tok, algErr == nil); err != nil {
		return err
	}
	in.checkIssuer()
	in.checkAudience()
	in.checkTimes()
	in.checkScopes()
	return nil
}

// decode prints the header and the claims; it reports a FAIL and returns false when tok is
// not a JWS compact serialization holding JSON.
func (in *inspection) decode(tok string) bool {
	t, err := jwtrule.Decode(tok)
	if t != nil {
		fmt.Fprintf(in.out, "header\n%s\n", indentJSON(t.Header))
	}
	if err != nil {
		in.r.line(verdictFail, "format     %v", err)
		return false
	}
	in.tok = t
	fmt.Fprintf(in.out, "claims\n%s\n", indentJSON(t.Claims))
	for _, name := range []string{"iat", "nbf", "exp"} {
		if at, ok := jwtrule.NumericDate(t.Claims[name]); ok {
			fmt.Fprintf(in.out, "  %s = %s (%s)\n", name, at.UTC().Format(time.RFC3339), relative(at, in.now))
		}
	}
	if t.Signature == "" {
		in.r.note("the signature segment is empty")
	}
	return true
}

// checkHeader flags header parameters a validator could be tricked by.
func (in *inspection) checkHeader() {
	r, h := in.r, in.tok.Header
	if crit, ok := h["crit"]; ok {
		r.line(verdictFail, "header     crit %v: a validator must reject extensions it does not understand (RFC 7515 §4.1.11)", crit)
	}
	if embedded := jwtrule.EmbeddedKeyParams(h); len(embedded) > 0 {
		r.line(verdictWarn, "header     carries %s: a validator must ignore keys named by the token itself and use the issuer's JWKS", strings.Join(embedded, ", "))
	}
	if typ := in.tok.HeaderString("typ"); !jwtrule.AccessTokenTyp(typ) {
		r.line(verdictWarn, "header     typ %q: access tokens are typ JWT (Scalekit) or at+jwt (RFC 9068)", typ)
	}
	if _, ok := h["kid"].(string); !ok {
		r.line(verdictWarn, "header     no kid: Scalekit's Go and Python SDKs select the key by kid and reject such tokens")
	}
}

// checkIssuer compares iss with --issuer.
func (in *inspection) checkIssuer() {
	iss, ok := in.tok.Claims["iss"].(string)
	switch err := jwtrule.CheckIssuer(iss, in.flags.issuer); {
	case !ok:
		in.r.line(verdictFail, "iss        missing")
	case in.flags.issuer == "":
		in.r.line(verdictSkip, "iss        %q not compared: pass --issuer", iss)
	case err == nil:
		in.r.line(verdictOK, "iss        %q", iss)
	case errors.Is(err, jwtrule.ErrResourceScopedIssuer):
		in.r.line(verdictFail, "iss        %q is the resource-scoped issuer of %s: configure (and pass --issuer) %s", iss, in.flags.issuer, iss)
	default:
		in.r.line(verdictFail, "iss        %q, want %q: a token from another issuer (or SCALEKIT_ENVIRONMENT_URL differs)", iss, in.flags.issuer)
	}
}

// checkAudience checks aud against --audience.
func (in *inspection) checkAudience() {
	r := in.r
	auds, isString, present := in.tok.Audience()
	switch {
	case !present || len(auds) == 0:
		r.line(verdictFail, "aud        missing or empty: a resource server must reject a token without an audience (RFC 9068 §4)")
		return
	case len(in.flags.audience) == 0:
		r.line(verdictSkip, "aud        %s not compared: pass --audience (the MCP server URL or its resource id)", quoteList(auds))
	default:
		if match, ok := jwtrule.MatchAudience(auds, in.flags.audience); ok {
			r.line(verdictOK, "aud        contains %q", match)
		} else {
			r.line(verdictFail, "aud        %s contains none of %s: a token for another resource (the Scalekit resource id, or the exact MCP URL, must match)",
				quoteList(auds), quoteList(in.flags.audience))
		}
	}
	if isString {
		r.line(verdictWarn, "aud        is a string: RFC 7519 allows it, but the Scalekit Go SDK's typed claims need an array")
	}
}

// checkTimes checks exp, nbf and iat against this machine's clock.
func (in *inspection) checkTimes() {
	r, now, skew, claims := in.r, in.now, in.flags.clockSkew, in.tok.Claims
	exp, ok := jwtrule.NumericDate(claims["exp"])
	switch {
	case claims["exp"] == nil:
		r.line(verdictFail, "exp        missing: the token never expires (Scalekit's SDKs require exp)")
	case !ok:
		r.line(verdictFail, "exp        %v is not a NumericDate", claims["exp"])
	case jwtrule.CheckExpiry(now, exp, skew) != nil:
		r.line(verdictFail, "exp        expired at %s, %s ago (clock skew allowed %s)", exp.UTC().Format(time.RFC3339), now.Sub(exp).Round(time.Second), skew)
	default:
		r.line(verdictOK, "exp        expires at %s, in %s (clock skew allowed %s)", exp.UTC().Format(time.RFC3339), exp.Sub(now).Round(time.Second), skew)
	}
	if ok && !jwtrule.IsInteger(claims["exp"]) {
		r.line(verdictWarn, "exp        is not an integer: the Scalekit Go SDK's typed claims reject it")
	}
	nbf, ok := jwtrule.NumericDate(claims["nbf"])
	switch {
	case claims["nbf"] == nil:
		r.line(verdictSkip, "nbf        absent")
	case !ok:
		r.line(verdictFail, "nbf        %v is not a NumericDate", claims["nbf"])
	case jwtrule.CheckNotBefore(now, nbf, skew) != nil:
		r.line(verdictFail, "nbf        not valid before %s, %s from now (clock skew allowed %s): the issuer's clock may be ahead of this machine's", nbf.UTC().Format(time.RFC3339), nbf.Sub(now).Round(time.Second), skew)
	default:
		r.line(verdictOK, "nbf        valid since %s (clock skew allowed %s)", nbf.UTC().Format(time.RFC3339), skew)
	}
	if iat, ok := jwtrule.NumericDate(claims["iat"]); ok {
		if d, ahead := jwtrule.IssuedInFuture(now, iat, skew); ahead {
			r.line(verdictWarn, "iat        issued %s in the future: the issuer's clock is ahead of this machine's by at least that much", d.Round(time.Second))
		} else {
			r.line(verdictOK, "iat        issued at %s, %s ago", iat.UTC().Format(time.RFC3339), now.Sub(iat).Round(time.Second))
		}
	}
}

// checkScopes checks each --require-scope in the scope string and the scopes array.
func (in *inspection) checkScopes() {
	r, sc := in.r, in.tok.Scopes()
	if len(in.flags.scopes) == 0 {
		r.line(verdictSkip, "scope      %s not required: pass --require-scope", quoteList(sc.All()))
		return
	}
	for _, want := range in.flags.scopes {
		s, a := slices.Contains(sc.Fields, want), slices.Contains(sc.Array, want)
		switch {
		case s && a:
			r.line(verdictOK, "scope      %q in scope (string) and scopes (array)", want)
		case s:
			r.line(verdictOK, "scope      %q in scope (string) only: validators reading the scopes array (Scalekit Node and Python SDKs) will not see it", want)
		case a:
			r.line(verdictOK, "scope      %q in scopes (array) only: validators reading the scope string (Scalekit Go SDK) will not see it", want)
		default:
			where := "neither scope (string) nor scopes (array) is present"
			if sc.HasString || sc.HasArray {
				where = fmt.Sprintf("scope %q, scopes %s", sc.String, quoteList(sc.Array))
			}
			r.line(verdictFail, "scope      %q missing (%s): the server must answer 403 insufficient_scope", want, where)
		}
	}
}

// indentJSON renders v as indented JSON (sorted keys), each line indented by two spaces.
func indentJSON(v map[string]any) string {
	data, err := json.MarshalIndent(v, "  ", "  ")
	if err != nil {
		return "  (unprintable: " + err.Error() + ")"
	}
	return "  " + string(data)
}

// relative describes t relative to now: "in 59m0s" or "3m0s ago".
func relative(t, now time.Time) string {
	d := t.Sub(now).Round(time.Second)
	if d >= 0 {
		return "in " + d.String()
	}
	return (-d).String() + " ago"
}
