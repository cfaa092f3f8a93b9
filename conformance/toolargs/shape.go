package toolargs

// This file merges the keywords that apply to one instance (a schema, its $ref target and
// its allOf members) into one shape the generator reads. JSON Schema 2020-12 core §10.2.1.1:
// "An instance validates successfully against this keyword [allOf] if it validates
// successfully against all schemas defined by this keyword's value", so the bounds of the
// members intersect; §8.2.3.1: "$ref" is an applicator whose result is combined with the
// sibling keywords (draft-07 core §8.3: "All other properties in a "$ref" object MUST be
// ignored").

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
)

// shape is the merged constraints on one instance.
type shape struct {
	never    string // non-empty: no value can be valid, and why (keyword: reason)
	types    []string
	hasTypes bool

	hasConst bool
	constVal any
	hasEnum  bool
	enum     []any
	hasDef   bool
	def      any
	examples []any

	format            string
	minLen, maxLen    int // maxLen < 0: none
	patterns          []string
	unchecked         []string // patterns Go cannot evaluate
	min, max          float64
	minEx, maxEx      bool // the bound is exclusive
	hasMin, hasMax    bool
	multipleOf        []float64
	props             map[string][]any
	propOrder         []string
	required          []string
	patternProps      map[string][]any
	additional        []any
	propertyNames     []any
	depRequired       map[string][]string
	depSchemas        map[string][]any
	minProps          int
	maxProps          int // < 0: none
	items             []any
	prefix            [][]any
	minItems          int
	maxItems          int // < 0: none
	unique            bool
	contains          []any
	alts              []altGroup
	nots              []any
	origs             []any // the schemas the value must satisfy, for the library's checks
	objectish, arrayy bool  // keywords that imply a type when "type" is absent
	stringy, numeric  bool
}

// altGroup is one anyOf or oneOf.
type altGroup struct {
	keyword string // "anyOf" or "oneOf"
	options []any
}

func newShape() *shape { return &shape{maxLen: -1, maxProps: -1, maxItems: -1} }

// clone copies s deeply enough for the generator to add constraints to the copy.
func (s *shape) clone() *shape {
	c := *s
	c.types = slices.Clone(s.types)
	c.enum = slices.Clone(s.enum)
	c.examples = slices.Clone(s.examples)
	c.patterns = slices.Clone(s.patterns)
	c.unchecked = slices.Clone(s.unchecked)
	c.multipleOf = slices.Clone(s.multipleOf)
	c.props = cloneListMap(s.props)
	c.propOrder = slices.Clone(s.propOrder)
	c.required = slices.Clone(s.required)
	c.patternProps = cloneListMap(s.patternProps)
	c.additional = slices.Clone(s.additional)
	c.propertyNames = slices.Clone(s.propertyNames)
	c.depRequired = map[string][]string{}
	for k, v := range s.depRequired {
		c.depRequired[k] = slices.Clone(v)
	}
	c.depSchemas = cloneListMap(s.depSchemas)
	c.items = slices.Clone(s.items)
	c.prefix = make([][]any, len(s.prefix))
	for i, p := range s.prefix {
		c.prefix[i] = slices.Clone(p)
	}
	c.contains = slices.Clone(s.contains)
	c.alts = slices.Clone(s.alts)
	c.nots = slices.Clone(s.nots)
	c.origs = slices.Clone(s.origs)
	return &c
}

func cloneListMap(m map[string][]any) map[string][]any {
	if m == nil {
		return nil
	}
	c := make(map[string][]any, len(m))
	for k, v := range m {
		c[k] = slices.Clone(v)
	}
	return c
}

// addSchema merges node into s (node is a schema: an object or a boolean).
func (g *generator) addSchema(s *shape, node any, depth int) error {
	switch n := node.(type) {
	case bool:
		if !n {
			s.setNever("false", "the schema false accepts no value")
		}
		return nil
	case map[string]any:
		return g.addObject(s, n, depth)
	}
	return nil // not a schema; the library reports it
}

func (s *shape) setNever(keyword, reason string) {
	if s.never == "" {
		s.never = keyword + " " + reason
	}
}

