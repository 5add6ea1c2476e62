package state

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/gitcli"
)

// StatusSnapshot is one `git status` of terraform-state/ for a whole run,
// so that a fleet of workspaces does not ask git once each (a git process
// per workspace costs a fleet run more than its commits: docs/benchmarks.md).
// Begin trusts it only where it says a state file is clean and the file is
// still the very file it was then (same file, size and modification time,
// read before git looked); anything else is asked of git again under the lock.
type StatusSnapshot struct {
	taken time.Time
	dirty map[string]bool     // state paths git status listed
	seen  map[string]identity // state paths as they were before git looked
}

// racyWindow: a file modified this close to the snapshot may have been
// modified again within the file system's timestamp granularity, unseen by
// stat; like git's "racily clean" index entries, it is asked of git again.
const racyWindow = time.Second

// identity is a file as stat saw it (nil info: no file).
type identity struct{ info os.FileInfo }

func identityOf(path string) (identity, error) {
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return identity{}, nil
	}
	return identity{info}, err
}

// same reports whether no write happened in between: a write moves the
// modification time, a replacing rename changes the file.
func (a identity) same(b identity) bool {
	if a.info == nil || b.info == nil {
		return a.info == nil && b.info == nil
	}
	return os.SameFile(a.info, b.info) && a.info.Size() == b.info.Size() && a.info.ModTime().Equal(b.info.ModTime())
}

// TakeSnapshot records the state files of ps, then asks git once about all
// of terraform-state/.
func TakeSnapshot(ctx context.Context, repo gitcli.Repo, ps []Paths) (*StatusSnapshot, error) {
	snap := &StatusSnapshot{taken: time.Now(), dirty: map[string]bool{}, seen: map[string]identity{}}
	for _, p := range ps {
		id, err := identityOf(p.Abs(p.State))
		if err != nil {
			return nil, err
		}
		snap.seen[p.State] = id
	}
	entries, err := repo.Status(ctx, clan.StateDir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		snap.dirty[e.Path] = true
	}
	return snap, nil
}

// clean reports whether the snapshot vouches for p's state file.
func (s *StatusSnapshot) clean(p Paths) bool {
	if s == nil {
		return false
	}
	then, ok := s.seen[p.State]
	if !ok || s.dirty[p.State] || (then.info != nil && then.info.ModTime().After(s.taken.Add(-racyWindow))) {
		return false
	}
	now, err := identityOf(p.Abs(p.State))
	return err == nil && now.same(then)
}
