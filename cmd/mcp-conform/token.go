package main

// This file implements "mcp-conform token inspect": the token troubleshooting helper. It
// decodes a JWT access token's header and claims and checks it the way a resource server
// validating Scalekit-issued tokens should: an explicit algorithm allow-list (RS256, ES256;
// never none), the signature against the issuer's published JWKS (discovered through its
// RFC 8414 / OpenID Connect metadata), iss, aud, exp and nbf with the clock skew shown, and
// required scopes in both the scope string and the scopes array. Tokens come from stdin or an
// environment variable; a token on the command line is accepted with a warning.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// tokenAlgorithms is the signature allow-list: what Scalekit signs with (RS256) and the one
// other asymmetric algorithm MCP resource servers commonly accept. "none" and the HMAC
// algorithms are never accepted.
var tokenAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.ES256}

// maxTokenBytes bounds a token read from stdin or the environment.
const maxTokenBytes = 64 << 10

// stdin is where "token inspect" reads a token from; a variable so that nothing else in the
// package touches os.Stdin.
var stdin io.Reader = os.Stdin

// tokenFlags holds the parsed flags of "token inspect".
type tokenFlags struct {
	issuer    string
	audience  stringList
	scopes    stringList
	tokenEnv  string
	clockSkew time.Duration
	timeout   time.Duration
}

// tokenCmd is "mcp-conform token": it dispatches to its subcommands (inspect).
func tokenCmd(ctx context.Context, c *cli, args []string) int {
	fs := newFlagSet("token", "mcp-conform token inspect [flags] [TOKEN|-]",
		`Troubleshoot access tokens. Subcommands:
  inspect   decode a JWT, verify its signature against the issuer's JWKS and check
            alg, iss, aud, exp, nbf and scopes ("mcp-conform token inspect --help")`)
	if len(args) > 0 && args[0] == "inspect" {
		return tokenInspectCmd(ctx, c, args[1:])
	}
	if code, done := c.parse(fs, args); done {
		return code
	}
	if fs.NArg() == 0 {
		return c.usageError(fs, errors.New("missing subcommand: want inspect"))
	}
	return c.usageError(fs, fmt.Errorf("unknown subcommand %q: want inspect", fs.Arg(0)))
}

// newTokenInspectFlagSet declares the flags of "token inspect" into f.
func newTokenInspectFlagSet(f *tokenFlags) *flagSet {
	fs := newFlagSet("token inspect", "mcp-conform token inspect [--issuer URL] [--audience AUD]... [--require-scope SCOPE]... [--token-env NAME] [TOKEN|-]",
		`Decode a JWT access token (header and claims) and check it as a resource server should,
printing one OK, WARN, FAIL or SKIP line per check:

  format     three base64url segments holding JSON
  alg        RS256 or ES256 (an explicit allow-list; never none, never HMAC)
  header     no crit, jwk, jku, x5u or x5c a validator could be tricked by
  metadata   the issuer's RFC 8414 / OpenID Connect metadata (with --issuer)
  jwks       the key set its jwks_uri publishes (with --issuer)
  sig        the signature verifies with the published key named by kid (with --issuer)
  iss        equals --issuer
  aud        contains one of --audience
  exp, nbf   against this machine's clock, allowing --clock-skew (the skew is shown)
  iat        not in the future (a clock skew between the issuer and this machine)
  scope      each --require-scope, in the scope string and/or the scopes array

The token is read from standard input ("-" or no argument) or from the environment variable
named by --token-env. A token given as an argument works but is discouraged: the command line
is visible to other users of the machine and lands in shell history.`)
	fs.StringVar(&f.issuer, "issuer", "", "the trusted issuer `URL` (SCALEKIT_ENVIRONMENT_URL): verify iss and the signature against its JWKS")
	fs.Var(&f.audience, "audience", "accept aud `AUD`: the MCP server URL or its resource id (repeatable: any of them)")
	fs.Var(&f.scopes, "require-scope", "a `SCOPE` the token must carry (repeatable)")
	fs.StringVar(&f.tokenEnv, "token-env", "", "read the token from environment variable `NAME`")
	fs.durationVar(&f.clockSkew, "clock-skew", 0, "clock skew allowed on exp and nbf, a `DURATION` such as 30s (Scalekit's Go, Node and Python SDKs allow none)")
	fs.durationVar(&f.timeout, "timeout", 5*time.Second, "per-request timeout for the metadata and JWKS, a `DURATION` such as 5s (a bare number is seconds)")
	fs.notes = `Exit codes: 0 no FAIL, 1 a check FAILed, 2 usage error (no token, bad flag) or the issuer
cannot be reached.

Examples:
  pbpaste | mcp-conform token inspect --issuer http://127.0.0.1:9000 \
      --audience http://127.0.0.1:3000/mcp --require-scope mcp:tools:weather
  MCP_TOKEN=… mcp-conform token inspect --token-env MCP_TOKEN --issuer https://acme.scalekit.com`
	return fs
}

