package conformance

import "testing"

func TestTestFilterFollowsGoTest(t *testing.T) {
	tests := []struct {
		run, skip, name string
		want            bool
	}{
		{"", "", "TestX/RS-02", true},
		{"TestX", "", "TestX/RS-02", true},
		{"TestY", "", "TestX/RS-02", false},
		{"TestX/RS-02", "", "TestX/RS-02", true},
		{"TestX/RS-02", "", "TestX/RS-03", false},
		{"TestX/RS-3[0-9]$", "", "TestX/RS-35", true},
		{"TestX/RS-3[0-9]$", "", "TestX/RS-3", false},
		{"^TestX$/^RS-0(1|2)$", "", "TestX/RS-02", true},
		{"^TestX$/^RS-0(1|2)$", "", "TestX/RS-03", false},
		{"TestY|TestX/RS-02", "", "TestX/RS-02", true},
		{"TestY|TestX/RS-02", "", "TestX/RS-05", false},
		{"TestX/[/]x", "", "TestX/RS-05", false}, // a bracketed slash is not a level separator
		{"", "RS-02", "TestX/RS-02", true},       // -skip RS-02 names the top level only
		{"", "TestX/RS-02", "TestX/RS-02", false},
		{"", "TestX/RS-02", "TestX/RS-03", true},
		{"", "TestX/RS-02/deeper", "TestX/RS-02", true},
		{"TestX/(", "", "TestX/RS-02", true}, // does not compile: predict everything
	}
	for _, tt := range tests {
		var f testFilter
		var ok1, ok2 bool
		f.run, ok1 = compileTestPattern(tt.run)
		f.skip, ok2 = compileTestPattern(tt.skip)
		f.broken = !ok1 || !ok2
		if got := f.selects(tt.name); got != tt.want {
			t.Errorf("-run %q -skip %q, %s: selected %v, want %v", tt.run, tt.skip, tt.name, got, tt.want)
		}
	}
}
