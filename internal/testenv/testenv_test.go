package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindLocatesRepoRoot(t *testing.T) {
	root := Find().RepoRoot
	if root == "" {
		t.Fatal("Find found no repository root above the package directory")
	}
	if _, err := os.Stat(filepath.Join(root, "cmd", "clan-terranix")); err != nil {
		t.Fatalf("repository root %s has no cmd/clan-terranix: %v", root, err)
	}
}

func TestEnvOverridesEachVariableOnce(t *testing.T) {
	t.Setenv("TF_CLI_CONFIG_FILE", "/does/not/exist")
	tc := Toolchain{Tofu: "/opt/tofu/bin/tofu", CLIConfig: "/cache/tofurc"}
	counts := map[string]int{}
	values := map[string]string{}
	for _, kv := range tc.Env() {
		name, value, _ := strings.Cut(kv, "=")
		counts[name]++
		values[name] = value
	}
	for _, name := range []string{"PATH", "TF_CLI_CONFIG_FILE", "GIT_AUTHOR_EMAIL", "GIT_CONFIG_GLOBAL", "NIX_CONFIG"} {
		if counts[name] != 1 {
			t.Errorf("Env has %s %d times, want once", name, counts[name])
		}
	}
	if values["TF_CLI_CONFIG_FILE"] != "/cache/tofurc" {
		t.Errorf("TF_CLI_CONFIG_FILE = %q, want the toolchain's /cache/tofurc", values["TF_CLI_CONFIG_FILE"])
	}
	if !strings.HasPrefix(values["PATH"], "/opt/tofu/bin"+string(os.PathListSeparator)) {
		t.Errorf("PATH = %q, want tofu's directory first", values["PATH"])
	}
}

func TestCopyDirKeepsModesAndLinks(t *testing.T) {
	src := t.TempDir()
	mustWrite(t, filepath.Join(src, "a", "b", "run.sh"), "#!/bin/sh\n", 0o755)
	mustWrite(t, filepath.Join(src, "plain.txt"), "text", 0o644)
	if err := os.Symlink("plain.txt", filepath.Join(src, "link")); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "copy")
	CopyDir(t, src, dst)

	info, err := os.Stat(filepath.Join(dst, "a", "b", "run.sh"))
	if err != nil || info.Mode().Perm() != 0o755 {
		t.Errorf("run.sh: mode %v, err %v; want 0755", info.Mode(), err)
	}
	if link, err := os.Readlink(filepath.Join(dst, "link")); err != nil || link != "plain.txt" {
		t.Errorf("link -> %q (err %v), want plain.txt", link, err)
	}
	if data, err := os.ReadFile(filepath.Join(dst, "plain.txt")); err != nil || string(data) != "text" {
		t.Errorf("plain.txt = %q (err %v), want text", data, err)
	}
}

func TestGitRepoCommitsEverythingWithTestIdentity(t *testing.T) {
	tc := Find()
	if tc.Git == "" {
		t.Skip("git is not on PATH")
	}
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "flake.nix"), "{ outputs = _: { }; }\n", 0o644)
	GitRepo(t, dir)

	log := run(t, tc, dir, tc.Git, "log", "--format=%an <%ae> %s")
	if want := GitName + " <" + GitEmail + "> initial commit"; log != want {
		t.Errorf("git log = %q, want %q", log, want)
	}
	if status := run(t, tc, dir, tc.Git, "status", "--porcelain"); status != "" {
		t.Errorf("work tree not clean after GitRepo:\n%s", status)
	}
}

// The bootstrap's provider mirror must serve all four providers to a real
// tofu with no registry in reach, and they must really run.
func TestMirrorServesAllProvidersOffline(t *testing.T) {
	tc := Tools(t)
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "main.tf.json"), `{
  "terraform": {"required_providers": {
    "local":  {"source": "hashicorp/local"},
    "random": {"source": "hashicorp/random"},
    "tls":    {"source": "registry.terraform.io/hashicorp/tls"},
    "time":   {"source": "hashicorp/time"}}},
  "resource": {
    "random_pet": {"name": {}},
    "tls_private_key": {"key": {"algorithm": "ED25519"}},
    "time_static": {"created": {}},
    "local_file": {"out": {"filename": "${path.module}/out.txt", "content": "${random_pet.name.id}"}}},
  "output": {"pet": {"value": "${random_pet.name.id}"}}
}`, 0o644)
	run(t, tc, dir, tc.Tofu, "init", "-input=false", "-no-color")
	run(t, tc, dir, tc.Tofu, "apply", "-auto-approve", "-input=false", "-no-color")
	pet := run(t, tc, dir, tc.Tofu, "output", "-raw", "pet")
	if data, err := os.ReadFile(filepath.Join(dir, "out.txt")); err != nil || string(data) != pet {
		t.Errorf("local_file wrote %q (err %v), want the pet name %q", data, err, pet)
	}
}

func run(t *testing.T, tc Toolchain, dir, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = tc.Env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func mustWrite(t *testing.T, path, content string, perm os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
}