// addObject merges the keywords of schema object m into s.
func (g *generator) addObject(s *shape, m map[string]any, depth int) error {
	if depth > maxSchemaDepth*4 {
		return &UnsatisfiableError{Keyword: "$ref", Reason: "chains nest too deeply"}
	}
	if ref, ok := m["$ref"].(string); ok {
		g.refs++
		if g.refs > maxRefExpansions {
			return &UnsatisfiableError{Keyword: "$ref", Reason: fmt.Sprintf("needs more than %d expansions", maxRefExpansions)}
		}
		t, err := g.doc.resolveRef(ref)
		if err != nil {
			return err
		}
		if err := g.addSchema(s, t, depth+1); err != nil {
			return err
		}
		if g.doc.draft07 {
			return nil
		}
	}
	if t, ok := m["type"]; ok {
		var list []string
		switch tv := t.(type) {
		case string:
			list = []string{tv}
		case []any:
			for _, e := range tv {
				if str, ok := e.(string); ok {
					list = append(list, str)
				}
			}
		}
		s.intersectTypes(list)
	}
	if c, ok := m["const"]; ok {
		if s.hasConst && !jsonEqual(s.constVal, c) {
			s.setNever("const", "two const keywords disagree")
		}
		s.hasConst, s.constVal = true, c
	}
	if e, ok := m["enum"].([]any); ok {
		if !s.hasEnum {
			s.hasEnum, s.enum = true, slices.Clone(e)
		} else {
			s.enum = slices.DeleteFunc(s.enum, func(v any) bool {
				return !slices.ContainsFunc(e, func(w any) bool { return jsonEqual(v, w) })
			})
		}
	}
	if d, ok := m["default"]; ok && !s.hasDef {
		s.hasDef, s.def = true, d
	}
	if ex, ok := m["examples"].([]any); ok {
		s.examples = append(s.examples, ex...)
	}
	if f, ok := m["format"].(string); ok && s.format == "" {
		s.format = f
		s.stringy = true
	}
	if n, ok := intKeyword(m, "minLength"); ok {
		s.minLen = max(s.minLen, n)
		s.stringy = true
	}
	if n, ok := intKeyword(m, "maxLength"); ok {
		s.maxLen = minBound(s.maxLen, n)
		s.stringy = true
	}
	if p, ok := m["pattern"].(string); ok {
		s.patterns = append(s.patterns, p)
		s.stringy = true
	}
	if u := g.doc.uncheckedPatterns(m); len(u) > 0 {
		s.unchecked = append(s.unchecked, u...)
		s.stringy = true
	}
	if f, ok := numKeyword(m, "minimum"); ok {
		s.raiseMin(f, false)
	}
	if f, ok := numKeyword(m, "exclusiveMinimum"); ok {
		s.raiseMin(f, true)
	}
	if f, ok := numKeyword(m, "maximum"); ok {
		s.lowerMax(f, false)
	}
	if f, ok := numKeyword(m, "exclusiveMaximum"); ok {
		s.lowerMax(f, true)
	}
	if f, ok := numKeyword(m, "multipleOf"); ok {
		s.multipleOf = append(s.multipleOf, f)
		s.numeric = true
	}
	if props, ok := m["properties"].(map[string]any); ok {
		if s.props == nil {
			s.props = map[string][]any{}
		}
		for _, k := range sortedKeys(props) {
			if _, seen := s.props[k]; !seen {
				s.propOrder = append(s.propOrder, k)
			}
			s.props[k] = append(s.props[k], props[k])
		}
		s.objectish = true
	}
	if req, ok := m["required"].([]any); ok {
		for _, r := range req {
			if str, ok := r.(string); ok && !slices.Contains(s.required, str) {
				s.required = append(s.required, str)
			}
		}
		s.objectish = true
	}
	if pp, ok := m["patternProperties"].(map[string]any); ok {
		if s.patternProps == nil {
			s.patternProps = map[string][]any{}
		}
		for _, k := range sortedKeys(pp) {
			s.patternProps[k] = append(s.patternProps[k], pp[k])
		}
		s.objectish = true
	}
	if a, ok := m["additionalProperties"]; ok {
		s.additional = append(s.additional, a)
		s.objectish = true
	}
	if pn, ok := m["propertyNames"]; ok {
		s.propertyNames = append(s.propertyNames, pn)
	}
	addDeps := func(deps map[string]any) {
		for _, k := range sortedKeys(deps) {
			switch dv := deps[k].(type) {
			case []any:
				if s.depRequired == nil {
					s.depRequired = map[string][]string{}
				}
				for _, r := range dv {
					if str, ok := r.(string); ok && !slices.Contains(s.depRequired[k], str) {
						s.depRequired[k] = append(s.depRequired[k], str)
					}
				}
			case map[string]any, bool:
				if s.depSchemas == nil {
					s.depSchemas = map[string][]any{}
				}
				s.depSchemas[k] = append(s.depSchemas[k], dv)
			}
		}
	}
	for _, k := range []string{"dependentRequired", "dependentSchemas", "dependencies"} {
		if deps, ok := m[k].(map[string]any); ok {
			addDeps(deps)
		}
	}
	if n, ok := intKeyword(m, "minProperties"); ok {
		s.minProps = max(s.minProps, n)
		s.objectish = true
	}
	if n, ok := intKeyword(m, "maxProperties"); ok {
		s.maxProps = minBound(s.maxProps, n)
		s.objectish = true
	}
	addPrefix := func(list []any) {
		for i, p := range list {
			if i >= len(s.prefix) {
				s.prefix = append(s.prefix, nil)
			}
			s.prefix[i] = append(s.prefix[i], p)
		}
		s.arrayy = true
	}
	if p, ok := m["prefixItems"].([]any); ok {
		addPrefix(p)
	}
	switch it := m["items"].(type) {
	case []any: // draft-07 tuple form; "additionalItems" applies after it
		addPrefix(it)
		if ai, ok := m["additionalItems"]; ok {
			s.items = append(s.items, ai)
		}
	case map[string]any, bool:
		s.items = append(s.items, it)
		s.arrayy = true
	}
	if n, ok := intKeyword(m, "minItems"); ok {
		s.minItems = max(s.minItems, n)
		s.arrayy = true
	}
	if n, ok := intKeyword(m, "maxItems"); ok {
		s.maxItems = minBound(s.maxItems, n)
		s.arrayy = true
	}
	if u, ok := m["uniqueItems"].(bool); ok && u {
		s.unique = true
	}
	if c, ok := m["contains"]; ok {
		s.contains = append(s.contains, c)
		s.arrayy = true
	}
	if all, ok := m["allOf"].([]any); ok {
		for _, sub := range all {
			if err := g.addSchema(s, sub, depth+1); err != nil {
				return err
			}
		}
	}
	for _, k := range []string{"anyOf", "oneOf"} {
		if opts, ok := m[k].([]any); ok {
			s.alts = append(s.alts, altGroup{keyword: k, options: opts})
		}
	}
	if n, ok := m["not"]; ok {
		s.nots = append(s.nots, n)
	}
	return nil
}

