package conformance

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

func TestExitSummary(t *testing.T) {
	results := func(statuses ...string) []check.Result {
		var rs []check.Result
		for i, s := range statuses {
			rs = append(rs, check.Result{ID: fmt.Sprintf("RS-%02d", i+1), Status: check.Status(s)})
		}
		return rs
	}
	tests := []struct {
		name     string
		report   Report
		strict   bool
		wantCode int
		want     string
	}{
		{"clean", Report{Results: results("pass", "skip")}, false, 0, "no check failed"},
		{"warnings tolerated", Report{Results: results("pass", "warn")}, false, 0,
			"no check failed; 1 warning (RS-02) (--strict fails on warnings)"},
		{"strict and warnings", Report{Results: results("warn", "warn", "warn")}, true, 1,
			"--strict and 3 warnings (RS-01, RS-02, RS-03)"},
		{"failures", Report{Results: results("fail", "pass", "fail")}, false, 1, "2 failures (RS-01, RS-03)"},
		{"expected by the baseline", Report{Results: results("fail", "pass"), Expected: []string{"RS-01"}}, false, 0,
			"no check failed; 1 failure (RS-01) expected by the baseline"},
		{"warning expected too", Report{Results: results("fail", "warn"), Expected: []string{"RS-01", "RS-02"}}, false, 0,
			"no check failed; 1 failure (RS-01) and 1 warning (RS-02) expected by the baseline"},
		{"stale with strict", Report{Results: results("pass"), Stale: []string{"RS-01"}}, true, 1,
			"--strict and 1 stale baseline entry (RS-01)"},
		{"many", Report{Results: results("fail", "fail", "fail", "fail", "fail", "fail", "fail", "fail")}, false, 1,
			"8 failures (RS-01, RS-02, RS-03, RS-04, RS-05, RS-06, … 2 more)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, reasons := tt.report.ExitSummary(tt.strict)
			if got := strings.Join(reasons, "; "); code != tt.wantCode || got != tt.want {
				t.Errorf("ExitSummary = %d %q, want %d %q", code, got, tt.wantCode, tt.want)
			}
			if rc := tt.report.ExitCode(tt.strict); rc != code {
				t.Errorf("ExitSummary says %d, Report.ExitCode %d", code, rc)
			}
		})
	}
}
