package check

// This file reads, once per run and with a valid token, what the server offers: tools/list
// (MCP server/tools "Listing Tools", following nextCursor: base protocol "Pagination"),
// resources/list and prompts/list. Tool input schemas give the arguments of a call, tool
// annotations (readOnlyHint, destructiveHint) say which tools scope discovery may call, and
// prompt argument lists give a prompt's required arguments.

import (
	"context"
	"encoding/json"
	"fmt"
)

// Bounds of the catalog read.
const (
	maxListPages = 10  // pages read per list method
	maxListItems = 500 // items kept per list method
)

// Tool is one entry of tools/list.
type Tool struct {
	Name        string
	InputSchema json.RawMessage
	// ReadOnlyHint and DestructiveHint are the tool's annotations (MCP server/tools
	// ToolAnnotations); nil when absent.
	ReadOnlyHint    *bool
	DestructiveHint *bool
}

// ReadOnly reports whether the tool is annotated readOnlyHint: true and not (contradicting
// it) destructiveHint: true.
func (t Tool) ReadOnly() bool {
	return t.ReadOnlyHint != nil && *t.ReadOnlyHint && !t.Destructive()
}

// Destructive reports whether the tool is annotated destructiveHint: true.
func (t Tool) Destructive() bool { return t.DestructiveHint != nil && *t.DestructiveHint }

// Resource is one entry of resources/list.
type Resource struct {
	URI  string
	Name string
}

// Prompt is one entry of prompts/list.
type Prompt struct {
	Name      string
	Arguments []PromptArgument
}

// PromptArgument is one declared argument of a prompt.
type PromptArgument struct {
	Name     string
	Required bool
}

// Catalog is what the server lists, read once per run with a valid token.
type Catalog struct {
	Tools     []Tool
	Resources []Resource
	Prompts   []Prompt
	// Listed are the list methods the server answered with a result.
	Listed []Operation
	// Err says why tools/list could not be read; nil when it was.
	Err error
}

// Tool returns the listed tool called name.
func (cat *Catalog) Tool(name string) (Tool, bool) {
	for _, t := range cat.Tools {
		if t.Name == name {
			return t, true
		}
	}
	return Tool{}, false
}

// Catalog returns the server's tools, resources and prompts, read once per run.
func (c *C) Catalog(ctx context.Context) *Catalog { return c.run.catalog(ctx) }

func (r *Run) catalog(ctx context.Context) *Catalog {
	r.catMu.Lock()
	defer r.catMu.Unlock()
	if r.cat != nil {
		return r.cat
	}
	cat := &Catalog{}
	end := r.internal(ctx, "catalog", func(c *C) {
		token := c.ValidToken(ctx)
		s := c.Initialize(ctx, token)
		for _, m := range []string{MethodToolsList, MethodResourcesList, MethodPromptsList} {
			err := c.readList(ctx, s, m, cat)
			if m == MethodToolsList && err != nil {
				cat.Err = err
			}
		}
	})
	if end != nil && cat.Err == nil && len(cat.Listed) == 0 {
		cat.Err = fmt.Errorf("%w: %s", errNoCatalog, end.msg)
	}
	if ctx.Err() == nil {
		r.cat = cat
	}
	return cat
}

// internal runs f as a check of the framework itself (the catalog read, scope discovery):
// its tokens carry the client ID mcp-conform-ID, its sessions are closed when f returns,
// and how it ended is returned (nil when it returned normally).
func (r *Run) internal(ctx context.Context, id string, f func(c *C)) *checkEnd {
	def := Definition{Requirement: Requirement{ID: id, Title: id, Level: MUST}, Needs: NeedsToken}
	c := newC(r, def, Hooks{}, false)
	end := c.protect(func() { f(c) })
	c.runCleanups(ctx)
	return end
}

// readList reads every page of a list method into cat.
func (c *C) readList(ctx context.Context, s *Session, method string, cat *Catalog) error {
	op := Operation{Method: method}
	var cursor string
	seen := map[string]bool{}
	for page := 0; page < maxListPages; page++ {
		params := map[string]any{}
		if cursor != "" {
			params["cursor"] = cursor
		}
		req := c.SessionRequest(s, method, params)
		req.Authorization = Bearer(s.Token)
		resp, err := c.TryDo(ctx, req)
		if err != nil {
			return err
		}
		args := Arguments{Source: "none"}
		if cursor != "" {
			args.Values = params
		}
		c.run.logCall(c.ID(), op, args, resp.Status)
		if resp.Status/100 != 2 {
			return fmt.Errorf("%s with a valid token was answered %s", method, resp)
		}
		msg, err := resp.JSONRPC()
		if err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
		if msg.Error != nil {
			return fmt.Errorf("%s: %w", method, msg.Error)
		}
		if page == 0 {
			cat.Listed = append(cat.Listed, op)
		}
		next, err := decodePage(method, msg.Result, cat)
		if err != nil {
			return err
		}
		if next == "" || seen[next] {
			return nil
		}
		seen[next] = true
		cursor = next
	}
	return nil
}

