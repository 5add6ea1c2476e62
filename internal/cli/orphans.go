package cli

import (
	"fmt"

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
