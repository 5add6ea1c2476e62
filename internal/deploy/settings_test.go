package deploy

import (
	"strings"
	"testing"
	"time"
)

func TestParseSettingsDefaults(t *testing.T) {
	s, err := ParseSettings("web", map[string]any{"dependsOn": []any{"shared"}, "infrastructure": "./x.nix"})
	if err != nil {
		t.Fatal(err)
	}
	if s.TargetUser != "root" || s.SSHPort != 22 || s.InstanceIDOutput != "instance_id" || s.Installer != InstallerClan || s.SSHTimeout != DefaultSSHTimeout {
		t.Errorf("defaults: %+v", s)
	}
}

func TestParseSettingsValues(t *testing.T) {
	s, err := ParseSettings("web", map[string]any{
		"targetHostOutput": "public_ip", "targetUser": "admin", "sshPort": float64(2222), "sshTimeout": "90s",
		"phases": "kexec, disko", "hostKeyCheck": "accept-new", "buildOn": "remote", "identityFile": "~/.ssh/id",
		"updateHardwareConfig": "nixos-facter",
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.TargetHostOutput != "public_ip" || s.TargetUser != "admin" || s.SSHPort != 2222 || s.SSHTimeout != 90*time.Second ||
		strings.Join(s.Phases, ",") != "kexec,disko" || s.HostKeyCheck != "accept-new" || s.BuildOn != "remote" {
		t.Errorf("parsed: %+v", s)
	}
}

func TestParseSettingsErrors(t *testing.T) {
	for _, tc := range []struct {
		raw  map[string]any
		want string
	}{
		{map[string]any{"targetHost": "x"}, `machine web: unknown setting "targetHost"`},
		{map[string]any{"buildOn": "cloud"}, `machine web: setting buildOn: "cloud" is not one of auto, local, remote`},
		{map[string]any{"phases": []any{"kexec", "format"}}, `machine web: setting phases: "format" is not one of`},
		{map[string]any{"sshPort": float64(70000)}, "machine web: setting sshPort: 70000 is not a port number"},
		{map[string]any{"sshTimeout": "soon"}, `machine web: setting sshTimeout: "soon" is not a duration`},
		{map[string]any{"targetUser": ""}, "machine web: setting targetUser is empty"},
	} {
		_, err := ParseSettings("web", tc.raw)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want prefix %q", tc.raw, err, tc.want)
		}
	}
}
