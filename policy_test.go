// Package repo_test holds repository-wide policy tests: import boundaries between the
// project's packages (docs/architecture.md) and the rule that only cmd/ may exit the process.
package repo_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/mcp-conform/mcp-conform"

// goFile is one parsed non-generated Go file of the repository.
type goFile struct {
	path    string // slash-separated, relative to the repository root
	dir     string // package directory, relative
	test    bool
	imports []string
	file    *ast.File
	fset    *token.FileSet
}

func parseTree(t *testing.T) []goFile {
	t.Helper()
	var files []goFile
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		full, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		gf := goFile{
			path: filepath.ToSlash(path),
			dir:  filepath.ToSlash(filepath.Dir(path)),
			test: strings.HasSuffix(path, "_test.go"),
			file: full,
			fset: fset,
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			gf.imports = append(gf.imports, p)
		}
		files = append(files, gf)
		return nil
	})
	if err != nil {
		t.Fatalf("walking the tree: %v", err)
	}
	return files
}

// isStdlib reports whether an import path belongs to the standard library.
func isStdlib(p string) bool {
	first := strings.SplitN(p, "/", 2)[0]
	return !strings.Contains(first, ".")
}

// TestImportBoundaries enforces the import table of docs/architecture.md for non-test code.
func TestImportBoundaries(t *testing.T) {
	type rule struct {
		dir     string                // package directory prefix
		allowed func(imp string) bool // what it may import (besides stdlib)
		why     string                // the reason, printed on violation
	}
	rules := []rule{
		{
			dir: "mockas",
			allowed: func(p string) bool {
				return strings.HasPrefix(p, "github.com/go-jose/go-jose/v4") || p == module+"/conformance/jwtrule"
			},
			why: "mockas is importable into anyone's tests: stdlib + go-jose/v4 (+ the JWT rules, themselves stdlib + go-jose/v4) only",
		},
		{
			dir: "fixtures",
			// jsonschema-go is not an MCP SDK: it is the validator go-sdk v1.8.0 runs on tool
			// arguments, so the reference server rejects bad arguments exactly as a go-sdk server
			// does. Servers that validate otherwise (zod, mcp-go) are covered by the real-SDK tests.
			allowed: func(p string) bool {
				return strings.HasPrefix(p, "github.com/go-jose/go-jose/v4") ||
					strings.HasPrefix(p, "github.com/google/jsonschema-go/")
			},
			why: "reference servers speak MCP by hand and must not inherit an SDK's blind spots",
		},
		{
			dir: "conformance/toolargs",
			allowed: func(p string) bool {
				return strings.HasPrefix(p, "github.com/google/jsonschema-go/")
			},
			why: "tool arguments are built and validated with the JSON Schema library the official Go MCP SDK uses, nothing else",
		},
		{
			dir: "conformance/check",
			allowed: func(p string) bool {
				return strings.HasPrefix(p, "github.com/go-jose/go-jose/v4") ||
					strings.HasPrefix(p, "github.com/onsi/gomega") ||
					p == module+"/mockas" || p == module+"/conformance/toolargs" || p == module+"/conformance/safe" ||
					p == module+"/conformance/jwtrule"
			},
			why: "the check framework uses Gomega, never Ginkgo (Ginkgo is a driver in package conformance)",
		},
		{
			dir: "scenarios",
			allowed: func(p string) bool {
				return strings.HasPrefix(p, "github.com/go-jose/go-jose/v4") ||
					strings.HasPrefix(p, "github.com/onsi/gomega") ||
					p == module+"/mockas" || p == module+"/conformance/check" ||
					p == module+"/conformance/toolargs" || p == module+"/conformance/safe" ||
					p == module+"/conformance/jwtrule"
			},
			why: "checks register through conformance/check; they must not add Ginkgo nodes at init",
		},
		{
			dir: "conformance/jwtrule",
			allowed: func(p string) bool {
				return strings.HasPrefix(p, "github.com/go-jose/go-jose/v4")
			},
			why: "the JWT rules are shared with mockas: stdlib + go-jose/v4 only",
		},
		{
			dir:     "conformance/safe",
			allowed: func(string) bool { return false },
			why:     "the safety core (client, redaction, escaping) is stdlib only, importable by everything",
		},
		{
			dir: "cmd/mockas",
			allowed: func(p string) bool {
				return p == module+"/mockas" || strings.HasPrefix(p, "go.yaml.in/yaml/") ||
					strings.HasPrefix(p, "github.com/go-jose/go-jose/v4")
			},
			why: "the mockas binary is flags and config around the library",
		},
	}
	for _, f := range parseTree(t) {
		for _, imp := range f.imports {
			// No non-test code may import an MCP SDK that the suite might be testing.
			if !f.test && strings.HasPrefix(imp, "github.com/modelcontextprotocol/") {
				t.Errorf("%s imports %s: MCP SDKs are for tests only", f.path, imp)
			}
			if !f.test && strings.HasPrefix(imp, "golang.org/x/oauth2") {
				t.Errorf("%s imports %s: x/oauth2 is a test-only client", f.path, imp)
			}
			if !f.test && imp == "testing" && f.dir != "conformance" {
				t.Errorf("%s imports testing outside a test file", f.path)
			}
			for _, r := range rules {
				if f.dir != r.dir && !strings.HasPrefix(f.dir, r.dir+"/") {
					continue
				}
				if f.test || isStdlib(imp) || r.allowed(imp) {
					continue
				}
				t.Errorf("%s imports %s: %s", f.path, imp, r.why)
			}
		}
	}
}

