package check

// This file holds the Gomega matchers that recur across checks. Their failure messages say
// what was sent, what was expected and what came back, in the manner of h2spec's
// TestError. HaveBearerChallenge enforces RFC 6750 §3: "All challenges defined by this
// specification MUST use the auth-scheme value "Bearer". This scheme MUST be followed by one
// or more auth-param values."

import (
	"fmt"
	"strings"

	"github.com/onsi/gomega/format"
	"github.com/onsi/gomega/matchers"
	"github.com/onsi/gomega/types"
)

// asResponse accepts *Response or Response.
func asResponse(actual any) (*Response, error) {
	switch v := actual.(type) {
	case *Response:
		if v == nil {
			return nil, fmt.Errorf("expected a *check.Response, got nil")
		}
		return v, nil
	case Response:
		return &v, nil
	default:
		return nil, fmt.Errorf("expected a *check.Response.\n%s", format.Object(actual, 1))
	}
}

// report formats the three-part failure message.
func report(resp *Response, expected string) string {
	return fmt.Sprintf("Sent:     %s\nExpected: %s\nReceived: %s", describeSent(resp.Request), expected, resp)
}

// statusMatcher implements HaveStatus.
type statusMatcher struct{ codes []int }

// HaveStatus succeeds when the actual *Response has one of the status codes.
func HaveStatus(codes ...int) types.GomegaMatcher { return &statusMatcher{codes: codes} }

func (m *statusMatcher) want() string {
	parts := make([]string, len(m.codes))
	for i, c := range m.codes {
		parts[i] = fmt.Sprint(c)
	}
	return strings.Join(parts, " or ")
}

// Match implements types.GomegaMatcher.
func (m *statusMatcher) Match(actual any) (bool, error) {
	resp, err := asResponse(actual)
	if err != nil {
		return false, err
	}
	for _, c := range m.codes {
		if resp.Status == c {
			return true, nil
		}
	}
	return false, nil
}

// FailureMessage implements types.GomegaMatcher.
func (m *statusMatcher) FailureMessage(actual any) string {
	resp, _ := asResponse(actual)
	return report(resp, "status "+m.want())
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *statusMatcher) NegatedFailureMessage(actual any) string {
	resp, _ := asResponse(actual)
	return report(resp, "a status other than "+m.want())
}

// ChallengeOption refines HaveBearerChallenge.
type ChallengeOption func(*ChallengeSpec)

// ChallengeSpec is what HaveBearerChallenge expects; built from ChallengeOptions.
type ChallengeSpec struct {
	With    map[string]any // param name -> expected value (string) or Gomega matcher
	Without []string       // params that must be absent
}

// WithParam expects the named param; value is a string (exact) or a Gomega matcher.
func WithParam(name string, value any) ChallengeOption {
	return func(s *ChallengeSpec) {
		if s.With == nil {
			s.With = map[string]any{}
		}
		s.With[name] = value
	}
}

// WithoutParam expects the named param to be absent.
func WithoutParam(name string) ChallengeOption {
	return func(s *ChallengeSpec) { s.Without = append(s.Without, name) }
}

// challengeMatcher implements HaveBearerChallenge.
type challengeMatcher struct {
	spec    ChallengeSpec
	problem string // why the last Match failed
}

// HaveBearerChallenge succeeds when the actual *Response carries a WWW-Authenticate Bearer
// challenge matching the options. The challenge must parse (RFC 9110 §11.6.1) and carry at
// least one auth-param (RFC 6750 §3). Failure messages show what was sent, expected and
// received.
func HaveBearerChallenge(opts ...ChallengeOption) types.GomegaMatcher {
	m := &challengeMatcher{}
	for _, o := range opts {
		o(&m.spec)
	}
	return m
}

func (m *challengeMatcher) expected() string {
	var parts []string
	for _, name := range sortedKeys(m.spec.With) {
		v := m.spec.With[name]
		if s, ok := v.(string); ok {
			parts = append(parts, fmt.Sprintf("%s=%q", name, s))
		} else if mm, ok := v.(types.GomegaMatcher); ok {
			parts = append(parts, fmt.Sprintf("%s %s", name, describeMatcher(mm)))
		}
	}
	for _, name := range m.spec.Without {
		parts = append(parts, "no "+name)
	}
	s := "a WWW-Authenticate Bearer challenge with at least one auth-param"
	if len(parts) > 0 {
		s += " and " + strings.Join(parts, ", ")
	}
	return s
}

// describeMatcher names what a value matcher expects in words, for the expectation line of a
// failure message (format.Object would print the matcher's internals and pointers).
func describeMatcher(m types.GomegaMatcher) string {
	switch mm := m.(type) {
	case fmt.Stringer:
		return mm.String()
	case *matchers.NotMatcher:
		return "not " + describeMatcher(mm.Matcher)
	case *matchers.BeEmptyMatcher:
		return "empty"
	case *matchers.EqualMatcher:
		return fmt.Sprintf("equal to %v", mm.Expected)
	case *matchers.ContainSubstringMatcher:
		return fmt.Sprintf("containing %q", fmt.Sprintf(mm.Substr, mm.Args...))
	case *matchers.MatchRegexpMatcher:
		return fmt.Sprintf("matching /%s/", fmt.Sprintf(mm.Regexp, mm.Args...))
	}
	name := fmt.Sprintf("%T", m)
	name = name[strings.LastIndex(name, ".")+1:]
	return "satisfying " + strings.TrimSuffix(name, "Matcher")
}

