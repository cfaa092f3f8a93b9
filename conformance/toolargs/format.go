package toolargs

// This file holds the synthetic values for the "format" keyword (JSON Schema validation
// 2020-12 §7.3 "Defined Formats", plus the OpenAPI and Pydantic formats tool schemas carry).
// Each value is valid for its format and recognisably not real data: reserved names
// (RFC 2606 ".invalid", RFC 5737 192.0.2.0/24, RFC 3849 2001:db8::/32) and "mcp-conform".

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// formatValues returns candidate values for format, variant selecting a distinct one (for
// uniqueItems). ok is false for a format this package does not know: the value is then an
// ordinary string (validation 2020-12 §7.2: formats are annotations unless asserted, and an
// implementation may ignore unknown ones).
func formatValues(format string, variant int) (vals []string, ok bool) {
	n := ""
	if variant > 0 {
		n = strconv.Itoa(variant)
	}
	switch strings.ToLower(format) {
	case "email", "idn-email":
		// RFC 5321 Mailbox; RFC 2606 §2 reserves ".invalid".
		if variant > 0 {
			return []string{"mcp-conform+" + n + "@example.invalid", "mcp-conform" + n + "@example.com"}, true
		}
		return []string{"mcp-conform@example.invalid", "mcp-conform@example.com"}, true
	case "uri", "iri", "url", "uri-reference", "iri-reference":
		// RFC 3986 URI (absolute, so it is also a URI-reference).
		return []string{"https://example.invalid/mcp-conform" + suffix(n), "https://example.com/mcp-conform" + suffix(n)}, true
	case "uri-template":
		return []string{"https://example.invalid/mcp-conform" + suffix(n) + "/{id}"}, true
	case "date":
		// RFC 3339 full-date.
		return []string{"2026-01-" + twoDigits(1+variant%28)}, true
	case "date-time":
		// RFC 3339 date-time.
		return []string{"2026-01-" + twoDigits(1+variant%28) + "T12:00:00Z"}, true
	case "time":
		// RFC 3339 full-time (with offset); the second form for validators that refuse one.
		return []string{"12:00:" + twoDigits(variant%60) + "Z", "12:00:" + twoDigits(variant%60)}, true
	case "duration":
		// RFC 3339 Appendix A duration.
		return []string{"PT" + strconv.Itoa(1+variant) + "M"}, true
	case "uuid", "guid":
		// RFC 9562 version 4, variant 10xx; the hex spells "mcp-conform".
		return []string{"6d63702d-636f-4e66-8f72-6d" + hex10(variant)}, true
	case "ipv4":
		// RFC 5737 TEST-NET-1.
		return []string{"192.0.2." + strconv.Itoa(1+variant%254)}, true
	case "ipv6":
		// RFC 3849 documentation prefix.
		return []string{"2001:db8::" + strconv.FormatInt(int64(1+variant%65535), 16)}, true
	case "hostname", "idn-hostname":
		return []string{prefix(n) + "example.invalid", prefix(n) + "example.com"}, true
	case "json-pointer":
		return []string{"/mcp-conform" + suffix(n)}, true
	case "relative-json-pointer":
		return []string{strconv.Itoa(variant)}, true
	case "regex":
		return []string{"^mcp-conform" + n + "$"}, true
	case "byte", "base64":
		// OpenAPI "byte": base64 of "mcp-conform".
		return []string{base64.StdEncoding.EncodeToString([]byte("mcp-conform" + suffix(n)))}, true
	case "password", "binary", "text", "string":
		return []string{"mcp-conform" + suffix(n)}, true
	case "phone", "phone-number":
		// E.164, in the North American fictional 555-01xx range.
		return []string{fmt.Sprintf("+1202555%04d", 100+variant%100)}, true
	}
	return nil, false
}

func suffix(n string) string {
	if n == "" {
		return ""
	}
	return "-" + n
}

func prefix(n string) string {
	if n == "" {
		return ""
	}
	return "mcp-conform-" + n + "."
}

func twoDigits(i int) string {
	s := strconv.Itoa(i)
	if len(s) < 2 {
		return "0" + s
	}
	return s
}

// hex10 is 10 hex digits: "2d636f6e66" ("-conf") for variant 0, else the variant number.
func hex10(variant int) string {
	if variant == 0 {
		return "2d636f6e66"
	}
	s := strconv.FormatInt(int64(variant), 16)
	return strings.Repeat("0", max(0, 10-len(s))) + s
}
