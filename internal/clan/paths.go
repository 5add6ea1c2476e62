package clan

import (
	"fmt"
	"path"
	"time"
)

// This file is the one owner of where the tool keeps what it writes in a
// clan: the committed state under StateDir, the machine files it writes
// back, and its private work area under WorkDir. Every other package
// derives its paths from here, so that a move is one edit. Paths are
// relative to the clan root and slash-separated (what git sees); callers
// join them to the root with filepath.FromSlash.

// Kind tells the shared workspace from a machine's.
type Kind string

const (
	KindShared  Kind = "shared"
	KindMachine Kind = "machine"
)

// The committed state of every workspace.
const (
	StateDir = "terraform-state"
	// MachineStateDir holds one folder per machine workspace.
	MachineStateDir = StateDir + "/machines"
	StateFileName   = "terraform.tfstate"
	// LockFileName is the provider dependency lock, kept beside the state
	// and copied into the work dir.
	LockFileName = ".terraform.lock.hcl"
	// RecordFileName is the change record of the last apply (internal/changes).
	RecordFileName = "applied.json"
	// BackupSuffix is what tofu appends to the state file for its backup.
	BackupSuffix = ".backup"
)

// The tool's own area: never committed (it holds a .gitignore "*").
const (
	WorkDir = ".clan-terranix"
	// LocksDir holds each workspace's flock and its holder.
	LocksDir = WorkDir + "/locks"
	// RunsDir holds each workspace's run marker (crash recovery).
	RunsDir = WorkDir + "/runs"
	// LogsDir holds one folder of tofu logs per run.
	LogsDir = WorkDir + "/logs"
	// InventoryLock serialises writers of inventory.json (write-back).
	InventoryLock = WorkDir + "/inventory.lock"
	// EvalCacheFile is the evaluation cache (internal/nixeval).
	EvalCacheFile = WorkDir + "/eval-cache.json"
	// SchemasDir caches provider schemas (internal/check).
	SchemasDir = WorkDir + "/schemas"
	// DriftFile keeps what the last `drift` found per workspace, for `report`.
	DriftFile    = WorkDir + "/drift.json"
	workDirs     = WorkDir + "/work"
	stateOpsDirs = WorkDir + "/state-ops"
)

// Files in a workspace's work dir.
const (
	// PlanFileName is the saved plan an apply runs.
	PlanFileName = "tfplan"
	// InitStampFile, under the work dir's .terraform/, says with what the
	// last init ran.
	InitStampFile = ".terraform/clan-terranix-init.stamp"
)

// Files the tool writes into a machine's folder.
const (
	// OutputsFile holds the machine's non-sensitive outputs as
	// {"name": value}, written after each apply (deploy's write-back); the
	// NixOS module reads it as clan.terranix.outputs, no Terranix evaluation
	// does.
	OutputsFile = "terraform-outputs.json"
	// InstallRecordName remembers which instance NixOS was installed on
	// (internal/deploy); committed.
	InstallRecordName = "terraform-install.json"
)

// WorkspaceStateDir is the folder of a workspace's state. It does not check
// the name: state.PathsFor does, before anything is created there.
func WorkspaceStateDir(kind Kind, name string) string {
	if kind == KindShared {
		return path.Join(StateDir, name)
	}
	return path.Join(MachineStateDir, name)
}

// WorkspaceWorkDir is where a workspace's config is generated and tofu runs.
// All work dirs are at the same depth (see workspace.fromWorkDir).
func WorkspaceWorkDir(name string) string { return path.Join(workDirs, name) }

// StateOpsDir is the scratch work dir of `state` commands on a workspace.
func StateOpsDir(name string) string { return path.Join(stateOpsDirs, name) }

// LocalLockFile is the flock file of a workspace on this host.
func LocalLockFile(name string) string { return path.Join(LocksDir, name+".lock") }

// LockHolderFile says who holds a workspace's flock.
func LockHolderFile(name string) string { return path.Join(LocksDir, name+".holder.json") }

// RunMarkerFile marks a workspace whose run may have changed its state.
func RunMarkerFile(name string) string { return path.Join(RunsDir, name+".json") }

// SSHKeyFile is where install keeps a machine's private key taken from an
// output (settings.sshKeyOutput): in the work area, which git ignores, so the
// key is never committed.
func SSHKeyFile(m string) string { return path.Join(WorkDir, "ssh", m, "id") }

// RunLogDir is the log folder of the run of process pid started at start.
func RunLogDir(start time.Time, pid int) string {
	return path.Join(LogsDir, start.Format("20060102-150405")+fmt.Sprintf("-%d", pid))
}

// MachineOutputsFile is machines/<m>/terraform-outputs.json.
func MachineOutputsFile(m string) string { return path.Join(MachinesDir, m, OutputsFile) }

// MachineInstallRecord is machines/<m>/terraform-install.json.
func MachineInstallRecord(m string) string { return path.Join(MachinesDir, m, InstallRecordName) }
