package operation

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// InitWorkDir writes the work dir of the named workspace and initialises it
// when needed; it returns the work dir. Init output goes to log.
func (r *Runner) InitWorkDir(ctx context.Context, name string, log io.Writer) (*workspace.Workspace, string, error) {
	w, ok := r.c.Set.Get(name)
	if !ok {
		return nil, "", fmt.Errorf("no workspace %q", name)
	}
	dir, config, inv, err := r.setUp(w, log)
	if err != nil {
		return nil, "", err
	}
	if _, err := r.ensureInit(ctx, dir, filepath.Join(r.c.Root, w.LockFile()), config, inv); err != nil {
		return nil, "", fmt.Errorf("workspace %s: init failed: %v", name, err)
	}
	return w, dir, nil
}

// Raw runs any tofu command in the workspace with the same backend and
// environment as the other operations, under the workspace lock, and records
// the state afterwards (state mv, import and the like change it).
func (r *Runner) Raw(ctx context.Context, name string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	w, ok := r.c.Set.Get(name)
	if !ok {
		return fmt.Errorf("no workspace %q", name)
	}
	command := "tofu"
	if len(args) > 0 {
		command = "tofu " + args[0]
	}
	if r.c.Keeper != nil {
		lease, err := r.c.Keeper.Acquire(ctx, w, command)
		if err != nil {
			return err
		}
		defer lease.Release()
	}
	_, dir, err := r.InitWorkDir(ctx, name, stderr)
	if err != nil {
		return err
	}
	env, err := r.envFor(w)
	if err != nil {
		return err
	}
	runErr := r.c.Engine.Run(ctx, tofu.Invocation{Dir: dir, Args: args, Env: env, Stdin: stdin, Stdout: stdout, Log: stderr})
	if r.c.Keeper != nil {
		if err := r.c.Keeper.Record(context.WithoutCancel(ctx), w, command, outcome.Result{Workspace: name}, nil); err != nil && runErr == nil {
			return err
		}
	}
	return runErr
}

// envFor is the environment tofu gets in workspace w.
func (r *Runner) envFor(w *workspace.Workspace) ([]string, error) {
	if r.c.EnvFor == nil {
		return r.c.Env, nil
	}
	own, err := r.c.EnvFor(w)
	if err != nil {
		return nil, err
	}
	return append(append([]string(nil), r.c.Env...), own...), nil
}
