package main

// This file holds the checks "token inspect" prints: the token's format, header, iss, aud,
// exp, nbf, iat and scopes, one verdict line each.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// inspection is one "token inspect" run.
type inspection struct {
	flags tokenFlags
	out   io.Writer
	now   time.Time
	f     *fetcher
	r     *verdictLog

	header map[string]any
	claims map[string]any
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
	alg, _ := in.header["alg"].(string)
	algOK := slices.Contains(tokenAlgorithms, jose.SignatureAlgorithm(alg))
	switch {
	case algOK:
		r.line(verdictOK, "alg        %s (allowed: RS256, ES256)", alg)
	case strings.EqualFold(alg, "none"):
		r.line(verdictFail, "alg        %q: an unsigned token; a resource server must never accept it (RFC 8725 §3.1)", alg)
	case strings.HasPrefix(strings.ToUpper(alg), "HS"):
		r.line(verdictFail, "alg        %s: HMAC; verifying it with the issuer's public key is the key-confusion attack (RFC 8725 §2.1)", alg)
	default:
		r.line(verdictFail, "alg        %q is not in the allow-list RS256, ES256", alg)
	}
	in.checkHeader()
	if err := in.checkSignature(ctx, tok, algOK); err != nil {
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
	parts := strings.Split(tok, ".")
	fail := func(format string, args ...any) bool {
		in.r.line(verdictFail, "format     "+format, args...)
		return false
	}
	switch len(parts) {
	case 3:
	case 5:
		return fail("5 segments: an encrypted token (JWE) cannot be inspected without the decryption key")
	default:
		return fail("%d segment(s), want 3 (header.claims.signature): is this a JWT, or an opaque token?", len(parts))
	}
	var err error
	if in.header, err = decodeSegment(parts[0]); err != nil {
		return fail("header: %v", err)
	}
	fmt.Fprintf(in.out, "header\n%s\n", indentJSON(in.header))
	if in.claims, err = decodeSegment(parts[1]); err != nil {
		return fail("claims: %v", err)
	}
	fmt.Fprintf(in.out, "claims\n%s\n", indentJSON(in.claims))
	for _, name := range []string{"iat", "nbf", "exp"} {
		if t, ok := numericDate(in.claims[name]); ok {
			fmt.Fprintf(in.out, "  %s = %s (%s)\n", name, t.UTC().Format(time.RFC3339), relative(t, in.now))
		}
	}
	if parts[2] == "" {
		in.r.note("the signature segment is empty")
	}
	return true
}

// checkHeader flags header parameters a validator could be tricked by.
func (in *inspection) checkHeader() {
	r := in.r
	if crit, ok := in.header["crit"]; ok {
		r.line(verdictFail, "header     crit %v: a validator must reject extensions it does not understand (RFC 7515 §4.1.11)", crit)
	}
	var embedded []string
	for _, name := range []string{"jwk", "jku", "x5u", "x5c"} {
		if _, ok := in.header[name]; ok {
			embedded = append(embedded, name)
		}
	}
	if len(embedded) > 0 {
		r.line(verdictWarn, "header     carries %s: a validator must ignore keys named by the token itself and use the issuer's JWKS", strings.Join(embedded, ", "))
	}
	if typ, _ := in.header["typ"].(string); typ != "" && !strings.EqualFold(typ, "JWT") && !strings.EqualFold(typ, "at+jwt") && !strings.EqualFold(typ, "application/at+jwt") {
		r.line(verdictWarn, "header     typ %q: access tokens are typ JWT (Scalekit) or at+jwt (RFC 9068)", typ)
	}
	if _, ok := in.header["kid"].(string); !ok {
		r.line(verdictWarn, "header     no kid: Scalekit's Go and Python SDKs select the key by kid and reject such tokens")
	}
}

// alg returns the header's alg.
func alg(header map[string]any) string {
	s, _ := header["alg"].(string)
	return s
}

// checkIssuer compares iss with --issuer.
func (in *inspection) checkIssuer() {
	iss, ok := in.claims["iss"].(string)
	switch {
	case !ok:
		in.r.line(verdictFail, "iss        missing")
	case in.flags.issuer == "":
		in.r.line(verdictSkip, "iss        %q not compared: pass --issuer", iss)
	case iss == in.flags.issuer:
		in.r.line(verdictOK, "iss        %q", iss)
	case strings.HasPrefix(iss, strings.TrimRight(in.flags.issuer, "/")+"/resources/"):
		in.r.line(verdictFail, "iss        %q is the resource-scoped issuer of %s: configure (and pass --issuer) %s", iss, in.flags.issuer, iss)
	default:
		in.r.line(verdictFail, "iss        %q, want %q: a token from another issuer (or SCALEKIT_ENVIRONMENT_URL differs)", iss, in.flags.issuer)
	}
}

// checkAudience checks aud against --audience.
func (in *inspection) checkAudience() {
	r := in.r
	raw, present := in.claims["aud"]
	var auds []string
	isString := false
	switch v := raw.(type) {
	case string:
		auds, isString = []string{v}, true
	case []any:
		auds = stringsOf(v)
	}
	switch {
	case !present || len(auds) == 0:
		r.line(verdictFail, "aud        missing or empty: a resource server must reject a token without an audience (RFC 9068 §4)")
		return
	case len(in.flags.audience) == 0:
		r.line(verdictSkip, "aud        %s not compared: pass --audience (the MCP server URL or its resource id)", quoteList(auds))
	default:
		var match string
		for _, a := range auds {
			if slices.Contains(in.flags.audience, a) {
				match = a
				break
			}
		}
		if match != "" {
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
	r, now, skew := in.r, in.now, in.flags.clockSkew
	exp, ok := numericDate(in.claims["exp"])
	switch {
	case in.claims["exp"] == nil:
		r.line(verdictFail, "exp        missing: the token never expires (Scalekit's SDKs require exp)")
	case !ok:
		r.line(verdictFail, "exp        %v is not a NumericDate", in.claims["exp"])
	case !now.Before(exp.Add(skew)):
		r.line(verdictFail, "exp        expired at %s, %s ago (clock skew allowed %s)", exp.UTC().Format(time.RFC3339), now.Sub(exp).Round(time.Second), skew)
	default:
		r.line(verdictOK, "exp        expires at %s, in %s (clock skew allowed %s)", exp.UTC().Format(time.RFC3339), exp.Sub(now).Round(time.Second), skew)
	}
	if ok && !isInteger(in.claims["exp"]) {
		r.line(verdictWarn, "exp        is not an integer: the Scalekit Go SDK's typed claims reject it")
	}
	nbf, ok := numericDate(in.claims["nbf"])
	switch {
	case in.claims["nbf"] == nil:
		r.line(verdictSkip, "nbf        absent")
	case !ok:
		r.line(verdictFail, "nbf        %v is not a NumericDate", in.claims["nbf"])
	case now.Add(skew).Before(nbf):
		r.line(verdictFail, "nbf        not valid before %s, %s from now (clock skew allowed %s): the issuer's clock may be ahead of this machine's", nbf.UTC().Format(time.RFC3339), nbf.Sub(now).Round(time.Second), skew)
	default:
		r.line(verdictOK, "nbf        valid since %s (clock skew allowed %s)", nbf.UTC().Format(time.RFC3339), skew)
	}
	if iat, ok := numericDate(in.claims["iat"]); ok {
		if d := iat.Sub(now); d > skew {
			r.line(verdictWarn, "iat        issued %s in the future: the issuer's clock is ahead of this machine's by at least that much", d.Round(time.Second))
		} else {
			r.line(verdictOK, "iat        issued at %s, %s ago", iat.UTC().Format(time.RFC3339), now.Sub(iat).Round(time.Second))
		}
	}
}

// checkScopes checks each --require-scope in the scope string and the scopes array.
func (in *inspection) checkScopes() {
	r := in.r
	scopeStr, hasStr := in.claims["scope"].(string)
	inStr := strings.Fields(scopeStr)
	inArr := stringsOf(in.claims["scopes"])
	_, hasArr := in.claims["scopes"].([]any)
	if len(in.flags.scopes) == 0 {
		var all []string
		all = append(all, inStr...)
		for _, s := range inArr {
			if !slices.Contains(all, s) {
				all = append(all, s)
			}
		}
		r.line(verdictSkip, "scope      %s not required: pass --require-scope", quoteList(all))
		return
	}
	for _, want := range in.flags.scopes {
		s, a := slices.Contains(inStr, want), slices.Contains(inArr, want)
		switch {
		case s && a:
			r.line(verdictOK, "scope      %q in scope (string) and scopes (array)", want)
		case s:
			r.line(verdictOK, "scope      %q in scope (string) only: validators reading the scopes array (Scalekit Node and Python SDKs) will not see it", want)
		case a:
			r.line(verdictOK, "scope      %q in scopes (array) only: validators reading the scope string (Scalekit Go SDK) will not see it", want)
		default:
			where := "neither scope (string) nor scopes (array) is present"
			if hasStr || hasArr {
				where = fmt.Sprintf("scope %q, scopes %s", scopeStr, quoteList(inArr))
			}
			r.line(verdictFail, "scope      %q missing (%s): the server must answer 403 insufficient_scope", want, where)
		}
	}
}

// decodeSegment decodes one base64url JWT segment holding a JSON object.
func decodeSegment(seg string) (map[string]any, error) {
	data, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		if _, perr := base64.URLEncoding.DecodeString(seg); perr == nil {
			return nil, errors.New("base64url with padding: JWTs use unpadded base64url (RFC 7515 §2)")
		}
		return nil, fmt.Errorf("not base64url: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	switch v := v.(type) {
	case map[string]any:
		return v, nil
	case nil:
		return nil, errors.New("JSON null, not an object")
	case []any:
		return nil, errors.New("a JSON array, not an object")
	case string:
		return nil, errors.New("a JSON string, not an object")
	default: // json.Number or bool
		return nil, errors.New("a JSON number or boolean, not an object")
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

// numericDate converts a JSON NumericDate (seconds since the epoch) to a time.
func numericDate(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true
}

// isInteger reports whether a JSON number is written as an integer.
func isInteger(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	_, err := n.Int64()
	return err == nil
}

// relative describes t relative to now: "in 59m0s" or "3m0s ago".
func relative(t, now time.Time) string {
	d := t.Sub(now).Round(time.Second)
	if d >= 0 {
		return "in " + d.String()
	}
	return (-d).String() + " ago"
}
