package app

import (
	"context"
	"errors"
	"io"
	"slices"
	"sort"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/deploy"
)

// Install installs NixOS on machine once its apply ran: at the address in
// the outputs that apply left, then commits what it wrote (also when the
// clan's check refused the targetHost: a *deploy.RefusedError, returned
// after the commit). progress gets the installer's output.
func (r *Run) Install(ctx context.Context, machine string, s deploy.Settings, reinstall bool, progress io.Writer) (deploy.InstallResult, error) {
	outputs, err := r.Outputs(ctx, machine)
	if err != nil {
		return deploy.InstallResult{}, err
	}
	c := r.clan
	res, err := deploy.Install(ctx, deploy.InstallRequest{
		Root: c.Root, Machine: machine, Settings: s, Outputs: DeployOutputs(outputs), Reinstall: reinstall,
		NixSetsTargetHost: c.Eval.Machines[machine].TargetHostSetByNix,
		Checker:           targetHostChecker(ctx, r.opts, c),
		Progress:          progress, Stdout: progress, Stderr: progress,
	})
	var refused *deploy.RefusedError
	if err != nil && !errors.As(err, &refused) {
		return res, err
	}
	r.ui.Warn(res.Notes)
	if err := CommitPaths(ctx, c.Root, res.CommitMessage, res.Paths); err != nil {
		return res, err
	}
	if refused != nil {
		// Installed, but Clan will not find the machine at this address.
		return res, refused
	}
	return res, nil
}

// CheckUpdates refuses to update a machine among selected whose instance
// was replaced since its install (it needs install --reinstall).
func (r *Run) CheckUpdates(ctx context.Context, selected []string) error {
	c := r.clan
	for _, m := range selected {
		w, _ := c.Set.Get(m)
		if w.Kind != clan.KindMachine {
			continue
		}
		s, err := c.MachineSettings(w)
		if err != nil {
			return err
		}
		outputs, err := r.Outputs(ctx, m)
		if err != nil {
			return err
		}
		if err := deploy.CheckUpdate(c.Root, m, deploy.InstanceID(DeployOutputs(outputs), s), s); err != nil {
			return err
		}
	}
	return nil
}

// DeployMachines are the machines deploy works on: those named, and the
// machines with infrastructure that carry one of tags (all: every one),
// sorted.
func (c *Clan) DeployMachines(names []string, all bool, tags []string) ([]string, error) {
	machines := append([]string(nil), names...)
	for _, n := range c.Set.Names() {
		w, _ := c.Set.Get(n)
		if w.Kind != clan.KindMachine {
			continue
		}
		tagged := slices.ContainsFunc(tags, func(t string) bool { return slices.Contains(w.Tags, t) })
		if (all || tagged) && !slices.Contains(machines, n) {
			machines = append(machines, n)
		}
	}
	if len(machines) == 0 {
		return nil, errors.New("name a machine, or use --all or --tags")
	}
	sort.Strings(machines)
	return machines, nil
}

// WithInfrastructure are the machines among names that have an
// infrastructure workspace: update applies those, and updates all.
func (c *Clan) WithInfrastructure(names []string) []string {
	var out []string
	for _, m := range names {
		if w, ok := c.Set.Get(m); ok && w.Kind == clan.KindMachine {
			out = append(out, m)
		}
	}
	return out
}
