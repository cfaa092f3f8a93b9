package jwtrule

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// TestAppendJSON_likeEncodingJSON: the reflection-free encoder writes the bytes
// json.Marshal writes, for the shapes it encodes itself and for those it hands over.
func TestAppendJSON_likeEncodingJSON(t *testing.T) {
	type custom struct {
		A string `json:"a"`
	}
	for _, v := range []any{
		nil, "", "plain", `quo"te`, `back\slash`, "<script>&", "tab\tnew\nline\x00\x1f\x7f",
		"héllo", "\u2028\u2029", "\xff\xfe invalid", true, false, 0, -1, int64(math.MaxInt64), int64(math.MinInt64),
		1.5, 1e21, float32(0.1), json.Number("12.50"), []string(nil), []string{}, []string{"a", "<b>"},
		[]any(nil), []any{}, []any{1, "x", nil, []string{"y"}, map[string]any{"k": 2}},
		map[string]any(nil), map[string]any{},
		map[string]any{
			"iss": "https://as.example/resources/r1", "aud": []string{"https://mcp.example/mcp"}, "sub": "m2m_1",
			"iat": int64(1767225600), "exp": int64(1767229200), "scope": "mcp:tools:weather mcp:resources:read",
			"scopes": []string{"mcp:tools:weather"}, "n": nil, "b": true, "z<": "&", "é": "x", "": "empty key",
			"nested": map[string]any{"b": []any{1.25, "x"}, "a": custom{A: "<"}}, "raw": json.RawMessage(`{"x": 1}`),
			"strs": map[string]string{"b": "1", "a": "2"},
		},
		custom{A: "x"}, []int{1, 2},
	} {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(%#v): %v", v, err)
		}
		got, err := appendJSON([]byte("prefix"), v)
		if err != nil || !bytes.Equal(got, append([]byte("prefix"), want...)) {
			t.Errorf("appendJSON(%#v)\n got %s (%v)\nwant prefix%s", v, got, err, want)
		}
	}
	if _, err := appendJSON(nil, map[string]any{"x": math.NaN()}); err == nil {
		t.Error("NaN encoded, want json.Marshal's error")
	}
	if _, err := AppendSegment(nil, func() {}); err == nil {
		t.Error("a func encoded, want an error")
	}
}

// FuzzAppendJSON compares the encoder with json.Marshal on claims sets built from
// arbitrary strings and integers.
func FuzzAppendJSON(f *testing.F) {
	f.Add("sub", "m2m_1", int64(1767225600), true)
	f.Add("<", "\u2028\xff\"\\", int64(-1), false)
	f.Add("", "", int64(0), true)
	f.Fuzz(func(t *testing.T, k, s string, n int64, b bool) {
		v := map[string]any{
			k: s, k + "n": n, k + "l": []string{s, k}, "b": b,
			"o": map[string]any{s: []any{n, s, nil, b}, k: map[string]any{}},
		}
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendJSON(nil, v)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("appendJSON = %s (%v), want %s", got, err, want)
		}
	})
}
