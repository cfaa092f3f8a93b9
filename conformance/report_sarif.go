package conformance

// This file writes the report as a SARIF 2.1.0 log (OASIS Static Analysis Results
// Interchange Format), the format GitHub code scanning ingests: one rule per executed check
// (its requirement, sources and fix as help), one result per FAIL or WARN.
//
// Where a result points. SARIF locates results in artifacts (files); a black-box probe finds
// them at a URL. Every result carries the target URL as a logical location (kind
// "resource"). GitHub code scanning, however, shows only results with a physical location
// in the repository, so SARIFOptions.Location names a repository file to anchor them on:
// the workflow that runs the suite (the GitHub Action's default) or the file that configures
// the server's authorization. Without it the physical location is the target URL itself:
// valid SARIF that generic viewers show, which GitHub rejects.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// SARIFSchemaURI is the $schema a SARIF log written by WriteSARIF declares.
const SARIFSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

// informationURI is the tool's home page, shown by SARIF viewers.
const informationURI = "https://github.com/mcp-conform/mcp-conform"

// SARIFOptions tune the SARIF log.
type SARIFOptions struct {
	// Location is the path, relative to the repository root, of the file every result is
	// anchored on (line 1), e.g. ".github/workflows/ci.yml" or "server/auth.go". GitHub
	// code scanning displays only results located in a repository file. Empty: results
	// are located at the target URL, which other SARIF viewers show and GitHub does not.
	Location string
}

// WithSARIF writes a SARIF 2.1.0 log of Run's report to path once every check has finished
// (mirrors "run --sarif FILE --sarif-location"); a write error fails the test.
func WithSARIF(path string, o SARIFOptions) Option {
	return func(opts *Options) { opts.SARIFPath, opts.SARIF = path, o }
}

// sarifLog is the root object (SARIF 2.1.0 §3.13).
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

// sarifRun is one run of one tool (§3.14).
type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	Invocations        []sarifInvocation           `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult               `json:"results"`
	Properties         map[string]any              `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

// sarifDriver is the tool component (§3.19).
type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

// sarifRule is a reportingDescriptor (§3.49): one check.
type sarifRule struct {
	ID                   string              `json:"id"`
	Name                 string              `json:"name"`
	ShortDescription     sarifText           `json:"shortDescription"`
	FullDescription      *sarifText          `json:"fullDescription,omitempty"`
	Help                 *sarifText          `json:"help,omitempty"`
	HelpURI              string              `json:"helpUri,omitempty"`
	DefaultConfiguration sarifRuleConfig     `json:"defaultConfiguration"`
	Properties           sarifRuleProperties `json:"properties"`
}

// sarifText is a multiformatMessageString or message (§3.11, §3.12).
type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

// sarifRuleProperties are the property-bag entries GitHub reads: tags, precision and
// security-severity (a CVSS-like score that files the alerts under security).
type sarifRuleProperties struct {
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
	SecuritySeverity string   `json:"security-severity"`
	Level            string   `json:"requirement-level"`
	Refs             []string `json:"references,omitempty"`
}

// sarifInvocation records how the run went (§3.20).
type sarifInvocation struct {
	ExecutionSuccessful bool   `json:"executionSuccessful"`
	StartTimeUTC        string `json:"startTimeUtc"`
	EndTimeUTC          string `json:"endTimeUtc"`
}

// sarifResult is one FAIL or WARN (§3.27).
type sarifResult struct {
	RuleID              string                 `json:"ruleId"`
	RuleIndex           int                    `json:"ruleIndex"`
	Kind                string                 `json:"kind"`
	Level               string                 `json:"level"`
	Message             sarifText              `json:"message"`
	Locations           []sarifLocation        `json:"locations"`
	PartialFingerprints map[string]string      `json:"partialFingerprints"`
	Suppressions        []sarifSuppression     `json:"suppressions,omitempty"`
	Properties          map[string]interface{} `json:"properties,omitempty"`
}

// sarifLocation is a physical and a logical location (§3.28).
type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	Message          *sarifText     `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

// sarifArtifactLoc is an artifactLocation (§3.4).
type sarifArtifactLoc struct {
	URI       string `json:"uri,omitempty"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// sarifLogical is a logicalLocation (§3.33).
type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// sarifSuppression marks a baseline-expected failure (§3.35).
type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

// WriteSARIF writes the report as a SARIF 2.1.0 log: one rule per executed check, one
// result per FAIL ("error") or WARN ("warning"), each located at o.Location (see
// SARIFOptions) and at the target URL. A baseline-expected failure carries an external
// suppression.
func (r *Report) WriteSARIF(w io.Writer, o SARIFOptions) error {
	return r.writeSARIF(w, o, check.Lookup)
}

