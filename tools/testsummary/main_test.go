package main

import (
	"bytes"
	"strings"
	"testing"
)

// Events as `go test -json` prints them for a package with a build error, a
// failing test, and a passing test whose subtest skips.
const events = `{"ImportPath":"x/broken [x/broken.test]","Action":"build-output","Output":"broken/b.go:2:12: undefined: y\n"}
{"ImportPath":"x/broken [x/broken.test]","Action":"build-fail"}
{"Action":"output","Package":"x/broken","Output":"FAIL\tx/broken [build failed]\n"}
{"Action":"fail","Package":"x/broken","Elapsed":0,"FailedBuild":"x/broken [x/broken.test]"}
{"Action":"run","Package":"x","Test":"TestA"}
{"Action":"output","Package":"x","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"output","Package":"x","Test":"TestA","Output":"    a_test.go:3: passing log\n"}
{"Action":"output","Package":"x","Test":"TestA/sub","Output":"    a_test.go:3: no tofu\n"}
{"Action":"output","Package":"x","Test":"TestA/sub","Output":"--- SKIP: TestA/sub (0.00s)\n"}
{"Action":"skip","Package":"x","Test":"TestA/sub","Elapsed":0}
{"Action":"output","Package":"x","Test":"TestA","Output":"--- PASS: TestA (0.00s)\n"}
{"Action":"pass","Package":"x","Test":"TestA","Elapsed":0}
{"Action":"output","Package":"x","Test":"TestB","Output":"    a_test.go:4: bad\n"}
{"Action":"output","Package":"x","Test":"TestB","Output":"--- FAIL: TestB (0.00s)\n"}
{"Action":"fail","Package":"x","Test":"TestB","Elapsed":0}
{"Action":"pass","Package":"x","Test":"TestC","Elapsed":0}
{"Action":"output","Package":"x","Output":"FAIL\n"}
{"Action":"output","Package":"x","Output":"FAIL\tx\t0.002s\n"}
{"Action":"fail","Package":"x","Elapsed":0.003}
{"Action":"output","Package":"y","Output":"ok  \ty\t0.1s\n"}
{"Action":"pass","Package":"y","Elapsed":0.1}
`

func TestSummaryPrintsFailuresSkipsAndCounts(t *testing.T) {
	var out bytes.Buffer
	s := newSummary(&out)
	for _, line := range strings.Split(strings.TrimSpace(events), "\n") {
		s.line(line)
	}
	if !s.finish() {
		t.Error("finish reported success for a run with failures")
	}
	want := `broken/b.go:2:12: undefined: y
FAIL	x/broken [build failed]
--- SKIP: TestA/sub (0.00s)
    a_test.go:3: no tofu
--- FAIL: TestB (0.00s)
    a_test.go:4: bad
FAIL
FAIL	x	0.002s
ok  	y	0.1s
tests: 1 passed, 1 failed, 1 skipped
`
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
