package acceptance

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// standInClanScript is the `clan` on PATH of the round trip. The Clan CLI
// cannot be installed here (no nixpkgs, no network), so this stand-in takes
// its arguments as clan-cli's `machines install` parser declares them
// (clan_cli/machines/install.py: MACHINE, --target-host user@host:port, -i,
// --host-key-check, --yes), records them one per line, and proves that what
// it was given is enough: it logs in over ssh and records the machine's
// hostname. Any other subcommand is only recorded.
const standInClanScript = `#!/bin/sh
log=$CLAN_STANDIN_LOG
echo "--- clan $1 $2" >>"$log"
printf '%s\n' "$@" >>"$log"
[ "$1 $2" = "machines install" ] || exit 0
shift 2
target= key=
while [ $# -gt 0 ]; do
  case $1 in
    --target-host) target=$2; shift ;;
    -i) key=$2; shift ;;
  esac
  shift
done
host=${target%:*} port=${target##*:}
name=$(ssh -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
  -o LogLevel=ERROR -i "$key" -p "$port" "$host" cat /etc/hostname) || { echo "stand-in: login to $target failed" >&2; exit 1; }
echo "login ok: $name" >>"$log"
`

// TestDockerRoundTrip is the install round trip against a real machine: the
// docker provider makes a container running sshd from examples/docker,
// `install` waits for its banner and a login with the key the workspace
// made, and hands it to (a stand-in of) `clan machines install`; then a
// replaced instance needs --reinstall, update and deploy run, and destroy
// removes the container. Traffic goes to 127.0.0.1 only.
func TestDockerRoundTrip(t *testing.T) {
	tc := testenv.Tools(t)
	tc.Docker(t)
	c, log := dockerClan(t, tc, "")

	out := c.ct("install", "web", "--yes")
	target := inventoryTarget(t, c)
	if !regexp.MustCompile(`^root@127\.0\.0\.1:\d+$`).MatchString(target) {
		t.Fatalf("inventory.json targetHost of web is %q, want root@127.0.0.1:<published port>\n%s", target, out)
	}
	key := filepath.Join(c.dir, ".clan-terranix", "ssh", "web", "id")
	wantArgs := strings.Join([]string{"--- clan machines install", "machines", "install", "web", "--target-host", target, "--yes",
		"-i", key, "--host-key-check", "none", "login ok: web"}, "\n") + "\n"
	if got := readFile(t, log); got != wantArgs {
		t.Errorf("the clan stand-in saw\n%s\nwant\n%s", got, wantArgs)
	}
	// The test logs in too, with the key from the workspace's state.
	if name := sshRun(t, c, target, "cat", "/etc/hostname"); name != "web" {
		t.Errorf("ssh %s with the key from the state: hostname %q, want web", target, name)
	}
	if outputs := readFile(t, filepath.Join(c.dir, "machines/web/terraform-outputs.json")); strings.Contains(outputs, "PRIVATE KEY") {
		t.Errorf("terraform-outputs.json holds the private key:\n%s", outputs)
	}
	if status := c.git("status", "--porcelain"); status != "" {
		t.Errorf("install left files uncommitted (the key must stay ignored):\n%s", status)
	}
	id := containerID(t, c)

	// A replaced container is a new instance: install refuses without --reinstall.
	c.ct("tofu", "web", "--", "taint", "docker_container.machine")
	if out, err := c.run(true, "clan-terranix", "install", "web", "--yes"); err == nil || !strings.Contains(out, "--reinstall") {
		t.Errorf("install over a replaced container did not ask for --reinstall:\n%s", out)
	}
	if newID := containerID(t, c); newID == id {
		t.Errorf("the tainted container was not replaced (id %s)", id)
	} else if !containerGone(t, id) {
		t.Errorf("the replaced container %s still exists", id)
	}
	os.Remove(log)
	c.ct("install", "web", "--reinstall", "--yes")
	target = inventoryTarget(t, c)
	if got := readFile(t, log); !strings.Contains(got, target+"\n") || !strings.HasSuffix(got, "login ok: web\n") {
		t.Errorf("reinstall: the clan stand-in saw\n%s", got)
	}

	// update and deploy: nothing changed, so clan updates the machine at its address.
	os.Remove(log)
	c.ct("update", "web", "--yes")
	c.ct("deploy", "web", "--yes")
	want := "--- clan machines update\nmachines\nupdate\nweb\n"
	if got := readFile(t, log); got != want+want {
		t.Errorf("update then deploy: the clan stand-in saw\n%s\nwant twice\n%s", got, want)
	}

	id = containerID(t, c)
	c.ct("destroy", "web", "--yes")
	if !containerGone(t, id) {
		t.Errorf("destroy web left container %s", id)
	}
	if out, err := exec.Command("docker", "image", "inspect", testenv.SSHDImage).CombinedOutput(); err != nil {
		t.Errorf("destroy removed the image kept locally: %v\n%s", err, out)
	}
}

