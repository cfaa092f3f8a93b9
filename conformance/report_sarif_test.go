package conformance

// The SARIF writer: a golden file, validation against the OASIS SARIF 2.1.0 JSON schema
// (testdata/sarif-schema-2.1.0.json, the errata01 schema from oasis-tcs/sarif-spec
// sarif-2.1/schema), and the properties GitHub code scanning relies on.

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchema compiles the vendored SARIF 2.1.0 schema (draft-04), asserting formats.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("decoding the SARIF schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compiling the SARIF schema: %v", err)
	}
	return s
}

// validateSARIF fails t when data is not a valid SARIF 2.1.0 log.
func validateSARIF(t *testing.T, s *jsonschema.Schema, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	if err := s.Validate(inst); err != nil {
		t.Fatalf("SARIF output does not validate against the SARIF 2.1.0 schema:\n%v", err)
	}
}

func TestWriteSARIF(t *testing.T) {
	schema := sarifSchema(t)
	for _, tt := range []struct {
		name     string
		opts     SARIFOptions
		golden   string
		wantPath string
	}{
		{"located in a repository file", SARIFOptions{Location: "./.github/workflows/ci.yml"}, "report.sarif.golden", ".github/workflows/ci.yml"},
		{"located at the target", SARIFOptions{}, "", "http://127.0.0.1:3000/mcp"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := syntheticReport().writeSARIF(&buf, tt.opts, fakeLookup); err != nil {
				t.Fatal(err)
			}
			validateSARIF(t, schema, buf.Bytes())
			for _, secret := range []string{fakeSecret, opaqueSecret, "hunter2"} {
				if strings.Contains(buf.String(), secret) {
					t.Errorf("SARIF leaks the secret %q", secret)
				}
			}
			if tt.golden != "" {
				golden(t, tt.golden, buf.Bytes())
			}

			var log sarifLog
			if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
				t.Fatal(err)
			}
			if log.Version != "2.1.0" || len(log.Runs) != 1 {
				t.Fatalf("version %q with %d runs, want 2.1.0 with 1", log.Version, len(log.Runs))
			}
			run := log.Runs[0]
			var ruleIDs []string
			for _, rule := range run.Tool.Driver.Rules {
				ruleIDs = append(ruleIDs, rule.ID)
				if rule.Help == nil || rule.Help.Text == "" || rule.ShortDescription.Text == "" {
					t.Errorf("rule %s lacks help or a description", rule.ID)
				}
			}
			// One rule per executed check, whatever its status.
			if diff := cmp.Diff([]string{"PRM-01", "PRM-02", "RS-01", "RS-02", "RS-03", "TOK-01", "TOK-02"}, ruleIDs); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
			type row struct {
				Rule, Level, Path string
				Suppressed        bool
			}
			var got []row
			for _, res := range run.Results {
				if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
					t.Errorf("result %s: ruleIndex %d names rule %s", res.RuleID, res.RuleIndex, run.Tool.Driver.Rules[res.RuleIndex].ID)
				}
				if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation == nil {
					t.Fatalf("result %s: want one physical location, got %+v", res.RuleID, res.Locations)
				}
				loc := res.Locations[0]
				if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].FullyQualifiedName != "http://127.0.0.1:3000/mcp" {
					t.Errorf("result %s: logical location %+v, want the target URL", res.RuleID, loc.LogicalLocations)
				}
				if res.PartialFingerprints["mcpConformCheck/v1"] == "" {
					t.Errorf("result %s has no fingerprint", res.RuleID)
				}
				got = append(got, row{res.RuleID, res.Level, loc.PhysicalLocation.ArtifactLocation.URI, len(res.Suppressions) > 0})
			}
			// One result per FAIL (error) or WARN (warning); RS-02 is expected by the baseline.
			want := []row{
				{"PRM-01", "error", tt.wantPath, false},
				{"RS-02", "error", tt.wantPath, true},
				{"RS-03", "warning", tt.wantPath, false},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRefURL(t *testing.T) {
	for ref, want := range map[string]string{
		"RFC 6750 §3.1":                       "https://www.rfc-editor.org/rfc/rfc6750#section-3.1",
		"RFC 9728":                            "https://www.rfc-editor.org/rfc/rfc9728",
		"OAuth 2.1 §5.2":                      "https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-5.2",
		"MCP 2025-11-25 authorization §4.2":   "https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization",
		"MCP 2025-06-18 transports §2":        "https://modelcontextprotocol.io/specification/2025-06-18/basic/transports",
		"operator declaration (--rate-limit)": "",
	} {
		if got := refURL(ref); got != want {
			t.Errorf("refURL(%q) = %q, want %q", ref, got, want)
		}
	}
}

// TestWriteSARIFEmpty: a clean run is still a valid log, with its rules and no results.
func TestWriteSARIFEmpty(t *testing.T) {
	r := newReport("http://127.0.0.1:1/mcp", "2025-11-25", syntheticReport().StartedAt, 0, syntheticResults()[:1], nil)
	var buf bytes.Buffer
	if err := r.writeSARIF(&buf, SARIFOptions{}, fakeLookup); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, sarifSchema(t), buf.Bytes())
	if !strings.Contains(buf.String(), `"results": []`) {
		t.Errorf("a clean run has no empty results array:\n%s", buf.String())
	}
}
