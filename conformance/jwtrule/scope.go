package jwtrule

// RFC 9068 §2.2.3: "If an authorization request includes a scope parameter, the
// corresponding issued JWT access token SHOULD include a "scope" claim as defined in Section
// 4.2 of [RFC8693]." RFC 8693 §4.2: "The value of the "scope" claim is a JSON string
// containing a space-separated list of scopes". Scalekit also issues a "scopes" array
// (scalekit-profile.md §6); its Go SDK reads the string, its Node and Python SDKs the array.

import (
	"slices"
	"strings"
)

// Scopes is what a token says about its scopes, in both of Scalekit's forms.
type Scopes struct {
	String    string   // the scope claim as sent
	HasString bool     // scope is a string
	Fields    []string // the scope string split on spaces
	Array     []string // the strings of the scopes array
	HasArray  bool     // scopes is an array
}

// Scopes reads the scope string and the scopes array.
func (t *Token) Scopes() Scopes {
	var s Scopes
	s.String, s.HasString = t.Claims["scope"].(string)
	s.Fields = strings.Fields(s.String)
	_, s.HasArray = t.Claims["scopes"].([]any)
	s.Array = StringsOf(t.Claims["scopes"])
	return s
}

// All returns every scope of both forms, the string's first, without repeats.
func (s Scopes) All() []string {
	all := append([]string(nil), s.Fields...)
	for _, v := range s.Array {
		if !slices.Contains(all, v) {
			all = append(all, v)
		}
	}
	return all
}
