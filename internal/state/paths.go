// Package state keeps Terraform state trustworthy: where each workspace's
// state lives in the clan, checks that a state file is whole, per-workspace
// locks (on this host and, through the git remote, across a team), the
// safeguards run before tofu touches state, crash recovery, the git commit
// after a run and its history, and the environment tofu gets for encryption
// and credentials. internal/operation drives it through Begin/Finish/Close.
package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
	"github.com/clan-terranix/clan-terranix/internal/clan"
)

// stateGitignore keeps tofu's by-products out of git; torn files set aside by
// recovery stay on disk for inspection but are never committed.
const stateGitignore = "*.backup\n*.lock.info\n.terraform/\n*.torn-*\n"

// Paths says where a workspace's files are. All paths except Root are
// relative to the clan root (they are what git sees).
type Paths struct {
	Root      string
	Workspace string // "shared" or the machine name
	Kind      clan.Kind
	Dir       string // terraform-state/shared or terraform-state/machines/<m>
	State     string // Dir/terraform.tfstate
	LockFile  string // Dir/.terraform.lock.hcl (provider dependency lock, committed)
	Backup    string // Dir/terraform.tfstate.backup (tofu's, never committed)
	Record    string // Dir/applied.json (what the last apply saw, committed)
	Work      string // .clan-terranix/work/<ws>: the generated config, where tofu runs
}

// PathsFor returns the paths of workspace name of kind below the clan root.
func PathsFor(root string, kind clan.Kind, name string) (Paths, error) {
	switch kind {
	case clan.KindShared:
		if name != clan.SharedWorkspace {
			return Paths{}, fmt.Errorf("workspace %q: the shared workspace is called \"shared\"", name)
		}
	case clan.KindMachine:
	default:
		return Paths{}, fmt.Errorf("workspace %q: unknown kind %q (want shared or machine)", name, kind)
	}
	if err := checkName(kind, name); err != nil {
		return Paths{}, err
	}
	dir := clan.WorkspaceStateDir(kind, name)
	return Paths{
		Root:      root,
		Workspace: name,
		Kind:      kind,
		Dir:       dir,
		State:     dir + "/" + clan.StateFileName,
		LockFile:  dir + "/" + clan.LockFileName,
		Backup:    dir + "/" + clan.StateFileName + clan.BackupSuffix,
		Record:    dir + "/" + clan.RecordFileName,
		Work:      clan.WorkspaceWorkDir(name),
	}, nil
}

// Abs returns the absolute path of rel (one of the fields above).
func (p Paths) Abs(rel string) string { return filepath.Join(p.Root, filepath.FromSlash(rel)) }

// Committed are the files of the workspace that belong in git.
func (p Paths) Committed() []string { return []string{p.State, p.LockFile, p.Record} }

// CheckLinks refuses a symbolic link among the workspace's files (its state
// folder and what is in it, its lock and run marker), naming it, before
// anything is opened or created there: tofu would follow it when it writes
// terraform.tfstate or its .backup. clan.Discover checks the whole clan the
// same way; this keeps every session safe on its own.
func (p Paths) CheckLinks() error {
	if err := clan.CheckTree(p.Root, p.Dir, 1); err != nil {
		return err
	}
	for _, rel := range []string{clan.LocalLockFile(p.Workspace), clan.LockHolderFile(p.Workspace), clan.RunMarkerFile(p.Workspace)} {
		if err := clan.CheckNoLinks(p.Root, rel); err != nil {
			return err
		}
	}
	return nil
}

// keepPrivate makes the state file and tofu's backup of it 0600 at most:
// they may hold secrets. tofu keeps the mode of a state file it rewrites,
// but creates a new one (and every backup) 0666 less the umask. git tracks
// no such mode, so this changes nothing it sees.
func (p Paths) keepPrivate() error {
	for _, rel := range []string{p.State, p.Backup} {
		fi, err := os.Lstat(p.Abs(rel))
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
			continue
		}
		if err := os.Chmod(p.Abs(rel), fi.Mode().Perm()&0o600); err != nil {
			return err
		}
	}
	return nil
}

// LocalLockPath is the flock file of the workspace on this host.
func (p Paths) LocalLockPath() string {
	return p.Abs(clan.LocalLockFile(p.Workspace))
}

// holderPath is the file saying who holds the workspace's flock.
func (p Paths) holderPath() string { return p.Abs(clan.LockHolderFile(p.Workspace)) }

// RemoteLockRef is the ref on the git remote that holds the team lock.
func (p Paths) RemoteLockRef() string { return "refs/clan-terranix/locks/" + p.Workspace }

func (p Paths) markerPath() string {
	return p.Abs(clan.RunMarkerFile(p.Workspace))
}

// checkName keeps workspace names usable as one path segment and a ref
// name: Clan's rule for machine names (internal/clan owns it).
func checkName(kind clan.Kind, name string) error {
	if kind == clan.KindShared && name == clan.SharedWorkspace {
		return nil
	}
	return clan.CheckMachineName(name, "")
}

// EnsureWorkDir creates .clan-terranix/.gitignore ("*") when missing.
func EnsureWorkDir(root string) error {
	return writeIfMissing(filepath.Join(root, clan.WorkDir, ".gitignore"), "*\n")
}

// EnsureStateGitignore creates terraform-state/.gitignore when missing. It
// leaves an existing file alone: the user may have added lines. Commit calls
// it, so that the file appears together with the first state commit (created
// earlier, an untracked copy would block the user's next pull).
func EnsureStateGitignore(root string) error {
	return writeIfMissing(filepath.Join(root, clan.StateDir, ".gitignore"), stateGitignore)
}

func writeIfMissing(path, content string) error {
	if _, err := os.Stat(path); err == nil || !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, []byte(content), 0o644)
}
