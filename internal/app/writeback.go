package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/deploy"
	"github.com/clan-terranix/clan-terranix/internal/gitcli"
	"github.com/clan-terranix/clan-terranix/internal/nixeval"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// writeBack records a machine workspace's address (inventory.json) and
// outputs (machines/<m>/terraform-outputs.json) after each successful apply;
// the operation commits them with the state, and undoes them after a
// destroy. Workspaces run in parallel and share inventory.json: deploy
// edits it under an flock.
type writeBack struct {
	c *Clan
	// checker judges the run's targetHosts (nil: nothing to judge them by).
	checker *deploy.Checker
}

func (wb writeBack) afterApply(w *workspace.Workspace, outputs map[string]operation.OutputValue) ([]string, error) {
	s, ok, err := writeBackSettings(wb.c, w)
	if !ok || err != nil {
		return nil, err
	}
	res, err := deploy.WriteBack(deploy.WriteBackRequest{Root: wb.c.Root, Machine: w.Name, Outputs: DeployOutputs(outputs), Settings: s,
		NixSetsTargetHost: wb.c.Eval.Machines[w.Name].TargetHostSetByNix,
		Checker:           wb.checker})
	// Notes about a missing address matter to install, not to every apply. A
	// refused targetHost fails the workspace with its reason; the outputs
	// written still go into the commit.
	return res.Paths, err
}

// afterDestroy undoes a machine's write-back once its infrastructure is gone.
func (wb writeBack) afterDestroy(w *workspace.Workspace) ([]string, error) {
	s, ok, err := writeBackSettings(wb.c, w)
	if !ok || err != nil {
		return nil, err
	}
	return deploy.ForgetMachine(wb.c.Root, w.Name, s)
}

// writeBackSettings are the deploy settings of a machine workspace; ok is
// false for the others, which have no write-back.
func writeBackSettings(c *Clan, w *workspace.Workspace) (s deploy.Settings, ok bool, err error) {
	if w.Kind != clan.KindMachine {
		return s, false, nil
	}
	s, err = c.MachineSettings(w)
	return s, true, err
}

// DeployOutputs are outputs as deploy takes them.
func DeployOutputs(values map[string]operation.OutputValue) map[string]deploy.Output {
	outputs := make(map[string]deploy.Output, len(values))
	for name, v := range values {
		outputs[name] = deploy.Output{Value: v.Value, Sensitive: v.Sensitive}
	}
	return outputs
}

// targetHostChecker judges the write-back's targetHosts: in flake mode with
// the clan's own inventory, the clan must still evaluate with them,
// inventory.json counted in even before git tracks it. Without it (no flake,
// or no clan output) there is nothing Clan would evaluate differently from
// what the guard already knows.
func targetHostChecker(ctx context.Context, o Options, c *Clan) *deploy.Checker {
	if !o.Flake || c.Eval.Inventory != nixeval.InventoryClan {
		return nil
	}
	return deploy.NewChecker(c.Root, func() (map[string]*string, error) {
		var env []string
		if gitcli.IsRepo(ctx, c.Root) {
			// An inventory.json git ignores stays out, as it stays out of the
			// clan's flake: the check then judges what Clan sees.
			if index, cleanup, err := (gitcli.Repo{Dir: c.Root}).IndexWith(ctx, deploy.InventoryFile); err == nil {
				defer cleanup()
				env = append(env, index)
			}
		}
		return (&nixeval.Evaluator{Flake: true}).TargetHosts(ctx, c.Root, env...)
	})
}

// TargetHostPlan is what install's write-back will do with the machine's targetHost.
func TargetHostPlan(o Options, c *Clan, machine string) deploy.TargetHostPlan {
	m := c.Eval.Machines[machine]
	return deploy.TargetHostPlan{NixSets: m.TargetHostSetByNix, NixValue: m.TargetHost,
		Checked: o.Flake && c.Eval.Inventory == nixeval.InventoryClan}
}

// CommitPaths commits exactly paths when the clan is a git repository.
func CommitPaths(ctx context.Context, root, message string, paths []string) error {
	if len(paths) == 0 || !gitcli.IsRepo(ctx, root) {
		return nil
	}
	if _, _, err := (gitcli.Repo{Dir: root}).CommitPaths(ctx, message, paths); err != nil {
		return fmt.Errorf("committing %s: %v", strings.Join(paths, ", "), err)
	}
	return nil
}
