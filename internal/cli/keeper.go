package cli

import (
	"context"
	"fmt"

	"github.com/clan-terranix/clan-terranix/internal/changes"
	"github.com/clan-terranix/clan-terranix/internal/gitcli"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/report"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// gitKeeper commits state to git after each operation.
type gitKeeper struct {
	root string
	repo gitcli.Repo
}

func newStateKeeper(root string) operation.StateKeeper {
	return &gitKeeper{root: root, repo: gitcli.Repo{Dir: root}}
}

func (k *gitKeeper) Acquire(ctx context.Context, w *workspace.Workspace, command string) (func(), error) {
	return func() {}, nil
}

func (k *gitKeeper) Record(ctx context.Context, w *workspace.Workspace, command string, res report.Result) error {
	if !w.Backend.IsGitState() || !gitcli.IsRepo(ctx, k.root) {
		return nil
	}
	// Missing paths are committed as deletions (a destroy removes the record).
	paths := []string{w.StateFile(), w.LockFile(), changes.RecordPath(w)}
	msg := fmt.Sprintf("terraform-state: %s %s (+%d ~%d -%d)", command, w.Name, res.Add, res.Change, res.Destroy)
	if res.Status == report.StatusFailed {
		msg += " [failed]"
	}
	_, _, err := k.repo.CommitPaths(ctx, msg, paths)
	if err != nil {
		return fmt.Errorf("workspace %s: committing state: %v", w.Name, err)
	}
	return nil
}

// lockHolder describes who holds the workspace's lock, or "".
func lockHolder(lc *loadedClan, ws string) string { return "" }