// decodePage appends one page of a list result to cat and returns its nextCursor.
func decodePage(method string, result json.RawMessage, cat *Catalog) (string, error) {
	var page struct {
		NextCursor string `json:"nextCursor"`
		Tools      []struct {
			Name        string          `json:"name"`
			InputSchema json.RawMessage `json:"inputSchema"`
			Annotations struct {
				ReadOnlyHint    *bool `json:"readOnlyHint"`
				DestructiveHint *bool `json:"destructiveHint"`
			} `json:"annotations"`
		} `json:"tools"`
		Resources []struct {
			URI  string `json:"uri"`
			Name string `json:"name"`
		} `json:"resources"`
		Prompts []struct {
			Name      string `json:"name"`
			Arguments []struct {
				Name     string `json:"name"`
				Required bool   `json:"required"`
			} `json:"arguments"`
		} `json:"prompts"`
	}
	if err := json.Unmarshal(result, &page); err != nil {
		return "", fmt.Errorf("%s result: %w", method, err)
	}
	switch method {
	case MethodToolsList:
		for _, t := range page.Tools {
			if t.Name != "" && len(cat.Tools) < maxListItems {
				cat.Tools = append(cat.Tools, Tool{Name: t.Name, InputSchema: t.InputSchema,
					ReadOnlyHint: t.Annotations.ReadOnlyHint, DestructiveHint: t.Annotations.DestructiveHint})
			}
		}
	case MethodResourcesList:
		for _, res := range page.Resources {
			if res.URI != "" && len(cat.Resources) < maxListItems {
				cat.Resources = append(cat.Resources, Resource{URI: res.URI, Name: res.Name})
			}
		}
	case MethodPromptsList:
		for _, p := range page.Prompts {
			if p.Name == "" || len(cat.Prompts) >= maxListItems {
				continue
			}
			pr := Prompt{Name: p.Name}
			for _, a := range p.Arguments {
				pr.Arguments = append(pr.Arguments, PromptArgument{Name: a.Name, Required: a.Required})
			}
			cat.Prompts = append(cat.Prompts, pr)
		}
	}
	return page.NextCursor, nil
}

// generatedArgs is the memoized outcome of toolArguments for one tool.
type generatedArgs struct {
	args Arguments
	err  error
}

// toolArguments builds arguments for tool from its listed inputSchema, once per run: the
// generation and its validation cost milliseconds of CPU for a rich schema, and every call
// of the tool sends the same arguments (the maps are only read afterwards).
func (r *Run) toolArguments(ctx context.Context, tool string) (Arguments, error) {
	r.argMu.Lock()
	defer r.argMu.Unlock()
	if g, ok := r.toolArgs[tool]; ok {
		return g.args, g.err
	}
	args, err := r.buildToolArguments(ctx, tool)
	if ctx.Err() == nil {
		if r.toolArgs == nil {
			r.toolArgs = map[string]generatedArgs{}
		}
		r.toolArgs[tool] = generatedArgs{args, err}
	}
	return args, err
}

// buildToolArguments builds arguments for tool from its listed inputSchema.
func (r *Run) buildToolArguments(ctx context.Context, tool string) (Arguments, error) {
	cat := r.catalog(ctx)
	if cat.Err != nil {
		return Arguments{}, fmt.Errorf("its inputSchema is unknown (%w)", cat.Err)
	}
	t, ok := cat.Tool(tool)
	if !ok {
		return Arguments{}, fmt.Errorf("tools/list does not list it")
	}
	args, err := generateArguments(t.InputSchema)
	if err != nil {
		return Arguments{}, err
	}
	return Arguments{Values: args, Source: "generated"}, nil
}

// promptArguments fills the prompt's required arguments with a recognisably synthetic value
// (prompt arguments are strings: MCP server/prompts "Getting a Prompt").
func (r *Run) promptArguments(ctx context.Context, name string) Arguments {
	args := map[string]any{}
	for _, p := range r.catalog(ctx).Prompts {
		if p.Name != name {
			continue
		}
		for _, a := range p.Arguments {
			if a.Required {
				args[a.Name] = "mcp-conform"
			}
		}
	}
	return Arguments{Values: args, Source: "generated"}
}
