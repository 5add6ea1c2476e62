package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// StateResult is what a state command did to one workspace.
type StateResult struct {
	Workspace string `json:"workspace"`
	// Status is "done", "skipped" or "failed".
	Status  string `json:"status"`
	Detail  string `json:"detail,omitempty"`
	Error   string `json:"error,omitempty"`
	Commit  string `json:"commit,omitempty"`
	Lineage string `json:"lineage,omitempty"`
	Serial  int64  `json:"serial,omitempty"`
}

const (
	StateDone    = "done"
	StateSkipped = "skipped"
	StateFailed  = "failed"
)

// MigrateState moves one workspace's state, under its lock. The steps are
// ordered so that a run killed anywhere leaves the state readable in at
// least one place, and the next run finishes the move.
func (r *Run) MigrateState(ctx context.Context, w *workspace.Workspace, to string, log io.Writer) StateResult {
	lc, runner := r.clan, r.tofu
	res := StateResult{Workspace: w.Name}
	fail := func(err error) StateResult { return r.stateFailed(res, err) }
	if w.Backend.UserDefined {
		return fail(fmt.Errorf("workspace %s declares its own %s backend in its config: move its state by hand", w.Name, w.Backend.Type))
	}
	team := w.Backend
	if team.IsGitState() {
		if to == "git" {
			res.Status, res.Detail = StateSkipped, "its state is in git already"
			return res
		}
		return fail(fmt.Errorf("workspace %s: the settings keep its state in git; set backend = { type = %q; ... } in %s first", w.Name, to, clan.ServiceFile))
	}
	if to != "git" && team.Type != to {
		return fail(fmt.Errorf("workspace %s: the settings put its state in %s, not %s", w.Name, team.Where(), to))
	}
	gitSide := workspace.GitBackend(w)
	p, err := StatePaths(lc.Root, w)
	if err != nil {
		return fail(err)
	}
	inGit, err := state.Validate(p.Abs(p.State), p.State)
	if err != nil {
		return fail(err)
	}
	if to != "git" && !inGit.Exists {
		res.Status, res.Detail = StateSkipped, "no state in git (never applied, or moved already)"
		return res
	}
	s, err := beginStateSession(ctx, r.opts, lc, r.ui, w, "migrate")
	if err != nil {
		return fail(err)
	}
	defer s.Close(ctx)
	var head operation.StateHead
	var moveErr error
	if to == "git" {
		head, moveErr = migrateToGit(ctx, runner, w, team, gitSide, inGit, log)
	} else {
		head, moveErr = migrateToTeam(ctx, runner, w, team, gitSide, p, log)
	}
	sum := state.Summary{Result: "failed"}
	if moveErr == nil {
		sum.Result = "ok"
		if to == "git" {
			sum.Note = fmt.Sprintf("State moved back into git from %s (lineage %s, serial %d).", team.Where(), head.Lineage, head.Serial)
		} else {
			sum.Note = fmt.Sprintf("State moved to %s (lineage %s, serial %d); removed from git.", team.Where(), head.Lineage, head.Serial)
		}
	}
	commit, err := s.Finish(context.WithoutCancel(ctx), sum)
	if moveErr != nil {
		return fail(moveErr)
	}
	if err != nil {
		return fail(err)
	}
	res.Status, res.Commit, res.Lineage, res.Serial = StateDone, commit, head.Lineage, head.Serial
	if to == "git" {
		res.Detail = fmt.Sprintf("moved from %s into %s (serial %d)", team.Where(), p.State, head.Serial)
	} else {
		res.Detail = fmt.Sprintf("moved to %s (serial %d)", team.Where(), head.Serial)
	}
	return res
}

