package toolargs

// This file expands a simple regular expression into strings that match it, for the
// "pattern" keyword (JSON Schema validation 2020-12 §6.3.3: "A string instance is considered
// valid if the regular expression matches the instance successfully. Recall: regular
// expressions are not implicitly anchored."). Every candidate is checked with regexp before
// it is used: the expansion is a heuristic, the match is the proof.

import (
	"regexp/syntax"
	"strings"
	"unicode"
)

// maxRegexOutput bounds one expansion.
const maxRegexOutput = 4096

// preferredRunes are tried first for a character class, position by position, so that
// generated strings spell "mcpconform" (or "MCPCONFORM", or count digits).
var preferredRunes = []string{"mcpconform", "MCPCONFORM", "0123456789", "-_. "}

// regexCandidates returns strings that may match pattern, shortest first, padded towards
// minLen by repeating the open-ended repetitions. It returns nil for a pattern Go cannot
// parse.
func regexCandidates(pattern string, minLen int) []string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	var out []string
	seen := map[string]bool{}
	for _, extra := range []int{0, 1, 2, 3, 5, 8, 13, 21, 34, 64, 128, 256} {
		for alt := 0; alt < 3; alt++ {
			var b strings.Builder
			if !expand(&b, re, extra, alt, 0) {
				continue
			}
			s := b.String()
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
		if len(out) > 0 && len([]rune(out[len(out)-1])) >= minLen && extra > 0 {
			break
		}
	}
	return out
}

// expand writes one string matching re: repetitions take their minimum plus extra (up to
// their maximum), alternations take branch alt (modulo their count). It reports false for a
// construct that matches nothing or an output over the bound.
func expand(b *strings.Builder, re *syntax.Regexp, extra, alt, depth int) bool {
	if depth > 100 || b.Len() > maxRegexOutput {
		return false
	}
	switch re.Op {
	case syntax.OpNoMatch:
		return false
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
		return true
	case syntax.OpCharClass:
		r, ok := classRune(re.Rune, b.Len())
		if ok {
			b.WriteRune(r)
		}
		return ok
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		b.WriteByte('m')
		return true
	case syntax.OpCapture:
		return expand(b, re.Sub[0], extra, alt, depth+1)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := 0, -1
		switch re.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
		}
		n := lo + extra
		if hi >= 0 && n > hi {
			n = hi
		}
		if re.Op == syntax.OpQuest {
			n = min(extra, 1)
		}
		for range n {
			if !expand(b, re.Sub[0], extra, alt, depth+1) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !expand(b, sub, extra, alt, depth+1) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		if len(re.Sub) == 0 {
			return false
		}
		return expand(b, re.Sub[alt%len(re.Sub)], extra, alt, depth+1)
	}
	return false
}

// classRune picks a rune of a character class (pairs of inclusive ranges): a preferred rune
// if the class has one, else the first printable rune, else the first rune.
func classRune(ranges []rune, pos int) (rune, bool) {
	if len(ranges) < 2 {
		return 0, false
	}
	in := func(r rune) bool {
		for i := 0; i+1 < len(ranges); i += 2 {
			if ranges[i] <= r && r <= ranges[i+1] {
				return true
			}
		}
		return false
	}
	for _, seq := range preferredRunes {
		if r := rune(seq[pos%len(seq)]); in(r) {
			return r, true
		}
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1] && r-ranges[i] < 256; r++ {
			if unicode.IsPrint(r) && !unicode.IsSpace(r) {
				return r, true
			}
		}
	}
	return ranges[0], true
}
