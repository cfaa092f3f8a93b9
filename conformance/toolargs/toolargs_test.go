package toolargs_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/jsonschema-go/jsonschema"

	"github.com/mcp-conform/mcp-conform/conformance/toolargs"
)

var update = flag.Bool("update", false, "rewrite testdata/generated.golden")

// toolList is a captured tools/list result.
type toolList struct {
	Tools []struct {
		Name        string          `json:"name"`
		InputSchema json.RawMessage `json:"inputSchema"`
	} `json:"tools"`
}

// generateOK generates arguments for schema, checks that they validate, that generation
// is deterministic, and returns their JSON.
func generateOK(t *testing.T, schema json.RawMessage) []byte {
	t.Helper()
	args, err := toolargs.Generate(schema)
	if err != nil {
		t.Fatalf("Generate: %v\nschema: %s", err, schema)
	}
	if err := toolargs.Validate(schema, args); err != nil {
		t.Fatalf("Validate(Generate()): %v", err)
	}
	b, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	again, err := toolargs.Generate(schema)
	if err != nil {
		t.Fatalf("second Generate: %v", err)
	}
	if b2, _ := json.Marshal(again); !bytes.Equal(b, b2) {
		t.Errorf("Generate is not deterministic: %s then %s", b, b2)
	}
	return b
}

// TestGenerate_RealWorldSchemas generates arguments for the schemas the common MCP stacks
// publish (testdata/*.json, tools/list results) and compares them with
// testdata/generated.golden (go test -run RealWorld -update rewrites it).
func TestGenerate_RealWorldSchemas(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	var golden bytes.Buffer
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var list toolList
		if err := json.Unmarshal(raw, &list); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, tool := range list.Tools {
			name := strings.TrimSuffix(filepath.Base(f), ".json") + "/" + tool.Name
			t.Run(name, func(t *testing.T) {
				b := generateOK(t, tool.InputSchema)
				checkRequiredOnly(t, tool.InputSchema, b)
				checkFormats(t, tool.InputSchema, b)
				golden.WriteString(name + " " + string(b) + "\n")
			})
		}
	}
	path := filepath.Join("testdata", "generated.golden")
	if *update {
		if err := os.WriteFile(path, golden.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), golden.String()); diff != "" {
		t.Errorf("generated arguments differ from %s (-want +got):\n%s", path, diff)
	}
}

// checkRequiredOnly asserts that the top-level arguments are exactly the required ones.
func checkRequiredOnly(t *testing.T, schema json.RawMessage, args []byte) {
	t.Helper()
	var s struct {
		Required []string `json:"required"`
	}
	var got map[string]any
	_ = json.Unmarshal(schema, &s)
	_ = json.Unmarshal(args, &got)
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := slices.Sorted(slices.Values(s.Required))
	if !slices.Equal(keys, want) {
		t.Errorf("argument names %v, want the required ones %v", keys, want)
	}
}

