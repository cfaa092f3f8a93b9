package check

// This file holds the requirement registry: the single source of truth for every check's
// identity (ID, level, area, spec versions, sources). The table itself is in
// requirements.go; here it is validated at init and frozen.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Level is the normative strength of a requirement.
type Level string

// Levels. DERIVED rows of the catalogue are registered as SHOULD (a violation warns).
const (
	MUST   Level = "MUST"
	SHOULD Level = "SHOULD"
	MAY    Level = "MAY"
	INFO   Level = "INFO"
)

// Status is the verdict of one check.
type Status string

// Statuses, as written in reports.
const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	StatusWarn Status = "warn"
	StatusSkip Status = "skip"
	StatusInfo Status = "info"
)

// Area groups requirements for reports and Ginkgo containers.
type Area struct {
	Key   string // label-safe slug, e.g. "challenge"
	Title string // e.g. "The 401 challenge (RFC 6750 §3)"
}

// Requirement is one registry entry: the single source of truth for a check's identity.
type Requirement struct {
	ID       string   // stable, never positional, e.g. "RS-02"
	Title    string   // one line, starts with the obligation
	Level    Level    // MUST, SHOULD, MAY or INFO
	Area     Area     // report grouping
	Versions []string // spec versions it applies to; empty means all
	Refs     []string // sources: "MCP 2025-11-25 §10", "RFC 6750 §3"
	Quote    string   // the normative sentence the check enforces
	Sends    string   // what the probe sends
	Expects  string   // what it expects back
	Fix      string   // one paragraph: how to fix a failure
	// Practice marks a check whose source is established practice (the seed document's
	// Scalekit guidance, OWASP ASVS, the JWT attack playbooks), not a specification. Such a
	// check is labelled "practice" (deselect the group with --label-filter '!practice') and
	// is never MUST: it warns or informs, it never fails a run on its own.
	Practice bool
}

// AppliesTo reports whether the requirement applies to spec version v (an empty Versions
// list means every version).
func (r Requirement) AppliesTo(v string) bool {
	if len(r.Versions) == 0 {
		return true
	}
	for _, x := range r.Versions {
		if x == v {
			return true
		}
	}
	return false
}

// labelUnsafe are the characters Ginkgo label filters reserve; IDs and area keys become
// labels, so they must not contain any of them.
const labelUnsafe = "&|!,()/ \t"

// registry is a frozen requirement table plus the checks defined against it. The package
// has one, built at init from requirements.go; tests build their own.
type registry struct {
	areas []Area                 // report order
	reqs  map[string]Requirement // by ID
	order []string               // IDs in report order

	mu   sync.Mutex // guards defs (written by Define, from init functions)
	defs map[string]Definition
}

// newRegistry validates the table and returns the registry, or the first problem found.
func newRegistry(areas []Area, reqs []Requirement) (*registry, error) {
	reg := &registry{areas: areas, reqs: make(map[string]Requirement, len(reqs)), defs: map[string]Definition{}}
	rank := map[string]int{}
	for i, a := range areas {
		if a.Key == "" || a.Title == "" {
			return nil, fmt.Errorf("area %d: empty key or title", i)
		}
		if strings.ContainsAny(a.Key, labelUnsafe) {
			return nil, fmt.Errorf("area %q: key contains one of %q", a.Key, labelUnsafe)
		}
		if _, dup := rank[a.Key]; dup {
			return nil, fmt.Errorf("area %q: duplicate key", a.Key)
		}
		rank[a.Key] = i
	}
	for i, r := range reqs {
		if err := validateRequirement(r, areas, rank); err != nil {
			return nil, fmt.Errorf("requirement %d (%s): %w", i, r.ID, err)
		}
		if _, dup := reg.reqs[r.ID]; dup {
			return nil, fmt.Errorf("requirement %s: duplicate ID", r.ID)
		}
		reg.reqs[r.ID] = r
		reg.order = append(reg.order, r.ID)
	}
	sort.SliceStable(reg.order, func(i, j int) bool {
		a, b := reg.reqs[reg.order[i]], reg.reqs[reg.order[j]]
		if rank[a.Area.Key] != rank[b.Area.Key] {
			return rank[a.Area.Key] < rank[b.Area.Key]
		}
		return idLess(a.ID, b.ID)
	})
	return reg, nil
}

