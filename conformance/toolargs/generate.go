package toolargs

// This file builds one value for a merged shape, keyword by keyword. Choices (an enum value,
// an anyOf alternative, a type of a type array, a default or example) are checked with the
// validation library against the schemas they must satisfy before they are kept, so the
// heuristics here only ever decide what to try, never what is valid.

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/jsonschema-go/jsonschema"
)

// generator holds the state of one Generate call.
type generator struct {
	doc      *schemaDoc
	refs     int
	values   int
	checks   int
	resolved map[uintptr]*jsonschema.Resolved
	regexps  map[string]*regexp.Regexp
	plains   map[uintptr]bool
}

// plainKeywords are the keywords the generator meets by construction: a value built for a
// schema using only these satisfies it (lengths and patterns are checked with regexp,
// bounds with the library's own arithmetic), so the library's check of each choice is
// skipped; the final validation of the whole arguments still runs.
var plainKeywords = map[string]bool{
	"$schema": true, "$id": true, "$comment": true, "title": true, "description": true, "default": true,
	"examples": true, "deprecated": true, "readOnly": true, "writeOnly": true, "format": true,
	"type": true, "minLength": true, "maxLength": true, "pattern": true, "minimum": true, "maximum": true,
	"exclusiveMinimum": true, "exclusiveMaximum": true, "multipleOf": true, "properties": true,
	"required": true, "additionalProperties": true, "minItems": true, "maxItems": true,
	"$defs": true, "definitions": true, "nullable": true, "enum": true, "const": true, // checked in their own loops
}

// plain reports whether node and every subschema it applies to a generated value use only
// plainKeywords ("items" as one schema included).
func (g *generator) plain(node any, depth int) bool {
	m, ok := node.(map[string]any)
	if !ok {
		b, isBool := node.(bool)
		return isBool && b
	}
	if depth > 16 {
		return false
	}
	id := nodeID(m)
	if p, seen := g.plains[id]; seen {
		return p
	}
	if g.plains == nil {
		g.plains = map[uintptr]bool{}
	}
	g.plains[id] = false // a recursive reference is not plain
	p := len(g.doc.uncheckedPatterns(m)) == 0
	for k, v := range m {
		if !p {
			break
		}
		switch k {
		case "properties":
			props, _ := v.(map[string]any)
			for _, sub := range props {
				p = p && g.plain(sub, depth+1)
			}
		case "additionalProperties":
			p = g.plain(v, depth+1) || v == false
		case "items":
			p = !isList(v) && g.plain(v, depth+1)
		case "type":
			// a type array needs the check: the type chosen must fit the other keywords
			_, p = v.(string)
		default:
			p = plainKeywords[k]
		}
	}
	g.plains[id] = p
	return p
}

// errTooComplex is returned by check once the validation budget is spent.
var errTooComplex = errors.New("the schema needs more validations than mcp-conform runs")

// check validates v against one schema node with the library. The node is inlined (its
// local $refs replaced by their targets, to a bounded depth) into a standalone schema.
func (g *generator) check(node any, v any) error {
	switch n := node.(type) {
	case bool:
		if n {
			return nil
		}
		return errors.New("the schema false accepts no value")
	case map[string]any:
		g.checks++
		if g.checks > maxChecks {
			return errTooComplex
		}
		id := nodeID(n)
		rs, ok := g.resolved[id]
		if !ok {
			budget := 2000
			tree := g.inline(n, 0, &budget)
			var err error
			if rs, err = g.doc.resolve(tree); err != nil {
				return err
			}
			g.resolved[id] = rs
		}
		return validateWith(rs, v)
	}
	return nil
}

// allPlain reports whether every node is plain.
func (g *generator) allPlain(nodes []any) bool {
	for _, n := range nodes {
		if !g.plain(n, 0) {
			return false
		}
	}
	return true
}