// TestNoExitOutsideCmd enforces that library code never ends the process: only programs
// (cmd/, and package main helpers such as scripts/loadgen) may call os.Exit or log.Fatal*.
func TestNoExitOutsideCmd(t *testing.T) {
	for _, f := range parseTree(t) {
		if strings.HasPrefix(f.dir, "cmd/") || f.file.Name.Name == "main" || f.test {
			continue
		}
		ast.Inspect(f.file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			if (pkg.Name == "os" && sel.Sel.Name == "Exit") ||
				(pkg.Name == "log" && strings.HasPrefix(sel.Sel.Name, "Fatal")) {
				t.Errorf("%s: %s.%s outside cmd/", f.fset.Position(call.Pos()), pkg.Name, sel.Sel.Name)
			}
			return true
		})
	}
}

// TestOneHTTPClient enforces that every outbound request of mcp-conform goes through the one
// bounded client, conformance/safe.Client: non-test code outside its file builds no
// http.Client and uses neither http.DefaultClient nor the package-level http.Get, Head, Post
// and PostForm (which use it: no timeout, redirects followed). mockas/ and fixtures/ are
// servers that may import nothing of the suite (TestImportBoundaries), scripts/ holds
// benchmark load generators; the few outbound
// fetches a server makes (mockas fetching a client ID metadata document, a fixture reading
// a JWKS) are bounded in their own packages.
func TestOneHTTPClient(t *testing.T) {
	const home = "conformance/safe/client.go"
	exempt := func(dir string) bool {
		// scripts/ holds load generators for benchmarks (docs/benchmarks.md), not part of
		// mcp-conform: they are meant to flood a local mockas.
		for _, d := range []string{"mockas", "fixtures", "scripts"} {
			if dir == d || strings.HasPrefix(dir, d+"/") {
				return true
			}
		}
		return false
	}
	found := 0
	for _, f := range parseTree(t) {
		if f.test || exempt(f.dir) {
			continue
		}
		ast.Inspect(f.file, func(n ast.Node) bool {
			var sel *ast.SelectorExpr
			switch n := n.(type) {
			case *ast.CompositeLit:
				sel, _ = n.Type.(*ast.SelectorExpr)
				if sel != nil && sel.Sel.Name != "Client" {
					sel = nil
				}
			case *ast.SelectorExpr:
				switch n.Sel.Name {
				case "DefaultClient", "Get", "Head", "Post", "PostForm":
					sel = n
				}
			}
			if sel == nil {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "http" {
				return true
			}
			if f.path == home && sel.Sel.Name == "Client" {
				found++
				return true
			}
			t.Errorf("%s: http.%s outside %s: send requests through safe.Client, the one bounded client",
				f.fset.Position(sel.Pos()), sel.Sel.Name, home)
			return true
		})
	}
	if found != 1 {
		t.Errorf("%s builds %d http.Client values, want exactly 1 (in NewClient)", home, found)
	}
}
