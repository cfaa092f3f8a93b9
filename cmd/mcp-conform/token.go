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
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

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
  jwks       the key set its jwks_uri publishes, public keys only (with --issuer)
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
	in := &inspection{flags: f, out: out, now: time.Now(),
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
