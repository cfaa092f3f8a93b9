package check

// This file turns a tool's inputSchema into call arguments.

import (
	"encoding/json"
	"fmt"
)

// generateArguments returns arguments satisfying schema. Until the schema-driven generator
// is wired in, only schemas that require no property are satisfied (by {}); any other is
// reported by the names it requires, so the user can supply them with --tool-args.
func generateArguments(schema json.RawMessage) (map[string]any, error) {
	var s struct {
		Required []string `json:"required"`
	}
	if len(schema) > 0 {
		if err := json.Unmarshal(schema, &s); err != nil {
			return nil, fmt.Errorf("inputSchema: %w", err)
		}
	}
	if len(s.Required) > 0 {
		return nil, fmt.Errorf("its inputSchema requires %q", s.Required)
	}
	return map[string]any{}, nil
}
