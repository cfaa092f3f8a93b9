package toolargs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
)

// Bounds on generation (see the package documentation).
const (
	maxGenDepth       = 32    // nesting of the generated value
	maxRefExpansions  = 1000  // $ref followed while generating
	maxValues         = 10000 // values generated
	maxChecks         = 2000  // validations run while choosing values
	maxGeneratedItems = 256   // minItems, minProperties beyond this are not generated
	maxStringLen      = 1 << 16
)

// ErrUnsatisfiable is wrapped by Generate when it cannot build a value; the error names the
// property path and the keyword (see UnsatisfiableError).
var ErrUnsatisfiable = errors.New("no arguments satisfy the input schema")

// UnsatisfiableError says where and why Generate could not build a value. It wraps
// ErrUnsatisfiable.
type UnsatisfiableError struct {
	// Path is the property path of the value, e.g. "city", "address.street", "tags[0]";
	// "" is the arguments object itself.
	Path string
	// Keyword is the JSON Schema keyword that could not be met, e.g. "pattern".
	Keyword string
	// Reason completes the message, e.g. `"^(?=x)" has no simple value`.
	Reason string
}

// Error reads as `city: pattern "^(?=x)" uses syntax Go's regexp cannot evaluate`.
func (e *UnsatisfiableError) Error() string {
	p := e.Path
	if p == "" {
		p = "arguments"
	}
	return p + ": " + e.Keyword + " " + e.Reason
}

// Unwrap returns ErrUnsatisfiable.
func (e *UnsatisfiableError) Unwrap() error { return ErrUnsatisfiable }

// Generate returns arguments that satisfy schema (an MCP tool's inputSchema, JSON),
// validated against the schema with github.com/google/jsonschema-go before they are
// returned. Only required properties are filled, plus what dependentRequired or
// minProperties force. Errors wrap ErrUnsatisfiable (the schema is readable but Generate
// found no value, with the path and keyword) or ErrInvalidSchema.
//
// MCP (server/tools): a tool's inputSchema is "A JSON Schema object defining the expected
// parameters for the tool", whose type is "object": the result is always a JSON object.
func Generate(schema json.RawMessage) (args map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			args, err = nil, fmt.Errorf("%w: generator failure: %v", ErrInvalidSchema, r)
		}
	}()
	doc, err := parseSchema(schema)
	if err != nil {
		return nil, err
	}
	if err := doc.checkRefs(); err != nil {
		return nil, err
	}
	full, err := doc.resolve(doc.root)
	if err != nil {
		return nil, err
	}
	g := &generator{doc: doc, resolved: map[uintptr]*jsonschema.Resolved{}}
	s := newShape()
	if err := g.addSchema(s, doc.root, 0); err != nil {
		return nil, err
	}
	s.origs = []any{doc.root}
	if !s.hasTypes && !s.hasConst && !s.hasEnum && len(s.alts) == 0 {
		s.hasTypes, s.types = true, []string{"object"} // a tool's arguments are an object
	}
	v, err := g.gen(s, "", 0, 0)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &UnsatisfiableError{Keyword: "type", Reason: fmt.Sprintf("the input schema admits no object (a tool's arguments are a JSON object), only %s", jsonKind(v))}
	}
	// Return what the server will decode: JSON numbers, canonical maps.
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("%w: encode generated arguments: %w", ErrInvalidSchema, err)
	}
	out, err := decodeObject(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSchema, err)
	}
	if err := validateWith(full, out); err != nil {
		return nil, &UnsatisfiableError{Keyword: "schema", Reason: "rejects the generated arguments " + string(b) + ": " + err.Error()}
	}
	return out, nil
}

// Validate reports whether args satisfy schema (nil when they do), validating with
// github.com/google/jsonschema-go after the normalisation the package documentation
// describes. Errors wrap ErrInvalidSchema when the schema cannot be read.
func Validate(schema json.RawMessage, args map[string]any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: validation failure: %v", ErrInvalidSchema, r)
		}
	}()
	doc, err := parseSchema(schema)
	if err != nil {
		return err
	}
	if err := doc.checkRefs(); err != nil {
		return err
	}
	rs, err := doc.resolve(doc.root)
	if err != nil {
		return err
	}
	b, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("arguments are not JSON: %w", err)
	}
	v, err := decodeObject(b)
	if err != nil {
		return err
	}
	if v == nil {
		v = map[string]any{} // nil args are sent as {}
	}
	return validateWith(rs, v)
}

// decodeObject decodes a JSON object, integers as int64 so that none loses precision.
func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode arguments: %w", err)
	}
	for k, c := range v {
		v[k] = native(c)
	}
	return v, nil
}

// joinPath appends a property name to a path: a.b, or a["odd name"].
func joinPath(path, key string) string {
	simple := key != ""
	for _, r := range key {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			simple = false
			break
		}
	}
	if !simple {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// indexPath appends an array index to a path.
func indexPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// quoteShort quotes s for a message, cut to a readable length.
func quoteShort(s string) string {
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return strconv.Quote(s)
}

// firstLine is the first line of an error message.
func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
