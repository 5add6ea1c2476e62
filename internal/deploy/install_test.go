package deploy

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// findTofu returns OpenTofu from PATH or from the repository's bootstrap cache.
// It skips loudly when absent, and fails under CI=true.
func findTofu(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("tofu"); err == nil {
		return p
	}
	if p, err := filepath.Abs("../../.cache/bin/tofu"); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("tofu not found (run scripts/bootstrap)")
	}
	t.Skip("SKIPPED: tofu not found on PATH nor in .cache/bin (run scripts/bootstrap); this test needs real OpenTofu")
	return ""
}

// applyMachine applies, with real OpenTofu, a workspace that stands for a
// cloud machine (terraform_data needs no provider, so it runs offline) and
// returns its outputs as `tofu output -json` prints them.
func applyMachine(t *testing.T, tofu, dir string, extra ...string) map[string]Output {
	t.Helper()
	config := `{
  "resource": {"terraform_data": {"instance": {"input": "web-server"}}},
  "output": {
    "ipv4_address": {"value": "127.0.0.1"},
    "instance_id": {"value": "${terraform_data.instance.id}"},
    "root_password": {"value": "not-for-git-9f8e", "sensitive": true}
  }
}`
	os.WriteFile(filepath.Join(dir, "config.tf.json"), []byte(config), 0o644)
	cli := filepath.Join(dir, "tofurc")
	os.WriteFile(cli, nil, 0o644)
	run := func(args ...string) []byte {
		cmd := exec.Command(tofu, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cli, "TF_IN_AUTOMATION=1")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("tofu %v: %v\n%s", args, err, out)
		}
		return out
	}
	run("init", "-input=false", "-no-color")
	run(append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, extra...)...)
	outputs, err := ParseOutputs("tofu output -json", run("output", "-json"))
	if err != nil {
		t.Fatal(err)
	}
	return outputs
}

