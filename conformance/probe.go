package conformance

// This file is the model behind "mcp-conform probe": the discovery chain a client follows to
// obtain a token (401 challenge → protected resource metadata → authorization server
// metadata → JWKS), step by step, judged by the same checks as a full run (RS-01…RS-25, RS-73, RS-74) on
// the same check.Run. Probe sends the requests the run would send and reaches the verdicts
// the run would reach; the command only prints it.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// ProbeStep is one step of the discovery chain.
type ProbeStep struct {
	Stage     check.Stage
	Title     string
	Exchanges []check.Exchange // what the chain sent at this step (redacted transcripts)
	Found     []string         // what the step yielded, or why it yielded nothing
	Results   []check.Result   // the verdicts of the checks that judge this step
}

// ProbeReport is the outcome of Probe: the steps, and the report of the checks run.
type ProbeReport struct {
	Steps  []ProbeStep
	Report *Report
}

// probeChecks are the checks that judge each step of the chain, by ID.
var probeChecks = map[check.Stage][]string{
	check.StageChallenge:  {"RS-01", "RS-02", "RS-03", "RS-04", "RS-05", "RS-06", "RS-07", "RS-08", "RS-09", "RS-10", "RS-10b"},
	check.StagePRM:        {"RS-11", "RS-12", "RS-13", "RS-14", "RS-15", "RS-16", "RS-17", "RS-18", "RS-20", "RS-21", "RS-22", "RS-23", "RS-24", "RS-25"},
	check.StageASMetadata: {"RS-19", "RS-73"},
	check.StageJWKS:       {"RS-74"},
}

// ProbeIDs returns the IDs of the checks Probe runs (RS-01…RS-25, RS-73, RS-74), sorted.
func ProbeIDs() []string {
	var ids []string
	for _, v := range probeChecks {
		ids = append(ids, v...)
	}
	slices.Sort(ids)
	return ids
}

// Probe walks the discovery chain of t and runs the checks of ProbeIDs on one check.Run.
// Errors are configuration or connection problems, as for Execute.
func Probe(ctx context.Context, t Target) (*ProbeReport, error) {
	started := time.Now()
	run, err := Prepare(ctx, t)
	if err != nil {
		return nil, err
	}
	d := run.Discovery(ctx)
	version := run.Config().SpecVersion
	var defs []check.Definition
	for _, def := range check.Definitions() {
		if slices.Contains(ProbeIDs(), def.ID) && def.AppliesTo(version) {
			defs = append(defs, def)
		}
	}
	results := executeDefs(ctx, run, defs)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("probe of %s interrupted: %w", redactURL(t.URL), err)
	}
	report := newReport(t.URL, version, started, time.Since(started), results, nil, run.Secrets()...)
	byID := map[string]check.Result{}
	for _, res := range report.Results {
		byID[res.ID] = res
	}
	steps := []ProbeStep{
		{Stage: check.StageChallenge, Title: "Unauthenticated request to " + redactURL(t.URL) + " (no credentials)", Found: challengeFound(d)},
		{Stage: check.StagePRM, Title: "Protected resource metadata (RFC 9728)", Found: prmFound(d)},
		{Stage: check.StageASMetadata, Title: "Authorization server metadata (RFC 8414 / OpenID Connect Discovery)", Found: asFound(d)},
		{Stage: check.StageJWKS, Title: "JWKS (the authorization server's jwks_uri)", Found: jwksFound(d)},
	}
	for i := range steps {
		s := &steps[i]
		s.Exchanges = d.Exchanges(s.Stage)
		for _, id := range probeChecks[s.Stage] {
			if res, ok := byID[id]; ok {
				s.Results = append(s.Results, res)
			}
		}
	}
	return &ProbeReport{Steps: steps, Report: report}, nil
}

func challengeFound(d *check.Discovery) []string {
	switch {
	case d.BaselineErr != nil:
		return []string{"no answer: " + d.BaselineErr.Error()}
	case d.Challenge == nil:
		return []string{"no Bearer challenge"}
	}
	out := []string{"Bearer challenge"}
	for _, name := range []string{"resource_metadata", "scope", "error"} {
		if v, ok := d.Challenge.Param(name); ok {
			out = append(out, fmt.Sprintf("%s=%q", name, v))
		}
	}
	return []string{strings.Join(out, " ")}
}

func prmFound(d *check.Discovery) []string {
	if d.PRM == nil {
		return []string{errText(d.PRMErr)}
	}
	out := []string{"found at " + d.ResourceMetadataURL}
	if d.HeaderPRMErr != nil {
		out = append(out, "the challenge's resource_metadata gave none: "+d.HeaderPRMErr.Error())
	}
	out = append(out, fmt.Sprintf("resource %q", d.Resource))
	if len(d.AuthServers) > 0 {
		out = append(out, fmt.Sprintf("authorization_servers %q", d.AuthServers))
	}
	return out
}

func asFound(d *check.Discovery) []string {
	if d.ASMetadata == nil {
		return []string{errText(d.ASErr)}
	}
	return []string{"found at " + d.ASMetadataURL, fmt.Sprintf("issuer %q", d.Issuer())}
}

func jwksFound(d *check.Discovery) []string {
	if d.JWKS == nil {
		return []string{errText(d.JWKSErr)}
	}
	out := []string{fmt.Sprintf("%d key(s) at %s", len(d.JWKS.Keys), d.JWKSURL)}
	for _, k := range d.JWKS.Keys {
		out = append(out, fmt.Sprintf("kid=%q alg=%s use=%s public=%v", k.KeyID, orDash(k.Algorithm), orDash(k.Use), k.IsPublic()))
	}
	return out
}

func errText(err error) string {
	if err == nil {
		return "not reached"
	}
	return err.Error()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