// writeSARIF is WriteSARIF with the registry lookup injectable for tests.
func (r *Report) writeSARIF(w io.Writer, o SARIFOptions, lookup func(string) (check.Requirement, bool)) error {
	location := strings.TrimPrefix(strings.TrimSpace(o.Location), "./")
	results := make([]check.Result, len(r.Results))
	for i, res := range r.Results {
		results[i] = sanitize(res)
	}
	slices.SortStableFunc(results, func(a, b check.Result) int { return strings.Compare(a.ID, b.ID) })

	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: ToolName, Version: r.Version, InformationURI: informationURI, Rules: []sarifRule{},
		}},
		Invocations: []sarifInvocation{{
			ExecutionSuccessful: true,
			StartTimeUTC:        r.StartedAt.UTC().Format(time.RFC3339),
			EndTimeUTC:          r.StartedAt.Add(r.Duration).UTC().Format(time.RFC3339),
		}},
		Results:    []sarifResult{},
		Properties: map[string]any{"target": withoutUserinfo(r.Target), "specVersion": r.SpecVersion},
	}
	if location != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLoc{"%SRCROOT%": {}}
	}
	index := map[string]int{}
	for _, res := range results {
		if _, seen := index[res.ID]; seen {
			continue
		}
		index[res.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleFor(res, lookup))
	}
	for _, res := range results {
		if res.Status != check.StatusFail && res.Status != check.StatusWarn {
			continue
		}
		run.Results = append(run.Results, r.sarifResultFor(res, index[res.ID], location))
	}

	log := sarifLog{Schema: SARIFSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("writing SARIF report: %w", err)
	}
	return nil
}

// sarifRuleFor describes one check as a SARIF rule, with the registry's texts as help.
func sarifRuleFor(res check.Result, lookup func(string) (check.Requirement, bool)) sarifRule {
	req, _ := lookup(res.ID)
	rule := sarifRule{
		ID:                   res.ID,
		Name:                 ruleName(res.ID),
		ShortDescription:     sarifText{Text: res.Title},
		DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(res.Level)},
		Properties: sarifRuleProperties{
			Tags:             []string{"security", "mcp", "oauth", res.Area.Key, string(res.Level)},
			Precision:        "high",
			SecuritySeverity: securitySeverity(res.Level),
			Level:            string(res.Level),
			Refs:             res.Refs,
		},
	}
	if req.Quote != "" {
		rule.FullDescription = &sarifText{Text: req.Quote}
	}
	var text, md strings.Builder
	add := func(label, s string) {
		if s = strings.TrimSpace(s); s == "" {
			return
		}
		fmt.Fprintf(&text, "%s: %s\n\n", label, s)
		fmt.Fprintf(&md, "**%s** %s\n\n", label, mdEscape(s))
	}
	add("Requirement", res.Title)
	add("Quote", req.Quote)
	add("Sends", req.Sends)
	add("Expects", req.Expects)
	add("How to fix", req.Fix)
	if len(res.Refs) > 0 {
		text.WriteString("Sources: " + strings.Join(res.Refs, "; ") + "\n\n")
		md.WriteString("**Sources**\n\n")
		for _, ref := range res.Refs {
			if u := refURL(ref); u != "" {
				fmt.Fprintf(&md, "- [%s](%s)\n", mdEscape(ref), u)
				if rule.HelpURI == "" {
					rule.HelpURI = u
				}
			} else {
				fmt.Fprintf(&md, "- %s\n", mdEscape(ref))
			}
		}
		md.WriteString("\n")
	}
	fmt.Fprintf(&text, "Run \"mcp-conform explain %s\" for details.", res.ID)
	fmt.Fprintf(&md, "Run `mcp-conform explain %s` for details.", res.ID)
	rule.Help = &sarifText{Text: text.String(), Markdown: md.String()}
	return rule
}