// standInClan puts a program named clan on PATH that records its arguments,
// one per line. The real Clan CLI cannot be installed on this machine (no
// network beyond the Go proxy), so this stand-in proves what we would run.
func standInClan(t *testing.T, exitCode int) (argsFile string) {
	t.Helper()
	bin := t.TempDir()
	argsFile = filepath.Join(bin, "args")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + argsFile + "\nexit " + string(rune('0'+exitCode)) + "\n"
	if err := os.WriteFile(filepath.Join(bin, "clan"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return argsFile
}

func TestInstallAfterRealApply(t *testing.T) {
	tofu := findTofu(t)
	fastRetries(t)
	root, work := t.TempDir(), t.TempDir()
	outputs := applyMachine(t, tofu, work)
	argsFile := standInClan(t, 0)
	_, port := serve(t, 2) // SSH "boots" after two attempts
	s, err := ParseSettings("web-server", map[string]any{
		"sshPort": float64(port), "identityFile": "/keys/id_ed25519", "hostKeyCheck": "none",
		"phases": []any{"kexec", "disko", "install"}, "buildOn": "remote", "updateHardwareConfig": "nixos-facter",
	})
	if err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	req := InstallRequest{Root: root, Machine: "web-server", Settings: s, Outputs: outputs, Progress: &progress,
		Now: func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }}
	res, err := Install(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(argsFile)
	want := strings.Join([]string{"machines", "install", "web-server", "--target-host", "root@127.0.0.1:" + strconv.Itoa(port), "--yes",
		"-i", "/keys/id_ed25519", "--update-hardware-config", "nixos-facter", "--phases", "kexec,disko,install",
		"--host-key-check", "none", "--build-on", "remote"}, "\n") + "\n"
	if string(got) != want {
		t.Errorf("clan received\n%s\nwant\n%s", got, want)
	}
	if n := strings.Count(progress.String(), "waiting for ssh on 127.0.0.1"); n != 2 {
		t.Errorf("progress lines: %d\n%s", n, progress.String())
	}
	if strings.Join(res.Paths, " ") != "inventory.json machines/web-server/terraform-install.json machines/web-server/terraform-outputs.json" {
		t.Errorf("paths: %v", res.Paths)
	}
	if !strings.HasPrefix(res.CommitMessage, "inventory.json: set targetHost of web-server\n") {
		t.Errorf("commit message: %q", res.CommitMessage)
	}
	for _, p := range res.Paths {
		data, _ := os.ReadFile(filepath.Join(root, p))
		if bytes.Contains(data, []byte("not-for-git")) {
			t.Errorf("%s contains the sensitive output", p)
		}
	}

	// Same instance: installing again would wipe a live machine.
	if _, err := Install(context.Background(), req); err == nil || !strings.Contains(err.Error(), "NixOS is already installed on instance") {
		t.Errorf("second install: %v", err)
	}
	// Replaced instance (new id after a real apply): said so, and only with --reinstall.
	replaced := applyMachine(t, tofu, work, "-replace=terraform_data.instance")
	if replaced["instance_id"].Value == outputs["instance_id"].Value {
		t.Fatal("replace did not change the id")
	}
	req.Outputs = replaced
	if _, err := Install(context.Background(), req); err == nil || !strings.Contains(err.Error(), "its instance was replaced since NixOS was installed on 2026-11-26T12:00:00Z") {
		t.Errorf("replaced without --reinstall: %v", err)
	}
	if err := CheckUpdate(root, "web-server", InstanceID(replaced, s), s); err == nil {
		t.Error("update of a replaced instance allowed")
	}
	os.Remove(argsFile)
	req.Reinstall = true
	if _, err := Install(context.Background(), req); err != nil {
		t.Fatalf("reinstall: %v", err)
	}
	rec, _ := ReadInstallRecord(root, "web-server")
	if rec == nil || rec.InstanceID != replaced["instance_id"].Value {
		t.Errorf("record after reinstall: %+v", rec)
	}
}

func TestInstallFailureWritesNothing(t *testing.T) {
	fastRetries(t)
	root := t.TempDir()
	standInClan(t, 1)
	_, port := serve(t, 0)
	s, _ := ParseSettings("web", map[string]any{"sshPort": float64(port)})
	_, err := Install(context.Background(), InstallRequest{Root: root, Machine: "web", Settings: s,
		Outputs: map[string]Output{"target_host": {Value: "127.0.0.1"}}})
	if err == nil || !strings.Contains(err.Error(), "`clan machines install web --target-host root@127.0.0.1:") || !strings.Contains(err.Error(), "exit status 1") {
		t.Fatalf("got %v", err)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("wrote %v after a failed install", entries)
	}
}

func TestUpdateCommand(t *testing.T) {
	cmd, err := UpdateCommand(UpdateOptions{Machines: []string{"web", "db"}, Tags: []string{"eu", "prod"}, BuildHost: "root@builder"})
	if err != nil || cmd.String() != "clan machines update web db --tags eu prod --build-host root@builder" {
		t.Errorf("%s %v", cmd, err)
	}
	if _, err := UpdateCommand(UpdateOptions{Machines: []string{"a", "b"}, TargetHost: "root@h"}); err == nil {
		t.Error("--target-host with two machines accepted")
	}
}

func TestSplitDeploy(t *testing.T) {
	root := t.TempDir()
	WriteInstallRecord(root, "web", InstallRecord{InstanceID: "i-1", InstanceIDOutput: "instance_id"})
	os.WriteFile(filepath.Join(root, "inventory.json"), []byte(`{"machines":{"db":{"installedAt":1764158400}}}`), 0o644)
	install, upd, err := SplitDeploy(root, []string{"new", "web", "db"})
	if err != nil || strings.Join(install, ",") != "new" || strings.Join(upd, ",") != "web,db" {
		t.Errorf("install=%v update=%v err=%v", install, upd, err)
	}
}
