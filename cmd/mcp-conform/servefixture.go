package main

// This file implements "mcp-conform serve-fixture": a reference MCP server of package fixtures
// (the correct one, or one broken on purpose with --flaw) served on a fixed address until
// SIGINT/SIGTERM. It exists to try the tools by hand and to test CI wiring (the GitHub Action,
// the GitLab job, scripts/mcp-conform-ci.sh) against a server whose verdict is known.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mcp-conform/mcp-conform/fixtures"
)

// serveFixtureFlags holds the parsed flags of "serve-fixture".
type serveFixtureFlags struct {
	addr, issuer, path string
	flaws              stringList
	rateLimit          rateLimitFlag
	audience           stringList
	listFlaws          bool
}

// newServeFixtureFlagSet declares the flags of "serve-fixture" into f.
func newServeFixtureFlagSet(f *serveFixtureFlags) *flagSet {
	fs := newFlagSet("serve-fixture", "mcp-conform serve-fixture --issuer URL [--addr ADDR] [--flaw NAME]... [flags]",
		`Serve a reference MCP server: a small but real Streamable HTTP MCP server protected by
bearer tokens from --issuer (a mockas), for trying the tools and testing CI wiring. Without
--flaw it is the correct server (no FAIL); each --flaw breaks exactly one behaviour.
It prints one line when ready and serves until SIGINT or SIGTERM.`)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:3000", "`host:port` to listen on (port 0 picks a free port)")
	fs.StringVar(&f.issuer, "issuer", "", "the trusted token issuer `URL` (required), e.g. http://127.0.0.1:9000 (a mockas)")
	fs.StringVar(&f.path, "path", "/mcp", "the MCP endpoint `path`")
	fs.Var(&f.flaws, "flaw", "break the server on purpose: flaw `NAME` (repeatable; --list-flaws lists them)")
	fs.Var(&f.rateLimit, "rate-limit", "enforce a rate limit per client_id, as `N/DURATION` (e.g. 5/1s)")
	fs.Var(&f.audience, "audience", "also accept aud `AUD` besides the MCP URL, e.g. a resource id res_… (repeatable)")
	fs.BoolVar(&f.listFlaws, "list-flaws", false, "list the flaw names and what each breaks, then exit")
	fs.notes = `Tools: echo (any valid token), weather (mcp:tools:weather), admin (mcp:admin).

Examples:
  mockas --addr 127.0.0.1:9000 --ephemeral &
  mcp-conform serve-fixture --addr 127.0.0.1:3000 --issuer http://127.0.0.1:9000 --rate-limit 5/1s &
  mcp-conform run --url http://127.0.0.1:3000/mcp --mockas http://127.0.0.1:9000 \
      --scope weather=mcp:tools:weather --rate-limit 5/1s
  mcp-conform serve-fixture --issuer http://127.0.0.1:9000 --flaw alg-none-accepted   # RS-35 fails`
	return fs
}

// serveFixtureCmd is "mcp-conform serve-fixture".
func serveFixtureCmd(ctx context.Context, c *cli, args []string) int {
	var f serveFixtureFlags
	fs := newServeFixtureFlagSet(&f)
	if code, done := c.parse(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return c.usageError(fs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	if f.listFlaws {
		if err := writeFlaws(c.stdout); err != nil {
			c.errorf("serve-fixture: %v", err)
			return exitFail
		}
		return exitOK
	}
	opts, err := f.options()
	if err != nil {
		return c.usageError(fs, err)
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		c.errorf("serve-fixture: %v", err)
		return exitFail
	}
	// The base URL comes from the bound address, so "--addr 127.0.0.1:0" works too.
	base := "http://" + ln.Addr().String()
	h, err := fixtures.NewHandler(opts, base)
	if err != nil {
		ln.Close()
		return c.usageError(fs, fmt.Errorf("configuring the reference server: %w", err))
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	flaws := "none (the correct server)"
	if len(f.flaws) > 0 {
		flaws = strings.Join(f.flaws, ", ")
	}
	fmt.Fprintf(c.stdout, "mcp-conform serve-fixture: serving %s%s (issuer %s, flaws: %s)\n", base, opts.Path, opts.Issuer, flaws)

	select {
	case err := <-served:
		c.errorf("serve-fixture: %v", err)
		return exitFail
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		c.errorf("serve-fixture: shutting down: %v", err)
		return exitFail
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		c.errorf("serve-fixture: %v", err)
		return exitFail
	}
	return exitOK
}

// options validates the flags and maps them to fixtures.Options, with the adjustments each
// flaw needs to be observable (fixtures.FlawTweak).
func (f *serveFixtureFlags) options() (fixtures.Options, error) {
	var o fixtures.Options
	if f.issuer == "" {
		return o, errors.New("--issuer is required (the URL of the mockas the server trusts)")
	}
	if err := checkHTTPURL(f.issuer); err != nil {
		return o, fmt.Errorf("--issuer: %w", err)
	}
	if _, _, err := net.SplitHostPort(f.addr); err != nil {
		return o, fmt.Errorf("--addr %q: want host:port: %w", f.addr, err)
	}
	if !strings.HasPrefix(f.path, "/") {
		return o, fmt.Errorf("--path %q: must start with /", f.path)
	}
	known := fixtures.AllFlaws()
	for _, name := range f.flaws {
		if !slices.Contains(known, fixtures.Flaw(name)) {
			return o, fmt.Errorf("--flaw %q: unknown flaw (mcp-conform serve-fixture --list-flaws lists them)", name)
		}
		o.Flaws = append(o.Flaws, fixtures.Flaw(name))
	}
	o.Issuer = strings.TrimRight(f.issuer, "/")
	o.Path = f.path
	o.Audience = append([]string(nil), f.audience...)
	if l := f.rateLimit.limit; l != nil {
		o.RateLimit = &fixtures.RateLimit{Requests: l.Requests, Per: l.Per}
	}
	for _, fl := range o.Flaws {
		if tweak := fixtures.FlawTweak(fl); tweak != nil {
			tweak(&o)
		}
	}
	return o, nil
}

// writeFlaws prints every flaw with the checks it trips and what it breaks.
func writeFlaws(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FLAW\tTRIPS\tWHAT IT BREAKS")
	for _, f := range fixtures.AllFlaws() {
		desc, ids := fixtures.FlawInfo(f)
		fmt.Fprintf(tw, "%s\t%s\t%s\n", f, strings.Join(ids, ","), desc)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing the flaw list: %w", err)
	}
	return nil
}
