package main

// The "## Checks" section of docs/mcp-conform.md is generated from the registry; this test
// fails when the committed document has drifted from it.

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// docPath is docs/mcp-conform.md relative to this package.
const docPath = "../../docs/mcp-conform.md"

func TestDocs_checksSectionUpToDate(t *testing.T) {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("reading %s: %v", docPath, err)
	}
	got, err := generatedSection(doc)
	if err != nil {
		t.Fatalf("%s: %v", docPath, err)
	}
	want := checksMarkdown(check.Definitions())
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s is out of date with the registry; run `go generate ./cmd/mcp-conform` (-want +got):\n%s", docPath, diff)
	}
}

func TestDocs_oneEntryPerCheck(t *testing.T) {
	md := checksMarkdown(check.Definitions())
	for _, d := range check.Definitions() {
		if n := strings.Count(md, "\n#### "+d.ID+": "); n != 1 {
			t.Errorf("%s has %d entries, want 1", d.ID, n)
		}
	}
}

func TestDocs_stdoutMatchesGenerator(t *testing.T) {
	r := runInProcess(t, nil, "docs")
	wantCode(t, r, exitOK, "docs")
	if diff := cmp.Diff(checksMarkdown(check.Definitions()), r.stdout); diff != "" {
		t.Errorf("mcp-conform docs (-want +got):\n%s", diff)
	}
}

func TestReplaceSection(t *testing.T) {
	tests := []struct {
		name, doc, want string
		wantErr         error
	}{
		{
			name: "replaces between markers",
			doc:  "intro\n" + beginChecks + "\nold\n" + endChecks + "\nafter\n",
			want: "intro\n" + beginChecks + "\nNEW\n" + endChecks + "\nafter\n",
		},
		{
			name: "empty section",
			doc:  beginChecks + "\n" + endChecks + "\n",
			want: beginChecks + "\nNEW\n" + endChecks + "\n",
		},
		{name: "no markers", doc: "nothing\n", wantErr: errNoMarkers},
		{name: "end before begin", doc: endChecks + "\n" + beginChecks + "\n", wantErr: errNoMarkers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := replaceSection([]byte(tt.doc), "NEW\n")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, string(got)); tt.wantErr == nil && diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDocs_update(t *testing.T) {
	path := t.TempDir() + "/doc.md"
	doc := "# Title\n\n" + beginChecks + "\nstale\n" + endChecks + "\n\nTail.\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runInProcess(t, nil, "docs", "--update", path)
	wantCode(t, r, exitOK, "docs", "--update", path)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "# Title\n\n" + beginChecks + "\n" + checksMarkdown(check.Definitions()) + endChecks + "\n\nTail.\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("updated document (-want +got):\n%s", diff)
	}
}
