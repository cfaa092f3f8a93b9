package check

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseChallenges(t *testing.T) {
	tests := []struct {
		name   string
		fields []string
		want   []Challenge
	}{
		{
			name:   "bearer with quoted params",
			fields: []string{`Bearer resource_metadata="https://x.example/.well-known/oauth-protected-resource/mcp", scope="a b"`},
			want: []Challenge{{Scheme: "Bearer", Params: []Param{
				{Name: "resource_metadata", Value: "https://x.example/.well-known/oauth-protected-resource/mcp", Quoted: true},
				{Name: "scope", Value: "a b", Quoted: true},
			}}},
		},
		{
			name:   "bare scheme",
			fields: []string{"Bearer"},
			want:   []Challenge{{Scheme: "Bearer"}},
		},
		{
			name:   "two challenges in one field line",
			fields: []string{`Basic realm="simple", Bearer realm="x", error=invalid_token`},
			want: []Challenge{
				{Scheme: "Basic", Params: []Param{{Name: "realm", Value: "simple", Quoted: true}}},
				{Scheme: "Bearer", Params: []Param{{Name: "realm", Value: "x", Quoted: true}, {Name: "error", Value: "invalid_token"}}},
			},
		},
		{
			name:   "RFC 9110 example with token68 and empty elements",
			fields: []string{`Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`},
			want: []Challenge{
				{Scheme: "Newauth", Params: []Param{
					{Name: "realm", Value: "apps", Quoted: true},
					{Name: "type", Value: "1"},
					{Name: "title", Value: `Login to "apps"`, Quoted: true},
				}},
				{Scheme: "Basic", Params: []Param{{Name: "realm", Value: "simple", Quoted: true}}},
			},
		},
		{
			name:   "comma inside a quoted string",
			fields: []string{`Bearer error_description="a, b=c, Basic x", scope="s"`},
			want: []Challenge{{Scheme: "Bearer", Params: []Param{
				{Name: "error_description", Value: "a, b=c, Basic x", Quoted: true},
				{Name: "scope", Value: "s", Quoted: true},
			}}},
		},
		{
			name:   "escaped quote and backslash",
			fields: []string{`Bearer realm="a\"b\\c"`},
			want:   []Challenge{{Scheme: "Bearer", Params: []Param{{Name: "realm", Value: `a"b\c`, Quoted: true}}}},
		},
		{
			name:   "token68 then another challenge",
			fields: []string{`Negotiate YIIB==, Bearer realm="x"`},
			want: []Challenge{
				{Scheme: "Negotiate", Token68: "YIIB=="},
				{Scheme: "Bearer", Params: []Param{{Name: "realm", Value: "x", Quoted: true}}},
			},
		},
		{
			name:   "duplicate params kept in order",
			fields: []string{`Bearer scope="a", Scope="b"`},
			want: []Challenge{{Scheme: "Bearer", Params: []Param{
				{Name: "scope", Value: "a", Quoted: true}, {Name: "Scope", Value: "b", Quoted: true},
			}}},
		},
		{
			name:   "BWS around equals and empty list elements",
			fields: []string{` , Bearer realm = "x" ,, error = invalid_token ,`},
			want: []Challenge{{Scheme: "Bearer", Params: []Param{
				{Name: "realm", Value: "x", Quoted: true}, {Name: "error", Value: "invalid_token"},
			}}},
		},
		{
			name:   "several field lines",
			fields: []string{`DPoP algs="ES256"`, `Bearer resource_metadata="https://m/x"`},
			want: []Challenge{
				{Scheme: "DPoP", Params: []Param{{Name: "algs", Value: "ES256", Quoted: true}}},
				{Scheme: "Bearer", Params: []Param{{Name: "resource_metadata", Value: "https://m/x", Quoted: true}}},
			},
		},
		{
			name:   "empty field",
			fields: []string{""},
			want:   nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseChallenges(tt.fields)
			if err != nil {
				t.Fatalf("ParseChallenges(%q) error: %v", tt.fields, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseChallenges(%q) mismatch (-want +got):\n%s", tt.fields, diff)
			}
		})
	}
}

func TestParseChallenges_syntaxErrors(t *testing.T) {
	tests := []struct {
		name      string
		field     string
		wantCount int // challenges parsed before the error
	}{
		{name: "unquoted URL value", field: `Bearer resource_metadata=https://x/y`},
		{name: "unterminated quoted string", field: `Bearer realm="abc`},
		{name: "missing value", field: `Bearer a=b, c=`},
		{name: "missing equals", field: `Bearer a b`},
		{name: "no space after scheme", field: `Bearer"x"`},
		{name: "control character in quoted string", field: "Bearer realm=\"a\x01b\""},
		{name: "value followed by garbage", field: `Bearer realm="a" b`},
		{name: "leading equals", field: `=abc`},
		{name: "error after a valid challenge", field: `Basic realm="x", Bearer realm="y`, wantCount: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseChallenges([]string{tt.field})
			if !errors.Is(err, ErrChallengeSyntax) {
				t.Fatalf("ParseChallenges(%q) error = %v, want ErrChallengeSyntax", tt.field, err)
			}
			if len(got) != tt.wantCount {
				t.Errorf("ParseChallenges(%q) returned %d challenges before the error, want %d", tt.field, len(got), tt.wantCount)
			}
		})
	}
}

func TestChallenge_ParamCountLookup(t *testing.T) {
	chs, err := ParseChallenges([]string{`Bearer Scope="a", scope=b, error="invalid_token"`})
	if err != nil {
		t.Fatal(err)
	}
	ch := chs[0]
	if v, ok := ch.Param("SCOPE"); !ok || v != "a" {
		t.Errorf(`Param("SCOPE") = %q, %v; want "a", true`, v, ok)
	}
	if n := ch.Count("scope"); n != 2 {
		t.Errorf(`Count("scope") = %d, want 2`, n)
	}
	if p, ok := ch.Lookup("error"); !ok || !p.Quoted {
		t.Errorf(`Lookup("error") = %+v, %v; want quoted`, p, ok)
	}
	if _, ok := ch.Param("realm"); ok {
		t.Error(`Param("realm") found a parameter that is absent`)
	}
}

// FuzzParseChallenges checks that the parser never panics and that what it accepts
// round-trips through Challenge.String.
func FuzzParseChallenges(f *testing.F) {
	for _, s := range []string{
		`Bearer resource_metadata="https://a/b", scope="x y"`,
		`Basic realm="simple", Newauth realm="apps", type=1, title="Login to \"apps\""`,
		`Negotiate YIIB==, Bearer`,
		`Bearer error="insufficient_scope", scope="files:read files:write"`,
		` ,, Bearer a = b ,`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, field string) {
		chs, err := ParseChallenges([]string{field})
		if err != nil {
			if !errors.Is(err, ErrChallengeSyntax) {
				t.Fatalf("error %v does not wrap ErrChallengeSyntax", err)
			}
			return
		}
		var parts []string
		for _, ch := range chs {
			parts = append(parts, ch.String())
		}
		again, err := ParseChallenges(parts)
		if err != nil {
			t.Fatalf("re-parsing %q (from %q): %v", parts, field, err)
		}
		if diff := cmp.Diff(chs, again); diff != "" {
			t.Fatalf("round trip of %q changed the challenges (-first +second):\n%s", field, diff)
		}
	})
}
