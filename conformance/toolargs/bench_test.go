package toolargs_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance/toolargs"
)

// BenchmarkGenerate measures Generate on the largest real-world schemas of testdata (the
// suite generates arguments once per tool per run).
func BenchmarkGenerate(b *testing.B) {
	for _, tc := range []struct{ file, tool string }{
		{"mcp-go.json", "get_weather"},
		{"fastmcp.json", "create_ticket"},
		{"typescript-sdk-zod4.json", "book_meeting"},
	} {
		raw, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			b.Fatal(err)
		}
		var list toolList
		if err := json.Unmarshal(raw, &list); err != nil {
			b.Fatal(err)
		}
		var schema json.RawMessage
		for _, t := range list.Tools {
			if t.Name == tc.tool {
				schema = t.InputSchema
			}
		}
		b.Run(tc.tool, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := toolargs.Generate(schema); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
