// Package demo is the model behind "mcp-conform demo": which reference servers it runs (the
// correct one and every broken server of the fixtures catalogue), how each is configured and
// which "mcp-conform run" arguments the suite gets for it, and the verdict — whether a
// server's JSON report shows what the catalogue says it must. The command starts the
// servers, runs the suite in child processes (Ginkgo's RunSpecs runs once per process) and
// prints; the judging is here.
package demo

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/fixtures"
)

// Declarations every demo run passes to the suite; they match the fixtures' configuration
// (Options). Every run also learns the other scope requirements (--discover-scopes).
const (
	Scope     = "weather=mcp:tools:weather"
	RateLimit = "20/1s"
)

// Servers returns the demo's servers: the correct reference server first, then the
// catalogue's broken ones.
func Servers() []fixtures.Broken {
	return append([]fixtures.Broken{{
		Name:        "correct",
		Description: "the reference server, with no flaw: it must pass every MUST",
	}}, fixtures.Catalogue()...)
}

// Options returns the fixture options of s trusting issuer, with the rate limit RateLimit
// declares.
func Options(s fixtures.Broken, issuer string) fixtures.Options {
	opts := fixtures.Options{
		Issuer:    issuer,
		RateLimit: &fixtures.RateLimit{Requests: 20, Per: time.Second},
		Flaws:     s.Flaws,
	}
	if s.Options != nil {
		s.Options(&opts)
	}
	return opts
}

// RunArgs are the arguments of "mcp-conform run" against the demo server at mcpURL trusting
// the mockas at mockasURL, writing its JSON report to jsonPath.
func RunArgs(mcpURL, mockasURL, jsonPath string) []string {
	return []string{"run", "--url", mcpURL, "--mockas", mockasURL, "--scope", Scope,
		"--discover-scopes", "--rate-limit", RateLimit, "--json", jsonPath}
}

// Outcome is what one demo server was expected to show and showed.
type Outcome struct {
	Name       string
	ExpectFail []string
	ExpectWarn []string
	Fails      []string // observed FAILs, sorted
	Warns      []string // observed WARNs, sorted
	Missing    []string // expected but not observed (warns are marked "(warn)")
	ScopeMap   []string // the run's scope map, one "operation → scopes (source)" per line
	Err        error    // the run itself went wrong
}

// OK reports whether the server behaved as the catalogue says: every expected FAIL and WARN
// shown (a FAIL also counts for an expected WARN), and no FAIL at all on the correct server.
func (o Outcome) OK() bool {
	if o.Err != nil || len(o.Missing) > 0 {
		return false
	}
	return len(o.ExpectFail) > 0 || len(o.ExpectWarn) > 0 || len(o.Fails) == 0
}

// Judge reads the JSON report of the run against s and compares what it showed with what
// the catalogue expects.
func Judge(s fixtures.Broken, reportJSON []byte) Outcome {
	o := Outcome{Name: s.Name, ExpectFail: s.ExpectFail, ExpectWarn: s.ExpectWarn}
	var report struct {
		Results []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"results"`
	}
	if err := json.Unmarshal(reportJSON, &report); err != nil {
		o.Err = fmt.Errorf("decoding the JSON report: %w", err)
		return o
	}
	if len(report.Results) == 0 {
		o.Err = errors.New("the JSON report holds no results")
		return o
	}
	for _, r := range report.Results {
		switch r.Status {
		case "fail":
			o.Fails = append(o.Fails, r.ID)
		case "warn":
			o.Warns = append(o.Warns, r.ID)
		}
	}
	sort.Strings(o.Fails)
	sort.Strings(o.Warns)
	for _, id := range s.ExpectFail {
		if !slices.Contains(o.Fails, id) {
			o.Missing = append(o.Missing, id)
		}
	}
	for _, id := range s.ExpectWarn {
		if !slices.Contains(o.Warns, id) && !slices.Contains(o.Fails, id) {
			o.Missing = append(o.Missing, id+" (warn)")
		}
	}
	o.ScopeMap = scopeMap(reportJSON)
	return o
}

// scopeMap reads the scope_map of a JSON report as lines: the operations needing a scope,
// then how many need none (nil when absent).
func scopeMap(reportJSON []byte) []string {
	var report struct {
		ScopeMap []struct {
			Operation string   `json:"operation"`
			Scopes    []string `json:"scopes"`
			Source    string   `json:"source"`
		} `json:"scope_map"`
	}
	if json.Unmarshal(reportJSON, &report) != nil {
		return nil
	}
	var out, free []string
	for _, e := range report.ScopeMap {
		switch {
		case e.Operation == "":
		case len(e.Scopes) == 0:
			free = append(free, oneLine(e.Operation))
		default:
			out = append(out, fmt.Sprintf("%s → %s (%s)", oneLine(e.Operation), oneLine(strings.Join(e.Scopes, " ")), e.Source))
		}
	}
	if len(free) > 0 {
		out = append(out, fmt.Sprintf("%d more operations served to a token with no scopes", len(free)))
	}
	return out
}

// oneLine folds white space runs, line breaks included, to one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
