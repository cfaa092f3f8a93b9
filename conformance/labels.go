package conformance

// This file derives Ginkgo labels from the requirement registry. Labels are never typed by
// hand: every key comes from the fixed vocabulary below and every value from a Definition.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// Label keys: the whole vocabulary. A label is "key:value"; Ginkgo's label filters can test a
// key as a set ("area: containsAny challenge").
const (
	LabelID    = "id"    // the requirement ID, exactly one per check
	LabelLevel = "level" // must, should, may or info
	LabelArea  = "area"  // the area key, e.g. challenge
	LabelMode  = "mode"  // what the check needs: anonymous, token, minting, scopes, ratelimit
	LabelSpec  = "spec"  // every MCP spec version the requirement applies to
)

// LabelPractice is the one bare label: it marks the checks whose source is established
// practice rather than a specification, so --label-filter '!practice' runs the spec only.
const LabelPractice = "practice"

// LabelKeys returns the label vocabulary, in the order Labels emits it.
func LabelKeys() []string { return []string{LabelID, LabelLevel, LabelArea, LabelMode, LabelSpec} }

// modeName pairs a Needs flag with its mode label value.
type modeName struct {
	flag check.Needs
	name string
}

// modeNames names each Needs flag as a mode label value, in label order.
func modeNames() []modeName {
	return []modeName{
		{check.NeedsToken, "token"},
		{check.NeedsMinting, "minting"},
		{check.NeedsScopes, "scopes"},
		{check.NeedsRateLimit, "ratelimit"},
		{check.NeedsQuietAS, "quiet-as"},
	}
}

// Labels returns the Ginkgo labels of a check, derived from the registry: "id:RS-02",
// "level:must", "area:challenge", one "mode:…" per need ("mode:anonymous" when it needs
// nothing) and one "spec:…" per applicable MCP version (a requirement without versions
// applies to every version in check.KnownVersions). Values are label-safe.
func Labels(def check.Definition) []string {
	return labelsFor(def, check.KnownVersions())
}

// labelsFor is Labels with the registry's version list given.
func labelsFor(def check.Definition, allVersions []string) []string {
	labels := []string{
		label(LabelID, def.ID),
		label(LabelLevel, strings.ToLower(string(def.Level))),
		label(LabelArea, def.Area.Key),
	}
	if def.Needs == check.Anonymous {
		labels = append(labels, label(LabelMode, "anonymous"))
	}
	for _, m := range modeNames() {
		if def.Needs&m.flag != 0 {
			labels = append(labels, label(LabelMode, m.name))
		}
	}
	if def.Practice {
		labels = append(labels, LabelPractice)
	}
	versions := def.Versions
	if len(versions) == 0 {
		versions = allVersions
	}
	for _, v := range versions {
		labels = append(labels, label(LabelSpec, v))
	}
	return slices.Compact(labels)
}

// label joins key and value, replacing what Ginkgo forbids in labels (&|!,()/), spaces and
// colons in the value with '-'. An empty value becomes "none" (Ginkgo rejects "key:").
func label(key, value string) string {
	value = strings.Map(func(r rune) rune {
		if strings.ContainsRune("&|!,()/: \t\n", r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(value))
	if value == "" {
		value = "none"
	}
	return key + ":" + value
}

// labelMatcher compiles a Ginkgo label-filter expression; "" matches everything.
func labelMatcher(filter string) (types.LabelFilter, error) {
	f, err := types.ParseLabelFilter(filter)
	if err != nil {
		return nil, fmt.Errorf("label filter %q: %w", filter, err)
	}
	return f, nil
}

// selectDefinitions returns the checks whose labels (a requirement without versions
// applying to versions) match filter, in the order given.
func selectDefinitions(defs []check.Definition, versions []string, filter string) ([]check.Definition, error) {
	if len(defs) == 0 {
		return nil, fmt.Errorf("no check is defined (is package scenarios linked?): %w", ErrNoChecks)
	}
	match, err := labelMatcher(filter)
	if err != nil {
		return nil, err
	}
	var out []check.Definition
	for _, d := range defs {
		if match(labelsFor(d, versions)) {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("label filter %q matches no check: %w", filter, ErrNoChecks)
	}
	return out, nil
}

// selected applies filter to the registry's defined checks.
func selected(filter string) ([]check.Definition, error) {
	return selectDefinitions(check.Definitions(), check.KnownVersions(), filter)
}
