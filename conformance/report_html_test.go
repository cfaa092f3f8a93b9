package conformance

// Parses the HTML report and checks its content: every result present with its status,
// fixes from the registry, a self-contained page, escaping, and no credential anywhere.

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// walk calls f for every node under n.
func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

// attr returns the value of the named attribute.
func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

// text returns the text content under n.
func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

func TestWriteHTMLContent(t *testing.T) {
	r := syntheticReport()
	var buf bytes.Buffer
	if err := r.writeHTML(&buf, fakeLookup); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("parsing the page: %v", err)
	}

	checks := map[string]*html.Node{} // by element id
	var svgRects, scripts int
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.Data {
		case "details":
			if id, ok := attr(n, "id"); ok {
				checks[id] = n
			}
		case "rect":
			svgRects++
		case "script", "link", "img", "iframe":
			scripts++
		}
		for _, a := range n.Attr {
			if (a.Key == "src" || a.Key == "href") && !strings.HasPrefix(a.Val, "#") {
				t.Errorf("<%s %s=%q>: the page must be self-contained", n.Data, a.Key, a.Val)
			}
		}
	})
	if scripts != 0 {
		t.Errorf("%d script/link/img/iframe elements, want none", scripts)
	}
	if svgRects == 0 {
		t.Error("no SVG bar chart")
	}

	for _, res := range r.Results {
		n, ok := checks[checkAnchor(res.ID)]
		if !ok {
			t.Errorf("%s: not on the page", res.ID)
			continue
		}
		if st, _ := attr(n, "data-status"); st != string(res.Status) {
			t.Errorf("%s: data-status %q, want %q", res.ID, st, res.Status)
		}
		body := text(n)
		if !strings.Contains(body, res.Title) {
			t.Errorf("%s: title %q missing", res.ID, res.Title)
		}
		for _, ref := range res.Refs {
			if !strings.Contains(body, ref) {
				t.Errorf("%s: reference %q missing", res.ID, ref)
			}
		}
		if firstLine(res.Detail) != "" && !strings.Contains(body, firstLine(sanitize(res).Detail)) {
			t.Errorf("%s: detail missing", res.ID)
		}
		if req, ok := fakeLookup(res.ID); ok && !strings.Contains(body, req.Fix) {
			t.Errorf("%s: fix %q missing", res.ID, req.Fix)
		}
	}
	if len(checks) != len(r.Results) {
		t.Errorf("%d checks on the page, want %d", len(checks), len(r.Results))
	}

	// Escaping: the detail's markup is text, never an element.
	if strings.Contains(page, "<script>alert(1)</script>") {
		t.Error("detail markup was not escaped")
	}
	if !strings.Contains(text(checks[checkAnchor("RS-03")]), "<script>alert(1)</script>") {
		t.Error("escaped detail does not read back as text")
	}
}

