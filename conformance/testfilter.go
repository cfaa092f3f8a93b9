package conformance

// This file predicts which subtests `go test -run X -skip Y` will run, so that Run can start
// exactly those checks concurrently before it runs the subtests one by one. It follows the
// rules of package testing (cmd/go "Testing flags": the pattern is split on unbracketed
// slashes into one unanchored regular expression per level of the test name, and on
// unbracketed bars into alternatives; a name runs when every level it has matches, and is
// skipped when every level of a -skip alternative matches). A wrong prediction costs only
// concurrency: Run executes a check the prediction missed inside its subtest.

import (
	"flag"
	"regexp"
	"strings"
)

// testFilter is the -test.run and -test.skip selection of the running test binary.
type testFilter struct {
	run, skip [][]*regexp.Regexp // alternatives, each one regexp per name level
	broken    bool               // a pattern did not compile: predict everything
}

// newTestFilter reads -test.run and -test.skip from the command line flags (registered by
// package testing).
func newTestFilter() testFilter {
	var f testFilter
	value := func(name string) string {
		if fl := flag.Lookup(name); fl != nil {
			return fl.Value.String()
		}
		return ""
	}
	var ok1, ok2 bool
	f.run, ok1 = compileTestPattern(value("test.run"))
	f.skip, ok2 = compileTestPattern(value("test.skip"))
	f.broken = !ok1 || !ok2
	return f
}

// selects reports whether a test named name (levels separated by "/") would run.
func (f testFilter) selects(name string) bool {
	if f.broken {
		return true
	}
	levels := strings.Split(name, "/")
	if len(f.run) > 0 && !anyAlternativeMatches(f.run, levels) {
		return false
	}
	for _, alt := range f.skip {
		if len(alt) <= len(levels) && levelsMatch(alt, levels) {
			return false
		}
	}
	return true
}

// anyAlternativeMatches reports whether one alternative matches every level of levels it
// has a pattern for.
func anyAlternativeMatches(alts [][]*regexp.Regexp, levels []string) bool {
	for _, alt := range alts {
		if levelsMatch(alt, levels) {
			return true
		}
	}
	return false
}

// levelsMatch reports whether every pattern level that levels reaches matches.
func levelsMatch(alt []*regexp.Regexp, levels []string) bool {
	for i, s := range levels {
		if i >= len(alt) {
			break
		}
		if !alt[i].MatchString(s) {
			return false
		}
	}
	return true
}

// compileTestPattern splits a -test.run pattern into alternatives and levels, as package
// testing does, and compiles each level; "" yields none. ok is false when a level does not
// compile (package testing then refuses to run at all).
func compileTestPattern(pattern string) (alts [][]*regexp.Regexp, ok bool) {
	if pattern == "" {
		return nil, true
	}
	for _, alt := range splitTestPattern(pattern) {
		var levels []*regexp.Regexp
		for _, p := range alt {
			re, err := regexp.Compile(strings.ReplaceAll(p, " ", "_"))
			if err != nil {
				return nil, false
			}
			levels = append(levels, re)
		}
		alts = append(alts, levels)
	}
	return alts, true
}

// splitTestPattern splits on '/' (levels) and '|' (alternatives) outside brackets and
// parentheses, honouring backslash escapes.
func splitTestPattern(s string) [][]string {
	var alts [][]string
	var levels []string
	brackets, parens, start := 0, 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			brackets++
		case ']':
			if brackets > 0 {
				brackets--
			}
		case '(':
			if brackets == 0 {
				parens++
			}
		case ')':
			if brackets == 0 {
				parens--
			}
		case '\\':
			i++
		case '/', '|':
			if brackets == 0 && parens == 0 {
				levels = append(levels, s[start:i])
				start = i + 1
				if s[i] == '|' {
					alts = append(alts, levels)
					levels = nil
				}
			}
		}
	}
	return append(alts, append(levels, s[start:]))
}
