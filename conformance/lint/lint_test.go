package lint_test

// The suite lint (kubernetes validateSpecs): preview the spec tree package conformance runs
// and check that it and the requirement registry agree. A failure here means a check was
// added, renamed or labelled by hand in a way reports, baselines and label filters cannot
// rely on.

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// TestImportAddsNoSpecs: importing package conformance must not add specs to the importer's
// own Ginkgo suite; the tree appears only when Preview or RunSuite asks for it. Checked in a
// fresh subprocess, since other tests of this binary call Preview.
func TestImportAddsNoSpecs(t *testing.T) {
	if os.Getenv("MCP_CONFORM_LINT_FRESH") != "" {
		report := ginkgo.PreviewSpecs("importer's own suite")
		if n := len(report.SpecReports); n != 0 {
			t.Fatalf("a fresh process importing conformance has %d specs, want 0", n)
		}
		if specs := preview(t, ""); len(specs) == 0 {
			t.Fatal("Preview declared no specs")
		}
		fmt.Println("fresh-process-checked")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestImportAddsNoSpecs$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "MCP_CONFORM_LINT_FRESH=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "fresh-process-checked") {
		t.Errorf("fresh process: %v\n%s", err, out)
	}
}

// preview returns the previewed specs, failing the test on error.
func preview(t *testing.T, filter string) types.SpecReports {
	t.Helper()
	specs, err := conformance.Preview(conformance.Options{LabelFilter: filter})
	if err != nil {
		t.Fatalf("Preview: %v", err)
	}
	return specs
}

// labelValues returns the values of the labels with key.
func labelValues(labels []string, key string) []string {
	var out []string
	for _, l := range labels {
		if k, v, ok := strings.Cut(l, ":"); ok && k == key {
			out = append(out, v)
		}
	}
	return out
}

func TestSpecsMatchRegistry(t *testing.T) {
	specs := preview(t, "")
	vocabulary := map[string]bool{}
	for _, k := range conformance.LabelKeys() {
		vocabulary[k] = true
	}
	if len(vocabulary) != 5 || !vocabulary["id"] || !vocabulary["level"] || !vocabulary["area"] || !vocabulary["mode"] || !vocabulary["spec"] {
		t.Errorf("label vocabulary %v, want exactly id, level, area, mode, spec", conformance.LabelKeys())
	}

	texts := map[string]bool{}
	specOf := map[string]types.SpecReport{}
	for _, s := range specs {
		name := s.FullText()
		if texts[name] {
			t.Errorf("duplicate spec text %q", name)
		}
		texts[name] = true

		labels := s.Labels()
		for _, l := range labels {
			if l == conformance.LabelPractice {
				continue // the one bare label, on practice checks
			}
			key, value, ok := strings.Cut(l, ":")
			if !ok || !vocabulary[key] || value == "" {
				t.Errorf("%s: label %q is outside the vocabulary %v", name, l, conformance.LabelKeys())
			}
			if _, err := types.ValidateAndCleanupLabel(l, types.CodeLocation{}); err != nil {
				t.Errorf("%s: label %q: %v", name, l, err)
			}
		}
		ids := labelValues(labels, "id")
		if len(ids) != 1 {
			t.Errorf("%s: %d id labels %v, want exactly one", name, len(ids), ids)
			continue
		}
		id := ids[0]
		req, ok := check.Lookup(id)
		if !ok {
			t.Errorf("%s: id %s is not in the requirement registry", name, id)
			continue
		}
		if _, dup := specOf[id]; dup {
			t.Errorf("two specs for %s", id)
		}
		specOf[id] = s

		if want := id + ": " + req.Title; s.LeafNodeText != want {
			t.Errorf("spec text %q, want %q (ID: title from the registry)", s.LeafNodeText, want)
		}
		if want := []string{"mcp-conform", req.Area.Title}; len(s.ContainerHierarchyTexts) != 2 ||
			s.ContainerHierarchyTexts[0] != want[0] || s.ContainerHierarchyTexts[1] != want[1] {
			t.Errorf("%s: containers %q, want %q", id, s.ContainerHierarchyTexts, want)
		}
		if got := labelValues(labels, "level"); len(got) != 1 || got[0] != strings.ToLower(string(req.Level)) {
			t.Errorf("%s: level labels %v, want [%s]", id, got, strings.ToLower(string(req.Level)))
		}
		if got := labelValues(labels, "area"); len(got) != 1 || got[0] != req.Area.Key {
			t.Errorf("%s: area labels %v, want [%s]", id, got, req.Area.Key)
		}
		if len(labelValues(labels, "mode")) == 0 {
			t.Errorf("%s: no mode label", id)
		}
		for _, v := range check.KnownVersions() {
			has := false
			for _, got := range labelValues(labels, "spec") {
				has = has || got == v
			}
			if has != req.AppliesTo(v) {
				t.Errorf("%s: spec:%s label present = %v, but the requirement applies = %v", id, v, has, req.AppliesTo(v))
			}
		}
	}

	defined := map[string]bool{}
	for _, d := range check.Definitions() {
		defined[d.ID] = true
	}
	for _, req := range check.Requirements() {
		if !defined[req.ID] {
			t.Errorf("requirement %s (%s) has no defined check", req.ID, req.Title)
		}
		if _, ok := specOf[req.ID]; !ok {
			t.Errorf("requirement %s has no spec", req.ID)
		}
	}
	if len(specs) != len(check.Definitions()) {
		t.Errorf("%d specs for %d defined checks", len(specs), len(check.Definitions()))
	}
}

// TestSpecOrder: Ginkgo runs the checks in registry (report) order, with the rate-limit and
// quiet-AS checks moved to the end (they burst the target or change the mockas, and would
// make other checks inconclusive).
func TestSpecOrder(t *testing.T) {
	var want, rateLimited []string
	for _, d := range check.Definitions() {
		if check.RunsLast(d.Needs) {
			rateLimited = append(rateLimited, d.ID)
		} else {
			want = append(want, d.ID)
		}
	}
	want = append(want, rateLimited...)
	var got []string
	for _, s := range preview(t, "") {
		got = append(got, labelValues(s.Labels(), "id")...)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("spec order\n got %v\nwant %v", got, want)
	}
	if len(rateLimited) == 0 {
		t.Log("no rate-limit check is defined; only declaration order was checked")
	}
}

// TestFilterVocabulary: every filter recipe of the documentation selects something, through
// Ginkgo's own filter semantics.
func TestFilterVocabulary(t *testing.T) {
	for _, filter := range []string{
		"level: consistsOf must",
		"level:must && area:challenge",
		"mode:anonymous",
		"spec:2025-11-25",
		"id: containsAny RS-02",
		"!mode:ratelimit",
	} {
		t.Run(filter, func(t *testing.T) {
			n := 0
			for _, s := range preview(t, filter) {
				if s.State != types.SpecStateSkipped {
					n++
				}
			}
			if n == 0 {
				t.Errorf("filter %q selects no spec", filter)
			}
		})
	}
}