// formatCheckers hold a reading of each format that owes nothing to the generator.
var formatCheckers = map[string]func(string) error{
	"email": func(s string) error {
		a, err := mail.ParseAddress(s)
		if err == nil && a.Address != s {
			err = errors.New("not a bare address")
		}
		return err
	},
	"uri": func(s string) error {
		u, err := url.Parse(s)
		if err == nil && !u.IsAbs() {
			err = errors.New("not absolute")
		}
		return err
	},
	"date":      func(s string) error { _, err := time.Parse(time.DateOnly, s); return err },
	"date-time": func(s string) error { _, err := time.Parse(time.RFC3339, s); return err },
	"time":      func(s string) error { _, err := time.Parse("15:04:05Z07:00", s); return err },
	"uuid": func(s string) error {
		if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(s) {
			return errors.New("not an RFC 9562 UUID")
		}
		return nil
	},
	"ipv4": func(s string) error {
		a, err := netip.ParseAddr(s)
		if err == nil && !a.Is4() {
			err = errors.New("not IPv4")
		}
		return err
	},
	"ipv6": func(s string) error {
		a, err := netip.ParseAddr(s)
		if err == nil && !a.Is6() {
			err = errors.New("not IPv6")
		}
		return err
	},
	"hostname": func(s string) error {
		if !regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`).MatchString(s) {
			return errors.New("not a host name")
		}
		return nil
	},
	"duration": func(s string) error {
		if !regexp.MustCompile(`^P(\d+[YMWD])*(T(\d+[HMS])+)?$`).MatchString(s) || s == "P" {
			return errors.New("not an RFC 3339 duration")
		}
		return nil
	},
}

// checkFormats walks schema and the generated value together (properties, items, $defs
// references, anyOf options) and checks every string whose schema names a format.
func checkFormats(t *testing.T, schema json.RawMessage, args []byte) {
	t.Helper()
	var root, val any
	_ = json.Unmarshal(schema, &root)
	_ = json.Unmarshal(args, &val)
	var walk func(s any, v any, path string, depth int)
	walk = func(s any, v any, path string, depth int) {
		m, ok := s.(map[string]any)
		if !ok || depth > 20 {
			return
		}
		if ref, ok := m["$ref"].(string); ok {
			target := root
			for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
				target = target.(map[string]any)[tok]
			}
			walk(target, v, path, depth+1)
		}
		for _, k := range []string{"anyOf", "oneOf", "allOf"} {
			if opts, ok := m[k].([]any); ok {
				for _, o := range opts {
					if om, ok := o.(map[string]any); ok && om["type"] == "string" {
						if _, isStr := v.(string); isStr {
							walk(o, v, path, depth+1)
						}
					}
				}
			}
		}
		if f, ok := m["format"].(string); ok {
			if s, isStr := v.(string); isStr {
				if chk, known := formatCheckers[f]; known {
					if err := chk(s); err != nil {
						t.Errorf("%s: %q is not a valid %s: %v", path, s, f, err)
					}
				}
			}
		}
		if props, ok := m["properties"].(map[string]any); ok {
			if obj, ok := v.(map[string]any); ok {
				for k, sub := range props {
					if pv, present := obj[k]; present {
						walk(sub, pv, path+"."+k, depth+1)
					}
				}
			}
		}
		if items, ok := m["items"]; ok {
			if arr, ok := v.([]any); ok {
				for _, it := range arr {
					walk(items, it, path+"[]", depth+1)
				}
			}
		}
	}
	walk(root, val, "args", 0)
}

// Typed arguments as go-sdk servers declare them (mcp.AddTool infers the inputSchema with
// jsonschema.For): no omitempty means required.
type (
	weatherArgs struct {
		City  string `json:"city" jsonschema:"the city"`
		Units string `json:"units,omitempty" jsonschema:"metric or imperial"`
	}
	address struct {
		Street string `json:"street"`
		Zip    string `json:"zip"`
	}
	noteArgs struct {
		ID       int64             `json:"id"`
		Title    string            `json:"title"`
		Tags     []string          `json:"tags"`
		Score    float64           `json:"score"`
		Archived bool              `json:"archived"`
		Owner    *address          `json:"owner"`
		Extra    map[string]string `json:"extra,omitempty"`
	}
)

// TestGenerate_GoSDKInferredSchemas generates arguments for schemas inferred by
// jsonschema.For, with the adjustments go-sdk authors make (enum, format, bounds).
func TestGenerate_GoSDKInferredSchemas(t *testing.T) {
	weather, err := jsonschema.For[weatherArgs](nil)
	if err != nil {
		t.Fatal(err)
	}
	weather.Properties["units"].Enum = []any{"metric", "imperial"}
	note, err := jsonschema.For[noteArgs](nil)
	if err != nil {
		t.Fatal(err)
	}
	note.Properties["id"].Minimum = jsonschema.Ptr(1.0)
	note.Properties["title"].MinLength = jsonschema.Ptr(3)
	note.Properties["tags"].MinItems = jsonschema.Ptr(2)
	note.Properties["score"].ExclusiveMinimum = jsonschema.Ptr(0.0)
	note.Properties["score"].MultipleOf = jsonschema.Ptr(0.5)
	for _, tc := range []struct {
		name   string
		schema *jsonschema.Schema
		want   string
	}{
		{"weather", weather, `{"city":"mcp-conform"}`},
		{"note", note, `{"archived":false,"id":1,"owner":{"street":"mcp-conform","zip":"mcp-conform"},"score":0.5,"tags":["mcp-conform","mcp-conform"],"title":"mcp-conform"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := json.Marshal(tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			if got := generateOK(t, raw); string(got) != tc.want {
				t.Errorf("Generate = %s, want %s\nschema: %s", got, tc.want, raw)
			}
		})
	}
}

