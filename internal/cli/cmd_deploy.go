package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/deploy"
)

type deployOptions struct {
	*GlobalOptions
	Eval     EvalOptions
	Run      RunFlags
	Machines []string
	DryRun   bool
}

var _ = register(newDeployCommand)

func newDeployCommand(g *GlobalOptions) *cobra.Command {
	opts := &deployOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "deploy [MACHINE...]",
		Short: "Install machines never installed, update the others",
		Long: `For each machine (named, --tags, or --all machines with infrastructure): machines
never installed (no machines/<m>/terraform-install.json and no installedAt in
inventory.json) go through install, the others through update.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Machines = args
			return runDeploy(cmd.Context(), opts)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	f := cmd.Flags()
	f.BoolVar(&opts.Run.All, "all", false, "every machine with infrastructure")
	f.StringSliceVar(&opts.Run.Tags, "tags", nil, "the machines carrying these tags")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print every step and command without running any")
	f.BoolVarP(&opts.Run.Yes, "yes", "y", false, "apply without asking")
	addParallelismFlag(f, &opts.Run.Parallelism, "how many workspaces run at once")
	return cmd
}

func runDeploy(ctx context.Context, opts *deployOptions) error {
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	machines, err := lc.DeployMachines(opts.Machines, opts.Run.All, opts.Run.Tags)
	if err != nil {
		return err
	}
	install, update, err := deploy.SplitDeploy(lc.Root, machines)
	if err != nil {
		return err
	}
	for _, m := range install {
		err := runInstall(ctx, &installOptions{GlobalOptions: opts.GlobalOptions, Eval: opts.Eval, Run: opts.Run, Machine: m, DryRun: opts.DryRun})
		if err != nil {
			return err
		}
	}
	if len(update) == 0 {
		return nil
	}
	return runUpdate(ctx, &updateOptions{GlobalOptions: opts.GlobalOptions, Eval: opts.Eval,
		Run: RunFlags{RunFlags: app.RunFlags{Yes: opts.Run.Yes, Parallelism: opts.Run.Parallelism}}, Machines: update, DryRun: opts.DryRun})
}