// sarifResultFor is the SARIF result of one FAIL or WARN.
func (r *Report) sarifResultFor(res check.Result, ruleIndex int, location string) sarifResult {
	f := parseFinding(res.Detail)
	msg := fmt.Sprintf("%s %s: %s", res.ID, strings.ToUpper(string(res.Status)), res.Title)
	if f.Reason != "" {
		msg += "\n" + f.Reason
	}
	for _, e := range f.evidence() {
		msg += fmt.Sprintf("\n%s %s", e.label, e.text)
	}
	target := withoutUserinfo(r.Target)
	msg += fmt.Sprintf("\nTarget: %s", target)
	logical := []sarifLogical{{Name: targetPath(target), FullyQualifiedName: target, Kind: "resource"}}
	loc := sarifLocation{LogicalLocations: logical}
	if location != "" {
		loc.PhysicalLocation = &sarifPhysical{
			ArtifactLocation: sarifArtifactLoc{URI: location, URIBaseID: "%SRCROOT%"},
			Region:           &sarifRegion{StartLine: 1},
		}
		loc.Message = &sarifText{Text: "the MCP server tested at " + target}
	} else {
		loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifactLoc{URI: target}}
	}
	level := "error"
	if res.Status == check.StatusWarn {
		level = "warning"
	}
	out := sarifResult{
		RuleID:    res.ID,
		RuleIndex: ruleIndex,
		Kind:      "fail",
		Level:     level,
		Message:   sarifText{Text: msg},
		Locations: []sarifLocation{loc},
		// One alert per check and endpoint path, stable across runs on other ports.
		PartialFingerprints: map[string]string{"mcpConformCheck/v1": fingerprint(res.ID, targetPath(r.Target))},
	}
	if r.isExpected(res.ID) {
		out.Suppressions = []sarifSuppression{{Kind: "external", Justification: "listed in the expected-failures baseline"}}
	}
	return out
}

// sarifLevel maps a requirement level to a rule's default SARIF level.
func sarifLevel(l check.Level) string {
	switch l {
	case check.MUST:
		return "error"
	case check.SHOULD:
		return "warning"
	default:
		return "note"
	}
}

// securitySeverity scores a violated requirement for GitHub ("high" 7.0–8.9, "medium"
// 4.0–6.9, "low" 0.1–3.9): a broken MUST of an OAuth protection is high, a SHOULD medium.
func securitySeverity(l check.Level) string {
	switch l {
	case check.MUST:
		return "7.5"
	case check.SHOULD:
		return "5.0"
	default:
		return "2.0"
	}
}

// ruleName turns an ID into the PascalCase-ish identifier SARIF suggests for rule names.
func ruleName(id string) string {
	return strings.NewReplacer("-", "", " ", "").Replace(id)
}

// targetPath is the target URL's path ("/mcp"), or the whole string when it is no URL.
func targetPath(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Path == "" {
		return target
	}
	return u.Path
}

// withoutUserinfo drops the (already redacted) user information of a URL: a location names
// the endpoint, not who logged in.
func withoutUserinfo(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.User == nil {
		return target
	}
	u.User = nil
	return u.String()
}

// fingerprint hashes its parts into a stable hex string.
func fingerprint(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// refPattern recognises the sources the registry cites, to link them.
var (
	rfcRef    = regexp.MustCompile(`^RFC (\d{4})(?: §([0-9.]+))?`)
	oauth21   = regexp.MustCompile(`^OAuth 2\.1(?: §([0-9.]+))?`)
	mcpRef    = regexp.MustCompile(`^MCP (\d{4}-\d{2}-\d{2}) (authorization|transports|security best practices)`)
	mcpPages  = map[string]string{"authorization": "basic/authorization", "transports": "basic/transports", "security best practices": "basic/security_best_practices"}
	mcpDrafts = map[string]bool{"2026-07-28": true}
)

// refURL returns a link for a source the registry cites ("RFC 6750 §3.1", "OAuth 2.1 §5.2",
// "MCP 2025-11-25 authorization §4"), or "" when there is no stable one.
func refURL(ref string) string {
	if m := rfcRef.FindStringSubmatch(ref); m != nil {
		u := "https://www.rfc-editor.org/rfc/rfc" + m[1]
		if m[2] != "" {
			u += "#section-" + strings.TrimSuffix(m[2], ".")
		}
		return u
	}
	if m := oauth21.FindStringSubmatch(ref); m != nil {
		u := "https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1"
		if m[1] != "" {
			u += "#section-" + strings.TrimSuffix(m[1], ".")
		}
		return u
	}
	if m := mcpRef.FindStringSubmatch(ref); m != nil {
		version := m[1]
		if mcpDrafts[version] {
			version = "draft"
		}
		return "https://modelcontextprotocol.io/specification/" + version + "/" + mcpPages[m[2]]
	}
	return ""
}

// mdEscape escapes the Markdown metacharacters of registry text.
func mdEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "`", "\\`", "<", "&lt;", ">", "&gt;").Replace(s)
}
