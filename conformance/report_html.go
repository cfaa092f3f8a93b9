package conformance

// This file writes the HTML report: one self-contained page (inline CSS, an inline SVG
// chart, no scripts, no external assets) that can be attached to a CI run and opened
// offline. Everything printed goes through html/template's contextual escaping.

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// chart geometry, in SVG user units.
const (
	chartLabelWidth = 80
	chartBarWidth   = 480
	chartRowHeight  = 28
	chartBarHeight  = 18
	chartLegendGap  = 30
	// chartMinLabel is the narrowest segment that gets its count written inside.
	chartMinLabel = 22
)

// htmlView is the data the page template renders.
type htmlView struct {
	Tool, Version, Target, SpecVersion string
	StartedAt, Duration                string
	Summary                            Summary
	Summaryline                        string
	Chart                              htmlChart
	Areas                              []htmlArea
	Expected, Stale                    []htmlLink
	Failed, Warned                     []htmlLink
	ExitCode, StrictExitCode           int
	ScopeMap, Calls                    []string
	TargetLost                         string // Report.TargetLost, one line
}

// htmlLink points at a check on the page; Title and Area are set for the jump lists.
type htmlLink struct {
	ID, Anchor  string
	Title, Area string
	Expected    bool
}

// links turns IDs into in-page links.
func links(ids []string) []htmlLink {
	out := make([]htmlLink, len(ids))
	for i, id := range ids {
		out[i] = htmlLink{ID: id, Anchor: checkAnchor(id)}
	}
	return out
}

// checkAnchor is the element ID of a check.
func checkAnchor(id string) string { return "check-" + strings.Map(anchorRune, id) }

// htmlArea is one area section.
type htmlArea struct {
	Key, Title string
	Results    []htmlResult
	Summary    Summary
}

// htmlResult is one check, sanitized, with its registry fix.
type htmlResult struct {
	check.Result
	Tag      string
	Anchor   string
	Open     bool
	Expected bool
	Stale    bool
	Fix      string
	Quote    string
	Took     string
}

// htmlChart is the level × status bar chart.
type htmlChart struct {
	Width, Height int
	Rows          []htmlChartRow
	Legend        []htmlChartSegment
}

// htmlChartRow is one level: a stacked bar of its statuses.
type htmlChartRow struct {
	Level    string
	Y, TextY int
	Total    int
	TotalX   int
	Segments []htmlChartSegment
}

// htmlChartSegment is one status within a level (or a legend entry).
type htmlChartSegment struct {
	Status string
	Count  int
	X, W   int
	Y      int
	// Label is set when the segment is wide enough to show its count; LabelX is its centre.
	Label          bool
	LabelX, LabelY int
}

// chartStatuses is the segment order of the chart.
func chartStatuses() []check.Status {
	return []check.Status{check.StatusPass, check.StatusFail, check.StatusWarn, check.StatusSkip, check.StatusInfo}
}

// chartLevels is the row order of the chart.
func chartLevels() []check.Level {
	return []check.Level{check.MUST, check.SHOULD, check.MAY, check.INFO}
}

// buildChart lays out the level × status counts as stacked horizontal bars.
func buildChart(results []check.Result) htmlChart {
	counts := map[check.Level]map[check.Status]int{}
	maxTotal := 0
	for _, res := range results {
		if counts[res.Level] == nil {
			counts[res.Level] = map[check.Status]int{}
		}
		counts[res.Level][res.Status]++
	}
	levels := chartLevels()
	for lvl := range counts {
		known := false
		for _, l := range levels {
			known = known || l == lvl
		}
		if !known {
			levels = append(levels, lvl)
		}
	}
	for _, lvl := range levels {
		total := 0
		for _, n := range counts[lvl] {
			total += n
		}
		maxTotal = max(maxTotal, total)
	}
	ch := htmlChart{Width: chartLabelWidth + chartBarWidth + 60}
	for i, lvl := range levels {
		row := htmlChartRow{Level: string(lvl), Y: i*chartRowHeight + 5}
		row.TextY = row.Y + chartBarHeight - 4
		x := chartLabelWidth
		for _, st := range chartStatuses() {
			n := counts[lvl][st]
			row.Total += n
			if n == 0 {
				continue
			}
			wd := n * chartBarWidth / maxTotal
			seg := htmlChartSegment{Status: string(st), Count: n, X: x, W: max(wd, 1), Y: row.Y}
			seg.Label, seg.LabelX, seg.LabelY = seg.W >= chartMinLabel, x+seg.W/2, row.TextY
			row.Segments = append(row.Segments, seg)
			x += max(wd, 1)
		}
		row.TotalX = x + 6
		ch.Rows = append(ch.Rows, row)
	}
	legendY := len(levels)*chartRowHeight + 10
	x := chartLabelWidth
	for _, st := range chartStatuses() {
		n := 0
		for _, lvl := range levels {
			n += counts[lvl][st]
		}
		ch.Legend = append(ch.Legend, htmlChartSegment{Status: string(st), Count: n, X: x, Y: legendY})
		x += 90
	}
	ch.Height = legendY + chartLegendGap
	return ch
}

