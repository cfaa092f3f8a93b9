package conformance

// This file writes the console report, shaped after h2spec: checks grouped by area, one line
// per check; under a FAIL or WARN the reason (at most two lines) and the evidence (Sent,
// Expected, Received, one line each, bodies cut to a few hundred bytes); a one-line recap per
// failure at the end, and the summary as the very last line. --verbose adds every check's
// whole detail, steps and exchanges.

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

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

// Layout of the console report.
const (
	detailIndent  = "        " // prefixes the lines under a check line
	consoleWidth  = 100        // columns the layout fits in
	reasonLines   = 2          // lines a reason may take
	evidenceBytes = 400        // most of one evidence item shown (bodies are cut before)
	evidenceLines = 6          // lines one evidence item may take
	notesShown    = 3          // further note lines shown without --verbose
	exchangeBytes = 4096       // most of one request or response shown by --verbose
)

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

// ConsoleOptions tune the console report.
type ConsoleOptions struct {
	Color   bool // ANSI colour: only for a terminal, never with NO_COLOR
	Verbose bool // every check's whole detail, steps and exchanges
}

// WriteConsole writes the human report (see WriteConsoleWith) without --verbose.
func (r *Report) WriteConsole(w io.Writer, color bool) error {
	return r.WriteConsoleWith(w, ConsoleOptions{Color: color})
}

