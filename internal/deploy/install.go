package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

// InstallRequest is one `install <machine>` after the caller applied the
// machine's dependencies and its workspace.
type InstallRequest struct {
	Root     string // clan root; commands run there
	Machine  string
	Settings Settings
	Outputs  map[string]Output // the machine workspace's outputs after the apply
	// Reinstall allows installing over a machine installed before (it wipes it).
	Reinstall         bool
	NixSetsTargetHost bool      // see WriteBackRequest
	Checker           *Checker  // see WriteBackRequest
	Progress          io.Writer // "waiting for ssh ..." lines; nil: none
	Stdout, Stderr    io.Writer // of the installer; nil: discarded
	Now               func() time.Time
}

// InstallResult says what was done. The caller commits Paths with CommitMessage.
type InstallResult struct {
	TargetHost    string
	Command       Command
	Paths         []string
	CommitMessage string
	Notes         []string
}

// Install finds the address, checks for a replaced instance, waits for SSH,
// runs the installer and writes the install record, inventory.json and
// terraform-outputs.json. Nothing is written when the installer fails. A
// *RefusedError (the clan's check undid the targetHost) comes with a complete
// result, to be committed all the same.
func Install(ctx context.Context, req InstallRequest) (InstallResult, error) {
	var res InstallResult
	s := req.Settings
	addr, port, err := Endpoint(req.Machine, req.Outputs, s)
	if err != nil {
		return res, err
	}
	s.SSHPort = port
	res.TargetHost = TargetHost(s.TargetUser, addr, s.SSHPort)
	instanceID := InstanceID(req.Outputs, s)
	if err := CheckInstall(req.Root, req.Machine, instanceID, s, req.Reinstall); err != nil {
		return res, err
	}
	if s.SSHKeyOutput != "" {
		if s.IdentityFile, err = WriteSSHKey(req.Root, req.Machine, req.Outputs, s.SSHKeyOutput); err != nil {
			return res, err
		}
	}
	start := time.Now()
	progress := func(what string) func(time.Duration) {
		return func(time.Duration) {
			if req.Progress != nil {
				fmt.Fprintf(req.Progress, "%s: waiting for %s on %s (%s of %s)\n", req.Machine, what, addr, time.Since(start).Round(time.Second), s.SSHTimeout)
			}
		}
	}
	if err := WaitSSH(ctx, addr, s.SSHPort, s.SSHTimeout, progress("ssh")); err != nil {
		return res, fmt.Errorf("machine %s: %v", req.Machine, err)
	}
	// With the workspace's own key we can prove more than a banner: a login.
	if s.SSHKeyOutput != "" {
		login := SSHLogin{User: s.TargetUser, Host: addr, Port: s.SSHPort, KeyFile: s.IdentityFile}
		if err := WaitLogin(ctx, login, s.SSHTimeout-time.Since(start), progress("an ssh login")); err != nil {
			return res, fmt.Errorf("machine %s: %v", req.Machine, err)
		}
	}
	res.Command = InstallCommand(req.Machine, addr, s)
	if err := Run(ctx, req.Root, res.Command, req.Stdout, req.Stderr); err != nil {
		return res, err
	}
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	recPath, err := WriteInstallRecord(req.Root, req.Machine, InstallRecord{
		InstanceID: instanceID, InstanceIDOutput: s.InstanceIDOutput, TargetHost: res.TargetHost, InstalledAt: now().UTC(),
	})
	if err != nil {
		return res, err
	}
	wb, err := WriteBack(WriteBackRequest{Root: req.Root, Machine: req.Machine, Outputs: req.Outputs, Settings: s,
		NixSetsTargetHost: req.NixSetsTargetHost, Checker: req.Checker})
	var refused *RefusedError
	if err != nil && !errors.As(err, &refused) {
		return res, err
	}
	res.Paths = append(wb.Paths, recPath)
	sort.Strings(res.Paths)
	res.Notes = wb.Notes
	res.CommitMessage = fmt.Sprintf("%s: record install of %s on %s", InstallRecordPath(req.Machine), req.Machine, res.TargetHost)
	if wb.CommitMessage != "" {
		res.CommitMessage = wb.CommitMessage + "\n\n" + res.CommitMessage
	}
	return res, err
}

