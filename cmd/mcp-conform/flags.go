package main

// This file holds the flag plumbing shared by the subcommands: a FlagSet per subcommand with
// its usage text, and the flag.Value types of "run" (--scope, --rate-limit, repeatable names).

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// flagSet is a subcommand's flag.FlagSet plus the text of its usage message.
type flagSet struct {
	*flag.FlagSet
	synopsis    string // "mcp-conform run --url URL [flags]"
	description string // what the subcommand does; may span lines
	notes       string // printed after the flags (examples, exit codes)
}

// newFlagSet returns an empty, silent FlagSet: parse errors and help are printed by cli.parse.
func newFlagSet(name, synopsis, description string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, synopsis: synopsis, description: description}
}

// usage writes the subcommand's usage message to w.
func (fs *flagSet) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage:\n  %s\n\n%s\n", fs.synopsis, strings.TrimRight(fs.description, "\n"))
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if len(names) > 0 {
		fmt.Fprintf(w, "\nFlags:\n")
		sort.Strings(names)
		for _, name := range names {
			f := fs.Lookup(name)
			arg, text := flag.UnquoteUsage(f)
			head := "  --" + f.Name
			if arg != "" {
				head += " " + arg
			}
			fmt.Fprintf(w, "%s\n", head)
			for _, line := range strings.Split(text, "\n") {
				fmt.Fprintf(w, "      %s\n", line)
			}
			if showDefault(f) {
				fmt.Fprintf(w, "      (default %s)\n", f.DefValue)
			}
		}
	}
	if fs.notes != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(fs.notes, "\n"))
	}
}

// showDefault reports whether a flag's default value is worth printing.
func showDefault(f *flag.Flag) bool {
	switch f.DefValue {
	case "", "false", "0", "[]":
		return false
	}
	return true
}

// parse parses args into fs. When done is true the caller returns code at once: -h/--help
// printed the usage to stdout (code 0), or a parse error was reported (code 2).
func (c *cli) parse(fs *flagSet, args []string) (code int, done bool) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return exitOK, false
	case errors.Is(err, flag.ErrHelp):
		fs.usage(c.stdout)
		return exitOK, true
	default:
		return c.usageError(fs, errors.New(doubleDash(err.Error()))), true
	}
}

// doubleDash rewrites the flag package's "-name" in its parse errors to the "--name" the
// usage text shows ("flag provided but not defined: --frobnicate").
func doubleDash(msg string) string {
	for _, prefix := range []string{"not defined: -", "for flag -", "needs an argument: -", "for -"} {
		if i := strings.Index(msg, prefix); i >= 0 && !strings.HasPrefix(msg[i+len(prefix):], "-") {
			j := i + len(prefix)
			return msg[:j] + "-" + msg[j:]
		}
	}
	return msg
}

// usageError reports a usage error and where the usage is, and returns exit code 2. The
// whole usage text is not printed: it would scroll the one line that matters out of sight.
func (c *cli) usageError(fs *flagSet, err error) int {
	fmt.Fprintf(c.stderr, "mcp-conform %s: %v\n", fs.Name(), err)
	fmt.Fprintf(c.stderr, "Run 'mcp-conform %s --help' for usage.\n", fs.Name())
	return exitUsage
}

// durationVar defines a duration flag that also accepts a bare number of seconds ("5" is
// 5s), since that is what people type for a timeout.
func (fs *flagSet) durationVar(p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	fs.Var((*durationValue)(p), name, usage)
}

// durationValue is a time.Duration flag.Value accepting Go durations and bare seconds.
type durationValue time.Duration

// String implements flag.Value.
func (d *durationValue) String() string { return time.Duration(*d).String() }

// Set implements flag.Value.
func (d *durationValue) Set(v string) error {
	parsed, err := parseDuration(v)
	if err != nil {
		return err
	}
	*d = durationValue(parsed)
	return nil
}

// parseDuration parses a Go duration ("5s", "1m30s", "500ms") or a bare number of seconds
// ("5", "0.5").
func parseDuration(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs > float64(math.MaxInt64)/float64(time.Second) || secs < -float64(math.MaxInt64)/float64(time.Second) {
			return 0, fmt.Errorf("%q: out of range", v)
		}
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, errors.New("want a duration such as 5s, 500ms or 2m (a bare number means seconds)")
	}
	return d, nil
}

// stringList is a repeatable string flag (--header-env NAME, …).
type stringList []string

// String implements flag.Value.
func (l *stringList) String() string { return strings.Join(*l, ",") }

// Set implements flag.Value; each occurrence appends one value.
func (l *stringList) Set(v string) error {
	if v == "" {
		return errors.New("empty value")
	}
	*l = append(*l, v)
	return nil
}