// migrateToTeam copies the state in git to the team backend, unless an
// earlier, interrupted run already did, and then deletes it from git (the
// caller commits the deletion). The team backend's state is never
// overwritten when it is another state or a newer version of this one.
func migrateToTeam(ctx context.Context, runner *operation.Runner, w *workspace.Workspace, team, gitSide workspace.Backend, p state.Paths, log io.Writer) (operation.StateHead, error) {
	there, err := runner.PullState(ctx, w, team, log)
	if err != nil {
		return there, err
	}
	here, err := runner.PullState(ctx, w, gitSide, log)
	if err != nil {
		return here, err
	}
	switch {
	case !there.Exists():
		if there, err = runner.MigrateState(ctx, w, gitSide, team, log); err != nil {
			return there, err
		}
	case there.Same(here):
		// Copied by an earlier run that stopped before removing the git copy.
	default:
		return there, fmt.Errorf("workspace %s: %s already holds a state (%s) other than the one in git (%s): refusing to overwrite it; if the one in git is stale, remove %s and commit", w.Name, team.Where(), there, here, p.State)
	}
	for _, f := range []string{p.State, p.Backup} {
		if err := os.Remove(p.Abs(f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return there, fmt.Errorf("workspace %s: the state is in %s now, but %s could not be removed: %v", w.Name, team.Where(), f, err)
		}
	}
	return there, nil
}

// migrateToGit copies the team backend's state into git, unless git holds it
// already. A different state in git is never overwritten.
func migrateToGit(ctx context.Context, runner *operation.Runner, w *workspace.Workspace, team, gitSide workspace.Backend, inGit state.Info, log io.Writer) (operation.StateHead, error) {
	there, err := runner.PullState(ctx, w, team, log)
	if err != nil {
		return there, err
	}
	if !there.Exists() {
		return there, fmt.Errorf("workspace %s: %s holds no state to move", w.Name, team.Where())
	}
	if inGit.Exists {
		if inGit.Lineage == there.Lineage && inGit.Serial == there.Serial {
			return there, nil // an earlier run copied it already
		}
		return there, fmt.Errorf("workspace %s: git already holds a state (lineage %s, serial %d) other than the one in %s (%s): refusing to overwrite it", w.Name, inGit.Lineage, inGit.Serial, team.Where(), there)
	}
	head, err := runner.MigrateState(ctx, w, team, gitSide, log)
	if err != nil {
		// The team backend still holds the state: a copy in git that failed
		// the check must not be committed as if it were the state.
		p, perr := StatePaths(runner.Root(), w)
		if perr == nil {
			os.Remove(p.Abs(p.State))
			os.Remove(p.Abs(p.Backup))
		}
	}
	return head, err
}

// RewriteState encrypts (or with rekey, rekeys) one workspace's state, under its lock,
// and commits it. State in a team backend is rewritten through tofu too, but
// only state in git can be checked on disk afterwards.
func (r *Run) RewriteState(ctx context.Context, w *workspace.Workspace, rekey bool, log io.Writer) StateResult {
	lc, runner := r.clan, r.tofu
	res := StateResult{Workspace: w.Name}
	fail := func(err error) StateResult { return r.stateFailed(res, err) }
	if !w.Backend.IsGitState() {
		head, err := runner.RewriteState(ctx, w, log)
		if err != nil {
			return fail(err)
		}
		if !head.Exists() {
			res.Status, res.Detail = StateSkipped, "no state in "+w.Backend.Where()+" yet"
			return res
		}
		res.Status, res.Lineage, res.Serial = StateDone, head.Lineage, head.Serial
		res.Detail = fmt.Sprintf("rewritten in %s (serial %d)", w.Backend.Where(), head.Serial)
		return res
	}
	p, err := StatePaths(lc.Root, w)
	if err != nil {
		return fail(err)
	}
	info, err := state.Validate(p.Abs(p.State), p.State)
	switch {
	case err != nil:
		return fail(err)
	case !info.Exists:
		res.Status, res.Detail = StateSkipped, "no state yet (never applied)"
		return res
	case !rekey && info.Encrypted:
		if removed, err := state.RemovePlaintextBackup(p); err != nil {
			return fail(err)
		} else if removed {
			res.Detail = "already encrypted; removed the plaintext " + p.Backup
		} else {
			res.Detail = "already encrypted"
		}
		res.Status, res.Lineage, res.Serial = StateSkipped, info.Lineage, info.Serial
		return res
	case rekey && !info.Encrypted:
		return fail(fmt.Errorf("state %s is not encrypted: run `clan-terranix state encrypt %s` first", p.State, w.Name))
	}
	s, err := beginStateSession(ctx, r.opts, lc, r.ui, w, RewriteCommand(rekey))
	if err != nil {
		return fail(err)
	}
	defer s.Close(ctx)
	head, rewriteErr := runner.RewriteState(ctx, w, log)
	if rewriteErr == nil {
		rewriteErr = checkRewritten(p, rekey)
	}
	sum := state.Summary{Result: "failed"}
	if rewriteErr == nil {
		sum.Result = "ok"
		sum.Note = fmt.Sprintf("Rewrote the state encrypted with the clan's passphrase (lineage %s, serial %d).", head.Lineage, head.Serial)
		if rekey {
			sum.Note = fmt.Sprintf("Rewrote the state encrypted with the new passphrase (lineage %s, serial %d).", head.Lineage, head.Serial)
		}
	}
	// Finish even after a failure: it restores a torn file and commits what
	// is there, and clears the run marker.
	commit, err := s.Finish(context.WithoutCancel(ctx), sum)
	if rewriteErr != nil {
		return fail(rewriteErr)
	}
	if err != nil {
		return fail(err)
	}
	if err := removeStateLeftovers(lc, w, p, rekey); err != nil {
		return fail(err)
	}
	res.Status, res.Commit, res.Lineage, res.Serial = StateDone, commit, head.Lineage, head.Serial
	res.Detail = fmt.Sprintf("encrypted (serial %d)", head.Serial)
	if rekey {
		res.Detail = fmt.Sprintf("re-encrypted with the new passphrase (serial %d)", head.Serial)
	}
	return res
}

// checkRewritten verifies on disk what tofu claims: the state is encrypted,
// and after a rekey written under the key provider of the new passphrase.
func checkRewritten(p state.Paths, rekey bool) error {
	info, err := state.Validate(p.Abs(p.State), p.State)
	if err != nil {
		return err
	}
	if !info.Encrypted {
		return fmt.Errorf("state %s is still plaintext after writing it back encrypted: is TF_ENCRYPTION overridden in your environment?", p.State)
	}
	if rekey {
		data, err := os.ReadFile(p.Abs(p.State))
		if err != nil {
			return err
		}
		if !bytes.Contains(data, []byte(`"key_provider.pbkdf2.clan_rotated"`)) {
			return fmt.Errorf("state %s was not written with the new passphrase", p.State)
		}
	}
	return nil
}

// removeStateLeftovers deletes copies of the state the rewrite made stale:
// tofu's backup (plaintext after encrypt, old passphrase after rekey) and a
// plan file left in the work dir (plans hold state too).
func removeStateLeftovers(lc *Clan, w *workspace.Workspace, p state.Paths, rekey bool) error {
	if rekey {
		if err := os.Remove(p.Abs(p.Backup)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("cannot remove %s: %v", p.Backup, err)
		}
	} else if _, err := state.RemovePlaintextBackup(p); err != nil {
		return err
	}
	plan := filepath.Join(lc.Root, filepath.FromSlash(w.WorkDir()), clan.PlanFileName)
	if err := os.Remove(plan); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cannot remove the old plan %s: %v", plan, err)
	}
	return nil
}

