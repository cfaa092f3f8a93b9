package check

// This file parses WWW-Authenticate (RFC 9110 §11.6.1) into challenges and auth-params
// (RFC 9110 §11.2), as RFC 6750 §3 uses them for the Bearer scheme:
//
//	WWW-Authenticate = #challenge
//	challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//	auth-scheme = token
//	auth-param  = token BWS "=" BWS ( token / quoted-string )
//	token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//
// RFC 9110 §11.6.1: "a user agent MUST take special care in parsing the field value, as it
// might contain more than one challenge, and each challenge can contain a comma-separated
// list of authentication parameters." A comma therefore ends an auth-param; whether the
// next element is another auth-param or a new challenge is decided by looking for
// token BWS "=".

import (
	"errors"
	"fmt"
	"strings"
)

// ErrChallengeSyntax is wrapped by every WWW-Authenticate parse error.
var ErrChallengeSyntax = errors.New("invalid WWW-Authenticate syntax")

// Challenge is one parsed authentication challenge.
type Challenge struct {
	Scheme  string
	Token68 string
	Params  []Param // in order, duplicates kept
}

// Param is one auth-param; Quoted reports whether the value was a quoted-string.
type Param struct {
	Name, Value string
	Quoted      bool
}

// Param returns the first value of the named parameter (case-insensitive name).
func (ch Challenge) Param(name string) (string, bool) {
	for _, p := range ch.Params {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}

// Lookup returns the first named parameter (case-insensitive name) with its Quoted flag.
func (ch Challenge) Lookup(name string) (Param, bool) {
	for _, p := range ch.Params {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return Param{}, false
}

// Count returns how often the named parameter occurs (case-insensitive name); RFC 6750 §3
// allows realm, scope, error, error_description and error_uri at most once.
func (ch Challenge) Count(name string) int {
	n := 0
	for _, p := range ch.Params {
		if strings.EqualFold(p.Name, name) {
			n++
		}
	}
	return n
}

// String renders the challenge in RFC 9110 syntax; values that were quoted, or are not
// tokens, are written as quoted-strings.
func (ch Challenge) String() string {
	var b strings.Builder
	b.WriteString(ch.Scheme)
	if ch.Token68 != "" {
		b.WriteString(" " + ch.Token68)
		return b.String()
	}
	for i, p := range ch.Params {
		if i == 0 {
			b.WriteString(" ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(p.Name + "=")
		if p.Quoted || !isToken(p.Value) {
			b.WriteString(quoteString(p.Value))
		} else {
			b.WriteString(p.Value)
		}
	}
	return b.String()
}

// quoteString writes v as a quoted-string, escaping DQUOTE and backslash.
func quoteString(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' || v[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}

// ParseChallenges parses WWW-Authenticate field values. Each element of fields is one field
// line; all challenges are returned in order. On a syntax error the challenges parsed before
// it are returned together with an error wrapping ErrChallengeSyntax.
func ParseChallenges(fields []string) ([]Challenge, error) {
	var out []Challenge
	for i, f := range fields {
		chs, err := parseChallengeField(f)
		out = append(out, chs...)
		if err != nil {
			return out, fmt.Errorf("WWW-Authenticate field line %d: %w", i+1, err)
		}
	}
	return out, nil
}

// Challenges parses every WWW-Authenticate field line (RFC 9110 §11.6.1).
func (r *Response) Challenges() ([]Challenge, error) {
	if r == nil {
		return nil, nil
	}
	return ParseChallenges(r.Header.Values("WWW-Authenticate"))
}

// BearerChallenge returns the first challenge whose scheme is Bearer (case-insensitive).
// Challenges before a syntax error still count.
func (r *Response) BearerChallenge() (Challenge, bool) {
	chs, _ := r.Challenges()
	for _, ch := range chs {
		if strings.EqualFold(ch.Scheme, "Bearer") {
			return ch, true
		}
	}
	return Challenge{}, false
}

// challengeParser walks one field value.
type challengeParser struct {
	s string
	i int
}

func (p *challengeParser) eof() bool  { return p.i >= len(p.s) }
func (p *challengeParser) peek() byte { return p.s[p.i] }

func (p *challengeParser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s at offset %d", ErrChallengeSyntax, fmt.Sprintf(format, args...), p.i)
}

// skipOWS skips optional whitespace (SP / HTAB) and returns how much it skipped.
func (p *challengeParser) skipOWS() int {
	start := p.i
	for !p.eof() && (p.peek() == ' ' || p.peek() == '\t') {
		p.i++
	}
	return p.i - start
}

// skipSeparators skips empty list elements: *( OWS "," ) OWS.
func (p *challengeParser) skipSeparators() {
	for {
		p.skipOWS()
		if p.eof() || p.peek() != ',' {
			return
		}
		p.i++
	}
}

func (p *challengeParser) token() string {
	start := p.i
	for !p.eof() && isTchar(p.peek()) {
		p.i++
	}
	return p.s[start:p.i]
}

// token68 reads a token68 if one ends the challenge here (followed by OWS and "," or the
// end); otherwise it leaves the position unchanged.
func (p *challengeParser) token68() (string, bool) {
	start := p.i
	j := p.i
	for j < len(p.s) && isToken68Char(p.s[j]) {
		j++
	}
	if j == start {
		return "", false
	}
	for j < len(p.s) && p.s[j] == '=' {
		j++
	}
	k := j
	for k < len(p.s) && (p.s[k] == ' ' || p.s[k] == '\t') {
		k++
	}
	if k < len(p.s) && p.s[k] != ',' {
		return "", false
	}
	p.i = j
	return p.s[start:j], true
}

// paramAhead reports whether an auth-param (token BWS "=") starts at the position.
func (p *challengeParser) paramAhead() bool {
	j := p.i
	for j < len(p.s) && isTchar(p.s[j]) {
		j++
	}
	if j == p.i {
		return false
	}
	for j < len(p.s) && (p.s[j] == ' ' || p.s[j] == '\t') {
		j++
	}
	return j < len(p.s) && p.s[j] == '='
}

func (p *challengeParser) quotedString() (string, error) {
	p.i++ // opening DQUOTE
	var b strings.Builder
	for !p.eof() {
		c := p.peek()
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c == '\\':
			p.i++
			if p.eof() {
				return "", p.errorf("unterminated quoted-pair")
			}
			q := p.peek()
			// quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
			if !(q == '\t' || q == ' ' || (q >= 0x21 && q != 0x7f)) {
				return "", p.errorf("invalid quoted-pair character %#x", q)
			}
			b.WriteByte(q)
		case isQdtext(c):
			b.WriteByte(c)
		default:
			return "", p.errorf("invalid character %#x in quoted-string", c)
		}
		p.i++
	}
	return "", p.errorf("unterminated quoted-string")
}

// params reads #auth-param after a scheme, stopping before the next challenge.
func (p *challengeParser) params(ch *Challenge) error {
	for {
		name := p.token()
		if name == "" {
			return p.errorf("expected auth-param name")
		}
		p.skipOWS()
		if p.eof() || p.peek() != '=' {
			return p.errorf("expected '=' after %q", name)
		}
		p.i++
		p.skipOWS()
		prm := Param{Name: name}
		if !p.eof() && p.peek() == '"' {
			v, err := p.quotedString()
			if err != nil {
				return err
			}
			prm.Value, prm.Quoted = v, true
		} else if prm.Value = p.token(); prm.Value == "" {
			return p.errorf("expected token or quoted-string value for %q", name)
		}
		ch.Params = append(ch.Params, prm)
		p.skipOWS()
		if p.eof() {
			return nil
		}
		if p.peek() != ',' {
			return p.errorf("expected ',' after auth-param %q", name)
		}
		save := p.i
		p.skipSeparators()
		if p.eof() {
			return nil
		}
		if !p.paramAhead() {
			p.i = save // a new challenge starts after the comma
			return nil
		}
	}
}

func parseChallengeField(s string) ([]Challenge, error) {
	p := &challengeParser{s: s}
	var out []Challenge
	for {
		p.skipSeparators()
		if p.eof() {
			return out, nil
		}
		scheme := p.token()
		if scheme == "" {
			return out, p.errorf("expected auth-scheme")
		}
		ch := Challenge{Scheme: scheme}
		sp := p.skipOWS()
		switch {
		case p.eof() || p.peek() == ',':
		case sp == 0:
			return out, p.errorf("expected space after auth-scheme %q", scheme)
		default:
			if t, ok := p.token68(); ok {
				ch.Token68 = t
			} else if err := p.params(&ch); err != nil {
				return out, err
			}
		}
		out = append(out, ch)
	}
}

// isTchar reports whether c is a tchar (RFC 9110 §5.6.2).
func isTchar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

func isToken68Char(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-._~+/", c) >= 0
}

// isQdtext: qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text (RFC 9110 §5.6.4).
func isQdtext(c byte) bool {
	return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e) || c >= 0x80
}
