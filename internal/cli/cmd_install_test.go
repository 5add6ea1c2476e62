package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// runCLI runs the command tree in-process, as the binary would.
func runCLI(t *testing.T, dir string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	g := &GlobalOptions{Stdout: &stdout, Stderr: &stderr, Stdin: strings.NewReader("")}
	root := NewRootCommand(g)
	root.SetArgs(append([]string{"--clan", dir, "--no-color"}, args...))
	err := root.ExecuteContext(context.Background())
	return stdout.String(), stderr.String(), err
}

// The acceptance of `init`: into an empty folder, then apply --all offline.
func TestInitLocalThenApplyAll(t *testing.T) {
	tc := testenv.Tools(t)
	tc.Setenv(t)
	dir := filepath.Join(t.TempDir(), "new-clan")
	out, _, err := runCLI(t, dir, "init", "--provider", "local")
	if err != nil || !strings.Contains(out, "wrote   inventory/services/terranix.nix") {
		t.Fatalf("init: %v\n%s", err, out)
	}
	testenv.GitRepo(t, dir)
	out, errOut, err := runCLI(t, dir, "apply", "--all", "--yes")
	if err != nil || !strings.Contains(out, "2 workspaces: 2 ok") {
		t.Fatalf("apply --all: %v\n%s\n%s", err, out, errOut)
	}
	out, _, err = runCLI(t, dir, "init", "--provider", "local")
	if err != nil || strings.Contains(out, "wrote") || !strings.Contains(out, "skipped clan.nix (exists)") {
		t.Errorf("second init: %v\n%s", err, out)
	}
}

// install after a real apply of the quickstart. The real Clan CLI cannot be
// installed on this machine (no network beyond the Go proxy), so a stand-in
// `clan` on PATH records the arguments it receives; SSH is a local listener
// that sends a banner.
func TestInstallQuickstartWithStandInClan(t *testing.T) {
	tc := testenv.Tools(t)
	tc.Setenv(t)
	dir := filepath.Join(t.TempDir(), "quickstart")
	testenv.CopyDir(t, filepath.Join(tc.RepoRoot, "examples/quickstart"), dir)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conn.Write([]byte("SSH-2.0-OpenSSH_9.9\r\n"))
			conn.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port

	// The quickstart's instance is a stand-in with a made-up address: point the
	// machine at the listener through the settings and a target_host output.
	appendTo(t, filepath.Join(dir, "machines/web-server/infrastructure.nix"), `output.target_host.value = "127.0.0.1";`)
	service := filepath.Join(dir, "inventory/services/terranix.nix")
	data, _ := os.ReadFile(service)
	settings := `roles.machine.machines.web-server.settings = { sshPort = ` + strconv.Itoa(port) + `; identityFile = "/keys/id_ed25519"; hostKeyCheck = "accept-new"; };`
	os.WriteFile(service, bytes.Replace(data, []byte("roles.machine.tags"), []byte(settings+"\n    roles.machine.tags"), 1), 0o644)
	os.WriteFile(filepath.Join(dir, "inventory.json"), []byte("{\n    \"meta\": {\"description\": \"kept\"}\n}\n"), 0o644)
	testenv.GitRepo(t, dir)

	bin := t.TempDir()
	argsFile := filepath.Join(bin, "args")
	os.WriteFile(filepath.Join(bin, "clan"), []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" > "+argsFile+"\n"), 0o755)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	out, _, err := runCLI(t, dir, "install", "web-server", "--dry-run")
	if err != nil || !strings.Contains(out, "$ clan machines install web-server --target-host 'root@<address>:"+strconv.Itoa(port)+"' --yes -i /keys/id_ed25519 --update-hardware-config nixos-facter --host-key-check accept-new") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if _, err := os.Stat(argsFile); err == nil {
		t.Fatal("dry run ran clan")
	}
	out, errOut, err := runCLI(t, dir, "install", "web-server", "--yes")
	if err != nil {
		t.Fatalf("install: %v\n%s\n%s", err, out, errOut)
	}
	got, _ := os.ReadFile(argsFile)
	want := "machines\ninstall\nweb-server\n--target-host\nroot@127.0.0.1:" + strconv.Itoa(port) + "\n--yes\n-i\n/keys/id_ed25519\n--update-hardware-config\nnixos-facter\n--host-key-check\naccept-new\n"
	if string(got) != want {
		t.Errorf("clan received\n%s\nwant\n%s", got, want)
	}
	inv, _ := os.ReadFile(filepath.Join(dir, "inventory.json"))
	var parsed struct {
		Meta     map[string]string
		Machines map[string]struct{ Deploy struct{ TargetHost string } }
	}
	if err := json.Unmarshal(inv, &parsed); err != nil || parsed.Meta["description"] != "kept" ||
		parsed.Machines["web-server"].Deploy.TargetHost != "root@127.0.0.1:"+strconv.Itoa(port) || !strings.HasPrefix(string(inv), "{\n    \"meta\"") {
		t.Errorf("inventory.json:\n%s", inv)
	}
	outputs, _ := os.ReadFile(filepath.Join(dir, "machines/web-server/terraform-outputs.json"))
	if !bytes.Contains(outputs, []byte(`"instance_id"`)) || !bytes.Contains(outputs, []byte(`"target_host": "127.0.0.1"`)) {
		t.Errorf("terraform-outputs.json:\n%s", outputs)
	}
	// The address is committed with the state of the apply that created it.
	log := gitOut(t, dir, "log", "--format=%s", "--", "inventory.json")
	if !strings.Contains(log, "terraform-state: apply shared, web-server") {
		t.Errorf("git log -- inventory.json:\n%s", log)
	}
	if status := gitOut(t, dir, "status", "--porcelain", "--", "inventory.json", "machines"); status != "" {
		t.Errorf("left uncommitted:\n%s", status)
	}
	// Installed now: a second install refuses, deploy turns into update.
	if _, _, err := runCLI(t, dir, "install", "web-server", "--yes"); err == nil || !strings.Contains(err.Error(), "already installed") {
		t.Errorf("second install: %v", err)
	}
	out, _, err = runCLI(t, dir, "deploy", "web-server", "--dry-run")
	if err != nil || !strings.Contains(out, "$ clan machines update web-server") {
		t.Errorf("deploy --dry-run: %v\n%s", err, out)
	}
}

func appendTo(t *testing.T, nixFile, attr string) {
	t.Helper()
	data, err := os.ReadFile(nixFile)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.LastIndexByte(data, '}')
	os.WriteFile(nixFile, append(append(append([]byte{}, data[:i]...), []byte("  "+attr+"\n")...), data[i:]...), 0o644)
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}