// WriteHTML writes the report as a self-contained HTML page: a summary, an SVG bar chart of
// the counts by level and status, then every check grouped by area with its status, detail,
// steps, the recorded exchanges (credentials redacted), its references and how to fix it.
func (r *Report) WriteHTML(w io.Writer) error {
	return r.writeHTML(w, check.Lookup)
}

// writeHTML is WriteHTML with the registry lookup given (tests pin the fix texts).
func (r *Report) writeHTML(w io.Writer, lookup func(string) (check.Requirement, bool)) error {
	v := htmlView{
		Tool:           r.Tool,
		Version:        r.Version,
		Target:         safe.Line(r.Target),
		SpecVersion:    r.SpecVersion,
		StartedAt:      r.StartedAt.UTC().Format(time.RFC3339),
		Duration:       humanDuration(r.Duration),
		Summary:        r.Summary,
		Summaryline:    r.summaryLine(),
		Chart:          buildChart(r.Results),
		Expected:       links(r.Expected),
		Stale:          links(r.Stale),
		ExitCode:       r.ExitCode(false),
		StrictExitCode: r.ExitCode(true),
		TargetLost:     safe.Line(r.TargetLost),
	}
	v.ScopeMap, v.Calls = r.scopeLines()
	for _, g := range byArea(r.Results) {
		a := htmlArea{Key: g.Key, Title: areaTitle(g.Area)}
		for _, res := range g.Results {
			if res.Status == check.StatusFail || res.Status == check.StatusWarn {
				l := htmlLink{ID: res.ID, Anchor: checkAnchor(res.ID), Title: sanitize(res).Title, Area: a.Title, Expected: r.isExpected(res.ID)}
				if res.Status == check.StatusFail {
					v.Failed = append(v.Failed, l)
				} else {
					v.Warned = append(v.Warned, l)
				}
			}
			a.Summary.add(res.Status)
			res = sanitize(res)
			tag, _ := statusTag(res.Status)
			hr := htmlResult{
				Result:   res,
				Tag:      tag,
				Anchor:   checkAnchor(res.ID),
				Open:     res.Status == check.StatusFail || res.Status == check.StatusWarn,
				Expected: r.isExpected(res.ID),
				Stale:    r.isStale(res.ID),
				Took:     humanDuration(res.Duration),
			}
			if req, ok := lookup(res.ID); ok {
				hr.Fix, hr.Quote = req.Fix, req.Quote
			}
			a.Results = append(a.Results, hr)
		}
		v.Areas = append(v.Areas, a)
	}
	t, err := template.New("report").Funcs(template.FuncMap{"inc": func(i int) int { return i + 1 }}).Parse(htmlTemplate)
	if err != nil {
		return fmt.Errorf("HTML report template: %w", err)
	}
	if err := t.Execute(w, v); err != nil {
		return fmt.Errorf("writing HTML report: %w", err)
	}
	return nil
}

// anchorRune keeps ASCII letters, digits and '-' for element IDs.
func anchorRune(r rune) rune {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
		return r
	default:
		return '_'
	}
}