// Match implements types.GomegaMatcher; it records why it failed for FailureMessage.
func (m *challengeMatcher) Match(actual any) (bool, error) {
	resp, err := asResponse(actual)
	if err != nil {
		return false, err
	}
	chs, perr := resp.Challenges()
	if perr != nil {
		m.problem = fmt.Sprintf("WWW-Authenticate does not parse: %v", perr)
		return false, nil
	}
	var ch *Challenge
	for i := range chs {
		if strings.EqualFold(chs[i].Scheme, "Bearer") {
			ch = &chs[i]
			break
		}
	}
	switch {
	case ch == nil && len(chs) == 0:
		m.problem = "no WWW-Authenticate challenge"
		return false, nil
	case ch == nil:
		m.problem = "no Bearer challenge among the challenges"
		return false, nil
	case len(ch.Params) == 0:
		m.problem = "the Bearer challenge has no auth-param"
		return false, nil
	}
	for _, name := range sortedKeys(m.spec.With) {
		ok, problem, err := matchParam(*ch, name, m.spec.With[name])
		if err != nil {
			return false, err
		}
		if !ok {
			m.problem = problem
			return false, nil
		}
	}
	for _, name := range m.spec.Without {
		if v, ok := ch.Param(name); ok {
			m.problem = fmt.Sprintf("%s is present (%q)", name, v)
			return false, nil
		}
	}
	m.problem = ""
	return true, nil
}

// matchParam checks one expected parameter; want is a string or a Gomega matcher.
func matchParam(ch Challenge, name string, want any) (bool, string, error) {
	got, ok := ch.Param(name)
	if !ok {
		return false, fmt.Sprintf("%s is missing", name), nil
	}
	switch w := want.(type) {
	case string:
		if got != w {
			return false, fmt.Sprintf("%s is %q, want %q", name, got, w), nil
		}
		return true, "", nil
	case types.GomegaMatcher:
		ok, err := w.Match(got)
		if err != nil {
			return false, "", fmt.Errorf("param %s: %w", name, err)
		}
		if !ok {
			return false, fmt.Sprintf("%s: %s", name, w.FailureMessage(got)), nil
		}
		return true, "", nil
	default:
		return false, "", fmt.Errorf("WithParam(%q): value must be a string or a Gomega matcher, got %T", name, want)
	}
}

// FailureMessage implements types.GomegaMatcher.
func (m *challengeMatcher) FailureMessage(actual any) string {
	resp, _ := asResponse(actual)
	return report(resp, m.expected()) + "\nProblem:  " + m.problem
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *challengeMatcher) NegatedFailureMessage(actual any) string {
	resp, _ := asResponse(actual)
	return report(resp, "not "+m.expected())
}

// oauthErrorMatcher implements HaveOAuthError.
type oauthErrorMatcher struct{ code string }

// HaveOAuthError succeeds when the actual *Response names the OAuth error code, in the Bearer
// challenge's error param or in a JSON body's "error" member.
func HaveOAuthError(code string) types.GomegaMatcher { return &oauthErrorMatcher{code: code} }

// oauthErrors returns the error codes a response names: challenge first, then body.
func oauthErrors(resp *Response) (challenge, body string) {
	if ch, ok := resp.BearerChallenge(); ok {
		challenge, _ = ch.Param("error")
	}
	var doc struct {
		Error any `json:"error"`
	}
	if resp.JSON(&doc) == nil {
		body, _ = doc.Error.(string)
	}
	return challenge, body
}

// Match implements types.GomegaMatcher.
func (m *oauthErrorMatcher) Match(actual any) (bool, error) {
	resp, err := asResponse(actual)
	if err != nil {
		return false, err
	}
	ch, body := oauthErrors(resp)
	return ch == m.code || body == m.code, nil
}

// FailureMessage implements types.GomegaMatcher.
func (m *oauthErrorMatcher) FailureMessage(actual any) string {
	resp, _ := asResponse(actual)
	ch, body := oauthErrors(resp)
	return report(resp, fmt.Sprintf("OAuth error %q (Bearer challenge error= or JSON body \"error\")", m.code)) +
		fmt.Sprintf("\nProblem:  challenge error=%q, body error=%q", ch, body)
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *oauthErrorMatcher) NegatedFailureMessage(actual any) string {
	resp, _ := asResponse(actual)
	return report(resp, fmt.Sprintf("no OAuth error %q", m.code))
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

var (
	_ types.GomegaMatcher = (*statusMatcher)(nil)
	_ types.GomegaMatcher = (*challengeMatcher)(nil)
	_ types.GomegaMatcher = (*oauthErrorMatcher)(nil)
)
