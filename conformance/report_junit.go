package conformance

// This file writes the JUnit XML report: one <testsuite> per area, one <testcase> per check
// named by its ID and title (IDs are stable, so CI dashboards track a requirement across
// runs), with the check's own duration.

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// junitSuites is the <testsuites> root.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

// junitSuite is one area.
type junitSuite struct {
	Name       string          `xml:"name,attr"`
	ID         string          `xml:"id,attr"`
	Package    string          `xml:"package,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

// junitProperty is a name/value pair.
type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// junitCase is one check.
type junitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Failure    *junitFailure   `xml:"failure"`
	Skipped    *junitSkipped   `xml:"skipped"`
	SystemOut  *junitText      `xml:"system-out"`
}

// junitText is character data written as CDATA, so multi-line details stay readable.
type junitText struct {
	Text string `xml:",cdata"`
}

// outText wraps s for <system-out>, or nil when s is empty.
func outText(s string) *junitText {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return &junitText{Text: xmlSafe(s)}
}

// xmlSafe replaces the characters XML 1.0 forbids (most C0 controls, invalid UTF-8) with
// U+FFFD: CDATA, unlike escaped text, cannot carry them. A check's detail may quote any
// bytes a server sent.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r == utf8.RuneError:
			return '\uFFFD'
		default:
			return r
		}
	}, s)
}

// junitFailure is a violated requirement.
type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// junitSkipped is a check that could not run.
type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the report as JUnit XML: one <testsuite> per area (name = area title,
// id = area key), one <testcase name="ID title" classname="area key" time="seconds"> per
// check sorted by ID (e.g. name="RS-26 MUST match the Bearer scheme name
// case-insensitively" classname="presentation"). A fail has a <failure> (message = the
// reason, type = the level), a skip a <skipped message>, a warn or info passes with its
// detail in <system-out> (a warn also as the "warning" property).
func (r *Report) WriteJUnit(w io.Writer) error {
	root := junitSuites{Name: r.Tool, Time: seconds(r.Duration)}
	if root.Name == "" {
		root.Name = ToolName
	}
	stamp := r.StartedAt.UTC().Format("2006-01-02T15:04:05")
	for _, g := range byArea(r.Results) {
		s := junitSuite{
			Name:      areaTitle(g.Area),
			ID:        g.Key,
			Package:   g.Key,
			Timestamp: stamp,
			Properties: []junitProperty{
				{Name: "target", Value: safe.Line(r.Target)},
				{Name: "spec_version", Value: r.SpecVersion},
			},
		}
		if len(root.Suites) == 0 {
			// The first suite carries what the run called and the scope map, one property
			// per line (JUnit has no run-level properties).
			scopeMap, calls := r.scopeLines()
			for _, l := range scopeMap {
				s.Properties = append(s.Properties, junitProperty{Name: "scope_map", Value: xmlSafe(l)})
			}
			for _, l := range calls {
				s.Properties = append(s.Properties, junitProperty{Name: "operation_called", Value: xmlSafe(l)})
			}
		}
		var took time.Duration
		for _, res := range g.Results {
			res = sanitize(res)
			took += res.Duration
			s.Tests++
			c := junitCase{
				Name:      strings.TrimSpace(res.ID + " " + res.Title),
				Classname: g.Key,
				Time:      seconds(res.Duration),
				Properties: []junitProperty{
					{Name: "id", Value: res.ID},
					{Name: "title", Value: res.Title},
					{Name: "level", Value: string(res.Level)},
					{Name: "status", Value: string(res.Status)},
				},
			}
			for _, ref := range res.Refs {
				c.Properties = append(c.Properties, junitProperty{Name: "ref", Value: ref})
			}
			switch res.Status {
			case check.StatusFail:
				s.Failures++
				msg := parseFinding(res.Detail).Reason
				if r.isExpected(res.ID) {
					msg = "expected failure (baseline): " + msg
					c.Properties = append(c.Properties, junitProperty{Name: "expected_failure", Value: "true"})
				}
				c.Failure = &junitFailure{Message: msg, Type: string(res.Level), Text: xmlSafe(caseText(res))}
			case check.StatusSkip:
				s.Skipped++
				c.Skipped = &junitSkipped{Message: firstLine(res.Detail)}
				c.SystemOut = outText(res.Detail)
			case check.StatusWarn:
				c.Properties = append(c.Properties, junitProperty{Name: "warning", Value: res.Detail})
				c.SystemOut = outText(caseText(res))
			case check.StatusInfo:
				c.SystemOut = outText(caseText(res))
			}
			if r.isStale(res.ID) {
				c.Properties = append(c.Properties, junitProperty{Name: "stale_baseline_entry", Value: "true"})
			}
			s.Cases = append(s.Cases, c)
		}
		s.Time = seconds(took)
		root.Tests += s.Tests
		root.Failures += s.Failures
		root.Skipped += s.Skipped
		root.Suites = append(root.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("writing JUnit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("writing JUnit report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("writing JUnit report: %w", err)
	}
	return nil
}

// caseText is the body of a failure or system-out: detail, steps and exchanges.
func caseText(res check.Result) string {
	var b strings.Builder
	b.WriteString(res.Detail)
	if len(res.Steps) > 0 {
		b.WriteString("\n\nSteps:\n")
		for i, s := range res.Steps {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, s)
		}
	}
	for i, e := range res.Exchanges {
		fmt.Fprintf(&b, "\nExchange %d, request:\n%s\nresponse:\n%s\n", i+1, e.Request, e.Response)
	}
	return strings.TrimRight(b.String(), "\n")
}

// seconds renders d in seconds with millisecond precision, as JUnit expects.
func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