// htmlTemplate is the page. No scripts, no external URLs: the report must open offline.
const htmlTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Tool}} report: {{.Target}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:1.5em;color:#1f2328;background:#fff;overflow-wrap:anywhere}
h1{font-size:1.5em;margin:0 0 .3em}
h2{font-size:1.15em;border-bottom:1px solid #d0d7de;padding-bottom:.3em;margin-top:2em}
.meta{color:#57606a}
.meta code{color:#1f2328}
.verdict{border-radius:6px;padding:.6em .9em;margin:1em 0;font-weight:600;font-size:1.1em;color:#fff}
.verdict.ok{background:#1a7f37}
.verdict.bad{background:#cf222e}
.verdict .meta{color:inherit;font-weight:400;font-size:.8em;display:block}
.top{display:flex;flex-wrap:wrap;gap:1em 2em;align-items:flex-start}
.jump{margin:.5em 0}
.jump h2{margin-top:1em}
.jump ul{margin:.3em 0;padding-left:1.2em}
.jump li{margin:.15em 0}
.jump .area{color:#57606a;font-size:.85em}
table.counts{border-collapse:collapse;margin:.5em 0}
table.counts td,table.counts th{border:1px solid #d0d7de;padding:.2em .7em;text-align:right}
details{border:1px solid #d0d7de;border-radius:6px;margin:.4em 0;padding:.3em .7em}
details[open]{background:#f6f8fa}
details[data-status=fail]{border-left:5px solid #cf222e}
details[data-status=warn]{border-left:5px solid #bf8700}
details > *{min-width:0}
summary{cursor:pointer}
.tag{display:inline-block;min-width:3.3em;text-align:center;font-weight:700;font-size:.8em;border-radius:4px;padding:0 .4em;color:#fff}
.pass{background:#1a7f37;fill:#1a7f37}
.fail{background:#cf222e;fill:#cf222e}
.warn{background:#bf8700;fill:#bf8700}
.skip{background:#0969da;fill:#0969da}
.info{background:#8250df;fill:#8250df}
.level{color:#57606a;font-size:.85em}
.note{font-size:.8em;font-weight:600;color:#57606a;margin-left:.5em}
pre{background:#fff;border:1px solid #d0d7de;border-radius:4px;padding:.5em;overflow-x:auto;white-space:pre-wrap;word-break:break-word;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
.exchange{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:0 .5em}
.exchange h4{margin:.4em 0 0;font-size:.8em;color:#57606a;text-transform:uppercase;letter-spacing:.03em}
@media (max-width:800px){.exchange{grid-template-columns:minmax(0,1fr)}}
.h{font-weight:600;margin:.8em 0 .3em}
.fix{border-left:4px solid #1a7f37;padding-left:.7em}
blockquote{color:#57606a;border-left:4px solid #d0d7de;margin:.5em 0;padding-left:.7em}
svg{max-width:100%;height:auto}
svg text{font:12px system-ui,sans-serif;fill:#1f2328}
svg text.in{fill:#fff;font-weight:700;text-anchor:middle}
</style>
</head>
<body>
<h1>{{.Tool}} conformance report</h1>
<p class="meta">Target <code>{{.Target}}</code> &middot; MCP spec <code>{{.SpecVersion}}</code> &middot; started {{.StartedAt}} &middot; took {{.Duration}} &middot; {{.Tool}} {{.Version}}</p>
<p class="verdict {{if eq .ExitCode 0}}ok{{else}}bad{{end}}" id="summary">{{.Summaryline}}<span class="meta">Exit code {{.ExitCode}} (with --strict: {{.StrictExitCode}})</span></p>
{{- if .TargetLost}}
<p class="verdict bad" id="target-lost">The target stopped accepting connections during the run ({{.TargetLost}}): the checks that needed it afterwards are skipped as inconclusive. Start it again and rerun.</p>
{{- end}}
{{- if or .Expected .Stale}}
<p class="meta">{{if .Expected}}Expected failures (baseline): {{range $i, $l := .Expected}}{{if $i}}, {{end}}<a href="#{{$l.Anchor}}">{{$l.ID}}</a>{{end}}.{{end}}{{if .Stale}} Stale baseline entries (now passing): {{range $i, $l := .Stale}}{{if $i}}, {{end}}<a href="#{{$l.Anchor}}">{{$l.ID}}</a>{{end}}.{{end}}</p>
{{- end}}

<div class="top">
<svg role="img" aria-labelledby="chart-title" width="{{.Chart.Width}}" height="{{.Chart.Height}}" viewBox="0 0 {{.Chart.Width}} {{.Chart.Height}}" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">Checks by level and status</title>
{{- range .Chart.Rows}}
<g class="row">
<text x="0" y="{{.TextY}}">{{.Level}}</text>
{{- range .Segments}}
<rect class="{{.Status}}" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="18"><title>{{.Count}} {{.Status}}</title></rect>
{{- if .Label}}<text class="in" x="{{.LabelX}}" y="{{.LabelY}}">{{.Count}}</text>{{end}}
{{- end}}
<text x="{{.TotalX}}" y="{{.TextY}}">{{.Total}}</text>
</g>
{{- end}}
{{- range .Chart.Legend}}
<rect class="{{.Status}}" x="{{.X}}" y="{{.Y}}" width="12" height="12"></rect><text x="{{.X}}" dx="16" y="{{.Y}}" dy="11">{{.Status}} {{.Count}}</text>
{{- end}}
</svg>

<table class="counts">
<tr><th>pass</th><th>fail</th><th>warn</th><th>skip</th><th>info</th></tr>
<tr><td>{{.Summary.Pass}}</td><td>{{.Summary.Fail}}</td><td>{{.Summary.Warn}}</td><td>{{.Summary.Skip}}</td><td>{{.Summary.Info}}</td></tr>
</table>
</div>
{{- if .Failed}}
<nav class="jump" id="failed">
<h2><span class="tag fail">FAIL</span> Failed checks ({{len .Failed}})</h2>
<ul>{{range .Failed}}
<li><a href="#{{.Anchor}}"><strong>{{.ID}}</strong></a> {{.Title}} <span class="area">{{.Area}}</span>{{if .Expected}}<span class="note">expected failure (baseline)</span>{{end}}</li>{{end}}
</ul>
</nav>
{{- end}}
{{- if .Warned}}
<nav class="jump" id="warnings">
<h2><span class="tag warn">WARN</span> Warnings ({{len .Warned}})</h2>
<ul>{{range .Warned}}
<li><a href="#{{.Anchor}}"><strong>{{.ID}}</strong></a> {{.Title}} <span class="area">{{.Area}}</span></li>{{end}}
</ul>
</nav>
{{- end}}
{{- if .ScopeMap}}
<section class="area" id="scope-map">
<h2>Scope map <span class="level">operation → scopes it needs (declared or learned)</span></h2>
<ul class="refs">{{range .ScopeMap}}<li>{{.}}</li>{{end}}</ul>
</section>
{{- end}}
{{- if .Calls}}
<section class="area" id="operations-called">
<h2>Operations called <span class="level">with the arguments sent</span></h2>
<ul class="refs">{{range .Calls}}<li><code>{{.}}</code></li>{{end}}</ul>
</section>
{{- end}}
{{range .Areas}}
<section class="area" id="area-{{.Key}}">
<h2>{{.Title}} <span class="level">{{.Summary.Pass}} passed, {{.Summary.Fail}} failed, {{.Summary.Warn}} warn, {{.Summary.Skip}} skipped, {{.Summary.Info}} info</span></h2>
{{- range .Results}}
<details class="check" id="{{.Anchor}}" data-status="{{.Status}}"{{if .Open}} open{{end}}>
<summary><span class="tag {{.Status}}">{{.Tag}}</span> <strong>{{.ID}}</strong> {{.Title}} <span class="level">{{.Level}} &middot; {{.Took}}</span>{{if .Expected}}<span class="note">expected failure (baseline)</span>{{end}}{{if .Stale}}<span class="note">stale baseline entry</span>{{end}}</summary>
{{- if .Detail}}
<pre class="detail">{{.Detail}}</pre>
{{- end}}
{{- if .Quote}}
<blockquote>{{.Quote}}</blockquote>
{{- end}}
{{- if .Steps}}
<p class="h">Steps</p>
<ol class="steps">{{range .Steps}}<li>{{.}}</li>{{end}}</ol>
{{- end}}
{{- range $i, $e := .Exchanges}}
<p class="h">Exchange {{inc $i}}</p>
<div class="exchange"><div><h4>Request sent</h4><pre class="request">{{$e.Request}}</pre></div><div><h4>Response received</h4><pre class="response">{{$e.Response}}</pre></div></div>
{{- end}}
{{- if .Refs}}
<p class="h">References</p>
<ul class="refs">{{range .Refs}}<li>{{.}}</li>{{end}}</ul>
{{- end}}
{{- if .Fix}}
<div class="fix"><p><strong>How to fix</strong></p><p>{{.Fix}}</p></div>
{{- end}}
</details>
{{- end}}
</section>
{{end}}
<p class="meta">Generated by {{.Tool}} {{.Version}}. Credentials in recorded exchanges are redacted.</p>
</body>
</html>
`
