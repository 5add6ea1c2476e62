package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/gitcli"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/views"
)

type unlockOptions struct {
	*GlobalOptions
	Eval      EvalOptions
	Workspace string
	Force     bool
}

var _ = register(newUnlockCommand)

func newUnlockCommand(g *GlobalOptions) *cobra.Command {
	opts := &unlockOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "unlock WORKSPACE",
		Short: "Remove a workspace lock left behind by a run that is gone",
		Long: `Remove the workspace's lock on this host and, with lock = "git", its team lock on
the git remote. Without --force only a lock whose holder is gone is removed (a
holder on another host cannot be checked: that needs --force). With --force the
lock goes even while its holder runs, which then runs unprotected.

A clan that does not evaluate can still be unlocked: then only the lock on this
host is removed, and a warning says so.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspace = args[0]
			return runUnlock(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "remove the lock even while its holder still runs")
	addEvalFlags(cmd, &opts.Eval)
	return cmd
}

func runUnlock(ctx context.Context, opts *unlockOptions) error {
	root, err := clanRoot(opts.GlobalOptions)
	if err != nil {
		return err
	}
	kind := clan.KindMachine
	if opts.Workspace == clan.SharedWorkspace {
		kind = clan.KindShared
	}
	res := views.Unlocked{Workspace: opts.Workspace}
	note := func(msg string) { res.Notes = append(res.Notes, msg) }
	lockMode, remote := state.LockModeLocal, "origin"
	// A broken config must not keep a lock stuck: evaluate for the lock
	// settings, but fall back to the local lock alone.
	if lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval); err != nil {
		warn(opts.Stderr, []string{fmt.Sprintf("cannot evaluate the clan (%s): unlocking the lock on this host only", firstLine(err.Error()))})
	} else {
		if _, ok := lc.Set.Get(opts.Workspace); !ok && !lc.IsOrphan(opts.Workspace) {
			return fmt.Errorf("no workspace %q (workspaces: %s)", opts.Workspace, strings.Join(lc.Set.Names(), ", "))
		}
		root = lc.Root
		if lc.Settings.Lock == string(state.LockModeGit) {
			lockMode = state.LockModeGit
		}
		if lc.Settings.LockRemote != "" {
			remote = lc.Settings.LockRemote
		}
	}
	p, err := state.PathsFor(root, kind, opts.Workspace)
	if err != nil {
		return err
	}
	res.Local = "removed"
	if err := state.UnlockLocal(p, opts.Force, note); err != nil {
		if !strings.HasSuffix(err.Error(), " is not locked") {
			return err
		}
		res.Local = "not locked"
	}
	if lockMode == state.LockModeGit {
		res.Remote = "removed"
		if err := state.UnlockRemote(ctx, gitcli.Repo{Dir: root}, remote, p, opts.Force, note); err != nil {
			if !strings.Contains(err.Error(), " is not locked on ") {
				return err
			}
			res.Remote = "not locked"
		}
	}
	if res.Local != "removed" && res.Remote != "removed" {
		where := ""
		if lockMode == state.LockModeGit {
			where = " (neither on this host nor on " + remote + ")"
		}
		return fmt.Errorf("workspace %s is not locked%s", opts.Workspace, where)
	}
	return views.NewState(views.KindOf(opts.JSON), streams(opts.GlobalOptions)).Unlocked(res)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
