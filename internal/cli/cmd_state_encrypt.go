package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/state"
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

func (o *stateRewriteOptions) command() string { return app.RewriteCommand(o.rekey) }

// encryption is the state encryption of the rewrite, given the settings'.
func (o *stateRewriteOptions) encryption(enc *state.Encryption) (*state.Encryption, error) {
	return app.RewriteEncryption(enc, o.rekey)
}

func runStateRewrite(ctx context.Context, opts *stateRewriteOptions) error {
	lc, selected, run, err := prepareStateRun(ctx, opts.GlobalOptions, opts.Eval, opts.Workspaces, opts.All, opts.encryption)
	if err != nil {
		return err
	}
	log, err := app.StateLogFile(lc, opts.command())
	if err != nil {
		return err
	}
	defer log.Close()
	var results []stateResult
	done := 0
	for _, w := range selected {
		r := run.RewriteState(ctx, w, opts.rekey, log)
		if r.Status == stateDone {
			done++
		}
		results = append(results, r)
		if ctx.Err() != nil {
			break
		}
	}
	notes := app.TornLeftovers(lc, selected)
	switch {
	case opts.rekey && done > 0:
		notes = append(notes, "when every workspace is rekeyed, remove encryption.fallbackPassphrase* from "+clan.ServiceFile)
	case !opts.rekey && done > 0:
		notes = append(notes, "earlier commits still hold the plaintext state (git history keeps them); rewrite history if that matters")
	}
	return printStateResults(opts.GlobalOptions, opts.command(), results, notes)
}
