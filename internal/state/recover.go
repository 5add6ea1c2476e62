package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
	"github.com/clan-terranix/clan-terranix/internal/gitcli"
)

// marker is written to .clan-terranix/runs/<ws>.json before a run may change
// state and removed after its commit; finding one means a run was interrupted.
type marker struct {
	Op      string `json:"op"`
	Command string `json:"command"`
	Holder  Holder `json:"holder"`
	Before  Info   `json:"before"` // the state's serial and lineage before the run
}

func writeMarker(p Paths, m marker) error {
	if err := os.MkdirAll(filepath.Dir(p.markerPath()), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(p.markerPath(), append(data, '\n'), 0o644)
}

func readMarker(p Paths) (*marker, error) {
	data, err := os.ReadFile(p.markerPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m marker
	if err := json.Unmarshal(data, &m); err != nil {
		// A marker is only ever written whole; an unreadable one still means
		// "interrupted", we just know less about the run.
		return &marker{Op: "apply"}, nil
	}
	return &m, nil
}

func removeMarker(p Paths) error {
	if err := os.Remove(p.markerPath()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// recoverInterrupted finishes what an interrupted run left: a torn state
// file is restored, uncommitted state is committed with a message saying so.
func (s *Session) recoverInterrupted(ctx context.Context) error {
	m, err := readMarker(s.Paths)
	if err != nil || m == nil {
		return err
	}
	p := s.Paths
	run := fmt.Sprintf("an earlier %q run", m.Op)
	if m.Holder.PID != 0 {
		run = fmt.Sprintf("an earlier run (%s)", m.Holder)
	}
	note := fmt.Sprintf("Committed by the next run: %s was interrupted before it committed this state.", run)
	restored, err := RestoreIfTorn(ctx, p, s.repo, s.inGit)
	if err != nil {
		return err
	}
	if restored != "" {
		s.opts.Warn(restored)
		note += " " + restored
	}
	if s.inGit {
		id, changed, err := Commit(ctx, s.repo, p, m.Op, Summary{Result: "interrupted", Note: note})
		if err != nil {
			return err
		}
		if changed {
			s.opts.Warn(fmt.Sprintf("workspace %s: %s was interrupted; committed the state it left (%.12s)", p.Workspace, run, id))
		}
		// Killed between its commit and the index update, the earlier run
		// left the user's index behind HEAD for these paths.
		if err := s.repo.SyncIndex(ctx, p.Committed()); err != nil {
			return err
		}
	}
	return removeMarker(p)
}

// RestoreIfTorn checks the workspace's state file after tofu ran (or was
// killed). When it is not valid state, it sets it aside as
// terraform.tfstate.torn-<time> and puts back the newest valid version among
// tofu's terraform.tfstate.backup and the last committed one. It returns a
// sentence for the user saying what it did ("" when the state was fine).
func RestoreIfTorn(ctx context.Context, p Paths, repo gitcli.Repo, inGit bool) (string, error) {
	_, verr := Validate(p.Abs(p.State), p.State)
	if verr == nil {
		return "", nil
	}
	if !errors.Is(verr, ErrInvalid) {
		return "", verr
	}
	type candidate struct {
		from string
		data []byte
		info Info
	}
	var candidates []candidate
	if data, err := os.ReadFile(p.Abs(p.Backup)); err == nil {
		if info, err := ValidateBytes(data, p.Backup); err == nil && info.Exists {
			candidates = append(candidates, candidate{p.Backup, data, info})
		}
	}
	if inGit {
		if data, err := repo.Run(ctx, "show", "HEAD:"+p.State); err == nil {
			if info, err := ValidateBytes([]byte(data+"\n"), "HEAD:"+p.State); err == nil && info.Exists {
				candidates = append(candidates, candidate{"the last commit", []byte(data + "\n"), info})
			}
		}
	}
	torn := p.State + ".torn-" + time.Now().UTC().Format("20060102T150405Z")
	if len(candidates) == 0 {
		// tofu's local backend creates the state file empty when it locks it,
		// so an empty file with no earlier version is a first run killed
		// before it saved anything: there is no state to lose.
		if fi, err := os.Stat(p.Abs(p.State)); err == nil && fi.Size() == 0 {
			if err := os.Rename(p.Abs(p.State), p.Abs(torn)); err != nil {
				return "", fmt.Errorf("cannot set empty state %s aside: %v", p.State, err)
			}
			return fmt.Sprintf("workspace %s: state %s was empty and has no earlier version (a first apply was killed); set it aside as %s: resources that run created may exist without state", p.Workspace, p.State, torn), nil
		}
		return "", fmt.Errorf("%v, and neither %s nor a committed version is valid state: restore it by hand", verr, p.Backup)
	}
	best := candidates[0]
	for _, c := range candidates[1:] {
		if c.info.Lineage == best.info.Lineage && c.info.Serial > best.info.Serial {
			best = c
		}
	}
	if err := os.Rename(p.Abs(p.State), p.Abs(torn)); err != nil {
		return "", fmt.Errorf("cannot set torn state %s aside: %v", p.State, err)
	}
	// 0600 as tofu writes state (less the umask): it may hold secrets.
	if err := atomicfile.Write(p.Abs(p.State), best.data, 0o600); err != nil {
		return "", fmt.Errorf("cannot restore state %s: %v", p.State, err)
	}
	serial := fmt.Sprintf(" (serial %d)", best.info.Serial)
	return fmt.Sprintf("workspace %s: %v; restored it from %s%s and kept the torn file as %s", p.Workspace, verr, best.from, serial, torn), nil
}
