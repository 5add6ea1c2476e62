package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

type stateRewriteOptions struct {
	*GlobalOptions
	Eval       EvalOptions
	All        bool
	Workspaces []string
	rekey      bool
}

func newStateEncryptCommand(g *GlobalOptions) *cobra.Command {
	opts := &stateRewriteOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "encrypt [WORKSPACE...|--all]",
		Short: "Encrypt existing plaintext state with the clan's passphrase (OpenTofu state encryption)",
		Long: `Turn on encryption first (encryption.passphraseCommand, passphraseEnv or passphraseFile in
inventory/services/terranix.nix), then run this once: each workspace's state is read
as plaintext and written back encrypted through tofu (state pull, state push), with
its lineage and serial unchanged, committed, and the plaintext backup beside it
removed. A workspace already encrypted is skipped, so after a failure run it again.
Earlier commits still hold the plaintext state: git history keeps them.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspaces = args
			return runStateRewrite(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "every workspace")
	addEvalFlags(cmd, &opts.Eval)
	return cmd
}

func newStateRekeyCommand(g *GlobalOptions) *cobra.Command {
	opts := &stateRewriteOptions{GlobalOptions: g, rekey: true}
	cmd := &cobra.Command{
		Use:   "rekey [WORKSPACE...|--all]",
		Short: "Re-encrypt state with a new passphrase",
		Long: `Rotate the state passphrase: set encryption.passphrase* to the new passphrase and
encryption.fallbackPassphraseCommand (or fallbackPassphraseEnv) to the old one, then
run this: each workspace's state is read with the old passphrase and written back
with the new one, and committed. Running it again is harmless. When every workspace
is done, remove the fallback from the settings.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspaces = args
			return runStateRewrite(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "every workspace")
	addEvalFlags(cmd, &opts.Eval)
	return cmd
}

func (o *stateRewriteOptions) command() string {
	if o.rekey {
		return "rekey"
	}
	return "encrypt"
}

// encryption is the state encryption of the rewrite, given the settings':
// encrypt reads plaintext, rekey needs the old passphrase.
func (o *stateRewriteOptions) encryption(enc *state.Encryption) (*state.Encryption, error) {
	if enc == nil {
		return nil, fmt.Errorf("state %s needs encryption in the settings: set encryption.passphraseCommand (or passphraseEnv, passphraseFile) in %s", o.command(), clan.ServiceFile)
	}
	if o.rekey {
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

func runStateRewrite(ctx context.Context, opts *stateRewriteOptions) error {
	lc, selected, run, err := prepareStateRun(ctx, opts.GlobalOptions, opts.Eval, opts.Workspaces, opts.All, opts.encryption)
	if err != nil {
		return err
	}
	runner := run.Tofu()
	log, err := stateLogFile(lc, opts.command())
	if err != nil {
		return err
	}
	defer log.Close()
	var results []stateResult
	done := 0
	for _, w := range selected {
		r := rewriteWorkspace(ctx, opts, lc, runner, run.Encryption(), w, log)
		if r.Status == stateDone {
			done++
		}
		results = append(results, r)
		if ctx.Err() != nil {
			break
		}
	}
	notes := tornLeftovers(lc, selected)
	switch {
	case opts.rekey && done > 0:
		notes = append(notes, "when every workspace is rekeyed, remove encryption.fallbackPassphrase* from "+clan.ServiceFile)
	case !opts.rekey && done > 0:
		notes = append(notes, "earlier commits still hold the plaintext state (git history keeps them); rewrite history if that matters")
	}
	return printStateResults(opts.GlobalOptions, opts.command(), results, notes)
}

// rewriteWorkspace encrypts or rekeys one workspace's state, under its lock,
// and commits it. State in a team backend is rewritten through tofu too, but
// only state in git can be checked on disk afterwards.
func rewriteWorkspace(ctx context.Context, opts *stateRewriteOptions, lc *loadedClan, runner *operation.Runner, enc *state.Encryption, w *workspace.Workspace, log io.Writer) stateResult {
	res := stateResult{Workspace: w.Name}
	fail := func(err error) stateResult {
		res.Status, res.Error = stateFailed, explainTofuError(w.Name, err, enc).Error()
		return res
	}
	if !w.Backend.IsGitState() {
		head, err := runner.RewriteState(ctx, w, log)
		if err != nil {
			return fail(err)
		}
		if !head.Exists() {
			res.Status, res.Detail = stateSkipped, "no state in "+w.Backend.Where()+" yet"
			return res
		}
		res.Status, res.Lineage, res.Serial = stateDone, head.Lineage, head.Serial
		res.Detail = fmt.Sprintf("rewritten in %s (serial %d)", w.Backend.Where(), head.Serial)
		return res
	}
	p, err := statePaths(lc.Root, w)
	if err != nil {
		return fail(err)
	}
	info, err := state.Validate(p.Abs(p.State), p.State)
	switch {
	case err != nil:
		return fail(err)
	case !info.Exists:
		res.Status, res.Detail = stateSkipped, "no state yet (never applied)"
		return res
	case !opts.rekey && info.Encrypted:
		if removed, err := state.RemovePlaintextBackup(p); err != nil {
			return fail(err)
		} else if removed {
			res.Detail = "already encrypted; removed the plaintext " + p.Backup
		} else {
			res.Detail = "already encrypted"
		}
		res.Status, res.Lineage, res.Serial = stateSkipped, info.Lineage, info.Serial
		return res
	case opts.rekey && !info.Encrypted:
		return fail(fmt.Errorf("state %s is not encrypted: run `clan-terranix state encrypt %s` first", p.State, w.Name))
	}
	s, err := beginStateSession(ctx, opts.GlobalOptions, lc, w, opts.command())
	if err != nil {
		return fail(err)
	}
	defer s.Close(ctx)
	head, rewriteErr := runner.RewriteState(ctx, w, log)
	if rewriteErr == nil {
		rewriteErr = checkRewritten(p, opts.rekey)
	}
	sum := state.Summary{Result: "failed"}
	if rewriteErr == nil {
		sum.Result = "ok"
		sum.Note = fmt.Sprintf("Rewrote the state encrypted with the clan's passphrase (lineage %s, serial %d).", head.Lineage, head.Serial)
		if opts.rekey {
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
	if err := removeStateLeftovers(lc, w, p, opts.rekey); err != nil {
		return fail(err)
	}
	res.Status, res.Commit, res.Lineage, res.Serial = stateDone, commit, head.Lineage, head.Serial
	res.Detail = fmt.Sprintf("encrypted (serial %d)", head.Serial)
	if opts.rekey {
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
func removeStateLeftovers(lc *loadedClan, w *workspace.Workspace, p state.Paths, rekey bool) error {
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

// tornLeftovers names the torn state files a crash recovery set aside: they
// may hold plaintext state, and only the user can decide to delete them.
func tornLeftovers(lc *loadedClan, selected []*workspace.Workspace) []string {
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
