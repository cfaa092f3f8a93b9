// Command mcp-conform is a black-box conformance suite for the OAuth protection of an MCP
// server. It probes a running server over HTTP, in one of three modes (anonymous, cooperative
// with a mockas the server trusts, or with a supplied token), and reports each check of the
// requirement registry as pass, fail, warn, skip or info.
//
// Usage:
//
//	mcp-conform run --url URL [flags]       probe a running MCP server
//	mcp-conform list [--json]               list every check
//	mcp-conform explain ID                  explain one check: what it sends, expects, and how to fix it
//	mcp-conform demo                        run the suite against embedded reference servers
//	mcp-conform token inspect [TOKEN|-]     decode and check an access token (read from stdin)
//	mcp-conform probe --url URL             walk the discovery chain step by step
//	mcp-conform serve-fixture --issuer URL  serve a reference MCP server (try the tools, test CI)
//	mcp-conform version                     print the version
//
// Exit codes: 0 when no check failed, 1 when a check failed (or a result contradicts the
// expected-failures baseline), 2 on a usage error or an unreachable target.
//
// The command only maps flags to package conformance; it holds no business logic. The
// "## Checks" section of docs/mcp-conform.md is generated from the registry by the hidden
// "docs" subcommand:
//
//go:generate go run . docs --update ../../docs/mcp-conform.md
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/mcp-conform/mcp-conform/conformance"
	_ "github.com/mcp-conform/mcp-conform/scenarios" // registers every check
)

// Exit codes shared by every subcommand.
const (
	exitOK    = 0 // no FAIL (warnings allowed unless --strict)
	exitFail  = 1 // a FAIL, or a result contradicting the expected-failures baseline
	exitUsage = 2 // a usage error, or an unreachable target
)

// cli is the process environment a subcommand runs in; tests build their own.
type cli struct {
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// color enables ANSI colour in the console report (stdout is a terminal, NO_COLOR unset).
	color bool
	// stderrColor is color for stderr, where the console report goes when a report is
	// written to stdout.
	stderrColor bool
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	hidden  bool
	run     func(ctx context.Context, c *cli, args []string) int
}

// commands lists the subcommands in the order the usage text shows them.
func commands() []command {
	return []command{
		{name: "run", summary: "probe a running MCP server and report every check", run: runCmd},
		{name: "list", summary: "list every check (id, level, title, sources)", run: listCmd},
		{name: "explain", summary: "explain one check: what it sends, expects, sources, how to fix", run: explainCmd},
		{name: "demo", summary: "run the suite against embedded reference servers (no network needed)", run: demoCmd},
		{name: "token", summary: "inspect an access token: decode it, verify it against the issuer's JWKS, check aud, exp, scopes", run: tokenCmd},
		{name: "probe", summary: "walk the discovery chain (401 challenge, PRM, AS metadata, JWKS) step by step", run: probeCmd},
		{name: "serve-fixture", summary: "serve a reference MCP server, for trying the tools and testing CI wiring", run: serveFixtureCmd},
		{name: "version", summary: "print the version", run: versionCmd},
		{name: "docs", summary: "print the generated \"## Checks\" markdown", hidden: true, run: docsCmd},
		{name: "summary", summary: "summarise a JSON report as Markdown or key=value outputs (CI)", hidden: true, run: summaryCmd},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	c := &cli{
		stdout:      os.Stdout,
		stderr:      os.Stderr,
		getenv:      os.Getenv,
		color:       wantColor(os.Stdout),
		stderrColor: wantColor(os.Stderr),
	}
	code := c.main(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// wantColor reports whether output to f is coloured: on a terminal, or when CLICOLOR_FORCE
// is set (not "0"; the demo sets it for the runs whose report it buffers), and never when
// NO_COLOR is set (https://no-color.org).
func wantColor(f *os.File) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	if force := os.Getenv("CLICOLOR_FORCE"); force != "" && force != "0" {
		return true
	}
	return isTerminal(f)
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// main dispatches args to a subcommand and returns the process exit code.
func (c *cli) main(ctx context.Context, args []string) int {
	if len(args) == 0 {
		c.topUsage(c.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		if name == "help" && len(args) > 1 {
			// "mcp-conform help run" is "mcp-conform run --help".
			return c.main(ctx, []string{args[1], "--help"})
		}
		c.topUsage(c.stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	for _, cmd := range commands() {
		if cmd.name == name {
			return cmd.run(ctx, c, args[1:])
		}
	}
	c.errorf("unknown subcommand %q", name)
	fmt.Fprintf(c.stderr, "Run 'mcp-conform --help' for the list of subcommands.\n")
	return exitUsage
}

// topUsage prints the list of subcommands.
func (c *cli) topUsage(w io.Writer) {
	fmt.Fprintf(w, "mcp-conform %s: conformance suite for the OAuth protection of MCP servers\n\n", conformance.Version())
	fmt.Fprintf(w, "Usage:\n  mcp-conform <subcommand> [flags]\n\nSubcommands:\n")
	for _, cmd := range commands() {
		if !cmd.hidden {
			fmt.Fprintf(w, "  %-14s %s\n", cmd.name, cmd.summary)
		}
	}
	fmt.Fprintf(w, "\nRun \"mcp-conform <subcommand> --help\" for the flags of a subcommand.\n")
	fmt.Fprintf(w, "Exit codes: 0 no FAIL, 1 a FAIL (or a result contradicting --expected-failures),\n")
	fmt.Fprintf(w, "2 usage error or unreachable target.\n")
}

// errorf prints one error line, prefixed with the program name, to stderr.
func (c *cli) errorf(format string, args ...any) {
	fmt.Fprintf(c.stderr, "mcp-conform: "+format+"\n", args...)
}

// versionCmd prints the version of the suite.
func versionCmd(_ context.Context, c *cli, args []string) int {
	fs := newFlagSet("version", "mcp-conform version", "Print the version of mcp-conform.")
	if code, done := c.parse(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return c.usageError(fs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	fmt.Fprintf(c.stdout, "mcp-conform %s\n", conformance.Version())
	return exitOK
}
