// Package deploy hands a provisioned machine over to the Clan CLI: it finds
// the machine's address in its Terraform outputs, waits for SSH, builds the
// exact `clan machines install|update` command lines, detects replaced
// instances, and writes the address and outputs back where Clan and NixOS
// read them. It runs no OpenTofu itself: callers apply first, then call in.
package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Installer names which program installs NixOS on a fresh machine.
const (
	InstallerClan          = "clan"
	InstallerNixosAnywhere = "nixos-anywhere"
)

// Settings are the per-machine install settings, set in Nix through the
// terranix service's machine role (`roles.machine.machines.<m>.settings`).
// The zero value is not valid: use ParseSettings, which fills defaults.
type Settings struct {
	// TargetHostOutput names the output holding the address; empty means the
	// convention target_host, else ipv4_address, else ipv6_address.
	TargetHostOutput string
	TargetUser       string // default "root"
	// InstanceIDOutput names the output whose change means "machine replaced".
	InstanceIDOutput string // default "instance_id"
	SSHPort          int    // default 22
	SSHTimeout       time.Duration
	// Options passed through to `clan machines install` (empty: not passed).
	IdentityFile string // -i
	// SSHKeyOutput names a sensitive output holding an OpenSSH private key
	// the workspace made: install logs in with it before handing the
	// machine over, and passes it as -i.
	SSHKeyOutput         string
	UpdateHardwareConfig string // nixos-facter | nixos-generate-config | none
	Phases               []string
	HostKeyCheck         string // strict | ask | accept-new | tofu | none
	BuildOn              string // auto | local | remote
	Installer            string // clan (default) | nixos-anywhere
}

// Default values of Settings.
const (
	DefaultTargetUser       = "root"
	DefaultInstanceIDOutput = "instance_id"
	DefaultSSHPort          = 22
	DefaultSSHTimeout       = 10 * time.Minute
)

// ConventionalAddressOutputs are tried in order when TargetHostOutput is unset.
var ConventionalAddressOutputs = []string{"target_host", "ipv4_address", "ipv6_address"}

var (
	hardwareConfigValues = []string{"nixos-facter", "nixos-generate-config", "none"}
	phaseValues          = []string{"kexec", "disko", "install", "reboot"}
	hostKeyCheckValues   = []string{"strict", "ask", "accept-new", "tofu", "none"}
	buildOnValues        = []string{"auto", "local", "remote"}
	installerValues      = []string{InstallerClan, InstallerNixosAnywhere}
)

// Keys of the machine role's settings that are not install settings but are
// read elsewhere (evaluation, graph); ParseSettings accepts and ignores them.
var nonInstallKeys = map[string]bool{"infrastructure": true, "dependsOn": true, "tags": true, "enable": true}

// ParseSettings reads a machine's settings as the evaluator returns them
// (nixeval.Workspace.Settings). Unknown keys and bad values are errors that
// name the machine and the key.
func ParseSettings(machine string, raw map[string]any) (Settings, error) {
	s := Settings{
		TargetUser:       DefaultTargetUser,
		InstanceIDOutput: DefaultInstanceIDOutput,
		SSHPort:          DefaultSSHPort,
		SSHTimeout:       DefaultSSHTimeout,
		Installer:        InstallerClan,
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		value := raw[key]
		if value == nil || nonInstallKeys[key] {
			continue
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("machine %s: setting %s: %s", machine, key, fmt.Sprintf(format, args...))
		}
		var err error
		switch key {
		case "targetHostOutput":
			s.TargetHostOutput, err = stringValue(value)
		case "targetUser":
			s.TargetUser, err = stringValue(value)
		case "instanceIdOutput":
			s.InstanceIDOutput, err = stringValue(value)
		case "identityFile":
			s.IdentityFile, err = stringValue(value)
			s.IdentityFile = expandHome(s.IdentityFile)
		case "sshKeyOutput":
			s.SSHKeyOutput, err = stringValue(value)
		case "sshPort":
			n, ok := value.(float64)
			if !ok || n != float64(int(n)) || n < 1 || n > 65535 {
				return s, bad("%v is not a port number (1-65535)", value)
			}
			s.SSHPort = int(n)
		case "sshTimeout":
			s.SSHTimeout, err = durationValue(value)
		case "updateHardwareConfig":
			s.UpdateHardwareConfig, err = enumValue(value, hardwareConfigValues)
		case "hostKeyCheck":
			s.HostKeyCheck, err = enumValue(value, hostKeyCheckValues)
		case "buildOn":
			s.BuildOn, err = enumValue(value, buildOnValues)
		case "installer":
			s.Installer, err = enumValue(value, installerValues)
		case "phases":
			s.Phases, err = phasesValue(value)
		default:
			return s, fmt.Errorf("machine %s: unknown setting %q (known: %s)", machine, key, strings.Join(knownKeys(), ", "))
		}
		if err != nil {
			return s, bad("%v", err)
		}
	}
	if s.TargetUser == "" {
		return s, fmt.Errorf("machine %s: setting targetUser is empty", machine)
	}
	if s.SSHKeyOutput != "" && s.IdentityFile != "" {
		return s, fmt.Errorf("machine %s: settings identityFile and sshKeyOutput both name the key: set one", machine)
	}
	return s, nil
}

func knownKeys() []string {
	return []string{"buildOn", "hostKeyCheck", "identityFile", "installer", "instanceIdOutput", "phases",
		"sshKeyOutput", "sshPort", "sshTimeout", "targetHostOutput", "targetUser", "updateHardwareConfig"}
}

func stringValue(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%v is not a string", v)
	}
	return s, nil
}

func enumValue(v any, allowed []string) (string, error) {
	s, err := stringValue(v)
	if err != nil {
		return "", err
	}
	for _, a := range allowed {
		if s == a {
			return s, nil
		}
	}
	return "", fmt.Errorf("%q is not one of %s", s, strings.Join(allowed, ", "))
}

// phasesValue accepts a list ["kexec", "disko"] or clan's comma form "kexec,disko".
func phasesValue(v any) ([]string, error) {
	var items []string
	switch t := v.(type) {
	case string:
		items = strings.Split(t, ",")
	case []any:
		for _, e := range t {
			s, err := stringValue(e)
			if err != nil {
				return nil, err
			}
			items = append(items, s)
		}
	default:
		return nil, fmt.Errorf("%v is not a list of phases", v)
	}
	for i, p := range items {
		p = strings.TrimSpace(p)
		if _, err := enumValue(p, phaseValues); err != nil {
			return nil, err
		}
		items[i] = p
	}
	return items, nil
}

// durationValue accepts seconds (a number) or a Go duration string ("5m").
func durationValue(v any) (time.Duration, error) {
	switch t := v.(type) {
	case float64:
		if t <= 0 {
			return 0, fmt.Errorf("%v is not a positive number of seconds", t)
		}
		return time.Duration(t * float64(time.Second)), nil
	case string:
		d, err := time.ParseDuration(t)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("%q is not a duration such as \"5m\" or 300", t)
		}
		return d, nil
	}
	return 0, fmt.Errorf("%v is not a duration", v)
}

// expandHome turns a leading ~/ into the home folder: no shell runs between
// us and clan, so nothing else would expand it.
func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}
