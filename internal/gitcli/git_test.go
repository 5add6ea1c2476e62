package gitcli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// isolateGit keeps the developer's git configuration out of the tests.
func isolateGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("git is not installed")
		}
		t.Skip("SKIPPING: git is not installed")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, "gitconfig"))
	t.Setenv("EMAIL", "")
	t.Setenv("GIT_COMMITTER_EMAIL", "")
}

func newRepo(t *testing.T) Repo {
	t.Helper()
	dir := t.TempDir()
	r := Repo{Dir: dir}
	mustGit(t, r, "init", "-q", "-b", "main")
	return r
}

func mustGit(t *testing.T, r Repo, args ...string) string {
	t.Helper()
	out, err := r.Run(context.Background(), args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// mustCommit commits paths with CommitPaths, failing the test on an error.
func mustCommit(t *testing.T, r Repo, message string, paths ...string) {
	t.Helper()
	if _, _, err := r.CommitPaths(context.Background(), message, paths); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, r Repo, rel, content string) {
	t.Helper()
	p := filepath.Join(r.Dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCommitPathsLeavesUserStagedChangesAlone(t *testing.T) {
	isolateGit(t)
	ctx := context.Background()
	r := newRepo(t)
	write(t, r, "README", "hello\n")
	mustCommit(t, r, "init", "README")
	write(t, r, "user.nix", "{ }\n")
	mustGit(t, r, "add", "user.nix")
	write(t, r, "terraform-state/shared/terraform.tfstate", "{}\n")
	id, changed, err := r.CommitPaths(ctx, "terraform-state: apply shared", []string{"terraform-state/shared/terraform.tfstate", "terraform-state/shared/.terraform.lock.hcl"})
	if err != nil || !changed || id == "" {
		t.Fatalf("CommitPaths = %q, %v, %v", id, changed, err)
	}
	files := mustGit(t, r, "show", "--name-only", "--format=", "HEAD")
	if files != "terraform-state/shared/terraform.tfstate" {
		t.Fatalf("commit holds %q, want only the state file", files)
	}
	status, err := r.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(status) != 1 || status[0].Path != "user.nix" || status[0].X != 'A' {
		t.Fatalf("status after commit = %+v, want user.nix still staged", status)
	}
	// Nothing changed: no new commit.
	again, changed, err := r.CommitPaths(ctx, "again", []string{"terraform-state/shared/terraform.tfstate"})
	if err != nil || changed || again != id {
		t.Fatalf("second CommitPaths = %q, %v, %v; want no commit", again, changed, err)
	}
	// A deleted file is committed as a deletion.
	os.Remove(filepath.Join(r.Dir, "terraform-state/shared/terraform.tfstate"))
	if _, changed, err := r.CommitPaths(ctx, "destroy", []string{"terraform-state/shared/terraform.tfstate"}); err != nil || !changed {
		t.Fatalf("deletion: %v %v", changed, err)
	}
	if out := mustGit(t, r, "ls-tree", "-r", "--name-only", "HEAD"); out != "README" {
		t.Fatalf("tree after deletion = %q", out)
	}
}

func TestCommitPathsUsesFallbackIdentity(t *testing.T) {
	isolateGit(t)
	r := newRepo(t)
	write(t, r, "a", "1")
	mustCommit(t, r, "first", "a")
	if got := mustGit(t, r, "log", "-1", "--format=%an <%ae>"); got != "clan-terranix <clan-terranix@localhost>" {
		t.Fatalf("author = %q", got)
	}
	mustGit(t, r, "config", "user.email", "alice@example.org")
	mustGit(t, r, "config", "user.name", "Alice")
	write(t, r, "a", "2")
	mustCommit(t, r, "second", "a")
	if got := mustGit(t, r, "log", "-1", "--format=%an <%ae>"); got != "Alice <alice@example.org>" {
		t.Fatalf("author = %q, want the user's identity", got)
	}
}

// Parallel commits of different paths, from "processes" that do not share the
// in-process mutex (each Repo value has its own Dir spelling), all land.
func TestCommitPathsConcurrent(t *testing.T) {
	isolateGit(t)
	ctx := context.Background()
	r := newRepo(t)
	write(t, r, "README", "x")
	mustCommit(t, r, "init", "README")
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			other := Repo{Dir: r.Dir + strings.Repeat("/.", i)}
			name := fmt.Sprintf("terraform-state/machines/m%d/terraform.tfstate", i)
			write(t, r, name, fmt.Sprint(i))
			if _, _, err := other.CommitPaths(ctx, "state "+name, []string{name}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := mustGit(t, r, "rev-list", "--count", "HEAD"); got != fmt.Sprint(n+1) {
		t.Fatalf("%s commits, want %d", got, n+1)
	}
	if files := mustGit(t, r, "ls-tree", "-r", "--name-only", "HEAD"); strings.Count(files, "terraform.tfstate") != n {
		t.Fatalf("tree lost a commit:\n%s", files)
	}
}

// A process that commits again takes HEAD to be its own last commit without
// asking git; a commit made by someone else in between must not be undone.
func TestCommitPathsAfterSomeoneElseCommitted(t *testing.T) {
	isolateGit(t)
	ctx := context.Background()
	r := newRepo(t)
	write(t, r, "a", "1")
	mustCommit(t, r, "a1", "a")
	other := Repo{Dir: r.Dir + "/."} // another process: its own scratch index
	write(t, r, "b", "1")
	mustCommit(t, other, "b1", "b")
	write(t, r, "a", "2")
	mustCommit(t, r, "a2", "a")
	// The same with a commit prepared ahead (HEAD's tree read early), then overtaken.
	third := Repo{Dir: r.Dir + "/./."}
	if err := third.PrepareCommit(ctx); err != nil {
		t.Fatal(err)
	}
	write(t, r, "b", "2")
	mustCommit(t, other, "b2", "b")
	write(t, r, "c", "1")
	mustCommit(t, third, "c1", "c")
	if got := mustGit(t, r, "show", "HEAD:b"); got != "2" {
		t.Fatalf("b in HEAD = %q: the commit made after the preparation was undone", got)
	}
	if got := mustGit(t, r, "log", "--format=%s"); got != "c1\nb2\na2\nb1\na1" {
		t.Fatalf("history:\n%s", got)
	}
	if st := mustGit(t, r, "status", "--porcelain"); st != "" {
		t.Fatalf("status = %q", st)
	}
}

func TestCommitChangedTellsWhichPathsChanged(t *testing.T) {
	isolateGit(t)
	ctx := context.Background()
	r := newRepo(t)
	write(t, r, "same", "1")
	write(t, r, "gone", "1")
	mustCommit(t, r, "init", "same", "gone")
	write(t, r, "new", "1")
	os.Remove(filepath.Join(r.Dir, "gone"))
	var told []string
	_, changed, err := r.CommitChanged(ctx, []string{"same", "gone", "new", "never"}, func(paths []string) string {
		told = paths
		return "changed: " + strings.Join(paths, " ")
	})
	if err != nil || !changed {
		t.Fatal(changed, err)
	}
	if strings.Join(told, " ") != "gone new" {
		t.Fatalf("changed paths = %q, want gone and new", told)
	}
}

func TestPushHeadMergesUnrelatedRemoteChanges(t *testing.T) {
	isolateGit(t)
	ctx := context.Background()
	bare := Repo{Dir: t.TempDir()}
	mustGit(t, bare, "init", "-q", "--bare", "-b", "main")
	a := newRepo(t)
	write(t, a, "README", "x")
	mustGit(t, a, "add", "README")
	mustGit(t, a, "-c", "user.email=a@a", "commit", "-qm", "init")
	mustGit(t, a, "remote", "add", "origin", bare.Dir)
	mustGit(t, a, "push", "-q", "origin", "main")
	b := Repo{Dir: t.TempDir()}
	mustGit(t, b, "clone", "-q", bare.Dir, ".")

	write(t, b, "other.nix", "{ }")
	mustCommit(t, b, "other", "other.nix")
	if err := b.PushHead(ctx, "origin", "main", nil); err != nil {
		t.Fatal(err)
	}
	write(t, a, "uncommitted-user-edit", "keep me")
	write(t, a, "terraform-state/shared/terraform.tfstate", "{}")
	mustCommit(t, a, "state", "terraform-state/shared/terraform.tfstate")
	if err := a.PushHead(ctx, "origin", "main", []string{"terraform-state/shared/terraform.tfstate"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(a.Dir, "other.nix")); err != nil {
		t.Fatal("merge did not bring the remote's file into the working tree")
	}
	if got, _ := os.ReadFile(filepath.Join(a.Dir, "uncommitted-user-edit")); string(got) != "keep me" {
		t.Fatal("user's untracked file was lost")
	}
	if mustGit(t, a, "rev-parse", "HEAD") != mustGit(t, bare, "rev-parse", "main") {
		t.Fatal("remote does not hold the merged head")
	}
	// Now the remote changes the protected path itself: refuse.
	mustGit(t, b, "pull", "-q", "--no-rebase", "origin", "main")
	write(t, b, "terraform-state/shared/terraform.tfstate", `{"b":1}`)
	b.CommitPaths(ctx, "b state", []string{"terraform-state/shared/terraform.tfstate"})
	if err := b.PushHead(ctx, "origin", "main", nil); err != nil {
		t.Fatal(err)
	}
	write(t, a, "terraform-state/shared/terraform.tfstate", `{"a":1}`)
	a.CommitPaths(ctx, "a state", []string{"terraform-state/shared/terraform.tfstate"})
	err := a.PushHead(ctx, "origin", "main", []string{"terraform-state/shared/terraform.tfstate"})
	if err == nil || !strings.Contains(err.Error(), "terraform-state/shared/terraform.tfstate changed on origin/main") {
		t.Fatalf("err = %v, want the protected path named", err)
	}
}

func TestLogAndErrors(t *testing.T) {
	isolateGit(t)
	ctx := context.Background()
	r := newRepo(t)
	if recs, err := r.Log(ctx, "%H", "x"); err != nil || len(recs) != 0 {
		t.Fatalf("log of empty repo = %v, %v", recs, err)
	}
	write(t, r, "x", "1")
	r.CommitPaths(ctx, "one\n\nbody", []string{"x"})
	write(t, r, "x", "2")
	r.CommitPaths(ctx, "two", []string{"x"})
	recs, err := r.Log(ctx, "%s", "x")
	if err != nil || len(recs) != 2 || recs[0] != "two" || recs[1] != "one" {
		t.Fatalf("log = %q, %v", recs, err)
	}
	_, err = r.Run(ctx, "rev-parse", "--verify", "nonexistent-ref")
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "git rev-parse") {
		t.Fatalf("error = %q, want one line naming the command", err)
	}
	if _, ok, err := r.RevParse(ctx, "nope"); ok || err != nil {
		t.Fatalf("RevParse(nope) = %v, %v", ok, err)
	}
	if !IsRepo(ctx, r.Dir) || IsRepo(ctx, t.TempDir()) {
		t.Fatal("IsRepo wrong")
	}
}
