package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/deploy"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/views"
)

type updateOptions struct {
	*GlobalOptions
	Eval      EvalOptions
	Run       RunFlags
	Machines  []string
	DryRun    bool
	BuildHost string
}

var _ = register(func(g *GlobalOptions) *cobra.Command { return newUpdateCommand(g, nil) })

func newUpdateCommand(g *GlobalOptions, runF func(*updateOptions) error) *cobra.Command {
	opts := &updateOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "update [MACHINE...]",
		Short: "Apply what changed, then update NixOS with clan machines update",
		Long: `Apply the changed workspaces of the named machines (or --tags) and their dependencies
(as apply --changed does), write their addresses and outputs back, then run
'clan machines update' for the same machines. A machine whose instance was replaced
since its install is refused: it needs 'install --reinstall'.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Machines = args
			return runOr(cmd.Context(), opts, runF, runUpdate)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	f := cmd.Flags()
	f.StringSliceVar(&opts.Run.Tags, "tags", nil, "the machines carrying these tags")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print every step and command without running any")
	f.StringVar(&opts.BuildHost, "build-host", "", "clan machines update --build-host")
	f.BoolVarP(&opts.Run.Yes, "yes", "y", false, "apply without asking")
	addParallelismFlag(f, &opts.Run.Parallelism, "how many workspaces run at once")
	return cmd
}

func runUpdate(ctx context.Context, opts *updateOptions) error {
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	update := deploy.UpdateOptions{Machines: opts.Machines, Tags: opts.Run.Tags, BuildHost: opts.BuildHost}
	// Machines without infrastructure are updated too; only the others are applied.
	withInfra := lc.WithInfrastructure(opts.Machines)
	if opts.DryRun {
		applyArgs := append([]string(nil), withInfra...)
		for _, t := range opts.Run.Tags {
			applyArgs = append(applyArgs, "--tags", t)
		}
		steps, err := deploy.UpdateSteps(applyArgs, update)
		if err != nil {
			return err
		}
		return views.NewDeploy(views.KindOf(opts.JSON), streams(opts.GlobalOptions)).Steps("update", steps)
	}
	if _, err := deploy.UpdateCommand(update); err != nil {
		return err
	}
	if len(withInfra) > 0 || len(opts.Run.Tags) > 0 {
		run, err := app.OpenForOperate(ctx, opts.appOptions(opts.Eval), lc, opts.ui())
		if err != nil {
			return err
		}
		opts.Run.Changed = true
		selected, err := selection(lc, withInfra, &opts.Run, true)
		if err != nil {
			return err
		}
		if _, err := operate(ctx, opts.GlobalOptions, run, operation.Apply, selected, &opts.Run, app.OperateOptions{}); err != nil {
			if errors.Is(err, errDeclined) {
				return errors.New("nothing applied, so no machine is updated")
			}
			return err
		}
		if err := run.CheckUpdates(ctx, selected); err != nil {
			return err
		}
	}
	return runClanUpdate(ctx, opts.GlobalOptions, lc.Root, update)
}

func runClanUpdate(ctx context.Context, g *GlobalOptions, root string, update deploy.UpdateOptions) error {
	cmd, err := deploy.UpdateCommand(update)
	if err != nil {
		return err
	}
	return deploy.Run(ctx, root, cmd, g.Stderr, g.Stderr)
}
