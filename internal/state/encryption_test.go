package state

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEncryptionBadInputs(t *testing.T) {
	ctx := context.Background()
	t.Setenv("CT_PASS", "short")
	_, err := ResolveEncryption(ctx, t.TempDir(), Encryption{Passphrase: SecretSource{Env: "CT_PASS"}}, "tofu")
	if err == nil || err.Error() != "encryption passphrase from environment variable CT_PASS is 5 characters long; OpenTofu needs at least 16" {
		t.Fatalf("short passphrase: %v", err)
	}
	t.Setenv("CT_PASS", "long-enough-passphrase")
	_, err = ResolveEncryption(ctx, t.TempDir(), Encryption{Passphrase: SecretSource{Env: "CT_PASS"}}, "terraform")
	if err == nil || !strings.HasPrefix(err.Error(), "state encryption needs OpenTofu >= 1.7, but the engine is terraform") {
		t.Fatalf("terraform engine: %v", err)
	}
	_, err = ResolveEncryption(ctx, t.TempDir(), Encryption{Passphrase: SecretSource{Command: "exit 1"}}, "tofu")
	if err == nil || !strings.HasPrefix(err.Error(), "encryption passphrase: command `exit 1` failed") {
		t.Fatalf("failing passphrase command: %v", err)
	}
}

func TestEncryptionWithTofu(t *testing.T) {
	tofu := requireTool(t, "tofu")
	ctx := context.Background()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.tf.json"),
		`{"resource":{"terraform_data":{"pw":{"input":"plaintext-secret-4711"}}},"output":{"pw":{"value":"${terraform_data.pw.output}"}}}`)
	statePath := filepath.Join(dir, "terraform.tfstate")
	run := func(encryption string) (string, error) {
		cmd := exec.Command(tofu, "apply", "-auto-approve", "-no-color", "-input=false")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null", "TF_IN_AUTOMATION=1")
		if encryption != "" {
			cmd.Env = append(cmd.Env, EncryptionEnvVar+"="+encryption)
		}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	keys := func(enc Encryption) *Keys {
		k, err := ResolveEncryption(ctx, dir, enc, "tofu")
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	// A passphrase with HCL's special characters must reach tofu unchanged.
	t.Setenv("CT_PASS", `pa"ss${x}%{y}\word-1234567`)
	t.Setenv("CT_NEW", "the-new-passphrase-0000")
	current := Encryption{Passphrase: SecretSource{Env: "CT_PASS"}}

	if out, err := run(""); err != nil {
		t.Fatalf("plaintext apply: %v\n%s", err, out)
	}
	out, err := run(keys(current).Env(statePath))
	msg, ok := ExplainDecryptError("web", out, current)
	if err == nil || !ok || msg != "state of web is not encrypted yet: run `clan-terranix state encrypt web` to migrate it" {
		t.Fatalf("enforced encryption on plaintext state: %v %q\n%s", err, msg, out)
	}
	migrate := current
	migrate.FromPlaintext = true
	if out, err := run(keys(migrate).Env(statePath)); err != nil {
		t.Fatalf("migration: %v\n%s", err, out)
	}
	assertEncrypted(t, statePath, "plaintext-secret-4711")
	backupPaths := Paths{Root: dir, Backup: "terraform.tfstate.backup"}
	if _, err := RemovePlaintextBackup(backupPaths); err != nil {
		t.Fatal(err)
	}
	if info, _ := Validate(filepath.Join(dir, "terraform.tfstate.backup"), "backup"); info.Exists && !info.Encrypted {
		t.Fatal("a plaintext backup is left after migration")
	}
	if out, err := run(keys(current).Env(statePath)); err != nil {
		t.Fatalf("encrypted apply: %v\n%s", err, out)
	}
	if s := fmt.Sprintf("%v %#v", keys(current), keys(current)); strings.Contains(s, "word-1234567") {
		t.Fatalf("Keys print their passphrase: %s", s)
	}
	wrong := Encryption{Passphrase: SecretSource{Env: "CT_NEW"}}
	out, err = run(keys(wrong).Env(statePath))
	msg, ok = ExplainDecryptError("web", out, wrong)
	if err == nil || !ok || msg != "state of web cannot be decrypted: wrong encryption passphrase (from environment variable CT_NEW)?" {
		t.Fatalf("wrong passphrase: %v %q\n%s", err, msg, out)
	}
	rekey := Encryption{Passphrase: SecretSource{Env: "CT_NEW"}, OldPassphrase: &SecretSource{Env: "CT_PASS"}}
	if out, err := run(keys(rekey).Env(statePath)); err != nil {
		t.Fatalf("rekey: %v\n%s", err, out)
	}
	assertEncrypted(t, statePath, "plaintext-secret-4711")
	if out, err := run(keys(wrong).Env(statePath)); err != nil {
		t.Fatalf("apply with the new passphrase after rekey: %v\n%s", err, out)
	}
	if out, err := run(keys(current).Env(statePath)); err == nil {
		t.Fatalf("the old passphrase still works after rekey:\n%s", out)
	}
}

func assertEncrypted(t *testing.T, path, secret string) {
	t.Helper()
	info, err := Validate(path, "terraform.tfstate")
	if err != nil || !info.Encrypted {
		t.Fatalf("state not encrypted: %+v %v", info, err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), secret) {
		t.Fatal("encrypted state contains the plaintext secret")
	}
}

func TestRemovePlaintextBackup(t *testing.T) {
	p := machinePaths(t, t.TempDir(), "web")
	writeFile(t, p.Abs(p.Backup), `{"serial":1,"lineage":"l","meta":{},"encrypted_data":"x","encryption_version":"v0"}`)
	if removed, err := RemovePlaintextBackup(p); removed || err != nil {
		t.Fatalf("encrypted backup: %v %v", removed, err)
	}
	writeFile(t, p.Abs(p.Backup), stateJSON(1, "l"))
	if removed, err := RemovePlaintextBackup(p); !removed || err != nil {
		t.Fatalf("plaintext backup: %v %v", removed, err)
	}
}
