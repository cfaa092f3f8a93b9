package conformance

// This file turns a report's verdict into the exit code and the words a CI log reader acts
// on: "2 failures (RS-02, RS-03)", "--strict and 3 warnings (…)", "1 failure expected by the
// baseline (RS-05)". "mcp-conform run" prints them; the verdict itself is ExitCode's.

import (
	"fmt"
	"strings"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// ExitSummary returns the exit code the report implies (ExitCode's) and why, as short
// clauses to join with "; ".
func (r *Report) ExitSummary(strict bool) (code int, reasons []string) {
	var fails, warns, xfails, xwarns []string
	for _, res := range r.Results {
		switch {
		case r.isExpected(res.ID) && res.Status == check.StatusWarn:
			xwarns = append(xwarns, res.ID)
		case r.isExpected(res.ID):
			xfails = append(xfails, res.ID)
		case res.Status == check.StatusFail:
			fails = append(fails, res.ID)
		case res.Status == check.StatusWarn:
			warns = append(warns, res.ID)
		}
	}
	if len(fails) > 0 {
		reasons = append(reasons, countIDs(len(fails), "failure", "failures", fails))
	}
	if r.TargetLost != "" {
		var lost []string
		for _, res := range r.Results {
			if res.Status == check.StatusSkip && strings.Contains(res.Detail, "the target stopped accepting connections") {
				lost = append(lost, res.ID)
			}
		}
		reasons = append(reasons, "the target stopped accepting connections during the run ("+r.TargetLost+"): "+
			countIDs(len(lost), "check", "checks", lost)+" inconclusive; start it again and rerun")
	}
	if strict && len(warns) > 0 {
		reasons = append(reasons, "--strict and "+countIDs(len(warns), "warning", "warnings", warns))
	}
	if strict && len(r.Stale) > 0 {
		reasons = append(reasons, "--strict and "+countIDs(len(r.Stale), "stale baseline entry", "stale baseline entries", r.Stale))
	}
	if len(fails) == 0 && !(strict && (len(warns) > 0 || len(r.Stale) > 0)) {
		reasons = append(reasons, "no check failed")
		if len(warns) > 0 {
			reasons = append(reasons, countIDs(len(warns), "warning", "warnings", warns)+" (--strict fails on warnings)")
		}
		if len(r.Stale) > 0 {
			reasons = append(reasons, countIDs(len(r.Stale), "stale baseline entry", "stale baseline entries", r.Stale)+" (remove it from the baseline)")
		}
	}
	var xs []string
	if len(xfails) > 0 {
		xs = append(xs, countIDs(len(xfails), "failure", "failures", xfails))
	}
	if len(xwarns) > 0 {
		xs = append(xs, countIDs(len(xwarns), "warning", "warnings", xwarns))
	}
	if len(xs) > 0 {
		reasons = append(reasons, strings.Join(xs, " and ")+" expected by the baseline")
	}
	return r.ExitCode(strict), reasons
}

// countIDs renders "2 failures (RS-02, RS-03)", listing at most six IDs.
func countIDs(n int, one, many string, ids []string) string {
	const maxIDs = 6
	list := ids
	more := ""
	if len(list) > maxIDs {
		list, more = list[:maxIDs], fmt.Sprintf(", … %d more", len(ids)-maxIDs)
	}
	word := many
	if n == 1 {
		word = one
	}
	return fmt.Sprintf("%d %s (%s%s)", n, word, strings.Join(list, ", "), more)
}
