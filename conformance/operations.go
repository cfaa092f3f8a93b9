package conformance

// This file carries what a run did with the server's operations into the reports (the
// operations called, with the arguments sent; the scope map, declared and learned) and
// reads and writes the declarations file of --tool-args-file and --write-scopes:
//
//	# scope requirements, by operation (a bare name is a tool)
//	scopes:
//	  weather: mcp:tools:weather
//	  resources/read:mcp-conform://customer-data/acme: mcp:resources:customer-data:read
//	# arguments, by tool (or prompts/get:NAME)
//	arguments:
//	  weather: {city: Paris, units: metric}
//
// A file with neither key is read as tool → arguments, the short form.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// Declarations are scope requirements and tool arguments, as --tool-args-file reads them and
// --write-scopes writes them (YAML; JSON is accepted too).
type Declarations struct {
	// Scopes maps an operation (ParseOperation form) to the scopes it needs.
	Scopes map[string]string `yaml:"scopes,omitempty"`
	// Arguments maps a tool (or prompts/get:NAME) to the arguments to call it with.
	Arguments map[string]map[string]any `yaml:"arguments,omitempty"`
}

// LoadDeclarations reads a declarations file (YAML or JSON): {scopes, arguments}, or the
// short form tool → arguments. Every operation name is validated.
func LoadDeclarations(path string) (*Declarations, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("declarations: %w", err)
	}
	d, err := parseDeclarations(data)
	if err != nil {
		return nil, fmt.Errorf("declarations %s: %w", path, err)
	}
	return d, nil
}

// parseDeclarations decodes and validates a declarations document.
func parseDeclarations(data []byte) (*Declarations, error) {
	var raw map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decoding YAML or JSON: %w", err)
	}
	d := &Declarations{}
	_, hasScopes := raw["scopes"]
	_, hasArgs := raw["arguments"]
	if hasScopes || hasArgs {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(d); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("decoding YAML or JSON: %w", err)
		}
	} else if len(raw) > 0 {
		d.Arguments = map[string]map[string]any{}
		for tool, v := range raw {
			args, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("arguments of %q: want an object, got %T", tool, v)
			}
			d.Arguments[tool] = args
		}
	}
	var errs []error
	for k, v := range d.Scopes {
		if _, err := check.ParseOperation(k); err != nil {
			errs = append(errs, fmt.Errorf("scopes: %w", err))
		}
		if strings.TrimSpace(v) == "" {
			errs = append(errs, fmt.Errorf("scopes: %q has an empty scope", k))
		}
	}
	for k := range d.Arguments {
		if _, err := check.ParseOperation(k); err != nil {
			errs = append(errs, fmt.Errorf("arguments: %w", err))
		}
		if d.Arguments[k] == nil {
			d.Arguments[k] = map[string]any{}
		}
	}
	return d, errors.Join(errs...)
}

// Merge returns scopes and args with the file's declarations added; what scopes and args
// already hold (command-line flags) wins over the file.
func (d *Declarations) Merge(scopes map[string]string, args map[string]map[string]any) (map[string]string, map[string]map[string]any) {
	outS := map[string]string{}
	outA := map[string]map[string]any{}
	for k, v := range d.Scopes {
		op, _ := check.ParseOperation(k)
		outS[op.String()] = v
	}
	for k, v := range d.Arguments {
		outA[k] = v
	}
	for k, v := range scopes {
		op, _ := check.ParseOperation(k)
		outS[op.String()] = v
	}
	for k, v := range args {
		outA[k] = v
	}
	return outS, outA
}

// attachRun copies what the run did with the server's operations into the report,
// redacted with the run's secrets.
func (r *Report) attachRun(run *check.Run) *Report {
	secrets := run.Secrets()
	r.Calls = run.Calls()
	for i := range r.Calls {
		r.Calls[i].Operation = safe.Redact(r.Calls[i].Operation, secrets)
		r.Calls[i].Arguments = safe.Redact(r.Calls[i].Arguments, secrets)
	}
	r.TargetLost = safe.Redact(run.TargetLost(), secrets)
	r.ScopeMap = run.ScopeMap()
	for i := range r.ScopeMap {
		r.ScopeMap[i].Operation = safe.Redact(r.ScopeMap[i].Operation, secrets)
		r.ScopeMap[i].Note = safe.Redact(r.ScopeMap[i].Note, secrets)
	}
	return r
}

// WriteScopes writes the run's scope map in the declarations format, ready for
// --tool-args-file: every declared or learned requirement, and the arguments each tool and
// prompt was called with. Learned operations needing no scope are listed in comments.
func (r *Report) WriteScopes(w io.Writer) error {
	d := Declarations{Scopes: map[string]string{}, Arguments: map[string]map[string]any{}}
	var notes []string
	for _, e := range r.ScopeMap {
		switch {
		case e.Operation == "":
			notes = append(notes, e.Note)
		case len(e.Scopes) > 0:
			d.Scopes[e.Operation] = strings.Join(e.Scopes, " ")
		default:
			notes = append(notes, e.Operation+": "+e.Note)
		}
	}
	for _, c := range r.Calls {
		if c.Arguments == "" || !(strings.HasPrefix(c.Operation, check.MethodToolsCall+":") || strings.HasPrefix(c.Operation, check.MethodPromptsGet+":")) {
			continue
		}
		key := strings.TrimPrefix(c.Operation, check.MethodToolsCall+":")
		if _, done := d.Arguments[key]; done {
			continue
		}
		var args map[string]any
		if err := yaml.Unmarshal([]byte(c.Arguments), &args); err == nil && args != nil {
			d.Arguments[key] = args
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# mcp-conform scope map of %s (%s), written %s.\n", r.Target, r.SpecVersion, r.StartedAt.UTC().Format(time.RFC3339))
	b.WriteString("# Load it with: mcp-conform run --tool-args-file FILE (its scopes then count as declared).\n")
	sort.Strings(notes)
	for _, n := range notes {
		fmt.Fprintf(&b, "# %s\n", oneLineText(n))
	}
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("writing the scope map: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("writing the scope map: %w", err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("writing the scope map: %w", err)
	}
	return nil
}

// oneLineText makes s a single line, terminal-safe (target bytes escaped).
func oneLineText(s string) string {
	return safe.Line(strings.Join(strings.Fields(s), " "))
}

// scopeLines renders the scope map and the operations called for the console and JUnit:
// one line per entry, target bytes redacted and on one line.
func (r *Report) scopeLines() (scopeMap, calls []string) {
	for _, e := range r.ScopeMap {
		if e.Operation == "" {
			scopeMap = append(scopeMap, "not tried: "+oneLineText(e.Note))
			continue
		}
		need := "no scope"
		if len(e.Scopes) > 0 {
			need = strings.Join(e.Scopes, " ")
		}
		line := fmt.Sprintf("%s → %s (%s)", oneLineText(e.Operation), oneLineText(need), e.Source)
		if e.Note != "" {
			line += ": " + oneLineText(e.Note)
		}
		scopeMap = append(scopeMap, line)
	}
	for _, c := range r.Calls {
		line := oneLineText(c.Operation)
		if c.Arguments != "" {
			line += " " + oneLineText(c.Arguments)
		}
		line += fmt.Sprintf(" (%s; %d×; %s)", c.Source, c.Count, strings.Join(c.Checks, ", "))
		calls = append(calls, line)
	}
	return scopeMap, calls
}
