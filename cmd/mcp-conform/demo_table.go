package main

// This file prints the demo's table: one row per server, its verdict, the checks the
// catalogue expects it to fail (or warn on), and the FAILs and WARNs the suite showed.

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mcp-conform/mcp-conform/conformance/demo"
	"github.com/mcp-conform/mcp-conform/fixtures"
)

// demoTable prints one row per demo server: the verdict, the server, the checks it is
// expected to fail (or warn on), and the FAILs and WARNs the suite showed.
type demoTable struct {
	c         *cli
	nameWidth int // the longest server name, at most demoNameWidth
}

// ANSI colours of the demo table (the console report has its own, in package conformance).
const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

// Column widths of the demo table; the last column takes the rest of 100 columns.
const (
	demoVerdictWidth = 4
	demoNameWidth    = 36
	demoExpectWidth  = 20
	demoWidth        = 100
)

func newDemoTable(c *cli, servers []fixtures.Broken) *demoTable {
	t := &demoTable{c: c, nameWidth: len("SERVER")}
	for _, s := range servers {
		t.nameWidth = max(t.nameWidth, min(len(s.Name), demoNameWidth))
	}
	return t
}

// header prints the column titles.
func (t *demoTable) header() {
	fmt.Fprintf(t.c.stdout, "\n  %-*s  %-*s  %-*s  %s\n", demoVerdictWidth, "", t.nameWidth, "SERVER", demoExpectWidth, "SHOULD SHOW", "SHOWED")
}

// row prints one server's row; colour (on a terminal) marks the verdict, FAILs and WARNs.
func (t *demoTable) row(o demo.Outcome) {
	verdict, code := "ok", ansiGreen
	if o.Err != nil || len(o.Missing) > 0 || !o.OK() {
		verdict, code = "BAD", ansiRed
	}
	expected := append([]string(nil), o.ExpectFail...)
	for _, id := range o.ExpectWarn {
		expected = append(expected, id+"(w)")
	}
	name := o.Name
	if len(name) > t.nameWidth {
		name = name[:t.nameWidth-1] + "…"
	}
	exp := listOrDash(expected)
	if len(exp) > demoExpectWidth {
		exp = exp[:demoExpectWidth-1] + "…"
	}
	room := demoWidth - 2 - demoVerdictWidth - t.nameWidth - demoExpectWidth - 6
	var showed []string
	switch {
	case o.Err != nil:
		showed = []string{t.paint(ansiRed, "error: "+firstLine(o.Err.Error(), room-7))}
	default:
		var parts []string
		if len(o.Fails) > 0 {
			parts = append(parts, t.paint(ansiRed, "FAIL")+" "+strings.Join(o.Fails, " "))
		}
		if len(o.Warns) > 0 {
			parts = append(parts, t.paint(ansiYellow, "WARN")+" "+strings.Join(o.Warns, " "))
		}
		if len(parts) == 0 {
			parts = []string{"no FAIL, no WARN"}
		}
		if len(o.Missing) > 0 {
			parts = append(parts, t.paint(ansiRed, "MISSED")+" "+strings.Join(o.Missing, " "))
		}
		showed = parts
	}
	fmt.Fprintf(t.c.stdout, "  %s  %-*s  %-*s  %s\n", t.paint(code, fmt.Sprintf("%-*s", demoVerdictWidth, verdict)),
		t.nameWidth, name, demoExpectWidth, exp, fitANSI(strings.Join(showed, " · "), room))
}

// paint colours s when the demo writes to a terminal.
func (t *demoTable) paint(code, s string) string {
	if !t.c.color {
		return s
	}
	return code + s + ansiReset
}

// fitANSI cuts s, which may hold ANSI colour sequences, to width visible runes; a cut is
// marked with "…" and resets the colour.
func fitANSI(s string, width int) string {
	if visibleLen(s) <= width {
		return s
	}
	var b strings.Builder
	visible := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			end := strings.IndexByte(s[i:], 'm')
			if end < 0 {
				break
			}
			b.WriteString(s[i : i+end+1])
			i += end + 1
			continue
		}
		if visible == width-1 {
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r)
		visible++
		i += size
	}
	b.WriteString("…")
	if strings.Contains(s, "\x1b[") {
		b.WriteString(ansiReset)
	}
	return b.String()
}

// visibleLen counts the runes of s outside ANSI colour sequences.
func visibleLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			if end := strings.IndexByte(s[i:], 'm'); end >= 0 {
				i += end + 1
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		n++
		i += size
	}
	return n
}

// listOrDash joins ids with commas, or returns "-" when there are none.
func listOrDash(ids []string) string {
	if len(ids) == 0 {
		return "-"
	}
	return strings.Join(ids, ", ")
}
