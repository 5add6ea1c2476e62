// Command testsummary reads `go test -json` on stdin and prints what plain
// `go test` prints (build errors, failing tests' output, one ok/FAIL line per
// package) plus every skipped test with its reason, so a skip for a missing
// tool cannot go unnoticed, and ends with one line of counts:
//
//	tests: 41 passed, 0 failed, 2 skipped
//
// Counts are of leaf tests (a test with subtests counts as its subtests).
// It exits 1 when anything failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string // build-output and build-fail only
	Test       string
	Output     string
}

type summary struct {
	out     io.Writer
	output  map[string][]string // buffered output by package + "\x00" + test
	results map[string]string   // final action by package + "\x00" + test
	failed  bool
}

func main() {
	s := newSummary(os.Stdout)
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	for scanner.Scan() {
		s.line(scanner.Text())
	}
	if err := scanner.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "testsummary: reading go test -json:", err)
		os.Exit(2)
	}
	if s.finish() {
		os.Exit(1)
	}
}

func newSummary(out io.Writer) *summary {
	return &summary{out: out, output: map[string][]string{}, results: map[string]string{}}
}

func (s *summary) line(text string) {
	var e event
	if !strings.HasPrefix(text, "{") || json.Unmarshal([]byte(text), &e) != nil {
		fmt.Fprintln(s.out, text) // not an event: go's own messages, say
		return
	}
	key := e.Package + "\x00" + e.Test
	switch e.Action {
	case "build-output":
		fmt.Fprint(s.out, e.Output)
	case "build-fail":
		s.failed = true
	case "output":
		s.output[key] = append(s.output[key], e.Output)
	case "pass", "fail", "skip":
		if e.Action == "fail" {
			s.failed = true
		}
		if e.Test == "" {
			s.packageDone(e)
			return
		}
		s.results[key] = e.Action
		if e.Action != "pass" {
			s.print(s.output[key], false)
		}
		delete(s.output, key)
	}
}

// packageDone prints the package's closing line, and all its own output when
// it failed (a panic or a TestMain error lands there).
func (s *summary) packageDone(e event) {
	key := e.Package + "\x00"
	lines := s.output[key]
	delete(s.output, key)
	if e.Action == "fail" {
		s.print(lines, false)
		return
	}
	s.print(lines, true)
}

func (s *summary) print(lines []string, closingOnly bool) {
	// As in plain go test, a test's "--- FAIL" line comes before its log.
	sort.SliceStable(lines, func(i, j int) bool {
		return strings.HasPrefix(lines[i], "--- ") && !strings.HasPrefix(lines[j], "--- ")
	})
	for _, line := range lines {
		if strings.HasPrefix(line, "=== ") {
			continue
		}
		if closingOnly && !strings.HasPrefix(line, "ok ") && !strings.HasPrefix(line, "?") &&
			!strings.HasPrefix(line, "testing: warning") {
			continue
		}
		fmt.Fprint(s.out, line)
	}
}

// finish prints the counts and reports whether anything failed.
func (s *summary) finish() bool {
	parents := map[string]bool{}
	for key := range s.results {
		for i := strings.LastIndex(key, "/"); i > 0; i = strings.LastIndex(key[:i], "/") {
			parents[key[:i]] = true
		}
	}
	counts := map[string]int{}
	for key, result := range s.results {
		if !parents[key] {
			counts[result]++
		}
	}
	fmt.Fprintf(s.out, "tests: %d passed, %d failed, %d skipped\n", counts["pass"], counts["fail"], counts["skip"])
	return s.failed
}
