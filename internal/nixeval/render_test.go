package nixeval

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// As upstream normalises them: the hash and any name part up to the last dash.
var storePathRe = regexp.MustCompile(`/nix/store/[a-z0-9-]*-`)

// TestRenderGolden renders every testdata/render/**/*.nix file and compares
// with NAME.json (the expected config.tf.json) or NAME.err (a text the
// one-line error must contain). A ".with-nulls.nix" file renders with nulls.
// Terranix's own tests are driven from the upstream snapshot by
// TestDifferential, not copied here.
func TestRenderGolden(t *testing.T) {
	requireNix(t)
	files, _ := filepath.Glob("testdata/render/*.nix")
	if len(files) == 0 {
		t.Fatal("no golden cases found")
	}
	for _, file := range files {
		name := strings.TrimSuffix(file, ".nix")
		t.Run(strings.TrimPrefix(name, "testdata/render/"), func(t *testing.T) {
			e := &Evaluator{WithNulls: strings.HasSuffix(name, ".with-nulls")}
			r, err := e.RenderFile(context.Background(), file)
			if _, statErr := os.Stat(name + ".err"); statErr == nil {
				if err == nil {
					t.Fatalf("expected an error, got %s", r.JSON)
				}
				assertErrorMatches(t, name+".err", err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.ContainsAny(string(r.JSON), "\n") || !strings.HasPrefix(string(r.JSON), "{") {
				t.Errorf("not terranix's compact builtins.toJSON output: %q", r.JSON)
			}
			got := storePathRe.ReplaceAll(indentJSON(t, r.JSON), []byte("<nix store path>-"))
			compareGolden(t, name+".json", got, true)
			if _, err := os.Stat(name + ".warnings"); err == nil || (*update && len(r.Warnings) > 0) {
				compareGolden(t, name+".warnings", []byte(strings.Join(r.Warnings, "\n")+"\n"), true)
			}
		})
	}
}

func assertErrorMatches(t *testing.T, errFile string, err error) {
	t.Helper()
	var nixErr *Error
	if !errors.As(err, &nixErr) {
		t.Fatalf("error %v is a %T, want *nixeval.Error", err, err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	if strings.Contains(msg, "/nix/lib/") || strings.Contains(msg, "clan-terranix/nix/") {
		t.Errorf("error points into the evaluator's internals: %s", msg)
	}
	want, readErr := os.ReadFile(errFile)
	if readErr != nil {
		t.Fatal(readErr)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(want)), "\n") {
		if !strings.Contains(msg, strings.TrimSpace(line)) {
			t.Errorf("error %q does not contain %q", msg, line)
		}
	}
}