func validateRequirement(r Requirement, areas []Area, rank map[string]int) error {
	if r.ID == "" || strings.ContainsAny(r.ID, labelUnsafe) {
		return fmt.Errorf("ID %q is empty or contains one of %q", r.ID, labelUnsafe)
	}
	switch r.Level {
	case MUST, SHOULD, MAY, INFO:
	default:
		return fmt.Errorf("unknown level %q", r.Level)
	}
	idx, ok := rank[r.Area.Key]
	if !ok {
		return fmt.Errorf("unknown area %q", r.Area.Key)
	}
	if areas[idx] != r.Area {
		return fmt.Errorf("area %q: title %q differs from the registered %q", r.Area.Key, r.Area.Title, areas[idx].Title)
	}
	fields := map[string]string{"Title": r.Title, "Quote": r.Quote, "Sends": r.Sends, "Expects": r.Expects, "Fix": r.Fix}
	for name, v := range fields {
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("empty %s", name)
		}
	}
	if len(r.Refs) == 0 {
		return fmt.Errorf("no Refs")
	}
	if r.Practice && r.Level == MUST {
		return fmt.Errorf("a practice check cannot be MUST: only a specification makes a FAIL")
	}
	for _, ref := range r.Refs {
		if strings.TrimSpace(ref) == "" {
			return fmt.Errorf("empty entry in Refs")
		}
	}
	for _, v := range r.Versions {
		if !IsKnownVersion(v) {
			return fmt.Errorf("unknown spec version %q", v)
		}
	}
	return nil
}

// idLess orders IDs naturally: prefix, then number, then suffix, so RS-10 < RS-10b < RS-11.
func idLess(a, b string) bool {
	pa, na, sa := splitID(a)
	pb, nb, sb := splitID(b)
	if pa != pb {
		return pa < pb
	}
	if na != nb {
		return na < nb
	}
	return sa < sb
}

// splitID splits "RS-10b" into "RS-", 10 and "b".
func splitID(id string) (prefix string, num int, suffix string) {
	i := strings.IndexAny(id, "0123456789")
	if i < 0 {
		return id, -1, ""
	}
	j := i
	for j < len(id) && id[j] >= '0' && id[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(id[i:j])
	if err != nil { // overflow only; keep a total order anyway
		return id[:i], -1, id[i:]
	}
	return id[:i], n, id[j:]
}

func (reg *registry) lookup(id string) (Requirement, bool) {
	r, ok := reg.reqs[id]
	return r, ok
}

func (reg *registry) requirements() []Requirement {
	out := make([]Requirement, 0, len(reg.order))
	for _, id := range reg.order {
		out = append(out, reg.reqs[id])
	}
	return out
}

// defaultRegistry is built once at init from the table in requirements.go and never
// modified afterwards except by Define (which registers checks, under the registry mutex).
var defaultRegistry = mustRegistry(areaList(), requirementTable())

func mustRegistry(areas []Area, reqs []Requirement) *registry {
	reg, err := newRegistry(areas, reqs)
	if err != nil {
		// Programmer error in the static table: fail at init so it can never ship.
		panic("check: invalid requirement registry: " + err.Error())
	}
	return reg
}

// Lookup returns the registry entry for id.
func Lookup(id string) (Requirement, bool) { return defaultRegistry.lookup(id) }

// Requirements returns every registry entry in report order (area order, then ID).
func Requirements() []Requirement { return defaultRegistry.requirements() }

// Areas returns the report areas in order.
func Areas() []Area { return append([]Area(nil), defaultRegistry.areas...) }
