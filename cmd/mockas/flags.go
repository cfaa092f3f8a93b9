package main

// This file parses the command line into options. Flags override the config file; which
// flags were given explicitly is recorded so that precedence can be applied.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// defaultAddr is the address mockas listens on without --addr.
const defaultAddr = "127.0.0.1:9000"

// errUsage marks errors that are the user's to fix on the command line or in a file given
// on it; they end the process with exitUsage.
var errUsage = errors.New("usage error")

// options are the parsed flags.
type options struct {
	addr            string
	issuer          string
	configFile      string
	keyFile         string
	stateDir        string
	ephemeral       bool
	noControl       bool
	loginPage       bool
	logFormat       string
	version         bool
	logLevel        slog.Level
	shutdownTimeout time.Duration
	// set names the flags given on the command line.
	set map[string]bool
}

// newFlagSet declares every flag on a FlagSet that reports errors instead of exiting.
func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("mockas", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&o.addr, "addr", defaultAddr, "`host:port` to listen on (port 0 picks a free port)")
	fs.StringVar(&o.issuer, "issuer", "", "issuer `URL` (SCALEKIT_ENVIRONMENT_URL); default http://<addr>")
	fs.StringVar(&o.configFile, "config", "", "config `FILE`, YAML or JSON (.json) mapping to mockas.Config")
	fs.StringVar(&o.keyFile, "key", "", "signing key `FILE`: RSA private key PEM (PKCS#1 or PKCS#8) or private JWK")
	fs.StringVar(&o.stateDir, "state", "", "state `DIR` for the signing keys and registered clients\n(default <user config dir>/mockas)")
	fs.BoolVar(&o.ephemeral, "ephemeral", false, "keep no state: a new key and no registered clients at every start")
	fs.BoolVar(&o.noControl, "no-control", false, "switch the /_mockas/ control plane off")
	fs.BoolVar(&o.loginPage, "login-page", false, "answer the authorization endpoint with a login and consent page\n(pick a user, grant fewer scopes, deny) instead of approving at once")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.TextVar(&o.logLevel, "log-level", slog.LevelInfo, "minimum `level` of the logs on stderr: debug, info, warn, error\n(debug adds every JWKS, metadata and control-plane call)")
	fs.StringVar(&o.logFormat, "log-format", "", "`format` of the logs on stderr: text or json\n(default text when stderr is a terminal, json otherwise)")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long a graceful shutdown waits for requests in flight")
	return fs
}

// parseFlags parses args. It returns flag.ErrHelp for -h/--help, and an error wrapping
// errUsage for anything else wrong.
func parseFlags(args []string) (options, error) {
	var o options
	fs := newFlagSet(&o)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, flag.ErrHelp
		}
		return o, fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("%w: unexpected argument %q (mockas takes flags only)", errUsage, fs.Arg(0))
	}
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	switch {
	case o.ephemeral && o.set["state"]:
		return o, fmt.Errorf("%w: --ephemeral and --state exclude each other", errUsage)
	case o.set["state"] && o.stateDir == "":
		return o, fmt.Errorf("%w: --state needs a directory (use --ephemeral for no state)", errUsage)
	case o.addr == "":
		return o, fmt.Errorf("%w: --addr must not be empty", errUsage)
	case o.shutdownTimeout <= 0:
		return o, fmt.Errorf("%w: --shutdown-timeout must be positive", errUsage)
	case o.logFormat != "" && o.logFormat != "text" && o.logFormat != "json":
		return o, fmt.Errorf("%w: --log-format %q: want text or json", errUsage, o.logFormat)
	}
	return o, nil
}

// usage writes the help text to w.
func usage(w io.Writer) {
	var o options
	fs := newFlagSet(&o)
	fmt.Fprintf(w, "mockas %s: offline mock of a Scalekit OAuth 2.1 authorization server\n\n", version())
	fmt.Fprintf(w, "Usage:\n  mockas [flags]\n\nFlags:\n")
	fs.VisitAll(func(f *flag.Flag) {
		arg, text := flag.UnquoteUsage(f)
		head := "  --" + f.Name
		if arg != "" {
			head += " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" {
			head += " (default " + f.DefValue + ")"
		}
		fmt.Fprintln(w, head)
		for _, line := range strings.Split(text, "\n") {
			fmt.Fprintf(w, "      %s\n", line)
		}
	})
	fmt.Fprintf(w, "\nFlags override the config file. One line on stdout says when mockas is ready;\n")
	fmt.Fprintf(w, "logs go to stderr. SIGINT or SIGTERM shut it down gracefully.\n")
	fmt.Fprintf(w, "Exit codes: 0 graceful shutdown, 1 runtime failure (e.g. address in use), 2 usage error.\n")
	fmt.Fprintf(w, "\nIssuer (SCALEKIT_ENVIRONMENT_URL): http://%s unless --issuer says otherwise.\n", defaultAddr)
	fmt.Fprintf(w, "Default client: %s, secret %s, redirect URI %s;\n", mockas.DefaultClientID, mockas.DefaultClientSecret, mockas.DefaultClientRedirectURI)
	fmt.Fprintf(w, "  any MCP client may also register itself (dynamic client registration).\n")
	fmt.Fprintf(w, "Default user: %s <%s>. Default resource: %s.\n", mockas.DefaultUserSubject, mockas.DefaultUserEmail, mockas.DefaultResourceID)
	fmt.Fprintf(w, "\nRoutes (below the issuer; {res} is a resource id; GET / lists them with full URLs):\n")
	for _, rt := range mockas.Routes(mockas.Config{}) {
		fmt.Fprintf(w, "  %-16s %s\n", strings.Join(rt.Methods, ","), strings.Join(rt.Paths, "  "))
		fmt.Fprintf(w, "  %-16s   %s\n", "", rt.Summary)
	}
	fmt.Fprintf(w, "Reference: docs/mockas.md\n")
}
