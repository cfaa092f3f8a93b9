package main

// This file implements the hidden "mcp-conform summary" subcommand: it reads a JSON report
// (written by "run --json") and prints either a short Markdown summary (for
// $GITHUB_STEP_SUMMARY, merge request comments…) or key=value lines (for $GITHUB_OUTPUT), so
// CI wiring needs neither jq nor a script language.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Formats of "summary".
const (
	summaryMarkdown = "markdown"
	summaryOutputs  = "outputs"
)

// jsonReport is the part of the JSON report (see conformance.Report.WriteJSON) the summary reads.
type jsonReport struct {
	Tool        string `json:"tool"`
	Version     string `json:"version"`
	Target      string `json:"target"`
	SpecVersion string `json:"spec_version"`
	DurationMS  int64  `json:"duration_ms"`
	Results     []struct {
		ID              string `json:"id"`
		Title           string `json:"title"`
		Level           string `json:"level"`
		Status          string `json:"status"`
		Detail          string `json:"detail"`
		Reason          string `json:"reason"`
		ExpectedFailure bool   `json:"expected_failure"`
	} `json:"results"`
	Summary struct {
		Pass int `json:"pass"`
		Fail int `json:"fail"`
		Warn int `json:"warn"`
		Skip int `json:"skip"`
		Info int `json:"info"`
	} `json:"summary"`
	Baseline *struct {
		Expected   []string `json:"expected"`
		Stale      []string `json:"stale"`
		Unexpected []string `json:"unexpected"`
	} `json:"baseline"`
}

// summaryCmd is "mcp-conform summary".
func summaryCmd(_ context.Context, c *cli, args []string) int {
	fs := newFlagSet("summary", "mcp-conform summary [--format markdown|outputs] [--exit-code N] REPORT.json",
		`Summarise a JSON report written by "mcp-conform run --json": as Markdown (the counts table,
then the failed checks and the warnings) for a CI job summary, or as key=value lines
(pass, fail, warn, skip, info, total, failed, unexpected, exit-code) for $GITHUB_OUTPUT.`)
	format := fs.String("format", summaryMarkdown, "output `format`: markdown or outputs")
	exitCode := fs.Int("exit-code", -1, "the exit `code` of the run, shown in the summary and output as exit-code (-1: unknown)")
	maxItems := fs.Int("max-items", 50, "list at most `N` failed checks and N warnings")
	fs.notes = `Example (GitHub Actions):
  mcp-conform summary --exit-code "$code" report.json >> "$GITHUB_STEP_SUMMARY"
  mcp-conform summary --format outputs --exit-code "$code" report.json >> "$GITHUB_OUTPUT"`
	if code, done := c.parse(fs, args); done {
		return code
	}
	if fs.NArg() != 1 {
		return c.usageError(fs, errors.New("want exactly one JSON report file"))
	}
	if *format != summaryMarkdown && *format != summaryOutputs {
		return c.usageError(fs, fmt.Errorf("--format %q: want markdown or outputs", *format))
	}
	if *maxItems < 1 {
		return c.usageError(fs, fmt.Errorf("--max-items %d: must be at least 1", *maxItems))
	}
	r, err := readJSONReport(fs.Arg(0))
	if err != nil {
		c.errorf("summary: %v", err)
		return exitUsage
	}
	if *format == summaryOutputs {
		err = writeOutputs(c.stdout, r, *exitCode)
	} else {
		err = writeMarkdownSummary(c.stdout, r, *exitCode, *maxItems)
	}
	if err != nil {
		c.errorf("summary: %v", err)
		return exitFail
	}
	return exitOK
}

// readJSONReport reads and sanity-checks a JSON report.
func readJSONReport(path string) (*jsonReport, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the report: %w", err)
	}
	var r jsonReport
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("decoding the report %s: %w", path, err)
	}
	if r.Tool != "mcp-conform" {
		return nil, fmt.Errorf("%s is not an mcp-conform JSON report (tool %q)", path, r.Tool)
	}
	return &r, nil
}

// total is the number of results the summary counts.
func (r *jsonReport) total() int {
	s := r.Summary
	return s.Pass + s.Fail + s.Warn + s.Skip + s.Info
}

// idsWithStatus returns the IDs of the results with status, in report order.
func (r *jsonReport) idsWithStatus(status string) []string {
	var ids []string
	for _, res := range r.Results {
		if res.Status == status {
			ids = append(ids, res.ID)
		}
	}
	return ids
}

// unexpected returns the failed checks the baseline did not expect.
func (r *jsonReport) unexpected() []string {
	var ids []string
	for _, res := range r.Results {
		if res.Status == "fail" && !res.ExpectedFailure {
			ids = append(ids, res.ID)
		}
	}
	return ids
}