// checkAll validates v against every schema in nodes.
func (g *generator) checkAll(nodes []any, v any) error {
	for _, n := range nodes {
		if err := g.check(n, v); err != nil {
			return err
		}
	}
	return nil
}

// inline copies node with each local $ref replaced by (a copy of) its target, down to a
// bounded depth below which a reference becomes true (accepting more, never less: the
// final validation of the whole arguments is the exact one).
func (g *generator) inline(node any, depth int, budget *int) any {
	m, ok := node.(map[string]any)
	if !ok {
		return node
	}
	if depth > 12 || *budget <= 0 {
		return true
	}
	*budget--
	c := make(map[string]any, len(m))
	for k, v := range m {
		switch {
		case k == "$ref" || k == "$defs" || k == "definitions" || k == "$id" || k == "id" || k == "$anchor" ||
			k == "$dynamicAnchor" || k == "$dynamicRef" || k == "$schema":
			// references are inlined; identifiers would change the base URI of the copy
		case slices.Contains(schemaMapValued, k):
			if mm, ok := v.(map[string]any); ok {
				cm := make(map[string]any, len(mm))
				for name, sub := range mm {
					cm[name] = g.inline(sub, depth+1, budget)
				}
				c[k] = cm
			}
		case slices.Contains(schemaListValued, k) && isList(v):
			list := v.([]any)
			cl := make([]any, len(list))
			for i, sub := range list {
				cl[i] = g.inline(sub, depth+1, budget)
			}
			c[k] = cl
		case slices.Contains(schemaValued, k):
			c[k] = g.inline(v, depth+1, budget)
		default:
			c[k] = v
		}
	}
	if ref, ok := m["$ref"].(string); ok {
		t, err := g.doc.resolveRef(ref)
		if err != nil {
			return true
		}
		ti := g.inline(t, depth+1, budget)
		if g.doc.draft07 {
			return ti // draft-07 core §8.3: siblings of $ref are ignored
		}
		all, _ := c["allOf"].([]any)
		c["allOf"] = append(slices.Clone(all), ti)
	}
	return c
}

func isList(v any) bool { _, ok := v.([]any); return ok }

// regexp compiles a (normalised) pattern once.
func (g *generator) regexp(p string) *regexp.Regexp {
	if g.regexps == nil {
		g.regexps = map[string]*regexp.Regexp{}
	}
	if re, ok := g.regexps[p]; ok {
		return re
	}
	re, err := regexp.Compile(p)
	if err != nil {
		re = nil
	}
	g.regexps[p] = re
	return re
}

// gen builds a value for s at path. variant > 0 asks for a value different from variant 0
// (for uniqueItems and "not").
func (g *generator) gen(s *shape, path string, depth, variant int) (any, error) {
	if depth > maxGenDepth {
		return nil, &UnsatisfiableError{Path: path, Keyword: "$ref", Reason: fmt.Sprintf("recursion needs values nested deeper than %d levels", maxGenDepth)}
	}
	g.values++
	if g.values > maxValues {
		return nil, &UnsatisfiableError{Path: path, Keyword: "schema", Reason: fmt.Sprintf("needs more than %d generated values", maxValues)}
	}
	if s.never != "" {
		kw, reason, _ := strings.Cut(s.never, " ")
		return nil, &UnsatisfiableError{Path: path, Keyword: kw, Reason: reason}
	}
	if len(s.alts) > 0 {
		return g.genAlternative(s, path, depth, variant)
	}
	return g.genValue(s, path, depth, variant)
}

// checkNots reports whether v matches none of the "not" schemas.
func (g *generator) checkNots(s *shape, v any) bool {
	for _, n := range s.nots {
		if g.check(n, v) == nil {
			return false
		}
	}
	return true
}

