package toolargs

// This file reads a schema into a generic JSON tree, normalises what real servers send into
// the drafts github.com/google/jsonschema-go validates (draft-07, 2020-12), resolves local
// references (JSON Schema 2020-12 core §8.2.3.1 "$ref"; draft-07 core §8.3) and rejects
// reference cycles that never consume part of the instance.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
)

// Limits on untrusted schemas.
const (
	// MaxSchemaBytes is the largest schema accepted.
	MaxSchemaBytes = 1 << 20
	// maxSchemaDepth bounds the nesting of the schema document itself.
	maxSchemaDepth = 64
	// maxPatternLen bounds the patterns compiled.
	maxPatternLen = 4096
	// maxInPlace bounds the subschemas applied to one value (through $ref, allOf, anyOf…).
	maxInPlace = 10000
)

// Draft identifiers ($schema values) the validation library implements.
const (
	draft07URI   = "http://json-schema.org/draft-07/schema#"
	draft2020URI = "https://json-schema.org/draft/2020-12/schema"
)

// ErrInvalidSchema is wrapped when a schema is not a JSON Schema this package can read
// (not JSON, too large or deep, a remote or dangling $ref, a $ref cycle that never consumes
// part of the instance, or rejected by the validation library).
var ErrInvalidSchema = errors.New("invalid input schema")

// schemaDoc is a parsed, normalised schema.
type schemaDoc struct {
	root    any    // normalised tree: map[string]any, bool, json.Number, []any, string, nil
	draft07 bool   // "$ref" siblings are ignored (draft-07 core §8.3)
	uri     string // the $schema the library is told
	// unchecked lists the patterns Go's regexp cannot compile, by node: they are removed from
	// the tree, so the library does not check them, and Generate reports them.
	unchecked map[uintptr][]string
}

// parseSchema reads and normalises raw.
func parseSchema(raw json.RawMessage) (*schemaDoc, error) {
	if len(raw) > MaxSchemaBytes {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrInvalidSchema, len(raw), MaxSchemaBytes)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrInvalidSchema)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSchema, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after the schema", ErrInvalidSchema)
	}
	if err := checkDepth(root, 0); err != nil {
		return nil, err
	}
	root = native(root)
	d := &schemaDoc{root: root, uri: draft2020URI, unchecked: map[uintptr][]string{}}
	if m, ok := root.(map[string]any); ok {
		switch s, _ := m["$schema"].(string); strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://"), "#") {
		case "json-schema.org/draft-07/schema", "json-schema.org/draft-06/schema", "json-schema.org/draft-04/schema",
			"json-schema.org/schema":
			d.draft07, d.uri = true, draft07URI
		}
	} else if _, ok := root.(bool); !ok {
		return nil, fmt.Errorf("%w: a schema is a JSON object or boolean, not %s", ErrInvalidSchema, jsonKind(root))
	}
	d.root = d.normalize(root)
	if m, ok := d.root.(map[string]any); ok {
		mergeDefinitions(m)
	}
	return d, nil
}

// mergeDefinitions moves a root's draft-07 "definitions" into its "$defs" when it has both
// (hand-written schemas do; the library rejects the pair), rewriting the references.
func mergeDefinitions(root map[string]any) {
	defs, ok1 := root["definitions"].(map[string]any)
	own, ok2 := root["$defs"].(map[string]any)
	if !ok1 || !ok2 {
		return
	}
	for k := range defs {
		if _, clash := own[k]; clash {
			return // leave it to the library to reject
		}
	}
	for k, v := range defs {
		own[k] = v
	}
	delete(root, "definitions")
	var rewrite func(v any, depth int)
	rewrite = func(v any, depth int) {
		if depth > maxSchemaDepth {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			if ref, ok := t["$ref"].(string); ok && strings.HasPrefix(ref, "#/definitions/") {
				t["$ref"] = "#/$defs/" + strings.TrimPrefix(ref, "#/definitions/")
			}
			for k, c := range t {
				if k != "enum" && k != "const" && k != "default" && k != "examples" {
					rewrite(c, depth+1)
				}
			}
		case []any:
			for _, c := range t {
				rewrite(c, depth+1)
			}
		}
	}
	rewrite(root, 0)
}

// native replaces each json.Number by an int64 (an integer that fits) or a float64: the
// validation library reads instances by their Go kind, and a json.Number is a string to it.
func native(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
		return t.String() // out of float64 range: no schema bound can use it
	case map[string]any:
		for k, c := range t {
			t[k] = native(c)
		}
	case []any:
		for i, c := range t {
			t[i] = native(c)
		}
	}
	return v
}

