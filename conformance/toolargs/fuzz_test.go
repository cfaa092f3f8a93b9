package toolargs_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance/toolargs"
)

// FuzzGenerate feeds arbitrary schemas to Generate: it must never panic or hang, must fail
// with ErrUnsatisfiable or ErrInvalidSchema, and whatever it returns must validate. The seed
// corpus is the real-world schemas of testdata plus hostile shapes.
func FuzzGenerate(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var list toolList
		if json.Unmarshal(raw, &list) == nil {
			for _, tool := range list.Tools {
				f.Add([]byte(tool.InputSchema))
			}
		}
	}
	for _, s := range []string{
		`{}`, `true`, `false`, `null`, `[]`, `{"$ref":"#"}`,
		`{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}`,
		`{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"required":["a"],"$defs":{"A":{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"required":["a"]}}}`,
		`{"type":"object","properties":{"s":{"type":"string","pattern":"^(a|b)*c{2,5}[^x]?$","minLength":9}},"required":["s"]}`,
		`{"type":"object","properties":{"n":{"type":"number","multipleOf":1e-300,"minimum":1e300}},"required":["n"]}`,
		`{"type":"object","properties":{"a":{"type":"array","minItems":2147483647}},"required":["a"]}`,
		`{"allOf":[{"allOf":[{"allOf":[{"$ref":"#/$defs/x"},{"$ref":"#/$defs/x"}]}]}],"$defs":{"x":{"type":"object"}}}`,
		`{"type":"object","properties":{"x":{"oneOf":[{"not":{}},{"anyOf":[{"const":1},{"enum":[]}]}]}},"required":["x"]}`,
		`{"type":"object","properties":{"x":{"exclusiveMinimum":true,"minimum":"a"}},"required":["x"]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, schema []byte) {
		args, err := toolargs.Generate(schema)
		if err != nil {
			if !errors.Is(err, toolargs.ErrUnsatisfiable) && !errors.Is(err, toolargs.ErrInvalidSchema) {
				t.Fatalf("Generate error %v wraps neither ErrUnsatisfiable nor ErrInvalidSchema", err)
			}
			return
		}
		if err := toolargs.Validate(schema, args); err != nil {
			t.Fatalf("Generate returned %v, which Validate rejects: %v", args, err)
		}
	})
}
