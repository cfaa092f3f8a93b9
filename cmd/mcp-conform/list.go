package main

// This file implements "mcp-conform list" and "mcp-conform explain": read-only views of the
// check registry (check.Definitions and check.Lookup).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// listEntry is one check in the output of "list --json".
type listEntry struct {
	ID       string   `json:"id"`
	Level    string   `json:"level"`
	Title    string   `json:"title"`
	Area     string   `json:"area"`
	Versions []string `json:"versions"` // empty: every spec version
	Needs    []string `json:"needs"`    // empty: runs anonymously
	Refs     []string `json:"refs"`
}

// listCmd is "mcp-conform list".
func listCmd(_ context.Context, c *cli, args []string) int {
	fs := newFlagSet("list", "mcp-conform list [--json]",
		"List every check of the suite: ID, level, title and sources, in report order.")
	asJSON := fs.Bool("json", false, "print a JSON array of {id, level, title, area, versions, needs, refs}")
	if code, done := c.parse(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return c.usageError(fs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	defs := check.Definitions()
	var err error
	if *asJSON {
		err = writeListJSON(c.stdout, defs)
	} else {
		err = writeListText(c.stdout, defs)
	}
	if err != nil {
		c.errorf("list: %v", err)
		return exitFail
	}
	return exitOK
}

// writeListJSON writes the checks as an indented JSON array.
func writeListJSON(w io.Writer, defs []check.Definition) error {
	entries := make([]listEntry, 0, len(defs))
	for _, d := range defs {
		entries = append(entries, listEntry{
			ID:       d.ID,
			Level:    string(d.Level),
			Title:    d.Title,
			Area:     d.Area.Key,
			Versions: nonNil(d.Versions),
			Needs:    nonNil(needsNames(d.Needs)),
			Refs:     nonNil(d.Refs),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(entries); err != nil {
		return fmt.Errorf("encoding JSON: %w", err)
	}
	return nil
}

// writeListText writes the checks as an aligned table.
func writeListText(w io.Writer, defs []check.Definition) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLEVEL\tTITLE\tSOURCES")
	for _, d := range defs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.ID, d.Level, d.Title, strings.Join(d.Refs, "; "))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing the table: %w", err)
	}
	_, err := fmt.Fprintf(w, "\n%d checks. \"mcp-conform explain ID\" explains one.\n", len(defs))
	return err
}

// nonNil returns s, or an empty slice for nil (so JSON shows [] rather than null).
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// needsNames names the Needs flags set in n, in declaration order.
func needsNames(n check.Needs) []string {
	var names []string
	for _, f := range []struct {
		flag check.Needs
		name string
	}{
		{check.NeedsToken, "token"},
		{check.NeedsMinting, "minting"},
		{check.NeedsScopes, "scopes"},
		{check.NeedsRateLimit, "rate-limit"},
		{check.NeedsQuietAS, "quiet-as"},
	} {
		if n&f.flag != 0 {
			names = append(names, f.name)
		}
	}
	return names
}

// needsText describes in words what a check needs to run.
func needsText(n check.Needs) string {
	var parts []string
	if n&check.NeedsToken != 0 {
		parts = append(parts, "a valid access token (cooperative or supplied-token mode)")
	}
	if n&check.NeedsMinting != 0 {
		parts = append(parts, "crafted tokens from a mockas the server trusts (cooperative mode)")
	}
	if n&check.NeedsScopes != 0 {
		parts = append(parts, "a scope requirement (--scope OPERATION=SCOPE, or learned by scope discovery in cooperative mode)")
	}
	if n&check.NeedsRateLimit != 0 {
		parts = append(parts, "a declared rate limit (--rate-limit)")
	}
	if n&check.NeedsQuietAS != 0 {
		parts = append(parts, "the mockas control plane for its cooperative part; runs last, alone")
	}
	if len(parts) == 0 {
		return "nothing beyond --url (runs in every mode)"
	}
	return strings.Join(parts, "; ")
}

// explainCmd is "mcp-conform explain ID".
func explainCmd(_ context.Context, c *cli, args []string) int {
	fs := newFlagSet("explain", "mcp-conform explain ID",
		"Explain one check: what it sends, what it expects, its sources, the normative quote and how\nto fix a failure. An unknown ID exits 2.")
	if code, done := c.parse(fs, args); done {
		return code
	}
	if fs.NArg() != 1 {
		return c.usageError(fs, fmt.Errorf("want exactly one check ID, got %d arguments", fs.NArg()))
	}
	id := strings.TrimSpace(fs.Arg(0))
	req, ok := check.Lookup(id)
	if !ok {
		req, ok = check.Lookup(strings.ToUpper(id))
	}
	if !ok {
		c.errorf("unknown check ID %q (\"mcp-conform list\" shows every ID)", id)
		return exitUsage
	}
	needs, defined := check.Anonymous, false
	for _, d := range check.Definitions() {
		if d.ID == req.ID {
			needs, defined = d.Needs, true
			break
		}
	}
	if err := writeExplain(c.stdout, req, needs, defined); err != nil {
		c.errorf("explain: %v", err)
		return exitFail
	}
	return exitOK
}

// writeExplain prints the registry entry of one check for a human.
func writeExplain(w io.Writer, r check.Requirement, needs check.Needs, defined bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  [%s]  %s\n\n", r.ID, r.Level, r.Title)
	fmt.Fprintf(&b, "Area:        %s\n", r.Area.Title)
	fmt.Fprintf(&b, "Versions:    %s\n", versionsText(r.Versions))
	if defined {
		fmt.Fprintf(&b, "Needs:       %s\n", needsText(needs))
	} else {
		fmt.Fprintf(&b, "Needs:       (no check is defined for this requirement yet; it never runs)\n")
	}
	fmt.Fprintf(&b, "Verdict:     %s\n", verdictText(r.Level))
	if r.Practice {
		fmt.Fprintf(&b, "Source kind: practice, not spec (label practice; --label-filter '!practice' leaves it out)\n")
	}
	section := func(title, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		fmt.Fprintf(&b, "\n%s\n%s", title, wrap(text, "  ", 78))
	}
	section("What it sends:", r.Sends)
	section("What it expects:", r.Expects)
	if len(r.Refs) > 0 {
		fmt.Fprintf(&b, "\nSources:\n")
		for _, ref := range r.Refs {
			fmt.Fprintf(&b, "  - %s\n", ref)
		}
	}
	if q := strings.TrimSpace(r.Quote); q != "" {
		section("Quote:", "\u201c"+q+"\u201d")
	}
	section("How to fix:", r.Fix)
	_, err := io.WriteString(w, b.String())
	return err
}

// versionsText names the spec versions a requirement applies to.
func versionsText(v []string) string {
	if len(v) == 0 {
		return "all spec versions"
	}
	return strings.Join(v, ", ")
}

// verdictText says what a violation of a requirement at level l yields.
func verdictText(l check.Level) string {
	switch l {
	case check.MUST:
		return "a violation is a FAIL"
	case check.SHOULD, check.MAY:
		return "a violation is a WARN (a FAIL with --strict)"
	case check.INFO:
		return "records behaviour only (INFO)"
	}
	return "level " + string(l)
}

// wrap fills text into lines of at most width columns (long words stay whole), each line
// prefixed with indent; blank lines in text separate paragraphs.
func wrap(text, indent string, width int) string {
	var b strings.Builder
	for i, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if i > 0 {
			b.WriteString("\n")
		}
		line := indent
		for _, word := range strings.Fields(para) {
			if len(line) > len(indent) && len(line)+1+len(word) > width {
				b.WriteString(line + "\n")
				line = indent
			}
			if len(line) > len(indent) {
				line += " "
			}
			line += word
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}