// genAlternative resolves the first anyOf/oneOf group: each option in turn (options that
// admit only null last, since a real value is more useful to a tool), merged with the rest
// of the shape. 2020-12 core §10.2.1.2 anyOf: "valid against at least one schema";
// §10.2.1.3 oneOf: "valid against exactly one schema".
func (g *generator) genAlternative(s *shape, path string, depth, variant int) (any, error) {
	grp := s.alts[0]
	rest := s.clone()
	rest.alts = rest.alts[1:]
	order := make([]int, 0, len(grp.options))
	var nulls []int
	for i, o := range grp.options {
		if onlyNull(o) {
			nulls = append(nulls, i)
		} else {
			order = append(order, i)
		}
	}
	order = append(order, nulls...)
	var firstErr error
	for _, i := range order {
		opt := grp.options[i]
		c := rest.clone()
		if err := g.addSchema(c, opt, 0); err != nil {
			firstErr = cmpErr(firstErr, err)
			continue
		}
		c.origs = append(c.origs, opt)
		v, err := g.gen(c, path, depth, variant)
		if err != nil {
			firstErr = cmpErr(firstErr, err)
			continue
		}
		if grp.keyword == "oneOf" {
			matches := 0
			for _, o := range grp.options {
				if g.check(o, v) == nil {
					matches++
				}
			}
			if matches != 1 {
				firstErr = cmpErr(firstErr, &UnsatisfiableError{Path: path, Keyword: "oneOf", Reason: fmt.Sprintf("the value built for option %d matches %d options, not exactly one", i, matches)})
				continue
			}
		}
		return v, nil
	}
	if firstErr == nil {
		firstErr = &UnsatisfiableError{Path: path, Keyword: grp.keyword, Reason: "has no options"}
	}
	var ue *UnsatisfiableError
	if errors.As(firstErr, &ue) && ue.Path == path && ue.Keyword == grp.keyword {
		return nil, firstErr
	}
	if !errors.Is(firstErr, ErrUnsatisfiable) {
		return nil, firstErr
	}
	return nil, &UnsatisfiableError{Path: path, Keyword: grp.keyword, Reason: "no option has a simple value (first: " + firstLine(firstErr) + ")"}
}

// cmpErr keeps the first error.
func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// onlyNull reports whether a schema admits only null ({"type": "null"}).
func onlyNull(node any) bool {
	m, ok := node.(map[string]any)
	if !ok {
		return false
	}
	if t, _ := m["type"].(string); t == "null" {
		return true
	}
	if l, ok := m["type"].([]any); ok && len(l) == 1 && l[0] == "null" {
		return true
	}
	return false
}

