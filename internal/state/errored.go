package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
)

// ErroredStateName is the file tofu writes into its working directory when
// it cannot save the state (disk full, a read-only state dir): the only
// record of what its apply created.
const ErroredStateName = "errored.tfstate"

// AdoptErrored takes over a state tofu could not save: when the workspace's
// work dir holds errored.tfstate, and it is a later version of the
// workspace's state (same lineage, serial not lower) or there is no state
// yet, it becomes the state, and the file is kept beside as
// errored.tfstate.adopted-<time>. Any other errored.tfstate stops the run
// with what to do. It returns a sentence for the user ("" when there was
// nothing to adopt).
func AdoptErrored(p Paths) (string, error) {
	rel := path.Join(p.Work, ErroredStateName)
	data, err := os.ReadFile(p.Abs(rel))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	what := fmt.Sprintf("workspace %s: tofu could not save its state and left it in %s", p.Workspace, rel)
	by := fmt.Sprintf("compare the two, put the one to keep in place of %s and remove %s", p.State, rel)
	errored, err := ValidateBytes(data, rel)
	if err != nil {
		return "", fmt.Errorf("%s, which is not usable (%v): %s", what, err, by)
	}
	current, err := Validate(p.Abs(p.State), p.State)
	if err != nil && !errors.Is(err, ErrInvalid) {
		return "", err
	}
	switch {
	case err != nil || !current.Exists:
		// No state (or a torn one, which Begin restored or refused before):
		// what tofu could not save is all there is.
	case current.Lineage != errored.Lineage:
		return "", fmt.Errorf("%s, whose lineage %s is not that of %s (%s): %s", what, errored.Lineage, p.State, current.Lineage, by)
	case errored.Serial < current.Serial:
		return "", fmt.Errorf("%s (serial %d), but %s has moved on since (serial %d): %s", what, errored.Serial, p.State, current.Serial, by)
	}
	if err := os.MkdirAll(p.Abs(p.Dir), 0o755); err != nil {
		return "", err
	}
	if err := atomicfile.Write(p.Abs(p.State), data, 0o600); err != nil {
		return "", fmt.Errorf("%s; writing it to %s failed: %v (free space, then run again)", what, p.State, err)
	}
	kept := rel + ".adopted-" + time.Now().UTC().Format("20060102T150405Z")
	if err := os.Rename(p.Abs(rel), p.Abs(kept)); err != nil {
		return "", fmt.Errorf("%s; adopted it as %s, but could not set it aside: %v", what, p.State, err)
	}
	return fmt.Sprintf("%s; adopted it as %s (serial %d, %d resources) and kept it as %s", what, p.State, errored.Serial, errored.Resources, kept), nil
}

// adoptErrored is AdoptErrored at the start of a run: the adopted state is
// committed at once, before tofu plans against it.
func (s *Session) adoptErrored(ctx context.Context) error {
	adopted, err := AdoptErrored(s.Paths)
	if err != nil || adopted == "" {
		return err
	}
	s.opts.Warn(adopted)
	if s.inGit {
		if _, _, err := Commit(ctx, s.repo, s.Paths, s.op, Summary{Result: "recovered", Note: adopted}); err != nil {
			return err
		}
	}
	return nil
}
