package nixeval

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// refusalText is in every refusal of the builtins-only evaluator
// (nix/lib/refuse.nix).
const refusalText = "the builtins-only evaluator refuses what it cannot evaluate exactly as Terranix does"

// diffCase is one Terranix module file to render three ways.
type diffCase struct {
	name, file string
	withNulls  bool
	// terranixFails is Terranix's own expectation (its tests' success =
	// false): our way of running real Terranix must agree with it.
	terranixFails *bool
}

// Outcomes of one evaluator on one case, compared with real Terranix.
const (
	outIdentical  = "identical"   // same JSON, byte for byte
	outBothRefuse = "both-refuse" // Terranix fails, and so do we
	outRefused    = "refused"     // builtins-only: the documented refusal where Terranix renders
	outDifferent  = "DIFFERENT"
)

// TestDifferential renders every case with real Terranix (the upstream
// snapshot's core on nixpkgs' lib), with clan-terranix on nixpkgs' module
// system (render --nixpkgs) and with the builtins-only evaluator (render with
// no nixpkgs), and demands the same JSON or the same failure; the
// builtins-only evaluator may instead refuse with its documented message.
// Cases: every test of Terranix's own tests/ (read from the snapshot) and
// testdata/differential. With CLAN_TERRANIX_DIFF_CORPUS=DIR the cases are the
// .nix files below DIR instead (scripts/difftest).
func TestDifferential(t *testing.T) {
	requireNix(t)
	upstream := testenv.Upstream(t)
	// The builtins-only path must not find a nixpkgs on NIX_PATH.
	t.Setenv("NIX_PATH", "")
	var cases []diffCase
	if dir := os.Getenv("CLAN_TERRANIX_DIFF_CORPUS"); dir != "" {
		cases = corpusCases(t, dir)
	} else {
		cases = append(upstreamCases(t, upstream), corpusCases(t, "testdata/differential")...)
	}
	var mu sync.Mutex
	counts := map[string]int{}
	t.Run("cases", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				onNixpkgs, onBuiltins := diffOne(t, upstream, c)
				t.Logf("difftest: %s: nixpkgs %s, builtins-only %s", c.file, onNixpkgs, onBuiltins)
				mu.Lock()
				counts["nixpkgs "+onNixpkgs]++
				counts["builtins-only "+onBuiltins]++
				mu.Unlock()
			})
		}
	})
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	summary := []string{fmt.Sprintf("%d cases", len(cases))}
	for _, k := range keys {
		summary = append(summary, fmt.Sprintf("%s %d", k, counts[k]))
	}
	t.Logf("difftest summary: %s", strings.Join(summary, ", "))
}

// diffOne renders c three ways and reports each evaluator's outcome; a
// DIFFERENT one fails the test with both renderings.
func diffOne(t *testing.T, upstream string, c diffCase) (onNixpkgs, onBuiltins string) {
	ctx := context.Background()
	want, wantErr := realTerranix(ctx, upstream, c)
	if c.terranixFails != nil && *c.terranixFails != (wantErr != nil) {
		t.Fatalf("%s: real Terranix here disagrees with its own test (expected to fail: %v; got error %v)", c.file, *c.terranixFails, wantErr)
	}
	compare := func(name string, ev *Evaluator, mayRefuse bool) string {
		r, err := ev.RenderFile(ctx, c.file)
		switch {
		case wantErr != nil && err != nil:
			return outBothRefuse
		case wantErr == nil && err == nil && bytes.Equal(r.JSON, want):
			return outIdentical
		case wantErr == nil && err != nil && mayRefuse && strings.Contains(err.Error(), refusalText):
			return outRefused
		case wantErr != nil:
			t.Errorf("%s: %s renders where Terranix fails (%v):\n%s", c.file, name, oneLine(wantErr), r.JSON)
		case err != nil:
			t.Errorf("%s: %s fails where Terranix renders:\n%v\nTerranix: %s", c.file, name, err, want)
		default:
			t.Errorf("%s: %s renders differently:\n ours:     %s\n Terranix: %s", c.file, name, r.JSON, want)
		}
		return outDifferent
	}
	onNixpkgs = compare("render --nixpkgs", &Evaluator{WithNulls: c.withNulls, Nixpkgs: filepath.Join(upstream, "nixpkgs-lib")}, false)
	onBuiltins = compare("render (builtins-only)", &Evaluator{WithNulls: c.withNulls}, true)
	return onNixpkgs, onBuiltins
}

// realTerranix is the config.tf.json text real Terranix gives for c.
func realTerranix(ctx context.Context, upstream string, c diffCase) ([]byte, error) {
	runner, err := filepath.Abs("testdata/terranix.nix")
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "nix-instantiate", "--eval", "--strict", "--json", runner,
		"--argstr", "file", c.file, "--argstr", "upstream", upstream, "--arg", "withNulls", fmt.Sprint(c.withNulls))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, stderr.String())
	}
	var text string
	if err := json.Unmarshal(out, &text); err != nil {
		return nil, err
	}
	return []byte(text), nil
}

// upstreamCases are the tests of Terranix's tests/ in the snapshot: the list
// in terranix-tests.nix (with its --with-nulls option) and the modules of the
// terranix-doc-json tests.
func upstreamCases(t *testing.T, upstream string) []diffCase {
	t.Helper()
	tests := filepath.Join(upstream, "terranix", "tests")
	expr := fmt.Sprintf(`map (c: { file = toString c.file; fails = !(c.success or true); withNulls = builtins.elem "--with-nulls" (c.options or [ ]); }) (import %s)`,
		filepath.Join(tests, "terranix-tests.nix"))
	out, err := exec.Command("nix-instantiate", "--eval", "--strict", "--json", "-E", expr).Output()
	if err != nil {
		t.Fatalf("reading Terranix's test list: %v", err)
	}
	var list []struct {
		File      string `json:"file"`
		Fails     bool   `json:"fails"`
		WithNulls bool   `json:"withNulls"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatal(err)
	}
	docJSON, _ := filepath.Glob(filepath.Join(tests, "terranix-doc-json-tests", "*.nix"))
	if len(list) == 0 || len(docJSON) == 0 {
		t.Fatalf("no tests found in %s", tests)
	}
	var cases []diffCase
	for _, c := range list {
		name := "terranix-tests/" + filepath.Base(c.File)
		if c.WithNulls {
			name += "+with-nulls"
		}
		cases = append(cases, diffCase{name: name, file: c.File, withNulls: c.WithNulls, terranixFails: &c.Fails})
	}
	for _, f := range docJSON {
		cases = append(cases, diffCase{name: "terranix-doc-json-tests/" + filepath.Base(f), file: f})
	}
	return cases
}

// corpusCases are the .nix files below dir, except in directories whose name
// starts with "_" (files a case imports); NAME.with-nulls.nix renders with nulls.
func corpusCases(t *testing.T, dir string) []diffCase {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []diffCase
	err = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != abs && strings.HasPrefix(d.Name(), "_") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".nix") {
			rel, _ := filepath.Rel(abs, path)
			cases = append(cases, diffCase{name: rel, file: path, withNulls: strings.HasSuffix(path, ".with-nulls.nix")})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("no .nix files below %s", dir)
	}
	return cases
}

func oneLine(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.LastIndex(s, "error: "); i >= 0 {
		s = s[i:]
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
