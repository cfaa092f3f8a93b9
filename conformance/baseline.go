package conformance

// This file reads and writes expected-failures baselines:
//
//	expected_failures:
//	  - id: RS-05
//	    reason: "the gateway strips WWW-Authenticate; tracked in #123"
//
// A failing check listed in the baseline does not fail the run; a listed check that now
// passes is stale (reported, and failing the run with --strict).

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// Baseline is a list of expected failures, by requirement ID.
type Baseline struct {
	Entries []BaselineEntry `yaml:"expected_failures"` // in file order
}

// BaselineEntry is one expected failure and why it is accepted.
type BaselineEntry struct {
	ID     string `yaml:"id"`     // requirement ID, known to the registry
	Reason string `yaml:"reason"` // why the failure is accepted; required
}

// LoadBaseline reads and validates a baseline file. An entry whose ID the registry does not
// know yields an error wrapping ErrUnknownID; an entry without a reason, a duplicate ID or
// an unknown YAML key is an error too.
func LoadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	b, err := parseBaseline(data, check.Lookup)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	return b, nil
}

// parseBaseline decodes and validates a baseline, resolving IDs with lookup.
func parseBaseline(data []byte, lookup func(string) (check.Requirement, bool)) (*Baseline, error) {
	var b Baseline
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&b); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("decoding YAML: %w", err)
	}
	seen := map[string]bool{}
	var errs []error
	for i, e := range b.Entries {
		id := strings.TrimSpace(e.ID)
		switch {
		case id == "":
			errs = append(errs, fmt.Errorf("entry %d: missing id", i+1))
			continue
		case seen[id]:
			errs = append(errs, fmt.Errorf("entry %d: duplicate id %s", i+1, id))
		}
		seen[id] = true
		if _, ok := lookup(id); !ok {
			errs = append(errs, fmt.Errorf("entry %d: %w %q", i+1, ErrUnknownID, id))
		}
		if strings.TrimSpace(e.Reason) == "" {
			errs = append(errs, fmt.Errorf("entry %d (%s): missing reason: say why the failure is accepted", i+1, id))
		}
		b.Entries[i].ID = id
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &b, nil
}

// Write writes b as YAML, in the format LoadBaseline reads.
func (b *Baseline) Write(w io.Writer) error {
	out := Baseline{Entries: []BaselineEntry{}}
	if b != nil && b.Entries != nil {
		out.Entries = b.Entries
	}
	if _, err := io.WriteString(w, "# mcp-conform expected failures: a listed check that fails does not fail the run.\n"); err != nil {
		return fmt.Errorf("writing baseline: %w", err)
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing baseline: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("writing baseline: %w", err)
	}
	return nil
}

// BaselineFrom returns a baseline accepting every failed and warned check of r, in report
// order. Each reason is the finding's reason, short and stable across runs: origins (with
// their ports) and response bodies are left out, so rewriting the baseline does not churn.
func BaselineFrom(r *Report) *Baseline {
	b := &Baseline{Entries: []BaselineEntry{}}
	for _, res := range r.Results {
		if res.Status != check.StatusFail && res.Status != check.StatusWarn {
			continue
		}
		reason := safe.Line(baselineReason(parseFinding(safe.Redact(res.Detail, nil)).Reason))
		if reason == "" {
			reason = fmt.Sprintf("%s %s: %s", strings.ToUpper(string(res.Status)), res.ID, res.Title)
		}
		b.Entries = append(b.Entries, BaselineEntry{ID: res.ID, Reason: reason})
	}
	return b
}

// originPattern matches the scheme and authority of an absolute http(s) URL.
var originPattern = regexp.MustCompile(`https?://[^/\s"'<>]+`)

// baselineReason shortens a finding's reason for a baseline: no origins, no bodies, one
// line of at most 100 characters.
func baselineReason(reason string) string {
	reason = oneLine(reason)
	if i := strings.Index(reason, "body:"); i >= 0 {
		reason = strings.TrimRight(reason[:i], " ;,:")
	}
	reason = originPattern.ReplaceAllString(reason, "")
	if lines := wrap(reason, 100, 1); len(lines) > 0 {
		return lines[0]
	}
	return ""
}

// ids returns the set of IDs in b (nil-safe).
func (b *Baseline) ids() map[string]struct{} {
	set := map[string]struct{}{}
	if b == nil {
		return set
	}
	for _, e := range b.Entries {
		set[e.ID] = struct{}{}
	}
	return set
}
