// Package internal_test holds the import rule of the module: the graph in
// DEVELOPERS.md, checked against what `go list` says the packages import.
package internal_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/clan-terranix/clan-terranix"

// graphMarker precedes the fenced block of the graph in DEVELOPERS.md.
const graphMarker = "<!-- import-graph -->"

func TestImportsFollowDevelopersGraph(t *testing.T) {
	allowed, err := readGraph(filepath.Join("..", "DEVELOPERS.md"))
	if err != nil {
		t.Fatal(err)
	}
	actual, err := moduleImports(t)
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range sortedKeys(actual) {
		may, listed := allowed[pkg]
		if !listed {
			t.Errorf("%s is not in DEVELOPERS.md's import graph: add it with what it imports (%s)", pkg, orNone(actual[pkg]))
			continue
		}
		for _, imp := range actual[pkg] {
			if !slices.Contains(may, imp) {
				t.Errorf("%s imports %s, which DEVELOPERS.md's import graph does not allow (%s may import: %s)", pkg, imp, pkg, orNone(may))
			}
		}
	}
	for _, pkg := range sortedKeys(allowed) {
		if _, ok := actual[pkg]; !ok {
			t.Errorf("DEVELOPERS.md's import graph lists %s, which is not a package of the module", pkg)
		}
	}
}

// moduleImports maps each package of the module (named as in the graph:
// internal/x as x, others by their path) to the module's packages it imports.
func moduleImports(t *testing.T) (map[string][]string, error) {
	cmd := exec.Command("go", "list", "-f", `{{if .GoFiles}}{{.ImportPath}} {{join .Imports " "}}{{end}}`, "./...")
	cmd.Dir = ".."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	graph := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkg, ok := short(fields[0])
		if !ok {
			continue
		}
		imports := []string{}
		for _, imp := range fields[1:] {
			if name, ok := short(imp); ok {
				imports = append(imports, name)
			}
		}
		graph[pkg] = imports
	}
	if len(graph) == 0 {
		t.Fatal("go list found no package in the module")
	}
	return graph, nil
}

// short names a package of the module as the graph does; ok is false for
// packages outside the module.
func short(importPath string) (string, bool) {
	rel, ok := strings.CutPrefix(importPath, module+"/")
	if !ok {
		return "", false
	}
	return strings.TrimPrefix(rel, "internal/"), true
}

// readGraph parses the fenced block after graphMarker: "pkg: imp imp ..."
// per line, "-" for none.
func readGraph(file string) (map[string][]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	_, after, ok := bytes.Cut(data, []byte(graphMarker))
	if !ok {
		return nil, fmt.Errorf("%s: no %s before the import graph", file, graphMarker)
	}
	graph := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(after))
	fences := 0
	for sc.Scan() && fences < 2 {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "```") {
			fences++
			continue
		}
		if fences != 1 || line == "" {
			continue
		}
		pkg, imports, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%s: import graph line %q: want \"package: imports...\"", file, line)
		}
		pkg = strings.TrimSpace(pkg)
		if _, dup := graph[pkg]; dup {
			return nil, fmt.Errorf("%s: import graph lists %s twice", file, pkg)
		}
		graph[pkg] = []string{}
		for _, imp := range strings.Fields(imports) {
			if imp != "-" {
				graph[pkg] = append(graph[pkg], imp)
			}
		}
	}
	if len(graph) == 0 {
		return nil, fmt.Errorf("%s: the import graph after %s is empty", file, graphMarker)
	}
	return graph, nil
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "nothing of the module"
	}
	return strings.Join(list, " ")
}
