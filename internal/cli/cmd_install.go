package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/deploy"
	"github.com/clan-terranix/clan-terranix/internal/gitcli"
	"github.com/clan-terranix/clan-terranix/internal/nixeval"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
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

var _ = register(newInstallCommand)

func newInstallCommand(g *GlobalOptions) *cobra.Command {
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
			return runInstall(cmd.Context(), opts)
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
	s, err := machineSettings(lc, opts.Machine)
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
	runner, err := newRunner(ctx, opts.GlobalOptions, lc)
	if err != nil {
		return err
	}
	if opts.DryRun {
		// Outputs of an earlier apply, when there was one, make the address concrete.
		outputs, _ := machineOutputs(ctx, runner, opts.Machine)
		steps := deploy.InstallSteps(opts.Machine, order, s, outputs, targetHostPlan(opts.GlobalOptions, lc, opts.Machine))
		if opts.JSON {
			return writeJSON(opts.Stdout, steps)
		}
		return deploy.WriteSteps(opts.Stdout, "install "+opts.Machine, steps)
	}
	if _, err := operate(ctx, opts.GlobalOptions, runner, lc, operation.Apply, order, &opts.Run); err != nil {
		return err
	}
	outputs, err := machineOutputs(ctx, runner, opts.Machine)
	if err != nil {
		return err
	}
	res, err := deploy.Install(ctx, deploy.InstallRequest{
		Root: lc.Root, Machine: opts.Machine, Settings: s, Outputs: outputs, Reinstall: opts.Reinstall,
		NixSetsTargetHost: lc.Eval.Machines[opts.Machine].TargetHostSetByNix,
		Checker:           targetHostChecker(ctx, opts.GlobalOptions, lc),
		Progress:          opts.Stderr, Stdout: opts.Stderr, Stderr: opts.Stderr,
	})
	var refused *deploy.RefusedError
	if err != nil && !errors.As(err, &refused) {
		return err
	}
	warn(opts.Stderr, res.Notes)
	if err := commitPaths(ctx, lc.Root, res.CommitMessage, res.Paths); err != nil {
		return err
	}
	if refused != nil {
		// Installed, but Clan will not find the machine at this address: say so and fail.
		return refused
	}
	if opts.JSON {
		return writeJSON(opts.Stdout, map[string]any{"machine": opts.Machine, "targetHost": res.TargetHost, "command": res.Command.String(), "written": res.Paths})
	}
	fmt.Fprintf(opts.Stdout, "installed %s on %s\n", opts.Machine, res.TargetHost)
	return nil
}

// machineSettings returns the install settings of a machine's workspace.
func machineSettings(lc *loadedClan, machine string) (deploy.Settings, error) {
	w, ok := lc.Set.Get(machine)
	if !ok || w.Kind != clan.KindMachine {
		var machines []string
		for _, n := range lc.Set.Names() {
			if w, _ := lc.Set.Get(n); w.Kind == clan.KindMachine {
				machines = append(machines, n)
			}
		}
		return deploy.Settings{}, fmt.Errorf("machine %s has no infrastructure workspace (machines with one: %s)", machine, strings.Join(machines, ", "))
	}
	return lc.machineSettings(w)
}

// machineOutputs reads a workspace's outputs from its state.
func machineOutputs(ctx context.Context, runner *operation.Runner, machine string) (map[string]deploy.Output, error) {
	values, err := runner.Outputs(ctx, machine)
	if err != nil {
		return nil, err
	}
	outputs := make(map[string]deploy.Output, len(values))
	for name, v := range values {
		outputs[name] = deploy.Output{Value: v.Value, Sensitive: v.Sensitive}
	}
	return outputs, nil
}

