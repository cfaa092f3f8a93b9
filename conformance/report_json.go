package conformance

// This file writes the machine-readable JSON report. Its keys are a public format: add keys,
// never rename or remove them.

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// jsonReport is the JSON shape of a Report.
type jsonReport struct {
	Tool        string        `json:"tool"`
	Version     string        `json:"version"`
	Target      string        `json:"target"`
	SpecVersion string        `json:"spec_version"`
	StartedAt   string        `json:"started_at"`
	DurationMS  int64         `json:"duration_ms"`
	Results     []jsonResult  `json:"results"`
	Summary     Summary       `json:"summary"`
	Baseline    *jsonBaseline `json:"baseline,omitempty"`
	// ScopeMap: {"operation","scopes","source" ("declared"|"learned"),"note"}; Calls:
	// {"operation","arguments" (JSON as sent, redacted),"source","count","checks"}.
	ScopeMap []check.ScopeEntry    `json:"scope_map,omitempty"`
	Calls    []check.OperationCall `json:"calls,omitempty"`
	// TargetLost: why the target stopped accepting connections during the run (the run is
	// incomplete; exit code 2 unless a check failed).
	TargetLost string `json:"target_lost,omitempty"`
}

// jsonResult is the JSON shape of one check.Result.
type jsonResult struct {
	ID              string           `json:"id"`
	Title           string           `json:"title"`
	Level           check.Level      `json:"level"`
	Status          check.Status     `json:"status"`
	Detail          string           `json:"detail"`
	Reason          string           `json:"reason,omitempty"`
	Refs            []string         `json:"refs"`
	Area            string           `json:"area"`
	DurationMS      int64            `json:"duration_ms"`
	Steps           []string         `json:"steps,omitempty"`
	Exchanges       []check.Exchange `json:"exchanges,omitempty"`
	ExpectedFailure bool             `json:"expected_failure,omitempty"`
}

// jsonBaseline is how the baseline changed the verdict; present only when it did anything.
type jsonBaseline struct {
	Expected   []string `json:"expected"`
	Stale      []string `json:"stale"`
	Unexpected []string `json:"unexpected"`
}

// WriteJSON writes the report as one indented JSON document:
// {"tool","version","target","spec_version","started_at" (RFC 3339),"duration_ms",
// "results":[{"id","title","level","status","detail","reason","refs","area","duration_ms","steps",
// "exchanges","expected_failure"}],"summary":{"pass","fail","warn","skip","info"},"baseline"}.
func (r *Report) WriteJSON(w io.Writer) error {
	out := jsonReport{
		Tool:        r.Tool,
		Version:     r.Version,
		Target:      r.Target,
		SpecVersion: r.SpecVersion,
		StartedAt:   r.StartedAt.UTC().Format(time.RFC3339),
		DurationMS:  r.Duration.Milliseconds(),
		Results:     make([]jsonResult, 0, len(r.Results)),
		Summary:     r.Summary,
		ScopeMap:    r.ScopeMap,
		TargetLost:  r.TargetLost,
		Calls:       r.Calls,
	}
	for _, res := range r.Results {
		res = sanitize(res)
		refs := res.Refs
		if refs == nil {
			refs = []string{}
		}
		out.Results = append(out.Results, jsonResult{
			ID:              res.ID,
			Title:           res.Title,
			Level:           res.Level,
			Status:          res.Status,
			Detail:          res.Detail,
			Reason:          parseFinding(res.Detail).Reason,
			Refs:            refs,
			Area:            res.Area.Key,
			DurationMS:      res.Duration.Milliseconds(),
			Steps:           res.Steps,
			Exchanges:       res.Exchanges,
			ExpectedFailure: r.isExpected(res.ID),
		})
	}
	if len(r.Expected)+len(r.Stale) > 0 {
		out.Baseline = &jsonBaseline{
			Expected:   nonNil(r.Expected),
			Stale:      nonNil(r.Stale),
			Unexpected: nonNil(r.Unexpected),
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing JSON report: %w", err)
	}
	return nil
}

// nonNil returns ss, or an empty slice (JSON [] rather than null).
func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}
