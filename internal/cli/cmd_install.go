package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/deploy"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/views"
)

type installOptions struct {
	*GlobalOptions
	Eval       EvalOptions
	Run        RunFlags
	Machine    string
	DryRun     bool
	Reinstall  bool
	SSHTimeout time.Duration
}

var _ = register(func(g *GlobalOptions) *cobra.Command { return newInstallCommand(g, nil) })

func newInstallCommand(g *GlobalOptions, runF func(*installOptions) error) *cobra.Command {
	opts := &installOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "install MACHINE",
		Short: "Provision a machine's infrastructure, then install NixOS on it with clan machines install",
		Long: `Apply the machine's dependencies and its workspace (as apply does), read its address
from its outputs (target_host, else ipv4_address, else ipv6_address, or
settings.targetHostOutput), wait until SSH answers there, then run
'clan machines install MACHINE --target-host USER@ADDRESS --yes' with the options of the
machine's settings (or nixos-anywhere when settings.installer says so). Afterwards the
address goes to inventory.json and the outputs to machines/MACHINE/terraform-outputs.json,
committed. A machine installed before is only installed again with --reinstall.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Machine = args[0]
			return runOr(cmd.Context(), opts, runF, runInstall)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	f := cmd.Flags()
	f.BoolVar(&opts.DryRun, "dry-run", false, "print every step and command without running any")
	f.BoolVar(&opts.Reinstall, "reinstall", false, "install even though NixOS was installed on this machine before (wipes it)")
	f.DurationVar(&opts.SSHTimeout, "ssh-timeout", 0, "how long to wait for SSH (default: settings.sshTimeout, else 10m)")
	f.BoolVarP(&opts.Run.Yes, "yes", "y", false, "apply without asking")
	addParallelismFlag(f, &opts.Run.Parallelism, "how many workspaces run at once")
	return cmd
}

func runInstall(ctx context.Context, opts *installOptions) error {
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	s, err := lc.Machine(opts.Machine)
	if err != nil {
		return err
	}
	if opts.SSHTimeout > 0 {
		s.SSHTimeout = opts.SSHTimeout
	}
	order, err := selection(lc, []string{opts.Machine}, &opts.Run, true)
	if err != nil {
		return err
	}
	o := opts.appOptions(opts.Eval)
	if opts.DryRun {
		run, err := app.Open(ctx, o, lc, opts.ui(), nil)
		if err != nil {
			return err
		}
		// Outputs of an earlier apply, when there was one, make the address concrete.
		outputs, _ := run.Outputs(ctx, opts.Machine)
		steps := deploy.InstallSteps(opts.Machine, order, s, app.DeployOutputs(outputs), app.TargetHostPlan(o, lc, opts.Machine))
		return views.NewDeploy(views.KindOf(opts.JSON), streams(opts.GlobalOptions)).Steps("install "+opts.Machine, steps)
	}
	run, err := app.OpenForOperate(ctx, o, lc, opts.ui())
	if err != nil {
		return err
	}
	if _, err := operate(ctx, opts.GlobalOptions, run, operation.Apply, order, &opts.Run, app.OperateOptions{}); err != nil {
		if errors.Is(err, errDeclined) {
			return fmt.Errorf("nothing applied, so %s is not installed", opts.Machine)
		}
		return err
	}
	res, err := run.Install(ctx, opts.Machine, s, opts.Reinstall, opts.Stderr)
	if err != nil {
		return err
	}
	return views.NewDeploy(views.KindOf(opts.JSON), streams(opts.GlobalOptions)).Installed(opts.Machine, res)
}
