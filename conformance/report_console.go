package conformance

// This file writes the console report, shaped after h2spec: checks grouped by area, the
// details of what went wrong under each failure, a recap of failures, and the summary as
// the very last line.

import (
	"fmt"
	"io"
	"strings"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// ANSI escape sequences used when colour is on.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
	ansiCyan   = "\x1b[36m"
	ansiGrey   = "\x1b[90m"
)

// detailIndent prefixes the detail lines under a check line.
const detailIndent = "        "

// consoleWriter accumulates the first write error so the layout code stays linear.
type consoleWriter struct {
	w     io.Writer
	color bool
	err   error
}

// printf writes unless an earlier write failed.
func (c *consoleWriter) printf(format string, args ...any) {
	if c.err != nil {
		return
	}
	_, c.err = fmt.Fprintf(c.w, format, args...)
}

// paint wraps s in an ANSI code when colour is on.
func (c *consoleWriter) paint(code, s string) string {
	if !c.color || code == "" {
		return s
	}
	return code + s + ansiReset
}

// statusTag is the fixed-width tag and colour of a status.
func statusTag(s check.Status) (string, string) {
	switch s {
	case check.StatusPass:
		return "PASS", ansiGreen
	case check.StatusFail:
		return "FAIL", ansiRed
	case check.StatusWarn:
		return "WARN", ansiYellow
	case check.StatusSkip:
		return "SKIP", ansiCyan
	case check.StatusInfo:
		return "INFO", ansiBlue
	default:
		return strings.ToUpper(string(s)), ""
	}
}

// WriteConsole writes the human report: a header, the checks grouped by area ("  FAIL  RS-02
// <title>", with the indented detail under fails, warnings and skips), a recap of the
// failures, the baseline outcome, and last the summary line, e.g. "mcp-conform: 40 passed,
// 2 failed, 3 warnings, 5 skipped, 1 info (1.2s)". ANSI colour only when color is true.
func (r *Report) WriteConsole(w io.Writer, color bool) error {
	c := &consoleWriter{w: w, color: color}
	c.printf("%s %s  target %s  MCP %s\n", c.paint(ansiBold, r.Tool), safe.Line(r.Version), safe.Line(r.Target), safe.Line(r.SpecVersion))
	for _, g := range byArea(r.Results) {
		c.printf("\n%s\n", c.paint(ansiBold, areaTitle(g.Area)))
		for _, res := range g.Results {
			res = sanitize(res)
			tag, code := statusTag(res.Status)
			suffix := ""
			switch {
			case r.isExpected(res.ID):
				suffix = c.paint(ansiGrey, "  (expected failure)")
			case r.isStale(res.ID):
				suffix = c.paint(ansiYellow, "  (stale baseline entry)")
			}
			c.printf("  %s  %s  %s%s\n", c.paint(code, tag), res.ID, res.Title, suffix)
			if res.Status == check.StatusFail || res.Status == check.StatusWarn || res.Status == check.StatusSkip {
				c.indented(res.Detail)
			}
		}
	}

	var failures []check.Result
	for _, res := range r.Results {
		if res.Status == check.StatusFail {
			failures = append(failures, sanitize(res))
		}
	}
	if len(failures) > 0 {
		c.printf("\n%s\n", c.paint(ansiRed+ansiBold, "Failures:"))
		for _, g := range byArea(failures) {
			c.printf("  %s\n", areaTitle(g.Area))
			for _, res := range g.Results {
				tag := "FAIL"
				if r.isExpected(res.ID) {
					tag = "XFAIL"
				}
				c.printf("    %s  %s  %s (%s)\n", c.paint(ansiRed, tag), res.ID, res.Title, res.Level)
				c.indented(firstLine(res.Detail))
				if len(res.Refs) > 0 {
					c.printf("%s%s\n", detailIndent, c.paint(ansiGrey, "see "+strings.Join(res.Refs, "; ")))
				}
			}
		}
	}

	if len(r.Expected)+len(r.Stale) > 0 {
		c.printf("\nbaseline: %d expected, %d stale", len(r.Expected), len(r.Stale))
		if len(r.Stale) > 0 {
			c.printf(" (now passing, remove from the baseline: %s)", strings.Join(r.Stale, ", "))
		}
		c.printf("\n")
	}
	c.printf("\n%s\n", r.summaryLine())
	if c.err != nil {
		return fmt.Errorf("writing console report: %w", c.err)
	}
	return nil
}

// indented writes text under a check line, every line indented.
func (c *consoleWriter) indented(text string) {
	text = strings.TrimRight(text, "\n")
	if strings.TrimSpace(text) == "" {
		return
	}
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimRight(line, " \r\t"); line == "" {
			c.printf("\n")
			continue
		}
		c.printf("%s%s\n", detailIndent, line)
	}
}

// summaryLine is the last line of the console report.
func (r *Report) summaryLine() string {
	s := r.Summary
	warnings := "warnings"
	if s.Warn == 1 {
		warnings = "warning"
	}
	return fmt.Sprintf("%s: %d passed, %d failed, %d %s, %d skipped, %d info (%s)",
		ToolName, s.Pass, s.Fail, s.Warn, warnings, s.Skip, s.Info, humanDuration(r.Duration))
}
