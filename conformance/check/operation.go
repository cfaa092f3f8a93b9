package check

// This file names the MCP operations a check can perform and a scope can be declared for.
// MCP 2025-11-25 server features: "tools/call" (server/tools), "resources/read"
// (server/resources), "prompts/get" (server/prompts) and their list methods. The seed's
// scope design has tool, resource and action scopes (mcp:tools:weather,
// mcp:resources:customer-data:read, mcp:exec:workflows:risk-assessment), so a scope
// declaration names an operation, not only a tool.

import (
	"fmt"
	"strings"
)

// MCP methods an Operation can name.
const (
	MethodToolsCall     = "tools/call"
	MethodResourcesRead = "resources/read"
	MethodPromptsGet    = "prompts/get"
	MethodToolsList     = "tools/list"
	MethodResourcesList = "resources/list"
	MethodPromptsList   = "prompts/list"
)

// Operation is one MCP operation: a method and, for tools/call, resources/read and
// prompts/get, the tool name, resource URI or prompt name it applies to.
type Operation struct {
	Method string
	Name   string // tool or prompt name, resource URI; "" for list methods
}

// ToolCall returns the tools/call operation of tool.
func ToolCall(tool string) Operation { return Operation{Method: MethodToolsCall, Name: tool} }

// ParseOperation parses a declaration key: "METHOD:NAME" for tools/call, resources/read and
// prompts/get ("resources/read:file:///notes.txt"), a bare list method ("tools/list",
// "resources/list", "prompts/list"), or a bare tool name ("weather" is
// "tools/call:weather").
func ParseOperation(s string) (Operation, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Operation{}, fmt.Errorf("empty operation")
	}
	switch s {
	case MethodToolsList, MethodResourcesList, MethodPromptsList:
		return Operation{Method: s}, nil
	}
	for _, m := range []string{MethodToolsCall, MethodResourcesRead, MethodPromptsGet} {
		if name, ok := strings.CutPrefix(s, m+":"); ok {
			if name == "" {
				return Operation{}, fmt.Errorf("operation %q: no name after %q", s, m+":")
			}
			return Operation{Method: m, Name: name}, nil
		}
		if s == m {
			return Operation{}, fmt.Errorf("operation %q: name what it applies to, as %s:NAME", s, m)
		}
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return Operation{}, fmt.Errorf("operation %q: a tool name has no white space", s)
	}
	head, _, _ := strings.Cut(s, ":")
	if m, _, ok := strings.Cut(head, "/"); ok && (m == "tools" || m == "resources" || m == "prompts") {
		// "tools/cal:x" is most likely a typo of a method, not a tool name.
		return Operation{}, fmt.Errorf("operation %q: unknown method %q; want tools/call:NAME, resources/read:URI, prompts/get:NAME, tools/list, resources/list or prompts/list", s, head)
	}
	return ToolCall(s), nil
}

// String is the canonical declaration key: "tools/call:weather", "tools/list".
func (o Operation) String() string {
	if o.Name == "" {
		return o.Method
	}
	return o.Method + ":" + o.Name
}

// Label names the operation for people: tool "weather", resource "file:///x",
// prompt "summary", tools/list.
func (o Operation) Label() string {
	switch o.Method {
	case MethodToolsCall:
		return fmt.Sprintf("tool %q", o.Name)
	case MethodResourcesRead:
		return fmt.Sprintf("resource %q", o.Name)
	case MethodPromptsGet:
		return fmt.Sprintf("prompt %q", o.Name)
	default:
		return o.Method
	}
}

// Did says what was done, for messages: called tool "x", read resource "y", got prompt
// "z", sent tools/list.
func (o Operation) Did() string {
	switch o.Method {
	case MethodToolsCall:
		return "called " + o.Label()
	case MethodResourcesRead:
		return "read " + o.Label()
	case MethodPromptsGet:
		return "got " + o.Label()
	default:
		return "sent " + o.Method
	}
}

// canonicalKeys rewrites the keys of m (operation declarations) in canonical form; two keys
// naming the same operation are an error.
func canonicalKeys[V any](m map[string]V, what string) (map[string]V, error) {
	if m == nil {
		return nil, nil
	}
	out := make(map[string]V, len(m))
	for k, v := range m {
		op, err := ParseOperation(k)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		key := op.String()
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("%s: operation %s declared twice (as %q and another spelling)", what, key, k)
		}
		out[key] = v
	}
	return out, nil
}