// writeOutputs writes one key=value line per output (GitHub's $GITHUB_OUTPUT format).
func writeOutputs(w io.Writer, r *jsonReport, exitCode int) error {
	lines := []string{
		"pass=" + strconv.Itoa(r.Summary.Pass),
		"fail=" + strconv.Itoa(r.Summary.Fail),
		"warn=" + strconv.Itoa(r.Summary.Warn),
		"skip=" + strconv.Itoa(r.Summary.Skip),
		"info=" + strconv.Itoa(r.Summary.Info),
		"total=" + strconv.Itoa(r.total()),
		"failed=" + strings.Join(r.idsWithStatus("fail"), " "),
		"unexpected=" + strings.Join(r.unexpected(), " "),
	}
	if exitCode >= 0 {
		lines = append(lines, "exit-code="+strconv.Itoa(exitCode))
	}
	if _, err := io.WriteString(w, strings.Join(lines, "\n")+"\n"); err != nil {
		return fmt.Errorf("writing outputs: %w", err)
	}
	return nil
}

// writeMarkdownSummary writes the counts table, the failed checks and the warnings. Text from
// the report (titles, details, the target) is escaped: details quote what the server sent.
func writeMarkdownSummary(w io.Writer, r *jsonReport, exitCode, maxItems int) error {
	var b strings.Builder
	verdict := "✅ no check failed"
	switch unexpected := len(r.unexpected()); {
	case exitCode > 1:
		verdict = "⚠️ the run did not complete (exit " + strconv.Itoa(exitCode) + ")"
	case unexpected > 0:
		verdict = fmt.Sprintf("❌ %d failed", unexpected)
	case exitCode == 1:
		verdict = "❌ failed (warnings or stale baseline entries with --strict)"
	}
	fmt.Fprintf(&b, "### mcp-conform: %s\n\n", verdict)
	fmt.Fprintf(&b, "Target %s · MCP %s · mcp-conform %s · %s",
		summaryEscape(r.Target), summaryEscape(r.SpecVersion), summaryEscape(r.Version), formatMS(r.DurationMS))
	if exitCode >= 0 {
		fmt.Fprintf(&b, " · exit code %d", exitCode)
	}
	b.WriteString("\n\n")
	b.WriteString("| Pass | Fail | Warn | Skip | Info | Total |\n|---:|---:|---:|---:|---:|---:|\n")
	s := r.Summary
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d |\n", s.Pass, s.Fail, s.Warn, s.Skip, s.Info, r.total())

	writeItems := func(heading, status string) {
		var lines []string
		for _, res := range r.Results {
			if res.Status != status {
				continue
			}
			line := fmt.Sprintf("- **%s** (%s) %s", summaryEscape(res.ID), summaryEscape(res.Level), summaryEscape(res.Title))
			if res.ExpectedFailure {
				line += " — *expected (baseline)*"
			}
			reason := res.Reason
			if reason == "" { // a report written before "reason" existed
				reason = res.Detail
			}
			if d := firstLine(reason, 200); d != "" {
				line += " — " + summaryEscape(d)
			}
			lines = append(lines, line)
		}
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n**%s (%d)**\n\n", heading, len(lines))
		for i, line := range lines {
			if i == maxItems {
				fmt.Fprintf(&b, "- … and %d more (see the reports)\n", len(lines)-maxItems)
				break
			}
			b.WriteString(line + "\n")
		}
	}
	writeItems("Failed checks", "fail")
	writeItems("Warnings", "warn")
	if bl := r.Baseline; bl != nil && len(bl.Stale) > 0 {
		fmt.Fprintf(&b, "\nStale baseline entries (now passing; remove them): %s\n", summaryEscape(strings.Join(bl.Stale, ", ")))
	}
	b.WriteString("\n`mcp-conform explain ID` tells what a check sends, expects and how to fix it.\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing the summary: %w", err)
	}
	return nil
}

// firstLine returns the first non-empty line of s, cut to at most max runes.
func firstLine(s string, max int) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if r := []rune(line); len(r) > max {
			return string(r[:max]) + "…"
		}
		return line
	}
	return ""
}

// summaryEscaper neutralises Markdown and HTML in text taken from a report.
var summaryEscaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"|", `\|`, "#", `\#`, "~", `\~`, "!", `\!`, "\r", " ", "\n", " ",
)

// mdEscape escapes s for inline Markdown.
func summaryEscape(s string) string { return summaryEscaper.Replace(s) }

// formatMS renders a duration in milliseconds as seconds with one decimal.
func formatMS(ms int64) string {
	return strconv.FormatFloat(float64(ms)/1000, 'f', 1, 64) + "s"
}