// TestGenerate_Keywords covers each keyword: the arguments validate, and where the value is
// determined, it is the one expected.
func TestGenerate_Keywords(t *testing.T) {
	obj := func(prop string) string {
		return `{"type":"object","properties":{"v":` + prop + `},"required":["v"]}`
	}
	for _, tc := range []struct {
		name, schema string
		want         string // "" = any valid value
	}{
		{"empty schema", `{}`, `{}`},
		{"no properties", `{"type":"object"}`, `{}`},
		{"true property", obj(`true`), `{"v":"mcp-conform"}`},
		{"untyped property", obj(`{"description":"anything"}`), `{"v":"mcp-conform"}`},
		{"optional omitted", `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["b"]}`, `{"b":"mcp-conform"}`},
		{"string", obj(`{"type":"string"}`), `{"v":"mcp-conform"}`},
		{"minLength pads", obj(`{"type":"string","minLength":15}`), `{"v":"mcp-conform-mcp-conform"}`},
		{"maxLength cuts", obj(`{"type":"string","maxLength":3}`), `{"v":"mcp"}`},
		{"tight length", obj(`{"type":"string","minLength":12,"maxLength":12}`), `{"v":"mcp-conform-"}`},
		{"maxLength 0", obj(`{"type":"string","maxLength":0}`), `{"v":""}`},
		{"integer", obj(`{"type":"integer"}`), `{"v":1}`},
		{"number", obj(`{"type":"number"}`), `{"v":1}`},
		{"minimum", obj(`{"type":"integer","minimum":7}`), `{"v":7}`},
		{"maximum negative", obj(`{"type":"integer","maximum":-3}`), `{"v":-3}`},
		{"exclusiveMinimum numeric", obj(`{"type":"integer","exclusiveMinimum":1}`), `{"v":2}`},
		{"exclusiveMaximum numeric", obj(`{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1}`), `{"v":0.5}`},
		{"draft-04 exclusiveMinimum true", `{"$schema":"http://json-schema.org/draft-04/schema#","type":"object","properties":{"v":{"type":"integer","minimum":5,"exclusiveMinimum":true}},"required":["v"]}`, `{"v":6}`},
		{"draft-04 exclusiveMaximum true", `{"$schema":"http://json-schema.org/draft-04/schema#","type":"object","properties":{"v":{"type":"number","maximum":0,"exclusiveMaximum":true}},"required":["v"]}`, ""},
		{"draft-04 exclusiveMinimum false", `{"type":"object","properties":{"v":{"type":"integer","minimum":5,"exclusiveMinimum":false}},"required":["v"]}`, `{"v":5}`},
		{"multipleOf integer", obj(`{"type":"integer","minimum":10,"multipleOf":7}`), `{"v":14}`},
		{"multipleOf fraction", obj(`{"type":"number","minimum":0.3,"multipleOf":0.25}`), `{"v":0.5}`},
		{"multipleOf 0.01", obj(`{"type":"number","exclusiveMinimum":0,"multipleOf":0.01}`), ""},
		{"integer multipleOf 0.5", obj(`{"type":"integer","multipleOf":0.5}`), `{"v":1}`},
		{"two multipleOf", `{"type":"object","properties":{"v":{"allOf":[{"type":"integer","multipleOf":4},{"multipleOf":6}]}},"required":["v"]}`, `{"v":12}`},
		{"boolean", obj(`{"type":"boolean"}`), `{"v":false}`},
		{"null", obj(`{"type":"null"}`), `{"v":null}`},
		{"type array prefers non-null", obj(`{"type":["null","integer"]}`), `{"v":1}`},
		{"type array", obj(`{"type":["integer","string"],"minLength":2}`), `{"v":1}`},
		{"enum", obj(`{"enum":["b","a"]}`), `{"v":"b"}`},
		{"enum filtered by type", obj(`{"type":"integer","enum":["x",3]}`), `{"v":3}`},
		{"enum of objects", obj(`{"enum":[{"k":1}]}`), `{"v":{"k":1}}`},
		{"const", obj(`{"const":"exact"}`), `{"v":"exact"}`},
		{"const null", obj(`{"const":null}`), `{"v":null}`},
		{"default", obj(`{"type":"integer","default":42}`), `{"v":42}`},
		{"invalid default ignored", obj(`{"type":"integer","minimum":5,"default":1}`), `{"v":5}`},
		{"examples", obj(`{"type":"string","examples":["Paris","Lyon"]}`), `{"v":"Paris"}`},
		{"format email", obj(`{"type":"string","format":"email"}`), `{"v":"mcp-conform@example.invalid"}`},
		{"format uri", obj(`{"type":"string","format":"uri"}`), `{"v":"https://example.invalid/mcp-conform"}`},
		{"format uri-reference", obj(`{"type":"string","format":"uri-reference"}`), `{"v":"https://example.invalid/mcp-conform"}`},
		{"format url", obj(`{"type":"string","format":"url"}`), `{"v":"https://example.invalid/mcp-conform"}`},
		{"format date", obj(`{"type":"string","format":"date"}`), `{"v":"2026-01-01"}`},
		{"format date-time", obj(`{"type":"string","format":"date-time"}`), `{"v":"2026-01-01T12:00:00Z"}`},
		{"format time", obj(`{"type":"string","format":"time"}`), `{"v":"12:00:00Z"}`},
		{"format time without offset", obj(`{"type":"string","format":"time","pattern":"^\\d{2}:\\d{2}:\\d{2}$"}`), `{"v":"12:00:00"}`},
		{"format uuid", obj(`{"type":"string","format":"uuid"}`), `{"v":"6d63702d-636f-4e66-8f72-6d2d636f6e66"}`},
		{"format ipv4", obj(`{"type":"string","format":"ipv4"}`), `{"v":"192.0.2.1"}`},
		{"format ipv6", obj(`{"type":"string","format":"ipv6"}`), `{"v":"2001:db8::1"}`},
		{"format hostname", obj(`{"type":"string","format":"hostname"}`), `{"v":"example.invalid"}`},
		{"format duration", obj(`{"type":"string","format":"duration"}`), `{"v":"PT1M"}`},
		{"format unknown", obj(`{"type":"string","format":"x-custom"}`), `{"v":"mcp-conform"}`},
		{"email with pattern", obj(`{"type":"string","format":"email","pattern":"@example\\.com$"}`), `{"v":"mcp-conform@example.com"}`},
		{"pattern matched by base", obj(`{"type":"string","pattern":"conf"}`), `{"v":"conf"}`},
		{"pattern", obj(`{"type":"string","pattern":"^[A-Z]{3}\\d+$"}`), `{"v":"MCP3"}`},
		{"pattern with length", obj(`{"type":"string","pattern":"^[a-z]+$","minLength":5}`), `{"v":"mcpcon"}`},
		{"pattern alternation", obj(`{"type":"string","pattern":"^(red|green)$"}`), `{"v":"red"}`},
		{"pattern ecma unicode escape", obj(`{"type":"string","pattern":"^\\u0041+$"}`), `{"v":"A"}`},
		{"pattern in two allOf members", obj(`{"allOf":[{"type":"string","pattern":"^a"},{"pattern":"b$"}]}`), ""},
		{"nested object", obj(`{"type":"object","properties":{"w":{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]}},"required":["w"]}`), `{"v":{"w":{"x":1}}}`},
		{"array minItems", obj(`{"type":"array","items":{"type":"integer"},"minItems":2}`), `{"v":[1,1]}`},
		{"array no minItems", obj(`{"type":"array","items":{"type":"integer"}}`), `{"v":[]}`},
		{"array uniqueItems", obj(`{"type":"array","items":{"type":"integer","minimum":3},"minItems":3,"uniqueItems":true}`), `{"v":[3,4,5]}`},
		{"array uniqueItems strings", obj(`{"type":"array","items":{"type":"string"},"minItems":2,"uniqueItems":true}`), `{"v":["mcp-conform","mcp-conform-1"]}`},
		{"array uniqueItems enum", obj(`{"type":"array","items":{"enum":["x","y"]},"minItems":2,"uniqueItems":true}`), `{"v":["x","y"]}`},
		{"array uniqueItems objects", obj(`{"type":"array","items":{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]},"minItems":2,"uniqueItems":true}`), `{"v":[{"n":1},{"n":2}]}`},
		{"array uniqueItems formats", obj(`{"type":"array","items":{"type":"string","format":"email"},"minItems":2,"uniqueItems":true}`), `{"v":["mcp-conform@example.invalid","mcp-conform+1@example.invalid"]}`},
		{"prefixItems", obj(`{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"minItems":2}`), `{"v":["mcp-conform",1]}`},
		{"draft-07 tuple items", `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"v":{"type":"array","items":[{"type":"boolean"},{"type":"string"}],"minItems":2}},"required":["v"]}`, `{"v":[false,"mcp-conform"]}`},
		{"contains", obj(`{"type":"array","contains":{"type":"integer","minimum":5}}`), `{"v":[5]}`},
		{"anyOf", obj(`{"anyOf":[{"type":"integer","minimum":3},{"type":"string"}]}`), `{"v":3}`},
		{"anyOf null first", obj(`{"anyOf":[{"type":"null"},{"type":"string","format":"date"}]}`), `{"v":"2026-01-01"}`},
		{"oneOf exclusive", obj(`{"oneOf":[{"type":"integer"},{"type":"number","minimum":0}]}`), ""},
		{"oneOf objects", obj(`{"oneOf":[{"type":"object","properties":{"kind":{"const":"a"}},"required":["kind"]},{"type":"object","properties":{"kind":{"const":"b"}},"required":["kind"]}]}`), `{"v":{"kind":"a"}}`},
		{"allOf", obj(`{"allOf":[{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},{"properties":{"b":{"type":"integer"}},"required":["b"]}]}`), `{"v":{"a":"mcp-conform","b":1}}`},
		{"allOf bounds intersect", obj(`{"allOf":[{"type":"integer","minimum":3},{"maximum":3}]}`), `{"v":3}`},
		{"$ref $defs", `{"type":"object","properties":{"v":{"$ref":"#/$defs/X"}},"required":["v"],"$defs":{"X":{"type":"integer","minimum":2}}}`, `{"v":2}`},
		{"$ref definitions", `{"type":"object","properties":{"v":{"$ref":"#/definitions/X"}},"required":["v"],"definitions":{"X":{"type":"string","maxLength":2}}}`, `{"v":"mc"}`},
		{"$ref to a property", `{"type":"object","properties":{"a":{"type":"integer","minimum":9},"v":{"$ref":"#/properties/a"}},"required":["v"]}`, `{"v":9}`},
		{"$ref anchor", `{"type":"object","properties":{"v":{"$ref":"#num"}},"required":["v"],"$defs":{"N":{"$anchor":"num","type":"integer","minimum":4}}}`, `{"v":4}`},
		{"$ref with escaped pointer", `{"type":"object","properties":{"v":{"$ref":"#/$defs/a~1b"}},"required":["v"],"$defs":{"a/b":{"const":1}}}`, `{"v":1}`},
		{"$ref siblings 2020-12", `{"type":"object","properties":{"v":{"$ref":"#/$defs/S","maxLength":4}},"required":["v"],"$defs":{"S":{"type":"string"}}}`, `{"v":"mcp-"}`},
		{"recursive optional", `{"type":"object","properties":{"v":{"$ref":"#/$defs/T"}},"required":["v"],"$defs":{"T":{"type":"object","properties":{"next":{"$ref":"#/$defs/T"},"n":{"type":"integer"}},"required":["n"]}}}`, `{"v":{"n":1}}`},
		{"additionalProperties false", `{"type":"object","properties":{"v":{"type":"string"}},"required":["v"],"additionalProperties":false}`, `{"v":"mcp-conform"}`},
		{"required undeclared", `{"type":"object","required":["v"]}`, `{"v":"mcp-conform"}`},
		{"required via additionalProperties", `{"type":"object","required":["v"],"additionalProperties":{"type":"integer"}}`, `{"v":1}`},
		{"required via patternProperties", `{"type":"object","required":["x_v"],"patternProperties":{"^x_":{"type":"boolean"}},"additionalProperties":false}`, `{"x_v":false}`},
		{"propertyNames", `{"type":"object","properties":{"v":{"type":"string"}},"required":["v"],"propertyNames":{"maxLength":3}}`, `{"v":"mcp-conform"}`},
		{"dependentRequired", `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["a"],"dependentRequired":{"a":["b"]}}`, `{"a":"mcp-conform","b":1}`},
		{"draft-07 dependencies", `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["a"],"dependencies":{"a":["b"]}}`, `{"a":"mcp-conform","b":1}`},
		{"dependentSchemas", `{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"dependentSchemas":{"a":{"properties":{"c":{"const":true}},"required":["c"]}}}`, `{"a":"mcp-conform","c":true}`},
		{"minProperties", `{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer"}},"minProperties":1}`, `{"a":1}`},
		{"minProperties beyond declared", `{"type":"object","minProperties":2,"additionalProperties":{"type":"integer"}}`, `{"mcp-conform-1":1,"mcp-conform-2":1}`},
		{"not", obj(`{"type":"string","not":{"const":"mcp-conform"}}`), `{"v":"mcp-conform-1"}`},
		{"not enum", obj(`{"type":"integer","not":{"enum":[1,2]}}`), `{"v":3}`},
		{"not type", obj(`{"not":{"type":"string"},"type":["string","integer"]}`), `{"v":1}`},
		{"draft-2019-09 schema", `{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"object","properties":{"v":{"type":"integer"}},"required":["v"]}`, `{"v":1}`},
		{"unknown $schema", `{"$schema":"https://example.invalid/schema","type":"object","properties":{"v":{"type":"integer"}},"required":["v"]}`, `{"v":1}`},
		{"$defs and definitions", `{"type":"object","properties":{"v":{"$ref":"#/definitions/X"}},"required":["v"],"$defs":{"Y":{}},"definitions":{"X":{"const":2}}}`, `{"v":2}`},
		{"openapi nullable ignored", obj(`{"type":"string","nullable":true}`), `{"v":"mcp-conform"}`},
		{"large integer enum", obj(`{"enum":[9007199254740993]}`), `{"v":9007199254740993}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := generateOK(t, json.RawMessage(tc.schema))
			if tc.want != "" && string(got) != tc.want {
				t.Errorf("Generate = %s, want %s", got, tc.want)
			}
		})
	}
}

// TestGenerate_Unsatisfiable: a schema Generate cannot satisfy yields ErrUnsatisfiable with
// the property path and the keyword.
func TestGenerate_Unsatisfiable(t *testing.T) {
	for _, tc := range []struct {
		name, schema, want string
	}{
		{"look-ahead pattern", `{"type":"object","properties":{"city":{"type":"string","pattern":"^(?=[A-Z])\\w+$"}},"required":["city"]}`,
			`city: pattern "^(?=[A-Z])\\w+$" uses syntax Go's regexp cannot evaluate`},
		{"back-reference", `{"type":"object","properties":{"w":{"type":"object","properties":{"x":{"type":"string","pattern":"^(a)\\1$"}},"required":["x"]}},"required":["w"]}`,
			`w.x: pattern "^(a)\\1$" uses syntax`},
		{"pattern and length", `{"type":"object","properties":{"code":{"type":"string","pattern":"^[0-9]{3}$","minLength":4}},"required":["code"]}`,
			`code: pattern "^[0-9]{3}$" has no simple value of at least 4 characters`},
		{"length bounds cross", `{"type":"object","properties":{"s":{"type":"string","minLength":5,"maxLength":2}},"required":["s"]}`,
			`s: minLength 5 is more than maxLength 2`},
		{"empty numeric range", `{"type":"object","properties":{"n":{"type":"integer","exclusiveMinimum":1,"exclusiveMaximum":2}},"required":["n"]}`,
			`n: exclusiveMinimum leaves no integer value (> 1, < 2)`},
		{"multipleOf outside bounds", `{"type":"object","properties":{"n":{"type":"integer","minimum":1,"maximum":6,"multipleOf":7}},"required":["n"]}`,
			`n: multipleOf leaves no integer value (>= 1, <= 6, multiple of 7)`},
		{"multipleOf zero", `{"type":"object","properties":{"n":{"type":"number","multipleOf":0}},"required":["n"]}`,
			`n: multipleOf 0 is not strictly greater than 0`},
		{"false property", `{"type":"object","properties":{"x":false},"required":["x"]}`, `x: false the schema false accepts no value`},
		{"additionalProperties false", `{"type":"object","properties":{"a":{}},"required":["b"],"additionalProperties":false}`,
			`arguments: additionalProperties is false, yet property "b" is required and not declared`},
		{"types disjoint", `{"type":"object","properties":{"x":{"allOf":[{"type":"string"},{"type":"integer"}]}},"required":["x"]}`,
			`x: type keywords allow no type`},
		{"enum disjoint", `{"type":"object","properties":{"x":{"allOf":[{"enum":[1]},{"enum":[2]}]}},"required":["x"]}`,
			`x: enum lists no value`},
		{"enum against type", `{"type":"object","properties":{"x":{"type":"integer","enum":["a"]}},"required":["x"]}`,
			`x: enum has no value that satisfies the other keywords`},
		{"const conflict", `{"type":"object","properties":{"x":{"allOf":[{"const":1},{"const":2}]}},"required":["x"]}`,
			`x: const two const keywords disagree`},
		{"minItems over maxItems", `{"type":"object","properties":{"a":{"type":"array","minItems":3,"maxItems":1}},"required":["a"]}`,
			`a: minItems 3 is more than maxItems 1`},
		{"uniqueItems impossible", `{"type":"object","properties":{"a":{"type":"array","items":{"const":1},"minItems":2,"uniqueItems":true}},"required":["a"]}`,
			`a: uniqueItems needs 2 distinct items`},
		{"huge minItems", `{"type":"object","properties":{"a":{"type":"array","minItems":100000}},"required":["a"]}`,
			`a: minItems 100000 is more items than mcp-conform generates`},
		{"huge minLength", `{"type":"object","properties":{"s":{"type":"string","minLength":100000000}},"required":["s"]}`,
			`s: minLength 100000000 is longer than mcp-conform generates`},
		{"required recursion", `{"type":"object","properties":{"r":{"$ref":"#/$defs/R"}},"required":["r"],"$defs":{"R":{"type":"object","properties":{"r":{"$ref":"#/$defs/R"}},"required":["r"]}}}`,
			`recursion needs values nested deeper than 32 levels`},
		{"anyOf none", `{"type":"object","properties":{"x":{"anyOf":[{"type":"string","maxLength":-1,"minLength":2,"pattern":"^$"},false]}},"required":["x"]}`,
			`x: anyOf no option has a simple value`},
		{"not everything", `{"type":"object","properties":{"x":{"type":"boolean","not":{"type":"boolean"}}},"required":["x"]}`,
			`x: not excludes every value tried`},
		{"maxProperties", `{"type":"object","required":["a","b"],"maxProperties":1}`, `arguments: maxProperties 1 is fewer than the 2 required properties`},
		{"propertyNames", `{"type":"object","required":["long_name"],"propertyNames":{"maxLength":3}}`, `arguments: propertyNames rejects the required property name "long_name"`},
		{"arguments not an object", `{"type":"string"}`, `arguments: type the input schema admits no object`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args, err := toolargs.Generate(json.RawMessage(tc.schema))
			if err == nil {
				t.Fatalf("Generate = %v, want an error containing %q", args, tc.want)
			}
			if !errors.Is(err, toolargs.ErrUnsatisfiable) {
				t.Errorf("error %q does not wrap ErrUnsatisfiable", err)
			}
			var ue *toolargs.UnsatisfiableError
			if !errors.As(err, &ue) || ue.Keyword == "" {
				t.Errorf("error %q is not an *UnsatisfiableError naming a keyword", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\n does not contain %q", err, tc.want)
			}
		})
	}
}

// TestGenerate_InvalidSchema: unreadable schemas are ErrInvalidSchema, not a panic and not
// ErrUnsatisfiable.
func TestGenerate_InvalidSchema(t *testing.T) {
	deep := strings.Repeat(`{"items":`, 100) + `{}` + strings.Repeat(`}`, 100)
	for _, tc := range []struct{ name, schema, want string }{
		{"not JSON", `{"type":`, "unexpected EOF"},
		{"empty", ``, "empty"},
		{"array", `[1]`, "a schema is a JSON object or boolean, not an array"},
		{"trailing", `{} {}`, "trailing data"},
		{"too deep", deep, "nested deeper than 64 levels"},
		{"too large", `{"description":"` + strings.Repeat("x", toolargs.MaxSchemaBytes) + `"}`, "more than 1048576"},
		{"remote ref", `{"$ref":"https://example.invalid/s.json"}`, "not a local reference"},
		{"dangling ref", `{"type":"object","properties":{"a":{"$ref":"#/$defs/nope"}}}`, `no member "$defs"`},
		{"ref cycle at root", `{"$ref":"#"}`, "a $ref cycle"},
		{"ref cycle via allOf", `{"$defs":{"a":{"allOf":[{"$ref":"#/$defs/b"}]},"b":{"anyOf":[{"$ref":"#/$defs/a"}]}},"$ref":"#/$defs/a"}`, "a $ref cycle"},
		{"ref cycle via not", `{"$defs":{"a":{"not":{"$ref":"#/$defs/a"}}},"properties":{"x":{"$ref":"#/$defs/a"}}}`, "a $ref cycle"},
		{"bad type", `{"type":3}`, `invalid value for "type"`},
		{"exponential fan-out", fanout(20), "more than 10000 subschemas"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := toolargs.Generate(json.RawMessage(tc.schema))
			if err == nil || !errors.Is(err, toolargs.ErrInvalidSchema) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Generate error = %v, want ErrInvalidSchema containing %q", err, tc.want)
			}
			if err := toolargs.Validate(json.RawMessage(tc.schema), map[string]any{}); err == nil || !errors.Is(err, toolargs.ErrInvalidSchema) {
				t.Errorf("Validate error = %v, want ErrInvalidSchema", err)
			}
		})
	}
}