func TestWriteHTMLNoCredentials(t *testing.T) {
	// Exchanges that check should have redacted but did not: the page must not show them.
	leaky := check.Result{
		ID: "RS-09", Title: "leaky", Level: check.MUST, Status: check.StatusFail, Area: areaTokens,
		Detail: "sent Authorization: Bearer " + fakeSecret + " and ?access_token=" + opaqueSecret,
		Steps:  []string{"send token " + fakeSecret},
		Exchanges: []check.Exchange{{
			Request:  "GET /mcp?access_token=" + opaqueSecret + " HTTP/1.1\r\nauthorization: bearer " + opaqueSecret + "\r\nCookie: sid=" + opaqueSecret + "\r\n\r\n",
			Response: "HTTP/1.1 200 OK\r\n\r\n{\"refresh_token\": \"" + opaqueSecret + "\", \"client_secret\":\"" + opaqueSecret + "\"}",
		}},
	}
	// Exchanges check already redacted: the page must keep them redacted, nothing re-added.
	clean := check.Result{
		ID: "RS-10", Title: "clean", Level: check.MUST, Status: check.StatusFail, Area: areaTokens,
		Detail: "rejected",
		Exchanges: []check.Exchange{{
			Request:  "POST /mcp HTTP/1.1\r\nAuthorization: Bearer [REDACTED]\r\n\r\n",
			Response: "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer error=\"invalid_token\"\r\n\r\n",
		}},
	}
	r := newReport("http://127.0.0.1/mcp", "2025-11-25", time.Time{}, 0, []check.Result{leaky, clean}, nil)
	before := r.Results[0].Exchanges[0].Request
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(buf.String())
	for _, secret := range []string{fakeSecret, opaqueSecret, "c2lnbmF0dXJlLXNlY3JldA"} {
		if strings.Contains(page, secret) {
			t.Errorf("page leaks %q", secret)
		}
	}
	for _, want := range []string{"Authorization: Bearer [REDACTED]", "authorization: bearer [redacted 25 bytes]", `WWW-Authenticate: Bearer error="invalid_token"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The writers must not modify the report they print.
	if r.Results[0].Exchanges[0].Request != before {
		t.Error("WriteHTML modified the report's results")
	}
}

// TestWriteHTMLJumpLists: the lists at the top of the page name every failed and every warned
// check, each linking to that check's section, and the verdict banner's colour follows the
// exit code.
func TestWriteHTMLJumpLists(t *testing.T) {
	for _, tt := range []struct {
		name    string
		results []check.Result
		verdict string
	}{
		{"failing", syntheticReport().Results, "verdict bad"},
		{"passing", []check.Result{
			{ID: "RS-01", Title: "ok", Level: check.MUST, Status: check.StatusPass, Area: areaTokens},
			{ID: "RS-02", Title: "meh", Level: check.SHOULD, Status: check.StatusWarn, Area: areaTokens},
		}, "verdict ok"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newReport("http://127.0.0.1/mcp", "2025-11-25", time.Time{}, 0, tt.results, nil)
			var buf bytes.Buffer
			if err := r.writeHTML(&buf, fakeLookup); err != nil {
				t.Fatal(err)
			}
			doc, err := html.Parse(strings.NewReader(buf.String()))
			if err != nil {
				t.Fatalf("parsing the page: %v", err)
			}
			status := map[string]string{}   // details id → data-status
			linked := map[string][]string{} // nav id → linked anchors
			var verdict string
			var nav string
			var visit func(*html.Node)
			visit = func(n *html.Node) {
				if n.Type == html.ElementNode {
					switch n.Data {
					case "details":
						id, _ := attr(n, "id")
						status[id], _ = attr(n, "data-status")
					case "nav":
						nav, _ = attr(n, "id")
						defer func() { nav = "" }()
					case "a":
						if href, _ := attr(n, "href"); nav != "" {
							linked[nav] = append(linked[nav], strings.TrimPrefix(href, "#"))
						}
					case "p":
						if id, _ := attr(n, "id"); id == "summary" {
							verdict, _ = attr(n, "class")
						}
					}
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					visit(c)
				}
			}
			visit(doc)
			if verdict != tt.verdict {
				t.Errorf("summary banner class %q, want %q", verdict, tt.verdict)
			}
			for nav, want := range map[string]check.Status{"failed": check.StatusFail, "warnings": check.StatusWarn} {
				var wantAnchors []string
				for _, res := range r.Results {
					if res.Status == want {
						wantAnchors = append(wantAnchors, checkAnchor(res.ID))
					}
				}
				if !slices.Equal(linked[nav], wantAnchors) {
					t.Errorf("nav#%s links %v, want %v", nav, linked[nav], wantAnchors)
				}
				for _, a := range linked[nav] {
					if status[a] != string(want) {
						t.Errorf("nav#%s links #%s, whose status is %q", nav, a, status[a])
					}
				}
			}
		})
	}
}

// TestWriteHTMLTargetLost: a run whose target stopped says so at the top, escaped.
func TestWriteHTMLTargetLost(t *testing.T) {
	r := newReport("http://127.0.0.1/mcp", "2025-11-25", time.Time{}, 0, []check.Result{{ID: "RS-01", Status: check.StatusSkip,
		Detail: "inconclusive: the target stopped accepting connections (refused)"}}, nil)
	var plain bytes.Buffer
	if err := r.WriteHTML(&plain); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), `id="target-lost"`) {
		t.Error("a run that kept its target shows the target-lost banner")
	}
	r.TargetLost = "dial tcp 127.0.0.1:3000: connect: connection refused <b>"
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if !strings.Contains(page, `id="target-lost">The target stopped accepting connections during the run (dial tcp 127.0.0.1:3000: connect: connection refused &lt;b&gt;)`) {
		t.Errorf("no escaped target-lost banner in the page")
	}
	if !strings.Contains(page, "Exit code 2") {
		t.Error("the page does not show exit code 2")
	}
}
