package jwtrule

// RFC 7519 §2 "NumericDate": "A JSON numeric value representing the number of seconds from
// 1970-01-01T00:00:00Z UTC until the specified UTC date/time, ignoring leap seconds. […]
// non-integer values can be represented." RFC 7519 §4.1.3: "In the general case, the "aud"
// value is an array of case-sensitive strings, each containing a StringOrURI value. In the
// special case when the JWT has one audience, the "aud" value MAY be a single case-sensitive
// string containing a StringOrURI value."

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// NumericDate converts a NumericDate claim value (json.Number from Decode, or the float64 or
// int64 of a claims map built in Go) to a time; ok is false for anything else, NaN, infinity
// and values beyond ±1e12 seconds.
func NumericDate(v any) (t time.Time, ok bool) {
	var f float64
	switch n := v.(type) {
	case json.Number:
		var err error
		if f, err = n.Float64(); err != nil {
			return time.Time{}, false
		}
	case float64:
		f = n
	case int64:
		f = float64(n)
	case int:
		f = float64(n)
	default:
		return time.Time{}, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true
}

// IsInteger reports whether a decoded JSON number is written as an integer (the Scalekit Go
// SDK's typed claims reject 1.5e9 and 1700000000.5).
func IsInteger(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	_, err := n.Int64()
	return err == nil
}

// StringsOf returns the strings of a decoded JSON array (nil if v is not an array).
func StringsOf(v any) []string {
	arr, ok := v.([]any)
	if !ok {
		return nil
	}
	var out []string
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Audience is the aud claim as a typed field: it decodes from a string or an array of
// strings (RFC 7519 §4.1.3).
type Audience []string

// UnmarshalJSON accepts a string or an array of strings.
func (a *Audience) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*a = Audience{s}
		return nil
	}
	var arr []string
	if err := json.Unmarshal(b, &arr); err != nil {
		return fmt.Errorf("aud: %w", err)
	}
	*a = arr
	return nil
}

// Audience returns the aud claim's values; isString reports the single-string form and
// present whether the claim is there at all.
func (t *Token) Audience() (aud []string, isString, present bool) {
	raw, present := t.Claims["aud"]
	switch v := raw.(type) {
	case string:
		return []string{v}, true, present
	case []any:
		return StringsOf(v), false, present
	}
	return nil, false, present
}

// String returns the string claim name, or "".
func (t *Token) String(name string) string {
	s, _ := t.Claims[name].(string)
	return s
}

// HeaderString returns the string header parameter name, or "".
func (t *Token) HeaderString(name string) string {
	s, _ := t.Header[name].(string)
	return s
}
