package main

// This file implements the hidden "mcp-conform docs" subcommand: it renders the "## Checks"
// section of docs/mcp-conform.md from the registry, one entry per check, and can rewrite that
// section in place between the BEGIN/END markers (go generate). docs_test.go fails on drift.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// Markers delimiting the generated section in docs/mcp-conform.md.
const (
	beginChecks = "<!-- BEGIN CHECKS -->"
	endChecks   = "<!-- END CHECKS -->"
)

// errNoMarkers reports a document without the generated-section markers.
var errNoMarkers = errors.New("markers " + beginChecks + " / " + endChecks + " not found in order")

// docsCmd is "mcp-conform docs [--update FILE]".
func docsCmd(_ context.Context, c *cli, args []string) int {
	fs := newFlagSet("docs", "mcp-conform docs [--update FILE]",
		"Print the generated \"## Checks\" markdown (one entry per check, from the registry), or\nrewrite it in FILE between "+beginChecks+" and "+endChecks+".")
	update := fs.String("update", "", "rewrite the generated section of markdown `FILE` in place")
	if code, done := c.parse(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return c.usageError(fs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	section := checksMarkdown(check.Definitions())
	if *update == "" {
		fmt.Fprint(c.stdout, section)
		return exitOK
	}
	if err := updateDoc(*update, section); err != nil {
		c.errorf("docs: %v", err)
		return exitFail
	}
	return exitOK
}

// updateDoc replaces the generated section of the markdown file at path.
func updateDoc(path, section string) error {
	doc, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading the document: %w", err)
	}
	out, err := replaceSection(doc, section)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if bytes.Equal(out, doc) {
		return nil
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return fmt.Errorf("writing the document: %w", err)
	}
	return nil
}

// generatedSection returns what lies between the markers of doc (excluding the marker lines).
func generatedSection(doc []byte) (string, error) {
	s := string(doc)
	i := strings.Index(s, beginChecks+"\n")
	if i < 0 {
		return "", errNoMarkers
	}
	rest := s[i+len(beginChecks)+1:]
	j := strings.Index(rest, endChecks)
	if j < 0 {
		return "", errNoMarkers
	}
	return rest[:j], nil
}

// replaceSection returns doc with the text between the markers replaced by section.
func replaceSection(doc []byte, section string) ([]byte, error) {
	old, err := generatedSection(doc)
	if err != nil {
		return nil, err
	}
	s := string(doc)
	start := strings.Index(s, beginChecks+"\n") + len(beginChecks) + 1
	return []byte(s[:start] + section + s[start+len(old):]), nil
}

// checksMarkdown renders one entry per check, grouped by area in report order.
func checksMarkdown(defs []check.Definition) string {
	var b strings.Builder
	b.WriteString("## Checks\n\n")
	b.WriteString("<!-- Generated from the registry by `go generate ./cmd/mcp-conform` (mcp-conform docs); do not edit by hand. -->\n\n")
	fmt.Fprintf(&b, "%d checks. A violated MUST is a FAIL; a violated SHOULD is a WARN (a FAIL with `--strict`); INFO checks record behaviour and never fail a run (one that spots a broken interop detail may warn). ", len(defs))
	b.WriteString("`mcp-conform explain ID` prints the same entry in the terminal.\n")
	area := ""
	for _, d := range defs {
		if d.Area.Key != area || area == "" {
			area = d.Area.Key
			title := d.Area.Title
			if title == "" {
				title = d.Area.Key
			}
			fmt.Fprintf(&b, "\n### %s\n", md(title))
		}
		writeCheckEntry(&b, d)
	}
	return b.String()
}

// writeCheckEntry renders one check.
func writeCheckEntry(b *strings.Builder, d check.Definition) {
	fmt.Fprintf(b, "\n#### %s: %s\n\n", d.ID, md(d.Title))
	if d.Practice {
		fmt.Fprintf(b, "- **Level:** %s — practice, not spec (label `practice`; `--label-filter '!practice'` leaves it out)\n", d.Level)
	} else {
		fmt.Fprintf(b, "- **Level:** %s\n", d.Level)
	}
	fmt.Fprintf(b, "- **Versions:** %s\n", versionsText(d.Versions))
	fmt.Fprintf(b, "- **Needs:** %s\n", needsText(d.Needs))
	fmt.Fprintf(b, "- **Sends:** %s\n", orNone(d.Sends))
	fmt.Fprintf(b, "- **Expects:** %s\n", orNone(d.Expects))
	fmt.Fprintf(b, "- **Sources:** %s\n", orNone(strings.Join(d.Refs, "; ")))
	if q := strings.TrimSpace(d.Quote); q != "" {
		b.WriteString("\n")
		for _, line := range strings.Split(q, "\n") {
			b.WriteString(strings.TrimRight("> "+mdEscaper.Replace(strings.TrimSpace(line)), " ") + "\n")
		}
	}
	if fix := strings.TrimSpace(d.Fix); fix != "" {
		fmt.Fprintf(b, "\n**How to fix.** %s\n", md(fix))
	}
}

// mdEscaper keeps registry text literal in markdown: "<host>" must not become an HTML tag,
// "mcp:tools:*" must not open emphasis.
var mdEscaper = strings.NewReplacer("\\", "\\\\", "<", "&lt;", "*", "\\*")

// md escapes registry text for markdown and collapses it onto one line.
func md(s string) string { return mdEscaper.Replace(oneLine(s)) }

// oneLine collapses whitespace (including newlines) so text fits a heading or list item.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// orNone returns s on one line, or a dash when it is empty.
func orNone(s string) string {
	if s = md(s); s == "" {
		return "—"
	}
	return s
}