// writeBack records a machine workspace's address (inventory.json) and
// outputs (machines/<m>/terraform-outputs.json) after each successful apply;
// the operation commits them with the state, and undoes them after a
// destroy. Workspaces run in parallel and share inventory.json: deploy
// edits it under an flock.
type writeBack struct {
	g  *GlobalOptions
	lc *loadedClan
	// runner reads the outputs; set once the runner exists.
	runner *operation.Runner
	// checker judges the run's targetHosts (nil: nothing to judge them by).
	checker *deploy.Checker
}

func (wb *writeBack) afterApply(ctx context.Context, w *workspace.Workspace) ([]string, error) {
	s, ok, err := writeBackSettings(wb.lc, w)
	if !ok || err != nil {
		return nil, err
	}
	outputs, err := machineOutputs(ctx, wb.runner, w.Name)
	if err != nil {
		return nil, err
	}
	res, err := deploy.WriteBack(deploy.WriteBackRequest{Root: wb.lc.Root, Machine: w.Name, Outputs: outputs, Settings: s,
		NixSetsTargetHost: wb.lc.Eval.Machines[w.Name].TargetHostSetByNix,
		Checker:           wb.checker})
	// Notes about a missing address matter to install, not to every apply. A
	// refused targetHost fails the workspace with its reason; the outputs
	// written still go into the commit.
	return res.Paths, err
}

// targetHostChecker judges the write-back's targetHosts: in flake mode with
// the clan's own inventory, the clan must still evaluate with them,
// inventory.json counted in even before git tracks it. Without it (no flake,
// or no clan output) there is nothing Clan would evaluate differently from
// what the guard already knows.
func targetHostChecker(ctx context.Context, g *GlobalOptions, lc *loadedClan) *deploy.Checker {
	if !g.Flake || lc.Eval.Inventory != nixeval.InventoryClan {
		return nil
	}
	return deploy.NewChecker(lc.Root, func() (map[string]*string, error) {
		var env []string
		if gitcli.IsRepo(ctx, lc.Root) {
			// An inventory.json git ignores stays out, as it stays out of the
			// clan's flake: the check then judges what Clan sees.
			if index, cleanup, err := (gitcli.Repo{Dir: lc.Root}).IndexWith(ctx, deploy.InventoryFile); err == nil {
				defer cleanup()
				env = append(env, index)
			}
		}
		return (&nixeval.Evaluator{Flake: true}).TargetHosts(ctx, lc.Root, env...)
	})
}

// targetHostPlan is what install's write-back will do with the machine's targetHost.
func targetHostPlan(g *GlobalOptions, lc *loadedClan, machine string) deploy.TargetHostPlan {
	m := lc.Eval.Machines[machine]
	return deploy.TargetHostPlan{NixSets: m.TargetHostSetByNix, NixValue: m.TargetHost,
		Checked: g.Flake && lc.Eval.Inventory == nixeval.InventoryClan}
}

// afterDestroy undoes a machine's write-back once its infrastructure is gone.
func (wb *writeBack) afterDestroy(ctx context.Context, w *workspace.Workspace) ([]string, error) {
	s, ok, err := writeBackSettings(wb.lc, w)
	if !ok || err != nil {
		return nil, err
	}
	return deploy.ForgetMachine(wb.lc.Root, w.Name, s)
}

// writeBackSettings are the deploy settings of a machine workspace; ok is
// false for the others, which have no write-back.
func writeBackSettings(lc *loadedClan, w *workspace.Workspace) (s deploy.Settings, ok bool, err error) {
	if w.Kind != clan.KindMachine {
		return s, false, nil
	}
	s, err = lc.machineSettings(w)
	return s, true, err
}

// commitPaths commits exactly paths when the clan is a git repository.
func commitPaths(ctx context.Context, root, message string, paths []string) error {
	if len(paths) == 0 || !gitcli.IsRepo(ctx, root) {
		return nil
	}
	if _, _, err := (gitcli.Repo{Dir: root}).CommitPaths(ctx, message, paths); err != nil {
		return fmt.Errorf("committing %s: %v", strings.Join(paths, ", "), err)
	}
	return nil
}