// genValue picks const, then enum, then default, then examples, then a value of each
// allowed type in turn.
func (g *generator) genValue(s *shape, path string, depth, variant int) (any, error) {
	// Validation 2020-12 §6.1.3: "An instance validates successfully against this keyword
	// if its value is equal to the value of the keyword."
	if s.hasConst {
		if err := g.checkAll(s.origs, s.constVal); err != nil {
			return nil, &UnsatisfiableError{Path: path, Keyword: "const", Reason: "value fails the other keywords: " + firstLine(err)}
		}
		return s.constVal, nil
	}
	// §6.1.2: "An instance validates successfully against this keyword if its value is
	// equal to one of the elements in this keyword's array value."
	if s.hasEnum {
		if len(s.enum) == 0 {
			return nil, &UnsatisfiableError{Path: path, Keyword: "enum", Reason: "lists no value (or enums of allOf members share none)"}
		}
		var firstErr error
		for i := range s.enum {
			e := s.enum[(i+variant)%len(s.enum)]
			err := g.checkAll(s.origs, e)
			if err == nil && g.checkNots(s, e) {
				return e, nil
			}
			firstErr = cmpErr(firstErr, err)
		}
		reason := "has no value that satisfies the other keywords"
		if firstErr != nil {
			reason += " (" + firstLine(firstErr) + ")"
		}
		return nil, &UnsatisfiableError{Path: path, Keyword: "enum", Reason: reason}
	}
	// Validation 2020-12 §9.2 "default": "This keyword can be used to supply a default JSON
	// value associated with a particular schema"; §9.5 "examples": "sample JSON values
	// associated with a particular schema". Used when they validate: a server's own
	// default or example is the value most likely to be accepted.
	if variant == 0 {
		if s.hasDef && s.def != nil && g.checkAll(s.origs, s.def) == nil && g.checkNots(s, s.def) {
			return s.def, nil
		}
		for _, ex := range s.examples {
			if ex != nil && g.checkAll(s.origs, ex) == nil && g.checkNots(s, ex) {
				return ex, nil
			}
		}
	}
	types := s.types
	if !s.hasTypes {
		types = inferTypes(s)
	}
	if len(types) == 0 {
		return nil, &UnsatisfiableError{Path: path, Keyword: "type", Reason: "keywords allow no type (their type lists share none)"}
	}
	// "null" last: a real value exercises the tool.
	ordered := slices.DeleteFunc(slices.Clone(types), func(t string) bool { return t == "null" })
	if len(ordered) < len(types) {
		ordered = append(ordered, "null")
	}
	// A value the library rejects (oneOf matching twice, "not", a sibling keyword the
	// heuristics missed) is retried with a few distinct values before giving up.
	var firstErr error
	var last any
	for _, t := range ordered {
		for vv := variant; vv < variant+4; vv++ {
			v, err := g.genType(s, t, path, depth, vv)
			if err != nil {
				firstErr = cmpErr(firstErr, err)
				break
			}
			if len(s.nots) == 0 && g.allPlain(s.origs) {
				return v, nil // built to satisfy them; the final validation confirms
			}
			err = g.checkAll(s.origs, v)
			if err == nil && g.checkNots(s, v) {
				return v, nil
			}
			if errors.Is(err, errTooComplex) {
				return nil, &UnsatisfiableError{Path: path, Keyword: "schema", Reason: err.Error()}
			}
			last = v
			if err != nil {
				b, _ := json.Marshal(v)
				firstErr = cmpErr(firstErr, &UnsatisfiableError{Path: path, Keyword: "type", Reason: fmt.Sprintf("the %s built (%s) is rejected: %s", t, quoteShort(string(b)), firstLine(err))})
			}
		}
	}
	if len(s.nots) > 0 {
		// "not" (2020-12 core §10.2.1.4: "An instance is valid against this keyword if it
		// fails to validate successfully against the schema defined by this keyword"): best
		// effort, by the distinct values tried above.
		b, _ := json.Marshal(last)
		return nil, &UnsatisfiableError{Path: path, Keyword: "not", Reason: "excludes every value tried (last " + quoteShort(string(b)) + ")"}
	}
	return nil, firstErr
}

// inferTypes guesses the type of a schema without "type" from its keywords.
func inferTypes(s *shape) []string {
	switch {
	case s.objectish:
		return []string{"object"}
	case s.arrayy:
		return []string{"array"}
	case s.stringy:
		return []string{"string"}
	case s.numeric:
		return []string{"number"}
	}
	return []string{"string"}
}

// genType builds a value of JSON type t.
func (g *generator) genType(s *shape, t, path string, depth, variant int) (any, error) {
	switch t {
	case "null":
		return nil, nil
	case "boolean":
		return variant%2 == 1, nil
	case "integer":
		return g.genNumber(s, path, true, variant)
	case "number":
		return g.genNumber(s, path, false, variant)
	case "string":
		return g.genString(s, path, variant)
	case "array":
		return g.genArray(s, path, depth, variant)
	case "object":
		return g.genObject(s, path, depth, variant)
	}
	return nil, &UnsatisfiableError{Path: path, Keyword: "type", Reason: quoteShort(t) + " is not a JSON Schema type"}
}

// baseString is the synthetic string, as long as the length bounds ask.
const baseString = "mcp-conform"