// checkDepth bounds the document's nesting.
func checkDepth(v any, depth int) error {
	if depth > maxSchemaDepth {
		return fmt.Errorf("%w: nested deeper than %d levels", ErrInvalidSchema, maxSchemaDepth)
	}
	switch t := v.(type) {
	case map[string]any:
		for _, c := range t {
			if err := checkDepth(c, depth+1); err != nil {
				return err
			}
		}
	case []any:
		for _, c := range t {
			if err := checkDepth(c, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// schemaKeywords holding one subschema, a list of subschemas, or a map of them. Only these
// are walked: "enum", "const", "default" and "examples" hold instances, never schemas.
var (
	schemaValued = []string{"additionalProperties", "propertyNames", "items", "additionalItems", "contains",
		"not", "if", "then", "else", "unevaluatedItems", "unevaluatedProperties", "contentSchema"}
	schemaListValued = []string{"allOf", "anyOf", "oneOf", "prefixItems", "items"}
	schemaMapValued  = []string{"properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"}
)

// normalize rewrites, in place, what the validation library does not read:
//
//   - $schema: draft-04 and draft-06 become draft-07, 2019-09 becomes 2020-12 (the library
//     "cannot validate" other versions), anything else is dropped;
//   - draft-04 validation §5.3: "if "exclusiveMinimum" is present and has boolean value
//     true, the instance is valid if it is strictly greater than the value of "minimum""
//     becomes the draft-06+ numeric form ("exclusiveMinimum": <minimum>); likewise maximum;
//   - draft-04 "id" is left alone (an annotation to the library);
//   - "pattern" (validation §6.3.3, "a regular expression, according to the ECMA-262
//     regular expression dialect"): ECMA's \uXXXX becomes Go's \x{XXXX}; a pattern that Go
//     still cannot compile is removed and recorded in d.unchecked; likewise a
//     patternProperties key.
func (d *schemaDoc) normalize(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	if s, ok := m["$schema"].(string); ok {
		switch u := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://"), "#"); u {
		case "json-schema.org/draft-07/schema", "json-schema.org/draft-06/schema", "json-schema.org/draft-04/schema", "json-schema.org/schema":
			m["$schema"] = draft07URI
		case "json-schema.org/draft/2020-12/schema", "json-schema.org/draft/2019-09/schema":
			m["$schema"] = draft2020URI
		default:
			delete(m, "$schema")
		}
	} else {
		delete(m, "$schema")
	}
	for _, pair := range [][2]string{{"exclusiveMinimum", "minimum"}, {"exclusiveMaximum", "maximum"}} {
		if b, ok := m[pair[0]].(bool); ok {
			delete(m, pair[0])
			if bound, has := m[pair[1]]; has && b {
				m[pair[0]] = bound
				delete(m, pair[1])
			}
		}
	}
	if p, ok := m["pattern"]; ok {
		s, isStr := p.(string)
		if !isStr {
			delete(m, "pattern")
		} else if goPat, ok := goPattern(s); ok {
			m["pattern"] = goPat
		} else {
			delete(m, "pattern")
			d.unchecked[nodeID(m)] = append(d.unchecked[nodeID(m)], s)
		}
	}
	if pp, ok := m["patternProperties"].(map[string]any); ok {
		for k, sub := range pp {
			delete(pp, k)
			if goPat, ok := goPattern(k); ok {
				pp[goPat] = sub
			}
		}
	}
	for _, k := range schemaValued {
		if sub, ok := m[k]; ok {
			if _, isList := sub.([]any); !isList {
				m[k] = d.normalize(sub)
			}
		}
	}
	for _, k := range schemaListValued {
		if list, ok := m[k].([]any); ok {
			for i := range list {
				list[i] = d.normalize(list[i])
			}
		}
	}
	for _, k := range schemaMapValued {
		if mm, ok := m[k].(map[string]any); ok {
			for name, sub := range mm {
				if _, isList := sub.([]any); !isList || k != "dependencies" {
					mm[name] = d.normalize(sub)
				}
			}
		}
	}
	return m
}

// nodeID identifies the schema node m: maps are reference types, so the pointer to m's
// table identifies the node for the lifetime of the document.
func nodeID(m map[string]any) uintptr { return reflect.ValueOf(m).Pointer() }

// uncheckedPatterns returns the patterns removed from node m.
func (d *schemaDoc) uncheckedPatterns(m map[string]any) []string { return d.unchecked[nodeID(m)] }

// ecmaUnicodeEscape matches ECMA-262's \uXXXX, which Go's regexp spells \x{XXXX}.
var ecmaUnicodeEscape = regexp.MustCompile(`\\u([0-9a-fA-F]{4})`)

// goPattern returns the Go form of an ECMA-262 pattern, if Go's regexp compiles it.
func goPattern(p string) (string, bool) {
	if len(p) > maxPatternLen {
		return "", false
	}
	if _, err := syntax.Parse(p, syntax.Perl); err == nil {
		return p, true
	}
	q := ecmaUnicodeEscape.ReplaceAllString(p, `\x{$1}`)
	if _, err := syntax.Parse(q, syntax.Perl); err == nil {
		return q, true
	}
	return "", false
}

// resolveRef resolves a local reference ("#", "#/json/pointer", "#anchor") against the
// document root. Remote references are not followed: a tool's input schema is one document.
func (d *schemaDoc) resolveRef(ref string) (any, error) {
	if !strings.HasPrefix(ref, "#") {
		return nil, fmt.Errorf("%w: $ref %q is not a local reference (only \"#…\" references are followed)", ErrInvalidSchema, ref)
	}
	frag, err := url.PathUnescape(ref[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: $ref %q: %w", ErrInvalidSchema, ref, err)
	}
	if frag != "" && !strings.HasPrefix(frag, "/") {
		if n := findAnchor(d.root, frag, 0); n != nil {
			return n, nil
		}
		return nil, fmt.Errorf("%w: $ref %q: no $anchor %q", ErrInvalidSchema, ref, frag)
	}
	cur := d.root
	if frag == "" {
		return cur, nil
	}
	for _, tok := range strings.Split(frag[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch t := cur.(type) {
		case map[string]any:
			next, ok := t[tok]
			if !ok {
				return nil, fmt.Errorf("%w: $ref %q: no member %q", ErrInvalidSchema, ref, tok)
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(t) {
				return nil, fmt.Errorf("%w: $ref %q: no element %q", ErrInvalidSchema, ref, tok)
			}
			cur = t[i]
		default:
			return nil, fmt.Errorf("%w: $ref %q: %q is not inside an object or array", ErrInvalidSchema, ref, tok)
		}
	}
	switch cur.(type) {
	case map[string]any, bool:
		return cur, nil
	}
	return nil, fmt.Errorf("%w: $ref %q points at %s, not a schema", ErrInvalidSchema, ref, jsonKind(cur))
}

// findAnchor finds the schema whose $anchor is name (2020-12 core §8.2.2).
func findAnchor(v any, name string, depth int) map[string]any {
	if depth > maxSchemaDepth {
		return nil
	}
	switch t := v.(type) {
	case map[string]any:
		if a, _ := t["$anchor"].(string); a == name {
			return t
		}
		for _, k := range sortedKeys(t) {
			if k == "enum" || k == "const" || k == "default" || k == "examples" {
				continue
			}
			if n := findAnchor(t[k], name, depth+1); n != nil {
				return n
			}
		}
	case []any:
		for _, c := range t {
			if n := findAnchor(c, name, depth+1); n != nil {
				return n
			}
		}
	}
	return nil
}

// inPlace lists the subschemas of m that apply to the same instance as m: $ref, the
// in-place applicators (2020-12 core §10.2: allOf, anyOf, oneOf, not, if/then/else,
// dependentSchemas) and draft-07's schema dependencies.
func (d *schemaDoc) inPlace(m map[string]any) ([]any, error) {
	var out []any
	if ref, ok := m["$ref"].(string); ok {
		t, err := d.resolveRef(ref)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if list, ok := m[k].([]any); ok {
			out = append(out, list...)
		}
	}
	for _, k := range []string{"not", "if", "then", "else"} {
		if sub, ok := m[k]; ok {
			out = append(out, sub)
		}
	}
	for _, k := range []string{"dependentSchemas", "dependencies"} {
		if mm, ok := m[k].(map[string]any); ok {
			for _, name := range sortedKeys(mm) {
				if _, isList := mm[name].([]any); !isList {
					out = append(out, mm[name])
				}
			}
		}
	}
	return out, nil
}

// checkRefs walks every subschema, resolving each $ref, and rejects a cycle of in-place
// subschemas (e.g. {"$ref": "#"} at the root, or two $defs referring to each other): a
// validator following it never consumes the instance and recurses without end. Cycles
// through properties or items are fine: the instance is finite.
func (d *schemaDoc) checkRefs() error {
	const (
		unseen = iota
		active
		done
	)
	state := map[uintptr]int{}
	fanout := map[uintptr]int{} // subschemas applied to one value, per node
	var visit func(v any, depth int) error
	// walk visits every subschema (in place or not) once; stack holds the in-place chain.
	var walk func(v any, depth int) error
	seen := map[uintptr]bool{}
	walk = func(v any, depth int) error {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		p := nodeID(m)
		if seen[p] {
			return nil
		}
		seen[p] = true
		if depth > maxSchemaDepth*4 {
			return fmt.Errorf("%w: $ref chains nested deeper than %d", ErrInvalidSchema, maxSchemaDepth*4)
		}
		if err := visit(m, 0); err != nil {
			return err
		}
		for _, sub := range subschemas(m) {
			if err := walk(sub, depth+1); err != nil {
				return err
			}
		}
		if ref, ok := m["$ref"].(string); ok {
			t, err := d.resolveRef(ref)
			if err != nil {
				return err
			}
			return walk(t, depth+1)
		}
		return nil
	}
	visit = func(v any, depth int) error {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		p := nodeID(m)
		switch state[p] {
		case active:
			return fmt.Errorf("%w: a $ref cycle applies a schema to the same value again without end", ErrInvalidSchema)
		case done:
			return nil
		}
		if depth > maxSchemaDepth*4 {
			return fmt.Errorf("%w: $ref chains nested deeper than %d", ErrInvalidSchema, maxSchemaDepth*4)
		}
		state[p] = active
		subs, err := d.inPlace(m)
		if err != nil {
			return err
		}
		n := 1
		for _, sub := range subs {
			if err := visit(sub, depth+1); err != nil {
				return err
			}
			if sm, ok := sub.(map[string]any); ok {
				n += fanout[nodeID(sm)]
			}
		}
		// A validator applies each in-place subschema to the same value, without memory:
		// allOf [$ref b, $ref b] chains grow exponentially.
		if n > maxInPlace {
			return fmt.Errorf("%w: one value would be checked against more than %d subschemas ($ref/allOf/anyOf fan-out)", ErrInvalidSchema, maxInPlace)
		}
		fanout[p] = n
		state[p] = done
		return nil
	}
	return walk(d.root, 0)
}

// subschemas lists every direct subschema of m (in place or not), $ref excluded.
func subschemas(m map[string]any) []any {
	var out []any
	for _, k := range schemaValued {
		if sub, ok := m[k]; ok {
			if _, isList := sub.([]any); !isList {
				out = append(out, sub)
			}
		}
	}
	for _, k := range schemaListValued {
		if list, ok := m[k].([]any); ok {
			out = append(out, list...)
		}
	}
	for _, k := range schemaMapValued {
		if mm, ok := m[k].(map[string]any); ok {
			for _, name := range sortedKeys(mm) {
				if _, isList := mm[name].([]any); !isList {
					out = append(out, mm[name])
				}
			}
		}
	}
	return out
}

// resolve hands the tree to the validation library (as the draft d was read as).
func (d *schemaDoc) resolve(tree any) (rs *jsonschema.Resolved, err error) {
	defer func() {
		if r := recover(); r != nil {
			rs, err = nil, fmt.Errorf("%w: the validation library failed on it: %v", ErrInvalidSchema, r)
		}
	}()
	if m, ok := tree.(map[string]any); ok {
		if _, has := m["$schema"]; !has {
			c := make(map[string]any, len(m)+1)
			for k, v := range m {
				c[k] = v
			}
			c["$schema"] = d.uri
			tree = c
		}
	}
	b, err := json.Marshal(tree)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSchema, err)
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSchema, err)
	}
	r, err := s.Resolve(nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSchema, err)
	}
	return r, nil
}

// validateWith runs the library's validation of v, turning a panic into an error.
//
// The library decodes the schema's numbers as float64, so an integer beyond ±2^53 in an
// enum or const is compared at float64 precision: instance integers that large are handed
// to it as float64 too, so that both sides are read alike.
func validateWith(rs *jsonschema.Resolved, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the validation library failed: %v", r)
		}
	}()
	return rs.Validate(forLibrary(v))
}

// forLibrary copies v with integers beyond ±2^53 as float64 (see validateWith).
func forLibrary(v any) any {
	switch t := v.(type) {
	case int64:
		if t > 1<<53 || t < -(1<<53) {
			return float64(t)
		}
	case map[string]any:
		c := make(map[string]any, len(t))
		for k, e := range t {
			c[k] = forLibrary(e)
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, e := range t {
			c[i] = forLibrary(e)
		}
		return c
	}
	return v
}

// sortedKeys returns m's keys in order, for deterministic walks.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