// TornLeftovers names the torn state files a crash recovery set aside: they
// may hold plaintext state, and only the user can decide to delete them.
func TornLeftovers(lc *Clan, selected []*workspace.Workspace) []string {
	var notes []string
	for _, w := range selected {
		matches, _ := filepath.Glob(filepath.Join(lc.Root, filepath.FromSlash(w.StateFile())+".torn-*"))
		for _, m := range matches {
			rel, _ := filepath.Rel(lc.Root, m)
			notes = append(notes, fmt.Sprintf("%s was set aside by a crash recovery and may hold plaintext state: delete it when you no longer need it", filepath.ToSlash(rel)))
		}
	}
	return notes
}

// stateFailed is res failed with err, in one line.
func (r *Run) stateFailed(res StateResult, err error) StateResult {
	res.Status, res.Error = StateFailed, explainTofuError(res.Workspace, err, r.Encryption()).Error()
	return res
}

// explainTofuError makes a failed tofu run inside a state command one line,
// turning decryption failures into what to do about them.
func explainTofuError(ws string, err error, enc *state.Encryption) error {
	var exit *tofu.ExitError
	if enc != nil && errors.As(err, &exit) {
		if line, ok := state.ExplainDecryptError(ws, exit.Output+"\n"+strings.Join(exit.Diagnostics, "\n"), *enc); ok {
			return errors.New(line)
		}
	}
	return err
}

// StateLogFile opens the log of a state command's tofu runs.
func StateLogFile(lc *Clan, command string) (*os.File, error) {
	dir := filepath.Join(lc.Root, filepath.FromSlash(clan.RunLogDir(time.Now(), os.Getpid())))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(filepath.Join(dir, "state-"+command+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
}

// RewriteCommand names the state command of a rewrite.
func RewriteCommand(rekey bool) string {
	if rekey {
		return "rekey"
	}
	return "encrypt"
}

// RewriteEncryption is the state encryption of a rewrite, given the
// settings' (enc, nil: none): encrypt reads plaintext, rekey needs the old
// passphrase.
func RewriteEncryption(enc *state.Encryption, rekey bool) (*state.Encryption, error) {
	if enc == nil {
		return nil, fmt.Errorf("state %s needs encryption in the settings: set encryption.passphraseCommand (or passphraseEnv, passphraseFile) in %s", RewriteCommand(rekey), clan.ServiceFile)
	}
	if rekey {
		if enc.OldPassphrase == nil {
			return nil, fmt.Errorf("state rekey needs the old passphrase: set encryption.fallbackPassphraseCommand (or fallbackPassphraseEnv) to it, and encryption.passphrase* to the new one, in %s", clan.ServiceFile)
		}
	} else {
		// Read plaintext, write encrypted; an old passphrase plays no part.
		enc.OldPassphrase = nil
		enc.FromPlaintext = true
	}
	return enc, nil
}