// scopeMap is the repeatable --scope OPERATION=SCOPE flag: the scopes each operation
// requires, by canonical operation (check.Operation.String).
type scopeMap map[string]string

// String implements flag.Value.
func (m scopeMap) String() string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ",")
}

// Set implements flag.Value: it parses one OPERATION=SCOPE pair. A resource URI may itself
// contain "=", so for resources/read the last "=" separates the scope.
func (m scopeMap) Set(v string) error {
	i := strings.Index(v, "=")
	if strings.HasPrefix(strings.TrimSpace(v), check.MethodResourcesRead+":") {
		i = strings.LastIndex(v, "=")
	}
	if i < 0 {
		return fmt.Errorf("%q: want OPERATION=SCOPE, e.g. weather=mcp:tools:weather or resources/read:URI=SCOPE", v)
	}
	name, scope := strings.TrimSpace(v[:i]), strings.TrimSpace(v[i+1:])
	if name == "" || scope == "" {
		return fmt.Errorf("%q: want OPERATION=SCOPE, e.g. weather=mcp:tools:weather or resources/read:URI=SCOPE", v)
	}
	op, err := check.ParseOperation(name)
	if err != nil {
		return fmt.Errorf("%q: %w", v, err)
	}
	if prev, dup := m[op.String()]; dup {
		return fmt.Errorf("%q: %s already declared with scope %q", v, op.Label(), prev)
	}
	m[op.String()] = scope
	return nil
}

// toolArgsMap is the repeatable --tool-args TOOL=JSON flag: the arguments to call a tool
// (or prompts/get:NAME) with, instead of the generated ones.
type toolArgsMap map[string]map[string]any

// String implements flag.Value.
func (m toolArgsMap) String() string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

// Set implements flag.Value: it parses one TOOL=JSON pair; JSON must be an object.
func (m toolArgsMap) Set(v string) error {
	name, raw, ok := strings.Cut(v, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return fmt.Errorf("%q: want TOOL=JSON, e.g. weather='{\"city\":\"Paris\"}'", v)
	}
	op, err := check.ParseOperation(name)
	if err != nil {
		return fmt.Errorf("%q: %w", v, err)
	}
	if op.Method != check.MethodToolsCall && op.Method != check.MethodPromptsGet {
		return fmt.Errorf("%q: arguments are for a tool or prompts/get:NAME, not %s", v, op.Method)
	}
	var args map[string]any
	if err := json.Unmarshal([]byte(raw), &args); err != nil || args == nil {
		return fmt.Errorf("%q: the arguments must be a JSON object: %v", name, err)
	}
	key := op.Name
	if op.Method == check.MethodPromptsGet {
		key = op.String()
	}
	if _, dup := m[key]; dup {
		return fmt.Errorf("%q: arguments for %s already given", name, op.Label())
	}
	m[key] = args
	return nil
}

// rateLimitFlag is --rate-limit N/DURATION; nil until set.
type rateLimitFlag struct{ limit *check.RateLimit }

// String implements flag.Value.
func (r *rateLimitFlag) String() string {
	if r == nil || r.limit == nil {
		return ""
	}
	return fmt.Sprintf("%d/%s", r.limit.Requests, r.limit.Per)
}

// Set implements flag.Value.
func (r *rateLimitFlag) Set(v string) error {
	l, err := parseRateLimit(v)
	if err != nil {
		return err
	}
	r.limit = l
	return nil
}

// parseRateLimit parses "N/DURATION" ("5/1s", "100/1m"); a bare unit counts as one of it
// ("5/s" is "5/1s").
func parseRateLimit(v string) (*check.RateLimit, error) {
	n, per, ok := strings.Cut(strings.TrimSpace(v), "/")
	if !ok {
		return nil, fmt.Errorf("%q: want N/DURATION, e.g. 5/1s", v)
	}
	requests, err := strconv.Atoi(n)
	if err != nil || requests <= 0 {
		return nil, fmt.Errorf("%q: request count %q is not a positive integer", v, n)
	}
	if per != "" && !strings.ContainsAny(per[:1], "0123456789.") {
		per = "1" + per
	}
	d, err := parseDuration(per)
	if err != nil {
		return nil, fmt.Errorf("%q: period: %w", v, err)
	}
	if d <= 0 {
		return nil, fmt.Errorf("%q: period must be positive", v)
	}
	rl := &check.RateLimit{Requests: requests, Per: d}
	if err := rl.Validate(); err != nil {
		return nil, fmt.Errorf("%q: %w", v, err)
	}
	return rl, nil
}
