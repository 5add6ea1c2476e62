package deploy

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// Command is one external program run, from the clan root.
type Command struct {
	Name string
	Args []string
}

// String renders the command for humans and dry runs, shell-quoted where needed.
func (c Command) String() string {
	parts := []string{shellQuote(c.Name)}
	for _, a := range c.Args {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r == '@' || r == ':' || r == ',' || r == '=' ||
			r == '#' || r == '[' || r == ']' || r == '+' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// InstallCommand is the command that installs NixOS on machine at addr (the
// host from TargetAddress): `clan machines install` with the configured
// options, or nixos-anywhere when settings.installer says so.
func InstallCommand(machine, addr string, s Settings) Command {
	if s.Installer == InstallerNixosAnywhere {
		return nixosAnywhereCommand(machine, addr, s)
	}
	args := []string{"machines", "install", machine, "--target-host", TargetHost(s.TargetUser, addr, s.SSHPort), "--yes"}
	if s.IdentityFile != "" {
		args = append(args, "-i", s.IdentityFile)
	}
	if s.UpdateHardwareConfig != "" {
		args = append(args, "--update-hardware-config", s.UpdateHardwareConfig)
	}
	if len(s.Phases) > 0 {
		args = append(args, "--phases", strings.Join(s.Phases, ","))
	}
	if s.HostKeyCheck != "" {
		args = append(args, "--host-key-check", s.HostKeyCheck)
	}
	if s.BuildOn != "" {
		args = append(args, "--build-on", s.BuildOn)
	}
	return Command{Name: "clan", Args: args}
}

// nixosAnywhereCommand installs without the Clan CLI. It does not run Clan's
// vars generators: machines that need generated secrets should use clan.
func nixosAnywhereCommand(machine, addr string, s Settings) Command {
	// nixos-anywhere takes the port separately, so the host goes without it.
	args := []string{"--flake", ".#" + machine, "--target-host", TargetHost(s.TargetUser, addr, 0)}
	if s.SSHPort != DefaultSSHPort {
		args = append(args, "-p", strconv.Itoa(s.SSHPort))
	}
	if s.IdentityFile != "" {
		args = append(args, "-i", s.IdentityFile)
	}
	switch s.UpdateHardwareConfig {
	case "nixos-facter":
		args = append(args, "--generate-hardware-config", "nixos-facter", filepath.Join("machines", machine, "facter.json"))
	case "nixos-generate-config":
		args = append(args, "--generate-hardware-config", "nixos-generate-config", filepath.Join("machines", machine, "hardware-configuration.nix"))
	}
	if len(s.Phases) > 0 {
		args = append(args, "--phases", strings.Join(s.Phases, ","))
	}
	switch s.HostKeyCheck {
	case "strict":
		args = append(args, "--ssh-option", "StrictHostKeyChecking=yes")
	case "accept-new", "tofu":
		args = append(args, "--ssh-option", "StrictHostKeyChecking=accept-new")
	case "none":
		args = append(args, "--ssh-option", "StrictHostKeyChecking=no", "--ssh-option", "UserKnownHostsFile=/dev/null")
	}
	if s.BuildOn != "" {
		args = append(args, "--build-on", s.BuildOn)
	}
	return Command{Name: "nixos-anywhere", Args: args}
}

// UpdateOptions are the options of `clan machines update`.
type UpdateOptions struct {
	Machines  []string
	Tags      []string
	BuildHost string // --build-host
	// TargetHost overrides the address; the Clan CLI allows it for one machine only.
	TargetHost string
}

// UpdateCommand is `clan machines update [M...] [--tags T...]`.
func UpdateCommand(o UpdateOptions) (Command, error) {
	if o.TargetHost != "" && len(o.Machines) != 1 {
		return Command{}, fmt.Errorf("--target-host needs exactly one machine, got %d", len(o.Machines))
	}
	args := append([]string{"machines", "update"}, o.Machines...)
	if len(o.Tags) > 0 {
		args = append(append(args, "--tags"), o.Tags...)
	}
	if o.TargetHost != "" {
		args = append(args, "--target-host", o.TargetHost)
	}
	if o.BuildHost != "" {
		args = append(args, "--build-host", o.BuildHost)
	}
	return Command{Name: "clan", Args: args}, nil
}
