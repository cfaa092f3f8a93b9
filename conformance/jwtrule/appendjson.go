package jwtrule

// This file encodes JWT segments without reflection. A token endpoint encodes one claims set
// per token; encoding/json spends most of its time there sorting map keys through reflect
// and boxing values, which is a measurable share of a request that does one RSA signature.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// AppendSegment appends to dst the base64url (unpadded) JSON of v, as EncodeSegment returns
// it.
func AppendSegment(dst []byte, v any) ([]byte, error) {
	js, err := appendJSON(make([]byte, 0, 512), v)
	if err != nil {
		return dst, fmt.Errorf("encode JWT segment: %w", err)
	}
	return base64.RawURLEncoding.AppendEncode(dst, js), nil
}

// appendJSON appends the JSON encoding of v to dst, byte for byte what json.Marshal writes
// (keys sorted, HTML characters escaped). The shapes claims sets are built from — objects,
// strings, integers, booleans, string and value lists — are written directly; any other
// value goes through json.Marshal.
func appendJSON(dst []byte, v any) ([]byte, error) {
	switch t := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendJSONString(dst, t)
	case bool:
		return strconv.AppendBool(dst, t), nil
	case int:
		return strconv.AppendInt(dst, int64(t), 10), nil
	case int64:
		return strconv.AppendInt(dst, t, 10), nil
	case []string:
		return appendJSONList(dst, t, appendJSONString)
	case []any:
		return appendJSONList(dst, t, appendJSON)
	case map[string]any:
		return appendJSONObject(dst, t)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// appendJSONList writes a list with enc for each element; a nil slice is null.
func appendJSONList[T any](dst []byte, list []T, enc func([]byte, T) ([]byte, error)) ([]byte, error) {
	if list == nil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '[')
	for i, x := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = enc(dst, x); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

// appendJSONObject writes m with its keys in sorted order, as encoding/json does.
func appendJSONObject(dst []byte, m map[string]any) ([]byte, error) {
	if m == nil {
		return append(dst, "null"...), nil
	}
	keys := make([]string, 0, 16)
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendJSONString(dst, k); err != nil {
			return dst, err
		}
		dst = append(dst, ':')
		if dst, err = appendJSON(dst, m[k]); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// appendJSONString quotes s. Printable ASCII other than the characters encoding/json
// escapes (" \ < > &) is copied as is; any other string is left to json.Marshal, so control
// characters, invalid UTF-8 and U+2028/U+2029 come out exactly as it writes them.
func appendJSONString(dst []byte, s string) ([]byte, error) {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, err := json.Marshal(s)
			if err != nil {
				return dst, err
			}
			return append(dst, b...), nil
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"'), nil
}
