// Package lint holds the suite lint: a test-only package (see lint_test.go) that previews the
// Ginkgo spec tree of package conformance and checks it against the requirement registry. It
// is its own test binary because Ginkgo's spec tree is process-global.
package lint