// padded returns base repeated ("mcp-conform-mcp-conform…") to at least minLen runes and
// cut to at most maxLen (< 0: none).
func padded(base string, minLen, maxLen int) string {
	s := base
	for utf8.RuneCountInString(s) < minLen && len(s) < maxStringLen {
		s += "-" + base
	}
	if maxLen >= 0 && utf8.RuneCountInString(s) > maxLen {
		s = string([]rune(s)[:maxLen])
	}
	return s
}

// genString builds a string: a value of its format, else an expansion of its pattern, else
// "mcp-conform" fitted to the length bounds. Validation 2020-12 §6.3.1 maxLength: "A string
// instance is valid against this keyword if its length is less than, or equal to, the
// value of this keyword"; §6.3.2 minLength likewise; "The length of a string instance is
// defined as the number of its characters as defined by RFC 8259."
func (g *generator) genString(s *shape, path string, variant int) (any, error) {
	if s.maxLen >= 0 && s.minLen > s.maxLen {
		return nil, &UnsatisfiableError{Path: path, Keyword: "minLength", Reason: fmt.Sprintf("%d is more than maxLength %d", s.minLen, s.maxLen)}
	}
	if s.minLen > maxStringLen {
		return nil, &UnsatisfiableError{Path: path, Keyword: "minLength", Reason: fmt.Sprintf("%d is longer than mcp-conform generates (%d)", s.minLen, maxStringLen)}
	}
	var cands []string
	formatVals, knownFormat := formatValues(s.format, variant)
	cands = append(cands, formatVals...)
	if len(s.unchecked) > 0 && !knownFormat {
		return nil, &UnsatisfiableError{Path: path, Keyword: "pattern", Reason: quoteShort(s.unchecked[0]) + " uses syntax Go's regexp cannot evaluate (look-around or back-references), so no value can be checked against it"}
	}
	if !knownFormat {
		var firsts []string
		for _, p := range s.patterns {
			for i, c := range regexCandidates(p, s.minLen) {
				if i == 0 {
					firsts = append(firsts, c)
				}
				if variant > 0 {
					cands = append(cands, c+strconv.Itoa(variant), strconv.Itoa(variant)+c)
				}
				cands = append(cands, c)
			}
		}
		if len(firsts) > 1 {
			// several patterns (allOf members): their expansions joined may match them all
			cands = append(cands, strings.Join(firsts, ""))
		}
		name := baseString
		if variant > 0 {
			name += "-" + strconv.Itoa(variant)
		}
		cands = append(cands, padded(name, s.minLen, s.maxLen))
		if variant > 0 && s.maxLen >= 0 {
			// distinct values inside a tight maxLength: vary the last character
			p := []rune(padded(baseString, s.minLen, s.maxLen))
			if len(p) > 0 {
				p[len(p)-1] = rune('a' + variant%26)
				cands = append(cands, string(p))
			}
		}
	}
	for _, c := range cands {
		if g.stringFits(s, c) {
			return c, nil
		}
	}
	switch {
	case len(s.patterns) > 0:
		return nil, &UnsatisfiableError{Path: path, Keyword: "pattern", Reason: quoteShort(s.patterns[0]) + " has no simple value" + lengthNote(s)}
	case knownFormat:
		return nil, &UnsatisfiableError{Path: path, Keyword: "format", Reason: quoteShort(s.format) + " has no value" + lengthNote(s)}
	}
	return nil, &UnsatisfiableError{Path: path, Keyword: "minLength", Reason: "and maxLength leave no value" + lengthNote(s)}
}

func lengthNote(s *shape) string {
	switch {
	case s.minLen > 0 && s.maxLen >= 0:
		return fmt.Sprintf(" of %d to %d characters", s.minLen, s.maxLen)
	case s.minLen > 0:
		return fmt.Sprintf(" of at least %d characters", s.minLen)
	case s.maxLen >= 0:
		return fmt.Sprintf(" of at most %d characters", s.maxLen)
	}
	return ""
}

