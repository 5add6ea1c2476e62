package state

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/clan-terranix/clan-terranix/internal/gitcli"
)

// gitStates holds, per repository, what checkGitState learnt: one look per
// run, not one per workspace.
var gitStates sync.Map // root -> *gitState

type gitState struct {
	once    sync.Once
	rd      gitcli.Readiness
	err     error // reading the repository failed
	signErr error // commit.gpgsign is set and signing does not work
	warned  sync.Once
}

// checkGitState refuses, before tofu runs, to commit state where the commit
// would be lost: on a detached HEAD, during a rebase, merge, cherry-pick or
// revert (turned into a warning by --no-safeguards). With commit.gpgsign it
// checks that signing works; it says once that commit hooks are not run.
func (s *Session) checkGitState(ctx context.Context) error {
	g := readGitState(ctx, s.repo)
	if g.err != nil {
		return g.err
	}
	if p := g.rd.Problem(s.Paths.Root); p != "" {
		if err := s.overridable(fmt.Errorf("workspace %s: not committing state: %s, or pass --no-safeguards", s.Paths.Workspace, p)); err != nil {
			return err
		}
	}
	if g.signErr != nil {
		return g.signErr
	}
	if len(g.rd.Hooks) > 0 {
		g.warned.Do(func() {
			s.opts.Warn(fmt.Sprintf("state commits do not run the repository's git hooks (%s): clan-terranix commits only its own state files", strings.Join(g.rd.Hooks, ", ")))
		})
	}
	return nil
}

// ReadGitState reads ahead what the run's first state session will ask of
// the repository at root (see checkGitState), so that its git processes run
// while the clan is evaluated instead of before the first workspace starts.
func ReadGitState(ctx context.Context, root string) {
	readGitState(ctx, gitcli.Repo{Dir: root})
}

func readGitState(ctx context.Context, repo gitcli.Repo) *gitState {
	v, _ := gitStates.LoadOrStore(repo.Dir, &gitState{})
	g := v.(*gitState)
	g.once.Do(func() {
		g.rd, g.err = repo.Readiness(ctx)
		if g.err == nil && g.rd.Sign {
			g.signErr = repo.CheckSigning(ctx)
		}
	})
	return g
}
