package conformance

// Tests of how the Go test API translates a verdict, through a recording testLogger.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// recorder is a testLogger that records what report did.
type recorder struct {
	errors, logs, skips []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recorder) Skip(args ...any) { r.skips = append(r.skips, fmt.Sprint(args...)) }

func TestReportVerdicts(t *testing.T) {
	res := func(st check.Status) check.Result {
		return check.Result{ID: "RS-02", Title: "MUST challenge", Level: check.MUST, Status: st,
			Detail: "expected 401\nreceived 200", Steps: []string{"POST without credentials"}, Refs: []string{"RFC 6750 §3"}}
	}
	type outcome struct{ Errors, Logs, Skips int }
	tests := []struct {
		name       string
		status     check.Status
		inBaseline bool
		strict     bool
		want       outcome
		mention    string // in the error, log or skip text
	}{
		{"fail", check.StatusFail, false, false, outcome{Errors: 1}, "received 200"},
		{"fail strict", check.StatusFail, false, true, outcome{Errors: 1}, "1. POST without credentials"},
		{"expected fail", check.StatusFail, true, false, outcome{Logs: 1}, "expected failure"},
		{"expected fail strict", check.StatusFail, true, true, outcome{Logs: 1}, "expected failure"},
		{"warn", check.StatusWarn, false, false, outcome{Logs: 1}, "WARN RS-02"},
		{"warn strict", check.StatusWarn, false, true, outcome{Errors: 1}, "WARN RS-02"},
		{"expected warn strict", check.StatusWarn, true, true, outcome{Logs: 1}, "expected failure"},
		{"skip", check.StatusSkip, false, true, outcome{Skips: 1}, "expected 401"},
		{"pass", check.StatusPass, false, true, outcome{}, ""},
		{"info", check.StatusInfo, false, true, outcome{Logs: 1}, "INFO RS-02"},
		{"stale", check.StatusPass, true, false, outcome{Logs: 1}, "stale baseline entry"},
		{"stale strict", check.StatusPass, true, true, outcome{Errors: 1}, "stale baseline entry"},
		{"unknown status", check.Status("weird"), false, false, outcome{Errors: 1}, "unknown status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			report(&rec, res(tt.status), tt.inBaseline, tt.strict)
			got := outcome{len(rec.errors), len(rec.logs), len(rec.skips)}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
			all := strings.Join(append(append(rec.errors, rec.logs...), rec.skips...), "\n")
			if !strings.Contains(all, tt.mention) {
				t.Errorf("output %q does not mention %q", all, tt.mention)
			}
		})
	}
}

func TestReportRedacts(t *testing.T) {
	var rec recorder
	report(&rec, check.Result{ID: "RS-04", Status: check.StatusFail, Detail: "Authorization: Bearer " + opaqueSecret}, false, false)
	if len(rec.errors) != 1 || strings.Contains(rec.errors[0], opaqueSecret) {
		t.Errorf("errors %q: want one, without the credential", rec.errors)
	}
}
