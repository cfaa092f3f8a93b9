package check

// This file describes a response body for failure messages as what it is: an HTML page by
// its title and size (an SPA catch-all page is not evidence worth 2 KB of markup), an event
// stream as its event lines (cut between lines, never inside one), anything else as its
// first few hundred bytes.

import (
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxBodyShown is about how much of a body a failure message quotes.
const maxBodyShown = 300

// eventLineIndent starts each quoted event-stream line, so readers (and the report layout)
// see the lines as the continuation of the response they belong to.
const eventLineIndent = "    "

// htmlTitle extracts an HTML page's title.
var htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// describeBody renders body (already redacted) for a failure message; contentType is the
// response's Content-Type and truncated whether the client stopped reading it.
func describeBody(contentType, body string, truncated bool) string {
	size := sizeText(len(body), truncated)
	mediaType, _, _ := mime.ParseMediaType(contentType)
	if mediaType != "text/event-stream" {
		// A trailing newline would end the message line the body is quoted in.
		body = strings.TrimRight(body, " \t\r\n")
	}
	switch {
	case strings.TrimSpace(body) == "":
		return "(empty)"
	case mediaType == "text/html" || looksLikeHTML(body):
		title := ""
		if m := htmlTitle.FindStringSubmatch(body); m != nil {
			if t := strings.Join(strings.Fields(m[1]), " "); t != "" && len(t) <= 80 {
				title = fmt.Sprintf(" %q", t)
			}
		}
		return fmt.Sprintf("HTML page%s, %s", title, size)
	case mediaType == "text/event-stream":
		return describeEvents(body, truncated)
	case !utf8.ValidString(body):
		return "binary, " + size
	case len(body) > maxBodyShown:
		cut := maxBodyShown
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut--
		}
		return fmt.Sprintf("%s…[%d more bytes]", body[:cut], len(body)-cut)
	default:
		return body
	}
}

// describeEvents quotes the lines of an event stream, whole lines only, up to about
// maxBodyShown bytes; blank lines (event separators) are dropped.
func describeEvents(body string, truncated bool) string {
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		if l = strings.TrimRight(l, "\r"); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "event stream, %s:", sizeText(len(body), truncated))
	shown := 0
	for i, l := range lines {
		if i > 0 && shown+len(l) > maxBodyShown {
			fmt.Fprintf(&b, "\n%s… %d more %s", eventLineIndent, len(lines)-i, plural(len(lines)-i, "line", "lines"))
			break
		}
		if len(l) > maxBodyShown { // a single line longer than the budget: the only cut inside a line
			cut := maxBodyShown
			for cut > 0 && !utf8.RuneStart(l[cut]) {
				cut--
			}
			l = fmt.Sprintf("%s…[%d more bytes]", l[:cut], len(l)-cut)
		}
		b.WriteString("\n" + eventLineIndent + l)
		shown += len(l)
	}
	return b.String()
}

// looksLikeHTML reports whether a body starts like an HTML document.
func looksLikeHTML(body string) bool {
	head := strings.ToLower(strings.TrimSpace(body[:min(len(body), 64)]))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html")
}

// sizeText renders a body size: "812 bytes", "2.3 KB", "1.0 MB (truncated)".
func sizeText(n int, truncated bool) string {
	var s string
	switch {
	case n < 1024:
		s = fmt.Sprintf("%d %s", n, plural(n, "byte", "bytes"))
	case n < 1024*1024:
		s = fmt.Sprintf("%.1f KB", float64(n)/1024)
	default:
		s = fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
	}
	if truncated {
		s += " (truncated)"
	}
	return s
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
