package main

// This file implements "mcp-conform run": with the Target its flags map to (run_flags.go) it
// runs the Ginkgo driver once, prints the console report, writes the report files and prints
// the verdict (conformance.Report.ExitSummary) as the exit code.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// runCmd is "mcp-conform run".
func runCmd(ctx context.Context, c *cli, args []string) int {
	var f runFlags
	fs := newRunFlagSet(&f)
	if code, done := c.parse(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return c.usageError(fs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	target, opts, err := f.build(c.getenv)
	if err != nil {
		return c.usageError(fs, err)
	}

	if f.serveMockas != "" {
		as, err := mockas.Listen(f.serveMockas, mockas.WithIssuer("http://"+f.serveMockas))
		if err != nil {
			c.errorf("--serve-mockas: %v", err)
			return exitUsage
		}
		defer as.Close()
	}

	// A report written to standard output ("--json -") owns it: the console report goes to
	// standard error instead, so the machine-readable document stays parseable.
	console, color := c.stdout, c.color
	if f.stdoutReport() != "" {
		console, color = c.stderr, c.stderrColor
	}
	fmt.Fprintf(console, "mode: %s\n", target.Mode())
	if f.progress {
		opts.GinkgoOutput = c.stderr
	}
	report, err := conformance.RunSuite(ctx, target, opts)
	if err != nil {
		return c.runError(target, opts, err)
	}
	if err := report.WriteConsoleWith(console, conformance.ConsoleOptions{Color: color, Verbose: f.verbose}); err != nil {
		c.errorf("writing the console report: %v", err)
	}
	if err := f.writeReports(report, c.stdout); err != nil {
		c.errorf("%v", err)
		return exitUsage
	}
	if f.writeBaseline != "" {
		// The baseline was asked for to accept today's failures: writing it is the success.
		n := len(conformance.BaselineFrom(report).Entries)
		fmt.Fprintf(console, "exit 0: wrote %s with %d %s (--write-baseline)\n", f.writeBaseline, n, plural(n, "entry", "entries"))
		return exitOK
	}
	code, reasons := report.ExitSummary(f.strict)
	fmt.Fprintf(console, "exit %d: %s\n", code, strings.Join(reasons, "; "))
	return code
}

// stdoutReport returns the flag of the report written to standard output ("-"), or "".
func (f *runFlags) stdoutReport() string {
	for _, r := range f.reportFiles() {
		if r.path == "-" {
			return r.flag
		}
	}
	return ""
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// runError prints why a run could not produce a report and returns exit code 2.
func (c *cli) runError(t conformance.Target, o conformance.Options, err error) int {
	switch {
	case errors.Is(err, conformance.ErrNoChecks):
		c.errorf("--label-filter %q matches no checks: %v", o.LabelFilter, err)
	case errors.Is(err, check.ErrNotMCP):
		c.errorf("%s is not an MCP endpoint: %s", t.URL, strings.TrimPrefix(rootMessage(err), check.ErrNotMCP.Error()+": "))
	case check.IsUnreachable(err):
		// Prepare names the control plane in its error when the mockas is what failed.
		what := t.URL
		if t.MockASURL != "" && strings.Contains(err.Error(), "mockas control plane at "+t.MockASURL) {
			what = t.MockASURL + " (mockas)"
		}
		c.errorf("cannot reach %s: %v", what, rootCause(err))
	default:
		c.errorf("run: %v", err)
	}
	return exitUsage
}

// rootMessage is the text of the innermost error wrapped with ": " (Prepare adds the target
// in front).
func rootMessage(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, check.ErrNotMCP.Error()+": "); i >= 0 {
		return msg[i:]
	}
	return msg
}

// rootCause strips the layers that only repeat the URL ("POST url: Post \"url\": …") and
// returns what actually went wrong on the wire.
func rootCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// writeReports writes the requested report files and baseline; a report whose path is "-"
// goes to stdout.
func (f *runFlags) writeReports(r *conformance.Report, stdout io.Writer) error {
	writers := map[string]func(io.Writer) error{
		"--json":  r.WriteJSON,
		"--junit": r.WriteJUnit,
		"--html":  r.WriteHTML,
		"--sarif": func(w io.Writer) error { return r.WriteSARIF(w, f.sarifOptions()) },
	}
	writers["--write-baseline"] = conformance.BaselineFrom(r).Write
	writers["--write-scopes"] = r.WriteScopes
	files := append(f.reportFiles(), reportFile{"--write-baseline", f.writeBaseline}, reportFile{"--write-scopes", f.writeScopes})
	var errs []error
	for _, file := range files {
		write := writers[file.flag]
		switch file.path {
		case "":
			continue
		case "-":
			if err := write(stdout); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", file.flag, err))
			}
			continue
		}
		if err := writeFile(file.path, write); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", file.flag, err))
		}
	}
	return errors.Join(errs...)
}

// writeFile creates path and writes it with write, reporting the first error.
func writeFile(path string, write func(io.Writer) error) (err error) {
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating report: %w", err)
	}
	defer func() {
		if cerr := out.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing %s: %w", path, cerr)
		}
	}()
	if err := write(out); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