// fanout is a schema whose $defs each apply the next one twice, n levels deep: 2^n
// applications to one value.
func fanout(n int) string {
	var b strings.Builder
	b.WriteString(`{"$ref":"#/$defs/d0","$defs":{`)
	for i := range n {
		fmt.Fprintf(&b, `"d%d":{"allOf":[{"$ref":"#/$defs/d%d"},{"$ref":"#/$defs/d%d"}]},`, i, i+1, i+1)
	}
	fmt.Fprintf(&b, `"d%d":{"type":"object"}}}`, n)
	return b.String()
}

// TestValidate checks Validate's verdicts, including the normalised forms.
func TestValidate(t *testing.T) {
	weather := `{"type":"object","properties":{"city":{"type":"string","minLength":1},"units":{"enum":["metric","imperial"]}},"required":["city"],"additionalProperties":false}`
	for _, tc := range []struct {
		name, schema string
		args         map[string]any
		want         string // "" = valid
	}{
		{"valid", weather, map[string]any{"city": "Paris"}, ""},
		{"missing required", weather, map[string]any{}, "required"},
		{"nil args", weather, nil, "required"},
		{"wrong type", weather, map[string]any{"city": 3}, "type"},
		{"bad enum", weather, map[string]any{"city": "Paris", "units": "kelvin"}, "enum"},
		{"extra property", weather, map[string]any{"city": "Paris", "x": 1}, "additional properties"},
		{"integers from Go", `{"type":"object","properties":{"n":{"type":"integer","maximum":3}}}`, map[string]any{"n": 3}, ""},
		{"float is not integer", `{"type":"object","properties":{"n":{"type":"integer"}}}`, map[string]any{"n": 1.5}, "type"},
		{"draft-04 exclusive bound", `{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"n":{"type":"number","minimum":0,"exclusiveMinimum":true}}}`, map[string]any{"n": 0}, "exclusiveMinimum"},
		// The library reads the schema's numbers as float64: integers beyond 2^53 compare at that precision.
		{"large integer", `{"properties":{"n":{"const":9007199254740993}}}`, map[string]any{"n": int64(9007199254740993)}, ""},
		{"unchecked pattern left out", `{"properties":{"s":{"type":"string","pattern":"^(?!x)"}}}`, map[string]any{"s": "x"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := toolargs.Validate(json.RawMessage(tc.schema), tc.args)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Validate = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

// ExampleGenerate shows the arguments built for a typical weather tool.
func ExampleGenerate() {
	args, err := toolargs.Generate(json.RawMessage(`{
		"type": "object",
		"properties": {
			"city": {"type": "string", "description": "City name"},
			"units": {"type": "string", "enum": ["metric", "imperial"]},
			"notify": {"type": "string", "format": "email"}
		},
		"required": ["city", "notify"]
	}`))
	if err != nil {
		panic(err)
	}
	b, _ := json.Marshal(args)
	os.Stdout.Write(append(b, '\n'))
	// Output: {"city":"mcp-conform","notify":"mcp-conform@example.invalid"}
}
