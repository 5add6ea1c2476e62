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
	config, err := r.c.Set.Generate(w)
	if err != nil {
		return "", err
	}
	return changes.Check(r.c.Root, r.c.Set, w, config, r.stateExists(w))
}

// Status is changeStatus for callers outside a run (the status command).
func (r *Runner) Status(name string) (changes.Status, error) {
	w, ok := r.c.Set.Get(name)
	if !ok {
		return "", errors.New("no workspace " + name)
	}
	return r.changeStatus(w)
}

func (r *Runner) stateExists(w *workspace.Workspace) bool {
	if !w.Backend.IsGitState() {
		return true
	}
	_, err := os.Stat(filepath.Join(r.c.Root, w.StateFile()))
	return err == nil
}

// afterSuccess keeps the change record in step with the state and runs
// AfterApply or AfterDestroy; it returns the files they changed, to be
// committed with the state.
func (r *Runner) afterSuccess(ctx context.Context, kind Kind, w *workspace.Workspace, config []byte) ([]string, error) {
	if kind == Destroy {
		err := os.Remove(filepath.Join(r.c.Root, changes.RecordPath(w)))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		if r.c.AfterDestroy == nil {
			return nil, nil
		}
		return r.c.AfterDestroy(ctx, w)
	}
	// The outputs are read once (with encrypted state, a tofu process)
	// and handed to what needs them.
	outputs, err := r.Outputs(ctx, w.Name)
	if err != nil {
		return nil, err
	}
	if err := r.recordApplied(w, config, outputs); err != nil {
		return nil, err
	}
	if r.c.AfterApply == nil {
		return nil, nil
	}
	return r.c.AfterApply(ctx, w, outputs)
}

func (r *Runner) recordApplied(w *workspace.Workspace, config []byte, outputs map[string]OutputValue) error {
	values := make(map[string]any, len(outputs))
	for name, o := range outputs {
		values[name] = o.Value
	}
	rec, err := changes.NewRecord(r.c.Root, r.c.Set, w, config, values)
	if err != nil {
		return err
	}
	return changes.Write(r.c.Root, w, rec)
}
