package check

// This file turns a tool's inputSchema into call arguments, through package toolargs: MCP
// server/tools "inputSchema: JSON Schema defining expected parameters", which every SDK
// validates before the tool runs.

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mcp-conform/mcp-conform/conformance/toolargs"
)

// generateArguments returns arguments satisfying schema (validated with the JSON Schema
// library the official Go SDK uses); an unsatisfiable schema is reported by property and
// keyword.
func generateArguments(schema json.RawMessage) (map[string]any, error) {
	if len(schema) == 0 {
		return map[string]any{}, nil
	}
	args, err := toolargs.Generate(schema)
	if err != nil {
		return nil, fmt.Errorf("its inputSchema: %w", err)
	}
	return args, nil
}

// checkSuppliedArguments reports whether supplied arguments satisfy the tool's listed
// inputSchema; the mismatch is only noted (the user may know better than the schema).
func (c *C) checkSuppliedArguments(ctx context.Context, op Operation, args map[string]any) {
	if op.Method != MethodToolsCall {
		return
	}
	t, ok := c.run.catalog(ctx).Tool(op.Name)
	if !ok || len(t.InputSchema) == 0 {
		return
	}
	if err := toolargs.Validate(t.InputSchema, args); err != nil {
		c.Note("the arguments supplied for %s do not satisfy its inputSchema (%v); they were sent as given", op.Label(), err)
	}
}
