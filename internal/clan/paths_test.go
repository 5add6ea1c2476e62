package clan

import (
	"testing"
	"time"
)

// The layout is what users, their .gitignore files and older versions of the
// tool see on disk: a change here is a migration, not a refactoring.
func TestPathsOfTheLayout(t *testing.T) {
	start := time.Date(2026, 12, 7, 2, 30, 5, 0, time.UTC)
	for _, c := range []struct{ got, want string }{
		{WorkspaceStateDir(KindShared, SharedWorkspace), "terraform-state/shared"},
		{WorkspaceStateDir(KindMachine, "web"), "terraform-state/machines/web"},
		{WorkspaceWorkDir("web"), ".clan-terranix/work/web"},
		{StateOpsDir("web"), ".clan-terranix/state-ops/web"},
		{LocalLockFile("web"), ".clan-terranix/locks/web.lock"},
		{LockHolderFile("web"), ".clan-terranix/locks/web.holder.json"},
		{RunMarkerFile("web"), ".clan-terranix/runs/web.json"},
		{RunLogDir(start, 42), ".clan-terranix/logs/20261207-023005-42"},
		{InventoryLock, ".clan-terranix/inventory.lock"},
		{SSHKeyFile("web"), ".clan-terranix/ssh/web/id"},
		{EvalCacheFile, ".clan-terranix/eval-cache.json"},
		{SchemasDir, ".clan-terranix/schemas"},
		{DriftFile, ".clan-terranix/drift.json"},
		{MachineOutputsFile("web"), "machines/web/terraform-outputs.json"},
		{MachineInstallRecord("web"), "machines/web/terraform-install.json"},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
}