// TestDockerInstallTerraform installs and destroys the same machine with
// Terraform v1.5.7 as the engine: the docker provider from the same mirror,
// the same outputs, the same login.
func TestDockerInstallTerraform(t *testing.T) {
	tc := testenv.Tools(t)
	tc.Docker(t)
	c, log := dockerClan(t, tc, filepath.Dir(tc.Terraform(t)))
	c.ct("install", "web", "--yes", "--engine", "terraform")
	target := inventoryTarget(t, c)
	if got := readFile(t, log); !strings.Contains(got, target+"\n") || !strings.HasSuffix(got, "login ok: web\n") {
		t.Errorf("install with terraform: the clan stand-in saw\n%s", got)
	}
	var st struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(c.dir, "terraform-state/machines/web/terraform.tfstate"))), &st); err != nil || st.TerraformVersion != "1.5.7" {
		t.Errorf("web's state: written by %q (%v), want Terraform 1.5.7", st.TerraformVersion, err)
	}
	id := containerID(t, c)
	c.ct("destroy", "web", "--yes", "--engine", "terraform")
	if !containerGone(t, id) {
		t.Errorf("destroy web with terraform left container %s", id)
	}
}

// dockerClan is examples/docker in a new repository, with the clan stand-in
// first on PATH (then extraPath, when set) logging to the returned file, and
// a cleanup that destroys web.
func dockerClan(t *testing.T, tc testenv.Toolchain, extraPath string) (*stateClan, string) {
	t.Helper()
	c := newExampleClan(t, tc, "docker")
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "clan"), []byte(standInClanScript), 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "clan.log")
	path := bin
	if extraPath != "" {
		path += string(os.PathListSeparator) + extraPath
	}
	c.env = append(c.env, "PATH="+path+string(os.PathListSeparator)+binDir+string(os.PathListSeparator)+tc.Vars()["PATH"], "CLAN_STANDIN_LOG="+log)
	t.Cleanup(func() {
		// Best effort, so that a failing test leaves no container behind.
		if out, err := c.run(true, "clan-terranix", "destroy", "web", "--yes"); err != nil {
			t.Logf("cleanup: destroy web: %v\n%s", err, out)
		}
	})
	return c, log
}

// newExampleClan copies examples/NAME into a new git repository.
func newExampleClan(t *testing.T, tc testenv.Toolchain, name string) *stateClan {
	t.Helper()
	src := filepath.Join(tc.RepoRoot, "examples", name)
	files := map[string]string{}
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		data, err := os.ReadFile(path)
		files[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return newStateClan(t, tc, files)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// inventoryTarget is web's deploy.targetHost as install wrote it.
func inventoryTarget(t *testing.T, c *stateClan) string {
	t.Helper()
	var inv struct {
		Machines map[string]struct {
			Deploy struct {
				TargetHost string `json:"targetHost"`
			} `json:"deploy"`
		} `json:"machines"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(c.dir, "inventory.json"))), &inv); err != nil {
		t.Fatal(err)
	}
	return inv.Machines["web"].Deploy.TargetHost
}

// sshRun runs a command on the machine as the workspace's key allows.
func sshRun(t *testing.T, c *stateClan, target string, command ...string) string {
	t.Helper()
	key := filepath.Join(t.TempDir(), "id")
	priv := ctStdout(t, c, "tofu", "web", "--", "output", "-raw", "ssh_private_key")
	if err := os.WriteFile(key, []byte(priv), 0o600); err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(strings.TrimPrefix(target, "root@"), ":")
	args := append([]string{"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-i", key, "-p", port, "root@" + host}, command...)
	out, err := exec.Command("ssh", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func containerID(t *testing.T, c *stateClan) string {
	t.Helper()
	return strings.TrimSpace(ctStdout(t, c, "tofu", "web", "--", "output", "-raw", "instance_id"))
}

// ctStdout runs clan-terranix, which must succeed, and returns its stdout
// alone: a value printed by `tofu output -raw`, without the log on stderr.
func ctStdout(t *testing.T, c *stateClan, args ...string) string {
	t.Helper()
	cmd := c.command(context.Background(), "clan-terranix", args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("clan-terranix %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// containerGone reports whether Docker no longer knows container id.
func containerGone(t *testing.T, id string) bool {
	t.Helper()
	out, err := exec.Command("docker", "ps", "-aq", "--no-trunc", "--filter", "id="+id).CombinedOutput()
	if err != nil {
		t.Fatalf("docker ps: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out)) == ""
}
