package gitcli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Readiness says whether a commit made now lands where the user will find
// it: on a branch, with no rebase, merge, cherry-pick or revert in progress
// (`git rebase --abort` and the like move HEAD back and drop it).
type Readiness struct {
	Detached   bool
	InProgress string // "rebase", "merge", "cherry-pick", "revert" or ""
	// Sign is commit.gpgsign: every commit is signed (commit-tree -S).
	Sign bool
	// Hooks are the commit hooks the repository has; commits made through
	// commit-tree never run them.
	Hooks []string
}

// Problem is why state must not be committed now, or "".
func (r Readiness) Problem(dir string) string {
	switch {
	case r.InProgress != "":
		return fmt.Sprintf("a git %s is in progress in %s: finish it or abort it first (a state commit made now would be lost by `git %s --abort`)", r.InProgress, dir, r.InProgress)
	case r.Detached:
		return fmt.Sprintf("HEAD is detached in %s: check out a branch first (a state commit on a detached HEAD is lost at the next checkout)", dir)
	}
	return ""
}

// inProgress maps the files git keeps during an operation to its name.
var inProgress = []struct{ file, op string }{
	{"rebase-merge", "rebase"},
	{"rebase-apply", "rebase"},
	{"MERGE_HEAD", "merge"},
	{"CHERRY_PICK_HEAD", "cherry-pick"},
	{"REVERT_HEAD", "revert"},
}

var commitHooks = []string{"pre-commit", "prepare-commit-msg", "commit-msg", "post-commit"}

// Readiness reads the repository's state for committing. It runs before
// the first workspace of a run starts, so its two git processes run side by
// side and HEAD is read from the file git keeps it in (a symbolic ref is
// "ref: refs/heads/<branch>", a detached HEAD a bare commit id; only a
// reftable repository needs a third process).
func (r Repo) Readiness(ctx context.Context) (Readiness, error) {
	var rd Readiness
	sign := make(chan bool, 1)
	go func() {
		v, _ := r.Run(ctx, "config", "--bool", "commit.gpgsign")
		sign <- v == "true"
	}()
	out, err := r.Run(ctx, "rev-parse", "--absolute-git-dir", "--git-path", "hooks")
	rd.Sign = <-sign
	if err != nil {
		return rd, err
	}
	signing.Store(r.Dir, rd.Sign)
	gitDir, hooksDir, _ := strings.Cut(out, "\n")
	if !filepath.IsAbs(hooksDir) {
		hooksDir = filepath.Join(r.Dir, hooksDir)
	}
	for _, f := range inProgress {
		if _, err := os.Lstat(filepath.Join(gitDir, f.file)); err == nil {
			rd.InProgress = f.op
			break
		}
	}
	head, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return rd, fmt.Errorf("reading HEAD of %s: %w", r.Dir, err)
	}
	rd.Detached = !strings.HasPrefix(string(head), "ref: refs/heads/")
	if strings.HasPrefix(string(head), "ref: refs/heads/.invalid") {
		// A reftable repository keeps HEAD elsewhere: ask git.
		branch, err := r.CurrentBranch(ctx)
		if err != nil {
			return rd, err
		}
		rd.Detached = branch == ""
	}
	for _, h := range commitHooks {
		if fi, err := os.Stat(filepath.Join(hooksDir, h)); err == nil && fi.Mode()&0o111 != 0 {
			rd.Hooks = append(rd.Hooks, h)
		}
	}
	return rd, nil
}

// signing remembers per repository whether commits are signed, read once
// per process by CommitTree.
var signing sync.Map // dir -> bool

// CheckSigning makes a signed commit object (never referenced) to learn
// before anything changes whether signing works.
func (r Repo) CheckSigning(ctx context.Context) error {
	tree, err := r.EmptyTree(ctx)
	if err != nil {
		return err
	}
	if _, err := r.runInput(ctx, nil, []byte("clan-terranix signing check\n"), append(r.identityArgs(ctx), "commit-tree", "-S", tree, "-F", "-")...); err != nil {
		return fmt.Errorf("commit.gpgsign is set in %s, but signing a commit failed: %v; make signing work (gpg-agent, user.signingkey)", r.Dir, err)
	}
	return nil
}

func (r Repo) signs(ctx context.Context) bool {
	if v, ok := signing.Load(r.Dir); ok {
		return v.(bool)
	}
	v, _ := r.Run(ctx, "config", "--bool", "commit.gpgsign")
	signing.Store(r.Dir, v == "true")
	return v == "true"
}
