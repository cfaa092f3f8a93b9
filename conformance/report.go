package conformance

// This file defines Report, the outcome of one run, how it is assembled from check results
// and a baseline, and the exit code it implies. The writers live in report_*.go.

import (
	"cmp"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// ToolName is the name reports carry.
const ToolName = "mcp-conform"

// modulePath is this module's path, looked up in the build information by Version.
const modulePath = "github.com/mcp-conform/mcp-conform"

// Summary counts results by status.
type Summary struct {
	Pass int `json:"pass"` // requirement met
	Fail int `json:"fail"` // MUST violated (baseline-expected failures included)
	Warn int `json:"warn"` // SHOULD violated, or a warning raised by the check
	Skip int `json:"skip"` // could not run: unmet needs, not applicable, inconclusive
	Info int `json:"info"` // behaviour recorded only
}

// Total is the number of results counted.
func (s Summary) Total() int { return s.Pass + s.Fail + s.Warn + s.Skip + s.Info }

// add counts one status.
func (s *Summary) add(st check.Status) {
	switch st {
	case check.StatusPass:
		s.Pass++
	case check.StatusFail:
		s.Fail++
	case check.StatusWarn:
		s.Warn++
	case check.StatusSkip:
		s.Skip++
	case check.StatusInfo:
		s.Info++
	}
}

// Report is the outcome of one run against one target.
type Report struct {
	Tool        string         // always "mcp-conform"
	Version     string         // the tool's version (see Version)
	Target      string         // the target URL, credentials in it redacted
	SpecVersion string         // the resolved MCP spec version
	StartedAt   time.Time      // when the run started
	Duration    time.Duration  // how long it took
	Results     []check.Result // one per executed check, in report order
	Summary     Summary        // counts of Results by status

	// Calls are the MCP operations the suite performed (tools/call, resources/read,
	// prompts/get, list methods) with the arguments it sent, grouped.
	Calls []check.OperationCall
	// ScopeMap is which operation needs which scope: declared, or learned by discovery.
	ScopeMap []check.ScopeEntry

	Expected   []string // IDs that failed (or warned) as the baseline expected
	Stale      []string // baseline IDs that now pass
	Unexpected []string // IDs that failed without a baseline entry

	// TargetLost is why the target stopped accepting connections during the run, "" when it
	// did not. The checks that needed it then are skipped as inconclusive, and the run is
	// incomplete: ExitCode is 2 unless a check failed.
	TargetLost string
}

// newReport assembles a report from results and applies the baseline (nil = none). Results
// are redacted with the run's secrets (check.Run.Secrets), so every writer, and any
// OnReport hook, sees them redacted.
func newReport(target, spec string, started time.Time, took time.Duration, results []check.Result, b *Baseline, secrets ...string) *Report {
	redacted := make([]check.Result, len(results))
	for i, res := range results {
		redacted[i] = res.Redacted(secrets)
	}
	results = redacted
	r := &Report{
		Tool:        ToolName,
		Version:     Version(),
		Target:      safe.URL(target, secrets),
		SpecVersion: spec,
		StartedAt:   started,
		Duration:    took,
		Results:     results,
	}
	r.tally(b)
	return r
}

// tally fills Summary, Expected, Stale and Unexpected from Results and the baseline.
func (r *Report) tally(b *Baseline) {
	r.Summary = Summary{}
	r.Expected, r.Stale, r.Unexpected = nil, nil, nil
	listed := b.ids()
	for _, res := range r.Results {
		r.Summary.add(res.Status)
		_, inBaseline := listed[res.ID]
		switch {
		case inBaseline && (res.Status == check.StatusFail || res.Status == check.StatusWarn):
			r.Expected = append(r.Expected, res.ID)
		case inBaseline && (res.Status == check.StatusPass || res.Status == check.StatusInfo):
			r.Stale = append(r.Stale, res.ID)
		case res.Status == check.StatusFail:
			r.Unexpected = append(r.Unexpected, res.ID)
		}
	}
	slices.Sort(r.Expected)
	slices.Sort(r.Stale)
	slices.Sort(r.Unexpected)
}

// ExitCode is the process exit code the report implies: 0 when no check failed unexpectedly
// (and, with strict, no unexpected warning and no stale baseline entry); 1 otherwise; 2,
// as for a target unreachable from the start, when the target stopped accepting
// connections during the run and nothing else made it 1.
func (r *Report) ExitCode(strict bool) int {
	for _, res := range r.Results {
		if r.isExpected(res.ID) {
			continue
		}
		if res.Status == check.StatusFail || (strict && res.Status == check.StatusWarn) {
			return 1
		}
	}
	if strict && len(r.Stale) > 0 {
		return 1
	}
	if r.TargetLost != "" {
		return 2
	}
	return 0
}

// isExpected reports whether id is a baseline-expected failure of this run.
func (r *Report) isExpected(id string) bool { return slices.Contains(r.Expected, id) }

// isStale reports whether id is a stale baseline entry of this run.
func (r *Report) isStale(id string) bool { return slices.Contains(r.Stale, id) }

// area is one report group: the area and its results sorted by ID.
type area struct {
	check.Area
	Results []check.Result
}

// byArea groups results by area, areas in order of first appearance, results by ID.
func byArea(results []check.Result) []area {
	var groups []area
	index := map[string]int{}
	for _, res := range results {
		i, ok := index[res.Area.Key]
		if !ok {
			i = len(groups)
			index[res.Area.Key] = i
			groups = append(groups, area{Area: res.Area})
		}
		groups[i].Results = append(groups[i].Results, res)
	}
	for _, g := range groups {
		slices.SortStableFunc(g.Results, func(a, b check.Result) int { return cmp.Compare(a.ID, b.ID) })
	}
	return groups
}

// areaTitle is the heading of an area, falling back to its key.
func areaTitle(a check.Area) string {
	switch {
	case a.Title != "":
		return a.Title
	case a.Key != "":
		return a.Key
	default:
		return "Other"
	}
}

// firstLine returns the first non-empty line of s, trimmed.
func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}

// humanDuration renders d for a summary line: "1.2s", "350ms".
func humanDuration(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// Version returns the version of this module from the build information ("v1.2.3", or a
// pseudo-version), or "devel" when the binary was built from a working tree or without
// module information.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return versionFrom(info)
}

// versionFrom finds this module's version in info, as the main module or as a dependency.
func versionFrom(info *debug.BuildInfo) string {
	v := ""
	if info.Main.Path == modulePath {
		v = info.Main.Version
	} else {
		for _, dep := range info.Deps {
			if dep.Path == modulePath {
				v = dep.Version
				if dep.Replace != nil {
					v = dep.Replace.Version
				}
				break
			}
		}
	}
	if v == "" || v == "(devel)" {
		return "devel"
	}
	return v
}