// stringFits checks the length bounds and every pattern (unanchored, as JSON Schema reads
// them) with Go's regexp.
func (g *generator) stringFits(s *shape, c string) bool {
	n := utf8.RuneCountInString(c)
	if n < s.minLen || s.maxLen >= 0 && n > s.maxLen {
		return false
	}
	for _, p := range s.patterns {
		re := g.regexp(p)
		if re == nil || !re.MatchString(c) {
			return false
		}
	}
	return true
}

// genNumber builds a number (integer when integer is set) within the bounds and a multiple
// of every multipleOf. Validation 2020-12 §6.2: multipleOf "A numeric instance is valid only
// if division by this keyword's value results in an integer"; maximum/exclusiveMaximum and
// minimum/exclusiveMinimum bound the instance inclusively and exclusively.
func (g *generator) genNumber(s *shape, path string, integer bool, variant int) (any, error) {
	for _, m := range s.multipleOf {
		if m <= 0 {
			return nil, &UnsatisfiableError{Path: path, Keyword: "multipleOf", Reason: fmt.Sprintf("%v is not strictly greater than 0", m)}
		}
	}
	fits := func(v float64) bool {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1<<53 {
			return false
		}
		if integer && v != math.Trunc(v) {
			return false
		}
		if s.hasMin && (v < s.min || s.minEx && v == s.min) {
			return false
		}
		if s.hasMax && (v > s.max || s.maxEx && v == s.max) {
			return false
		}
		for _, m := range s.multipleOf {
			// the validation library's own test: math.Modf(v / m) has no fraction
			if _, f := math.Modf(v / m); f != 0 {
				return false
			}
		}
		return true
	}
	step := 1.0
	if len(s.multipleOf) > 0 {
		step = s.multipleOf[0]
		for _, m := range s.multipleOf[1:] {
			step = lcmFloat(step, m)
		}
		if integer && step != math.Trunc(step) {
			step = lcmFloat(step, 1)
		}
	}
	var cands []float64
	add := func(vs ...float64) { cands = append(cands, vs...) }
	if !s.hasMin || s.min <= 0 {
		add(step, 1) // a plain positive value when the bounds allow it
	}
	if s.hasMin { // else the smallest value above the minimum
		k := math.Ceil(s.min / step)
		add(k*step, (k+1)*step, s.min, math.Ceil(s.min), math.Floor(s.min)+1)
	}
	add(step, 1)
	if s.hasMax {
		k := math.Floor(s.max / step)
		add(k*step, (k-1)*step, s.max, math.Floor(s.max), math.Ceil(s.max)-1)
	}
	if s.hasMin && s.hasMax {
		mid := s.min + (s.max-s.min)/2
		add(math.Round(mid/step)*step, mid, math.Round(mid))
	}
	add(0, -step, 2*step, 10*step)
	var ok []float64
	for _, c := range cands {
		if fits(c) && !slices.Contains(ok, c) {
			ok = append(ok, c)
		}
	}
	if len(ok) == 0 {
		return nil, &UnsatisfiableError{Path: path, Keyword: numericKeyword(s), Reason: "leaves no " + map[bool]string{true: "integer", false: "number"}[integer] + " value" + boundsNote(s)}
	}
	v := ok[0]
	if variant > 0 {
		// distinct values: steps up from the first (half steps for a plain number, so that
		// a value can be a number and not an integer), else the other candidates
		vstep := step
		if !integer && len(s.multipleOf) == 0 {
			vstep = 0.5
		}
		switch {
		case fits(v + float64(variant)*vstep):
			v += float64(variant) * vstep
		case fits(v - float64(variant)*vstep):
			v -= float64(variant) * vstep
		case variant < len(ok):
			v = ok[variant]
		default:
			return nil, &UnsatisfiableError{Path: path, Keyword: numericKeyword(s), Reason: "leaves too few distinct values" + boundsNote(s)}
		}
	}
	if integer || v == math.Trunc(v) {
		return int64(v), nil
	}
	return v, nil
}

