package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"

func TestWriteSSHKey(t *testing.T) {
	root := t.TempDir()
	path, err := WriteSSHKey(root, "web", map[string]Output{"key": {Value: testKey, Sensitive: true}}, "key")
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(root, ".clan-terranix/ssh/web/id") {
		t.Errorf("key written to %s", path)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", info, err)
	}
	if data, _ := os.ReadFile(path); string(data) != testKey+"\n" {
		t.Errorf("key file holds %q", data)
	}
}

func TestWriteSSHKeyRefuses(t *testing.T) {
	root := t.TempDir()
	for _, tc := range []struct {
		outputs map[string]Output
		want    string
	}{
		{map[string]Output{}, "workspace web: has no output key (settings.sshKeyOutput)"},
		{map[string]Output{"key": {Value: "ssh-ed25519 AAAA", Sensitive: true}}, "workspace web: output key (settings.sshKeyOutput) is not a private key"},
		{map[string]Output{"key": {Value: testKey}}, "workspace web: output key holds a private key but is not sensitive: set sensitive = true, or it is written to machines/web/terraform-outputs.json"},
	} {
		if _, err := WriteSSHKey(root, "web", tc.outputs, "key"); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %s", tc.outputs, err, tc.want)
		}
	}
	// A symlink must not carry the key out of the clan.
	outside := t.TempDir()
	os.MkdirAll(filepath.Join(root, ".clan-terranix"), 0o755)
	if err := os.Symlink(outside, filepath.Join(root, ".clan-terranix", "ssh")); err != nil {
		t.Fatal(err)
	}
	_, err := WriteSSHKey(root, "web", map[string]Output{"key": {Value: testKey, Sensitive: true}}, "key")
	if err == nil || !strings.Contains(err.Error(), "outside the clan") {
		t.Errorf("symlinked key dir: %v", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("something was written outside the clan: %v", entries)
	}
}

func TestSSHKeySettings(t *testing.T) {
	s, err := ParseSettings("web", map[string]any{"sshKeyOutput": "ssh_private_key"})
	if err != nil || s.SSHKeyOutput != "ssh_private_key" {
		t.Fatalf("%+v %v", s, err)
	}
	_, err = ParseSettings("web", map[string]any{"sshKeyOutput": "k", "identityFile": "/keys/id"})
	if err == nil || err.Error() != "machine web: settings identityFile and sshKeyOutput both name the key: set one" {
		t.Errorf("both: %v", err)
	}
	steps := InstallSteps("web", []string{"shared", "web"}, s, map[string]Output{"target_host": {Value: "127.0.0.1:2200"}}, TargetHostPlan{})
	if want := "wait up to 10m0s for an SSH banner on 127.0.0.1 port 2200, then a login with the key of output ssh_private_key (kept in .clan-terranix/ssh/web/id)"; steps[3].What != want {
		t.Errorf("dry run step: %q\nwant %q", steps[3].What, want)
	}
	if want := "clan machines install web --target-host root@127.0.0.1:2200 --yes -i .clan-terranix/ssh/web/id"; steps[4].Command != want {
		t.Errorf("dry run command: %q\nwant %q", steps[4].Command, want)
	}
}