// intersectTypes applies one "type" keyword: "integer" is a "number", so their
// intersection is "integer".
func (s *shape) intersectTypes(list []string) {
	if !s.hasTypes {
		s.hasTypes, s.types = true, slices.Clone(list)
		return
	}
	var out []string
	for _, t := range s.types {
		switch {
		case slices.Contains(list, t):
			out = append(out, t)
		case t == "number" && slices.Contains(list, "integer"), t == "integer" && slices.Contains(list, "number"):
			out = append(out, "integer")
		}
	}
	s.types = slices.Compact(out)
}

func (s *shape) raiseMin(f float64, exclusive bool) {
	s.numeric = true
	if !s.hasMin || f > s.min || f == s.min && exclusive {
		s.hasMin, s.min, s.minEx = true, f, exclusive
	}
}

func (s *shape) lowerMax(f float64, exclusive bool) {
	s.numeric = true
	if !s.hasMax || f < s.max || f == s.max && exclusive {
		s.hasMax, s.max, s.maxEx = true, f, exclusive
	}
}

// minBound is the tighter of two upper bounds, < 0 meaning none.
func minBound(cur, n int) int {
	if cur < 0 || n < cur {
		return n
	}
	return cur
}

// numKeyword reads a numeric keyword.
func numKeyword(m map[string]any, k string) (float64, bool) {
	return toFloat(m[k])
}

// intKeyword reads a non-negative integer keyword (minLength, minItems…), capped to keep
// arithmetic safe.
func intKeyword(m map[string]any, k string) (int, bool) {
	f, ok := toFloat(m[k])
	if !ok || f < 0 {
		return 0, false
	}
	return int(math.Min(math.Ceil(f), 1<<30)), true
}

// toFloat converts a decoded JSON number.
func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	case float64:
		return n, !math.IsInf(n, 0) && !math.IsNaN(n)
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

// jsonEqual compares two decoded JSON values as JSON Schema's equality does (numbers by
// value, objects by members, arrays element-wise).
func jsonEqual(a, b any) bool {
	fa, okA := toFloat(a)
	fb, okB := toFloat(b)
	if okA || okB {
		if okA && okB {
			if na, ok := a.(json.Number); ok {
				if nb, ok := b.(json.Number); ok && na == nb {
					return true
				}
			}
			return fa == fb
		}
		return false
	}
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}
