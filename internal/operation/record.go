package operation

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/clan-terranix/clan-terranix/internal/changes"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// changeStatus compares the workspace's generated config and the upstream
// outputs it reads against the record of its last apply. No tofu process.
func (r *Runner) changeStatus(w *workspace.Workspace) (changes.Status, error) {
	config, err := r.Set.Generate(w)
	if err != nil {
		return "", err
	}
	return changes.Check(r.Root, r.Set, w, config, r.stateExists(w))
}

// Status is changeStatus for callers outside a run (the status command).
func (r *Runner) Status(name string) (changes.Status, error) {
	w, ok := r.Set.Get(name)
	if !ok {
		return "", errors.New("no workspace " + name)
	}
	return r.changeStatus(w)
}

func (r *Runner) stateExists(w *workspace.Workspace) bool {
	if !w.Backend.IsGitState() {
		return true
	}
	_, err := os.Stat(filepath.Join(r.Root, w.StateFile()))
	return err == nil
}

// afterSuccess keeps the change record in step with the state and runs
// AfterApply or AfterDestroy; it returns the files they changed, to be
// committed with the state.
func (r *Runner) afterSuccess(ctx context.Context, kind Kind, w *workspace.Workspace, config []byte) ([]string, error) {
	if kind == Destroy {
		err := os.Remove(filepath.Join(r.Root, changes.RecordPath(w)))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		if r.AfterDestroy == nil {
			return nil, nil
		}
		return r.AfterDestroy(ctx, w)
	}
	if err := r.recordApplied(ctx, w, config); err != nil {
		return nil, err
	}
	if r.AfterApply == nil {
		return nil, nil
	}
	return r.AfterApply(ctx, w)
}

func (r *Runner) recordApplied(ctx context.Context, w *workspace.Workspace, config []byte) error {
	outputs, err := r.Outputs(ctx, w.Name)
	if err != nil {
		return err
	}
	values := make(map[string]any, len(outputs))
	for name, o := range outputs {
		values[name] = o.Value
	}
	rec, err := changes.NewRecord(r.Root, r.Set, w, config, values)
	if err != nil {
		return err
	}
	return changes.Write(r.Root, w, rec)
}
