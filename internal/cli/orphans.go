package cli

import (
	"fmt"
	"slices"

	"github.com/clan-terranix/clan-terranix/internal/graph"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// orphanNote is how list and status show an orphaned machine state.
func orphanNote(o workspace.Orphan) string {
	held := fmt.Sprintf("%d resources", o.Resources)
	if o.Resources < 0 {
		held = "resources (encrypted or unreadable state)"
	}
	return fmt.Sprintf("orphaned: no workspace %s any more (its machine or infrastructure is gone), its state holds %s (clan-terranix destroy %s)", o.Name, held, o.Name)
}

// adoptOrphans makes the orphaned machine states among names workspaces of
// lc, for destroy (named only: --all never destroys an orphan, whose
// machine may just be on another branch).
func adoptOrphans(lc *loadedClan, names []string) error {
	orphans, err := lc.Set.Orphans(lc.Root)
	if err != nil {
		return err
	}
	adopted := false
	for _, o := range orphans {
		if slices.Contains(names, o.Name) {
			lc.Set.AddOrphan(o)
			adopted = true
		}
	}
	if !adopted {
		return nil
	}
	lc.Graph, err = graph.New(lc.Set.Deps())
	return err
}

// isOrphan reports whether name is an orphaned machine state of lc (its
// lock can be removed, so that its destroy can run).
func isOrphan(lc *loadedClan, name string) bool {
	orphans, _ := lc.Set.Orphans(lc.Root)
	return slices.ContainsFunc(orphans, func(o workspace.Orphan) bool { return o.Name == name })
}