// tokenInspectCmd is "mcp-conform token inspect".
func tokenInspectCmd(ctx context.Context, c *cli, args []string) int {
	var f tokenFlags
	fs := newTokenInspectFlagSet(&f)
	if code, done := c.parse(fs, args); done {
		return code
	}
	// Accept flags after the token too ("token inspect - --issuer URL").
	var positional []string
	for fs.NArg() > 0 {
		positional = append(positional, fs.Arg(0))
		if code, done := c.parse(fs, fs.Args()[1:]); done {
			return code
		}
	}
	if len(positional) > 1 {
		return c.usageError(fs, fmt.Errorf("unexpected argument %q: want at most one token (better: none, and the token on stdin)", positional[1]))
	}
	if f.issuer != "" {
		if err := checkHTTPURL(f.issuer); err != nil {
			return c.usageError(fs, fmt.Errorf("--issuer: %w", err))
		}
	}
	if f.clockSkew < 0 {
		return c.usageError(fs, fmt.Errorf("--clock-skew %s: must not be negative", f.clockSkew))
	}
	if f.timeout <= 0 {
		return c.usageError(fs, fmt.Errorf("--timeout %s: must be positive", f.timeout))
	}
	tok, err := f.readToken(c, positional)
	if err != nil {
		return c.usageError(fs, err)
	}
	out := &safe.Writer{W: c.stdout, Secrets: []string{tok}} // claims and metadata: redacted and escaped
	var fetch *fetcher
	if f.issuer != "" {
		if fetch, err = newFetcher(f.issuer, nil, f.timeout); err != nil {
			return c.usageError(fs, fmt.Errorf("--issuer: %w", err))
		}
	}
	in := &inspection{flags: f, out: out, now: time.Now(), f: fetch,
		r: &verdictLog{w: out, counts: map[string]int{}}}
	if err := in.run(ctx, tok); err != nil {
		c.errorf("token inspect: %v", err)
		return exitUsage
	}
	fmt.Fprintf(c.stdout, "\ntoken inspect: %s\n", in.r.totals())
	if in.r.counts[verdictFail] > 0 {
		return exitFail
	}
	return exitOK
}

// readToken returns the token from --token-env, the argument, or stdin.
func (f *tokenFlags) readToken(c *cli, positional []string) (string, error) {
	var raw string
	switch {
	case f.tokenEnv != "" && len(positional) > 0:
		return "", fmt.Errorf("--token-env and a token argument %q are mutually exclusive", abbreviate(positional[0]))
	case f.tokenEnv != "":
		raw = c.getenv(f.tokenEnv)
		if strings.TrimSpace(raw) == "" {
			return "", fmt.Errorf("--token-env %s: environment variable %s is empty or unset", f.tokenEnv, f.tokenEnv)
		}
	case len(positional) == 1 && positional[0] != "-":
		fmt.Fprintf(c.stderr, "mcp-conform: warning: a token on the command line is visible to other users (ps, /proc) and is kept in shell history; pipe it on stdin or use --token-env\n")
		raw = positional[0]
	default:
		if f, ok := stdin.(*os.File); ok && isTerminal(f) {
			fmt.Fprintf(c.stderr, "mcp-conform: reading the token from stdin (paste it, then press Enter and Ctrl-D)\n")
		}
		data, err := io.ReadAll(io.LimitReader(bufio.NewReader(stdin), maxTokenBytes+1))
		if err != nil {
			return "", fmt.Errorf("reading the token from stdin: %w", err)
		}
		if len(data) > maxTokenBytes {
			return "", fmt.Errorf("the token on stdin is larger than %d bytes", maxTokenBytes)
		}
		raw = string(data)
		if strings.TrimSpace(raw) == "" {
			return "", errors.New("no token: pipe one on stdin, or use --token-env NAME")
		}
	}
	tok := strings.TrimSpace(raw)
	if len(tok) > 7 && strings.EqualFold(tok[:7], "bearer ") {
		tok = strings.TrimSpace(tok[7:])
	}
	if n := len(strings.Fields(tok)); n > 1 {
		// Two pasted tokens, or a whole HTTP header block: never guess which part is meant.
		return "", fmt.Errorf("the input holds %d whitespace-separated parts, want exactly one token (optionally after \"Bearer \")", n)
	}
	return tok, nil
}

// abbreviate shows the start of a secret only.
func abbreviate(s string) string {
	if len(s) > 8 {
		return s[:8] + "…"
	}
	return s
}

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
			if isUnreachable(err) {
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
	set, _, err := fetchJWKS(ctx, in.f, jwksURI)
	if err != nil {
		if isUnreachable(err) {
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
	r.line(verdictOK, "jwks       %d key(s) from %s: kid %s", len(set.Keys), jwksURI, strings.Join(kids, ", "))
	if !algOK {
		r.line(verdictFail, "sig        not verified: alg %v is not allowed", in.header["alg"])
		return nil
	}
	jws, err := jose.ParseSignedCompact(tok, tokenAlgorithms)
	if err != nil {
		r.line(verdictFail, "sig        the JWS does not parse: %v", err)
		return nil
	}
	kid, _ := in.header["kid"].(string)
	var candidates []jose.JSONWebKey
	if kid != "" {
		candidates = set.Key(kid)
	} else {
		candidates = set.Keys // no kid: try every key, as a lenient validator would
	}
	if len(candidates) == 0 {
		r.line(verdictFail, "sig        kid %q is not in the issuer's JWKS: signed by a key the issuer never published, or the issuer rotated its key (validators that cache the JWKS need a restart)", kid)
		return nil
	}
	verr := errors.New("no usable public key")
	for _, k := range candidates {
		pub := k.Public()
		if !pub.Valid() {
			continue
		}
		if k.Algorithm != "" && k.Algorithm != alg(in.header) {
			verr = fmt.Errorf("key %q is for alg %s, the token says %s", k.KeyID, k.Algorithm, alg(in.header))
			continue
		}
		if _, verr = jws.Verify(pub); verr == nil {
			r.line(verdictOK, "sig        verified with kid %q (%s)", k.KeyID, alg(in.header))
			return nil
		}
	}
	r.line(verdictFail, "sig        does not verify with the issuer's key(s) %s (%v): forged, tampered with, or signed by another key under the same kid",
		strings.Join(kids, ", "), verr)
	return nil
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
