package conformance

// This file splits a check's detail into what the reports show of it: the reason (the
// cause, first), the evidence (what was sent, expected and received) and further notes.
// Checks write details in two shapes, both handled here:
//
//	<reason line>                    a valid token was refused.
//	Sent:     <request>              Sent:     POST http://…/mcp (Authorization: Bearer …)
//	Expected: <what the rule needs>  Expected: 2xx with a JSON-RPC result
//	Received: <response>             Received: 401 Unauthorized; WWW-Authenticate: …
//	Problem:  <what is wrong>
//
// and one sentence, "[<reason>: ]sent <request>; expected <rule>; got <response>".

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// finding is a check's detail split for display.
type finding struct {
	Reason   string   // the cause, one sentence
	Sent     string   // the request that showed it
	Expected string   // what the requirement needs
	Received string   // what came back
	Notes    []string // everything else, in order
}

// evidenceLine is one labelled line of evidence.
type evidenceLine struct{ label, text string }

// evidence returns the non-empty Sent, Expected and Received lines, labelled and aligned.
// Expected is left out when the reason already is "expected <it>".
func (f finding) evidence() []evidenceLine {
	expected := f.Expected
	if f.Reason == "expected "+oneLine(expected) {
		expected = ""
	}
	var out []evidenceLine
	for _, e := range []evidenceLine{{"Sent:    ", f.Sent}, {"Expected:", expected}, {"Received:", f.Received}} {
		if strings.TrimSpace(e.text) != "" {
			out = append(out, e)
		}
	}
	return out
}

// labelledLine matches "Sent:", "Expected:", "Received:" and "Problem:" lines.
var labelledLine = regexp.MustCompile(`^(?i)(sent|expected|received|problem):\s*(.*)$`)

// runOn matches the one-sentence shape: an optional reason, "sent …; expected …; got …".
var runOn = regexp.MustCompile(`(?s)^(.*?)\bsent (.+?); expected (.+?)[;,] (?:but )?(?:got|received):? (.+)$`)

// expectedGot matches "[reason: ]expected …; got …" without a "sent" part.
var expectedGot = regexp.MustCompile(`(?s)^(.*?)\bexpected (.+?)[;,] (?:but )?(?:got|received):? (.+)$`)

// parseFinding splits detail; it never loses text: what is not reason or evidence is a note.
func parseFinding(detail string) finding {
	detail = strings.TrimSpace(strings.ReplaceAll(detail, "\r\n", "\n"))
	if detail == "" {
		return finding{}
	}
	lines := strings.Split(detail, "\n")
	if f, ok := parseLabelled(lines); ok {
		return f
	}
	var f finding
	first, rest := lines[0], lines[1:]
	// A response quoted in the sentence may spill over lines that start with a separator
	// (";", ",", ")") or with indentation: they belong to the sentence.
	for len(rest) > 0 && continuesSentence(rest[0]) {
		first += "\n" + rest[0]
		rest = rest[1:]
	}
	switch m := runOn.FindStringSubmatch(first); {
	case m != nil:
		f.Reason, f.Sent, f.Expected, f.Received = clause(m[1]), m[2], m[3], m[4]
	default:
		if m := expectedGot.FindStringSubmatch(first); m != nil {
			f.Reason, f.Expected, f.Received = clause(m[1]), m[2], m[3]
		} else {
			f.Reason = strings.TrimSpace(first)
		}
	}
	if f.Reason == "" && f.Expected != "" {
		f.Reason = "expected " + oneLine(f.Expected)
	}
	f.Notes = nonEmpty(rest)
	return f
}

// parseLabelled handles details with labelled lines; ok is false when there are none.
func parseLabelled(lines []string) (finding, bool) {
	var f finding
	var before, after []string
	problem := ""
	labelled := false
	var last *string // the labelled field continuation lines append to
	for _, line := range lines {
		if m := labelledLine.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			labelled = true
			switch strings.ToLower(m[1]) {
			case "sent":
				f.Sent, last = m[2], &f.Sent
			case "expected":
				f.Expected, last = m[2], &f.Expected
			case "received":
				f.Received, last = m[2], &f.Received
			case "problem":
				problem, last = m[2], &problem
			}
			continue
		}
		switch {
		case !labelled:
			before = append(before, line)
		case last != nil && strings.TrimSpace(line) != "" && (line[0] == ' ' || line[0] == '\t'):
			*last += "\n" + strings.TrimSpace(line)
		default:
			last = nil
			after = append(after, line)
		}
	}
	if !labelled {
		return finding{}, false
	}
	before = nonEmpty(before)
	switch {
	case len(before) > 0:
		f.Reason = strings.TrimSpace(before[0])
		after = append(before[1:], after...)
		if problem != "" {
			after = append([]string{"Problem: " + problem}, after...)
		}
	case problem != "":
		f.Reason = problem
	case f.Expected != "":
		f.Reason = "expected " + oneLine(f.Expected)
	}
	f.Notes = nonEmpty(after)
	return f, true
}

// continuesSentence reports whether line continues the previous line's sentence.
func continuesSentence(line string) bool {
	t := strings.TrimSpace(line)
	if t == "" {
		return false
	}
	return strings.ContainsAny(t[:1], ";,)") || line[0] == ' ' || line[0] == '\t'
}

// clause trims a reason clause of the separators that joined it to the evidence.
func clause(s string) string {
	return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), ";:,"))
}

// nonEmpty returns the lines that are not blank, trimmed on the right.
func nonEmpty(lines []string) []string {
	var out []string
	for _, l := range lines {
		if l = strings.TrimRight(l, " \t\r"); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// oneLine joins the lines of s with spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// wrap breaks s into lines of at most width runes at spaces (a word longer than width is
// cut), and keeps at most maxLines, the last ending in "…" when text was dropped.
func wrap(s string, width, maxLines int) []string {
	words := strings.Fields(s)
	var lines []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			lines = append(lines, cur.String())
			cur.Reset()
		}
	}
	for _, w := range words {
		for utf8.RuneCountInString(w) > width {
			flush()
			r := []rune(w)
			lines = append(lines, string(r[:width]))
			w = string(r[width:])
		}
		switch {
		case cur.Len() == 0:
			cur.WriteString(w)
		case utf8.RuneCountInString(cur.String())+1+utf8.RuneCountInString(w) <= width:
			cur.WriteString(" " + w)
		default:
			flush()
			cur.WriteString(w)
		}
	}
	flush()
	if maxLines > 0 && len(lines) > maxLines {
		lines = lines[:maxLines]
		last := []rune(lines[maxLines-1])
		if len(last) >= width {
			last = last[:width-1]
		}
		lines[maxLines-1] = string(last) + "…"
	}
	return lines
}
