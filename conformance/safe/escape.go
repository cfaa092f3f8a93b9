package safe

// This file is the one terminal-safety rule: bytes that came from a target are escaped before
// they are printed. A terminal interprets C0 controls (ESC starts ANSI CSI and OSC sequences
// that move the cursor, clear the screen, retitle the window or write the clipboard; CR
// overwrites the line), C1 controls (U+009B is a one-character CSI on some terminals) and
// renders bidi controls (U+202A–U+202E, U+2066–U+2069) by reordering text ("Trojan Source",
// CVE-2021-42574). Each of them, DEL, and every byte of invalid UTF-8 is shown as a Go-style
// escape (\x1b, \u202e, \xff) instead, so the text reads exactly as it was received and
// cannot forge a line of output.

import (
	"fmt"
	"html"
	"strings"
	"unicode/utf8"
)

// Text escapes s for a terminal or a plain-text file. Line feeds, tabs and the CR of a CRLF
// are kept (details and transcripts span lines); every other control character, bidi
// control and invalid byte is escaped.
func Text(s string) string { return escape(s, false) }

// Line is Text for a single-line field: line feeds and tabs are escaped too.
func Line(s string) string { return escape(s, true) }

// HTML escapes s for HTML text or an attribute value: the control characters as Text does,
// then <, >, &, ' and " as character references.
func HTML(s string) string { return html.EscapeString(Text(s)) }

// escape implements Text and Line; it returns s itself when nothing needs escaping.
func escape(s string, oneLine bool) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size, oneLine) && !keptCR(s, i, oneLine) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case needsEscape(r, size, oneLine) && !keptCR(s, i, oneLine):
			switch {
			case r == '\n':
				b.WriteString(`\n`)
			case r == '\t':
				b.WriteString(`\t`)
			case r == '\r':
				b.WriteString(`\r`)
			case r < 0x80:
				fmt.Fprintf(&b, `\x%02x`, r)
			default:
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// keptCR reports whether s[i] is the CR of a CRLF in multi-line text: harmless, since the
// line feed follows before anything could overwrite the line.
func keptCR(s string, i int, oneLine bool) bool {
	return !oneLine && s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n'
}

// needsEscape reports whether the rune r (size bytes of input) must be escaped.
func needsEscape(r rune, size int, oneLine bool) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true // invalid UTF-8
	case r == '\n' || r == '\t':
		return oneLine
	case r < 0x20 || r == 0x7f:
		return true // C0 controls (ESC, CR, BEL, backspace…) and DEL
	case r >= 0x80 && r <= 0x9f:
		return true // C1 controls, CSI (U+009B) and OSC (U+009D) among them
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e || r == 0x200f || r == 0x061c:
		return true // bidi embeddings, overrides, isolates and marks
	default:
		return false
	}
}