// Run runs cmd in dir with the caller's environment. Cancelling ctx sends an
// interrupt first, so clan and nixos-anywhere can clean up.
func Run(ctx context.Context, dir string, cmd Command, stdout, stderr io.Writer) error {
	c := exec.CommandContext(ctx, cmd.Name, cmd.Args...)
	c.Dir = dir
	c.Stdout, c.Stderr = stdout, stderr
	c.Cancel = func() error { return c.Process.Signal(os.Interrupt) }
	c.WaitDelay = 30 * time.Second
	err := c.Run()
	var notFound *exec.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &notFound):
		return fmt.Errorf("%s not found on PATH: %s", cmd.Name, installHint(cmd.Name))
	case ctx.Err() != nil:
		return fmt.Errorf("%s %s: interrupted", cmd.Name, strings.Join(cmd.Args[:min(3, len(cmd.Args))], " "))
	}
	return fmt.Errorf("`%s` failed: %v", cmd, err)
}

func installHint(name string) string {
	switch name {
	case "clan":
		return "install the Clan CLI (nix shell git+https://git.clan.lol/clan/clan-core#clan-cli)"
	case "nixos-anywhere":
		return "install nixos-anywhere (nix shell github:nix-community/nixos-anywhere)"
	}
	return "install it"
}

// Step is one step of a dry run: what happens, and the command when one runs.
type Step struct {
	What    string `json:"what"`
	Command string `json:"command,omitempty"`
}

// InstallSteps describes `install` without running anything. applyOrder is
// the workspaces the caller would apply, in order; outputs may be nil when the
// machine was never applied (the address is then a placeholder). th says
// what becomes of the machine's targetHost in inventory.json.
func InstallSteps(machine string, applyOrder []string, s Settings, outputs map[string]Output, th TargetHostPlan) []Step {
	addrNames := ConventionalAddressOutputs
	if s.TargetHostOutput != "" {
		addrNames = []string{s.TargetHostOutput}
	}
	addr, port, err := Endpoint(machine, outputs, s)
	if err != nil {
		addr = "<address>"
	} else {
		s.SSHPort = port
	}
	if s.SSHKeyOutput != "" {
		s.IdentityFile = SSHKeyPath(machine)
	}
	steps := []Step{
		{What: "apply " + strings.Join(applyOrder, ", "), Command: Command{Name: "clan-terranix", Args: append(append([]string{"apply"}, applyOrder...), "--yes")}.String()},
		{What: fmt.Sprintf("read the address of %s from output %s", machine, orList(addrNames))},
		{What: fmt.Sprintf("compare output %s with %s (a changed id needs --reinstall)", s.InstanceIDOutput, InstallRecordPath(machine))},
		{What: fmt.Sprintf("wait up to %s for an SSH banner on %s port %d%s", s.SSHTimeout, addr, s.SSHPort, loginStep(machine, s))},
		{What: "install NixOS", Command: InstallCommand(machine, addr, s).String()},
	}
	switch {
	case th.NixSets:
		where := th.NixValue
		if where == "" {
			where = "in its NixOS configuration"
		}
		steps = append(steps, Step{What: fmt.Sprintf("write %s and %s, and commit them; %s is left alone: Nix sets the targetHost of %s (%s)",
			InstallRecordPath(machine), OutputsPath(machine), InventoryFile, machine, where)})
	default:
		checked := ""
		if th.Checked {
			checked = ", kept only if the clan still evaluates with it"
		}
		steps = append(steps, Step{What: fmt.Sprintf("write %s, %s (machines.%s.deploy.targetHost = %s%s) and %s, and commit them",
			InstallRecordPath(machine), InventoryFile, machine, TargetHost(s.TargetUser, addr, s.SSHPort), checked, OutputsPath(machine))})
	}
	return steps
}

// TargetHostPlan is what the write-back will do with a machine's targetHost.
type TargetHostPlan struct {
	NixSets  bool   // Nix sets it: inventory.json is left alone
	NixValue string // the value Nix gives, "" when unknown (the NixOS option)
	Checked  bool   // the write is checked against the clan's evaluation
}

// UpdateSteps describes `update` without running anything.
func UpdateSteps(applyArgs []string, o UpdateOptions) ([]Step, error) {
	update, err := UpdateCommand(o)
	if err != nil {
		return nil, err
	}
	return []Step{
		{What: "apply what changed", Command: Command{Name: "clan-terranix", Args: append(append([]string{"apply"}, applyArgs...), "--changed", "--yes")}.String()},
		{What: "write back addresses and outputs of the machines applied, and commit them"},
		{What: "update NixOS", Command: update.String()},
	}, nil
}

func loginStep(machine string, s Settings) string {
	if s.SSHKeyOutput == "" {
		return ""
	}
	return fmt.Sprintf(", then a login with the key of output %s (kept in %s)", s.SSHKeyOutput, SSHKeyPath(machine))
}

func orList(items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