// numericKeyword names the keyword to blame for an empty numeric range.
func numericKeyword(s *shape) string {
	switch {
	case len(s.multipleOf) > 0:
		return "multipleOf"
	case s.hasMin && s.minEx:
		return "exclusiveMinimum"
	case s.hasMin:
		return "minimum"
	case s.hasMax && s.maxEx:
		return "exclusiveMaximum"
	}
	return "maximum"
}

func boundsNote(s *shape) string {
	var parts []string
	if s.hasMin {
		op := ">="
		if s.minEx {
			op = ">"
		}
		parts = append(parts, op+" "+strconv.FormatFloat(s.min, 'g', -1, 64))
	}
	if s.hasMax {
		op := "<="
		if s.maxEx {
			op = "<"
		}
		parts = append(parts, op+" "+strconv.FormatFloat(s.max, 'g', -1, 64))
	}
	for _, m := range s.multipleOf {
		parts = append(parts, "multiple of "+strconv.FormatFloat(m, 'g', -1, 64))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// lcmFloat is a common multiple of a and b when both are (close to) integer multiples of a
// small unit; otherwise a, leaving the candidates to the fits test.
func lcmFloat(a, b float64) float64 {
	for _, unit := range []float64{1, 0.5, 0.25, 0.1, 0.05, 0.01, 0.001} {
		x, y := a/unit, b/unit
		if math.Abs(x-math.Round(x)) < 1e-9 && math.Abs(y-math.Round(y)) < 1e-9 && x < 1e9 && y < 1e9 {
			xi, yi := int64(math.Round(x)), int64(math.Round(y))
			return float64(xi/gcd(xi, yi)*yi) * unit
		}
	}
	return a
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	if a == 0 {
		return 1
	}
	return a
}

// genArray builds minItems items (one when "contains" needs one): prefixItems/tuple items
// by position, then items. Validation 2020-12 §6.4.2 minItems: "An array instance is valid
// against "minItems" if its size is greater than, or equal to, the value of this keyword";
// §6.4.3 uniqueItems: "If this keyword has boolean value true, the instance validates
// successfully if all of its elements are unique"; core §10.3.1.3 contains: valid "if at
// least one of its elements is valid against the given schema".
func (g *generator) genArray(s *shape, path string, depth, variant int) (any, error) {
	n := s.minItems
	if len(s.contains) > 0 && n == 0 {
		n = 1
	}
	if s.maxItems >= 0 && n > s.maxItems {
		return nil, &UnsatisfiableError{Path: path, Keyword: "minItems", Reason: fmt.Sprintf("%d is more than maxItems %d", n, s.maxItems)}
	}
	if n > maxGeneratedItems {
		return nil, &UnsatisfiableError{Path: path, Keyword: "minItems", Reason: fmt.Sprintf("%d is more items than mcp-conform generates (%d)", n, maxGeneratedItems)}
	}
	out := make([]any, 0, n)
	seen := map[string]bool{}
	for i := range n {
		is := newShape()
		var origs []any
		if i < len(s.prefix) {
			origs = append(origs, s.prefix[i]...)
		} else {
			origs = append(origs, s.items...)
		}
		if i == 0 {
			origs = append(origs, s.contains...)
		}
		for _, o := range origs {
			if err := g.addSchema(is, o, 0); err != nil {
				return nil, err
			}
		}
		is.origs = origs
		itemPath := indexPath(path, i)
		var v any
		var err error
		tries := 1
		if s.unique {
			tries = 8
		}
		for t := range tries {
			vv := 0
			if s.unique {
				vv = i + t
			}
			v, err = g.gen(is, itemPath, depth+1, vv+variant)
			if err != nil {
				return nil, err
			}
			b, _ := json.Marshal(v)
			if !s.unique || !seen[string(b)] {
				seen[string(b)] = true
				err = nil
				break
			}
			err = &UnsatisfiableError{Path: path, Keyword: "uniqueItems", Reason: fmt.Sprintf("needs %d distinct items and mcp-conform found %d", n, i)}
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// genObject builds the required properties, then what dependentRequired and minProperties
// add. Validation 2020-12 §6.5.3 required: "An object instance is valid against this
// keyword if every item in the array is the name of a property in the instance"; §6.5.4
// dependentRequired: "Validation succeeds if, for each name that appears in both the
// instance and as a name within this keyword's value, every item in the corresponding
// array is also the name of a property in the instance"; §6.5.2 minProperties. Core
// §10.3.2.3 additionalProperties validates "child values of instance names that do not
// appear in the annotation results of either "properties" or "patternProperties"";
// §10.3.2.4 propertyNames: "each property name in the instance validates against the
// provided schema".
func (g *generator) genObject(s *shape, path string, depth, variant int) (any, error) {
	s = s.clone()
	need := slices.Clone(s.required)
	applied := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for i := 0; i < len(need); i++ {
			k := need[i]
			for _, dep := range s.depRequired[k] {
				if !slices.Contains(need, dep) {
					need = append(need, dep)
					changed = true
				}
			}
			if ds, ok := s.depSchemas[k]; ok && !applied[k] {
				applied[k] = true
				for _, d := range ds {
					if err := g.addSchema(s, d, 0); err != nil {
						return nil, err
					}
				}
				s.origs = append(s.origs, ds...)
				for _, r := range s.required {
					if !slices.Contains(need, r) {
						need = append(need, r)
					}
				}
				changed = true
			}
		}
		// minProperties: add declared optional properties, in name order
		for _, k := range sortedKeys(s.props) {
			if len(need) >= s.minProps {
				break
			}
			if !slices.Contains(need, k) {
				need = append(need, k)
				changed = true
			}
		}
	}
	for i := 0; len(need) < s.minProps && i < maxGeneratedItems; i++ {
		if k := baseString + "-" + strconv.Itoa(i+1); !slices.Contains(need, k) {
			need = append(need, k)
		}
	}
	if len(need) < s.minProps {
		return nil, &UnsatisfiableError{Path: path, Keyword: "minProperties", Reason: fmt.Sprintf("%d is more properties than mcp-conform generates (%d)", s.minProps, maxGeneratedItems)}
	}
	if s.maxProps >= 0 && len(need) > s.maxProps {
		return nil, &UnsatisfiableError{Path: path, Keyword: "maxProperties", Reason: fmt.Sprintf("%d is fewer than the %d required properties", s.maxProps, len(need))}
	}
	out := make(map[string]any, len(need))
	for i, k := range need {
		for _, pn := range s.propertyNames {
			if err := g.check(pn, k); err != nil {
				return nil, &UnsatisfiableError{Path: path, Keyword: "propertyNames", Reason: fmt.Sprintf("rejects the required property name %s: %s", quoteShort(k), firstLine(err))}
			}
		}
		origs := slices.Clone(s.props[k])
		for _, p := range sortedKeys(s.patternProps) {
			if re := g.regexp(p); re != nil && re.MatchString(k) {
				origs = append(origs, s.patternProps[p]...)
			}
		}
		if _, declared := s.props[k]; !declared && len(origs) == 0 {
			for _, a := range s.additional {
				if b, ok := a.(bool); ok && !b {
					return nil, &UnsatisfiableError{Path: path, Keyword: "additionalProperties", Reason: fmt.Sprintf("is false, yet property %s is required and not declared", quoteShort(k))}
				}
			}
			origs = append(origs, s.additional...)
		}
		ps := newShape()
		for _, o := range origs {
			if err := g.addSchema(ps, o, 0); err != nil {
				return nil, err
			}
		}
		ps.origs = origs
		vv := 0
		if i == 0 {
			vv = variant // distinct objects (uniqueItems) differ in their first property
		}
		v, err := g.gen(ps, joinPath(path, k), depth+1, vv)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}
