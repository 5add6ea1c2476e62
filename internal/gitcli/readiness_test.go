package gitcli

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Readiness reads HEAD from its file: each case is checked against what git
// itself says (symbolic-ref), on a branch before and after the first commit,
// detached, in a linked worktree, with signing and a hook.
func TestReadinessAgreesWithGit(t *testing.T) {
	isolateGit(t)
	ctx := context.Background()
	r := newRepo(t)
	check := func(what string, wantDetached bool) {
		t.Helper()
		rd, err := r.Readiness(ctx)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		branch, err := r.CurrentBranch(ctx)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if rd.Detached != wantDetached || rd.Detached != (branch == "") {
			t.Errorf("%s: Detached = %v, git's branch %q, want detached %v", what, rd.Detached, branch, wantDetached)
		}
	}
	check("unborn branch", false)
	mustGit(t, r, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty", "-m", "first")
	check("on main", false)
	mustGit(t, r, "checkout", "-q", "--detach", "HEAD")
	check("detached", true)
	mustGit(t, r, "checkout", "-q", "main")

	wt := filepath.Join(t.TempDir(), "wt")
	mustGit(t, r, "worktree", "add", "-q", "-b", "side", wt)
	linked := Repo{Dir: wt}
	if rd, err := linked.Readiness(ctx); err != nil || rd.Detached {
		t.Errorf("linked worktree on a branch: %+v, %v", rd, err)
	}

	mustGit(t, r, "config", "commit.gpgsign", "true")
	if err := os.WriteFile(filepath.Join(r.Dir, ".git", "hooks", "pre-commit"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	rd, err := r.Readiness(ctx)
	if err != nil || !rd.Sign || !slices.Equal(rd.Hooks, []string{"pre-commit"}) {
		t.Errorf("signing and a hook: %+v, %v", rd, err)
	}
}
