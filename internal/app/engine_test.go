package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// The engine looked up while Nix evaluates is the run's engine: its
// `tofu version` (the user's cache is empty here) runs once, not again
// after the evaluation. Settings naming another engine find that one. Real
// tofu, behind a wrapper on PATH that counts its starts.
func TestEngineLookedUpDuringTheEvaluation(t *testing.T) {
	ctx := context.Background()
	tc := testenv.Tools(t)
	bin := t.TempDir()
	starts := filepath.Join(t.TempDir(), "starts")
	wrapper := "#!/bin/sh\necho \"$*\" >> " + starts + "\nexec " + tc.Tofu + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "tofu"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)                   // the wrapper needs nothing else
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // no version cached

	c := &Clan{Settings: &clan.Settings{}, engine: startEngineLookup(ctx, "")}
	engine, err := FindEngine(ctx, Options{}, c)
	if err != nil || engine.Name != "tofu" || engine.Version == "" {
		t.Fatalf("engine %+v, %v", engine, err)
	}
	data, _ := os.ReadFile(starts)
	if got := strings.Count(string(data), "version"); got != 1 {
		t.Errorf("tofu version ran %d times, want 1:\n%s", got, data)
	}

	c = &Clan{Settings: &clan.Settings{Engine: "terraform"}, engine: startEngineLookup(ctx, "")}
	if _, err := FindEngine(ctx, Options{}, c); err == nil || !strings.Contains(err.Error(), "terraform not found on PATH") {
		t.Errorf("settings naming terraform (not on PATH) got the engine looked up for none: %v", err)
	}
}