// WriteConsoleWith writes the human report: a header; the checks grouped by area, one line
// each ("  FAIL  RS-02   <title>"); under a FAIL or WARN the reason and the Sent / Expected /
// Received evidence, under a SKIP its reason; a recap with one line per failure; the
// baseline outcome; and last the summary line, e.g. "mcp-conform: 40 passed, 2 failed, 3
// warnings, 5 skipped, 1 info (1.2s)".
func (r *Report) WriteConsoleWith(w io.Writer, o ConsoleOptions) error {
	c := &consoleWriter{w: w, color: o.Color}
	c.printf("%s %s  target %s  MCP %s\n", c.paint(ansiBold, r.Tool), safe.Line(r.Version), safe.Line(r.Target), safe.Line(r.SpecVersion))
	for _, g := range byArea(r.Results) {
		c.printf("\n%s\n", c.paint(ansiBold, areaTitle(g.Area)))
		for _, res := range g.Results {
			r.writeCheck(c, sanitize(res), o.Verbose)
		}
	}

	scopeMap, calls := r.scopeLines()
	if len(scopeMap) > 0 {
		c.printf("\n%s\n", c.paint(ansiBold, "Scope map (operation → scopes it needs)"))
		for _, l := range scopeMap {
			c.printf("  %s\n", l)
		}
	}
	if len(calls) > 0 {
		c.printf("\n%s\n", c.paint(ansiBold, "Operations called (with the arguments sent)"))
		for _, l := range calls {
			c.printf("  %s\n", l)
		}
	}

	var failures, warnings []check.Result
	for _, res := range r.Results {
		switch res.Status {
		case check.StatusFail:
			failures = append(failures, sanitize(res))
		case check.StatusWarn:
			warnings = append(warnings, sanitize(res))
		}
	}
	if len(failures) > 0 {
		c.printf("\n%s\n", c.paint(ansiRed+ansiBold, fmt.Sprintf("Failed (%d):", len(failures))))
		for _, res := range failures {
			tag := ""
			if r.isExpected(res.ID) {
				tag = "(expected) "
			}
			head := fmt.Sprintf("  %-7s %s", res.ID, tag)
			line := wrap(parseFinding(res.Detail).Reason, consoleWidth-len(head), 1)
			reason := ""
			if len(line) > 0 {
				reason = line[0]
			}
			c.printf("%s%s\n", head, reason)
		}
	}
	if len(warnings) > 0 {
		ids := make([]string, len(warnings))
		for i, res := range warnings {
			ids[i] = res.ID
		}
		c.printf("\n%s %s\n", c.paint(ansiYellow+ansiBold, fmt.Sprintf("Warnings (%d):", len(warnings))), strings.Join(ids, ", "))
	}
	if len(failures)+len(warnings) > 0 {
		c.printf("%s\n", c.paint(ansiGrey, "\"mcp-conform explain ID\" tells what a check sends and expects, and how to fix it."))
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

// writeCheck writes one check's line and, for a FAIL, WARN or SKIP, what explains it.
func (r *Report) writeCheck(c *consoleWriter, res check.Result, verbose bool) {
	tag, code := statusTag(res.Status)
	suffix, suffixCode := "", ""
	switch {
	case r.isExpected(res.ID):
		suffix, suffixCode = "  (expected failure)", ansiGrey
	case r.isStale(res.ID):
		suffix, suffixCode = "  (stale baseline entry)", ansiYellow
	}
	head := fmt.Sprintf("  %s  %-7s ", tag, res.ID)
	title := res.Title
	if room := consoleWidth - len(head) - len(suffix); room > 10 {
		if t := wrap(title, room, 1); len(t) > 0 {
			title = t[0]
		}
	}
	c.printf("  %s  %-7s %s%s\n", c.paint(code, tag), res.ID, title, c.paint(suffixCode, suffix))

	f := parseFinding(res.Detail)
	switch res.Status {
	case check.StatusFail, check.StatusWarn:
		c.wrapped("", f.Reason, reasonLines)
		for _, e := range f.evidence() {
			c.evidence(e.label, e.text, verbose)
		}
		c.notes(f.Notes, verbose)
	case check.StatusSkip:
		c.wrapped("", f.Reason, reasonLines)
		if verbose {
			c.notes(f.Notes, true)
		}
	default:
		if verbose && strings.TrimSpace(res.Detail) != "" {
			c.wrapped("", f.Reason, 0)
			for _, e := range f.evidence() {
				c.evidence(e.label, e.text, true)
			}
			c.notes(f.Notes, true)
		}
	}
	if verbose {
		c.steps(res)
	}
}

// wrapped writes text under a check line, wrapped to the layout's width in at most
// maxLines lines (0: no limit), the first prefixed with label.
func (c *consoleWriter) wrapped(label, text string, maxLines int) {
	if strings.TrimSpace(text) == "" {
		return
	}
	first := detailIndent + label
	rest := detailIndent + strings.Repeat(" ", len(label))
	for i, line := range wrap(text, consoleWidth-len(first), maxLines) {
		if i == 0 {
			c.printf("%s%s\n", first, line)
		} else {
			c.printf("%s%s\n", rest, line)
		}
	}
}

// evidence writes one labelled evidence item ("Received: 401 …"): at most evidenceBytes
// bytes in at most evidenceLines lines; lines the item holds (an event stream's) stay lines.
func (c *consoleWriter) evidence(label, text string, verbose bool) {
	if !verbose {
		text = cutText(text, evidenceBytes)
	}
	first := detailIndent + label + " "
	indent := strings.Repeat(" ", len(first))
	var lines []string
	for _, part := range strings.Split(text, "\n") {
		lines = append(lines, wrap(part, consoleWidth-len(first), 0)...)
	}
	if !verbose && len(lines) > evidenceLines {
		lines = append(lines[:evidenceLines-1], fmt.Sprintf("… %d more lines (--verbose)", len(lines)-evidenceLines+1))
	}
	for i, line := range lines {
		if i == 0 {
			c.printf("%s%s\n", first, line)
		} else {
			c.printf("%s%s\n", indent, line)
		}
	}
}

// notes writes the further lines of a detail: a few, each cut to two lines, or with
// verbose all of them.
func (c *consoleWriter) notes(notes []string, verbose bool) {
	for i, n := range notes {
		if !verbose && i == notesShown {
			c.printf("%s%s\n", detailIndent, c.paint(ansiGrey, fmt.Sprintf("… %d more lines (--verbose)", len(notes)-notesShown)))
			return
		}
		max := reasonLines
		if verbose {
			max = 0
		}
		c.wrapped("", n, max)
	}
}

// steps writes, for --verbose, the steps a check took and its exchanges.
func (c *consoleWriter) steps(res check.Result) {
	if len(res.Steps) > 0 {
		c.printf("%s%s\n", detailIndent, c.paint(ansiGrey, "Steps:"))
		for i, s := range res.Steps {
			c.wrapped(fmt.Sprintf("  %d. ", i+1), s, 0)
		}
	}
	for i, e := range res.Exchanges {
		c.printf("%s%s\n", detailIndent, c.paint(ansiGrey, fmt.Sprintf("Exchange %d:", i+1)))
		c.exchange("> ", e.Request)
		c.exchange("< ", e.Response)
	}
}

// exchange writes one side of an exchange, its lines prefixed with mark.
func (c *consoleWriter) exchange(mark, text string) {
	text = strings.TrimRight(strings.ReplaceAll(cutText(text, exchangeBytes), "\r\n", "\n"), "\n")
	for _, line := range strings.Split(text, "\n") {
		c.printf("%s\n", strings.TrimRight(detailIndent+"  "+mark+strings.TrimRight(line, "\r"), " "))
	}
}

// cutText cuts s to at most n bytes on a rune boundary, saying how much was left out.
func cutText(s string, n int) string {
	if len(s) <= n+40 { // cutting a few bytes saves nothing
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s…[%d more bytes]", s[:cut], len(s)-cut)
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
