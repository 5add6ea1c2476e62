package gitcli

import (
	"context"
	"os"
	"testing"
)

// IndexWith tracks an untracked file in a copy of the index only: a program
// given the copy lists it, the user's index and status do not change.
func TestIndexWithLeavesTheUserIndexAlone(t *testing.T) {
	r := newRepo(t)
	write(t, r, "flake.nix", "{ }")
	mustCommit(t, r, "initial", "flake.nix")
	write(t, r, "inventory.json", "{}")
	before := mustGit(t, r, "status", "--porcelain")
	env, cleanup, err := r.IndexWith(context.Background(), "inventory.json")
	if err != nil {
		t.Fatal(err)
	}
	listed, err := r.RunEnv(context.Background(), []string{env}, "ls-files")
	if err != nil || listed != "flake.nix\ninventory.json" {
		t.Errorf("ls-files with the copy: %q %v", listed, err)
	}
	if after := mustGit(t, r, "status", "--porcelain"); after != before || before != "?? inventory.json" {
		t.Errorf("status changed: %q -> %q", before, after)
	}
	cleanup()
	if _, err := os.Stat(env[len("GIT_INDEX_FILE="):]); !os.IsNotExist(err) {
		t.Errorf("copy left behind: %v", err)
	}
}
