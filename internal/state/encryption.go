package state

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
)

// EncryptionEnvVar is the variable tofu reads the encryption block from; the
// environment overrides any encryption block in the configuration.
const EncryptionEnvVar = "TF_ENCRYPTION"

// MinPassphraseLength is OpenTofu's minimum for the pbkdf2 key provider.
const MinPassphraseLength = 16

// Encryption is the clan's OpenTofu native state and plan encryption.
type Encryption struct {
	Passphrase SecretSource `json:"passphrase"`
	// OldPassphrase is set only while `state rekey` rotates the passphrase:
	// state still encrypted with it stays readable through `fallback`.
	OldPassphrase *SecretSource `json:"oldPassphrase,omitempty"`
	// FromPlaintext is set only while `state encrypt` migrates: plaintext
	// state stays readable (method "unencrypted" as fallback) and is written
	// back encrypted.
	FromPlaintext bool `json:"fromPlaintext,omitempty"`
}

// Keys are the resolved passphrases of a run: resolve them once per run
// (a `clan secrets get` costs a process), then build each workspace's
// TF_ENCRYPTION with Env. Keys hold secrets: never log or print them.
type Keys struct {
	pass, old     string
	fromPlaintext bool
}

// ResolveEncryption resolves the passphrase(s) for engine ("tofu" or
// "terraform"), checking OpenTofu's minimum length.
func ResolveEncryption(ctx context.Context, root string, enc Encryption, engine string) (*Keys, error) {
	if engine != "tofu" {
		return nil, fmt.Errorf("state encryption needs OpenTofu >= 1.7, but the engine is %s: use --engine tofu, or turn encryption off", engine)
	}
	pass, err := resolvePassphrase(ctx, root, enc.Passphrase, "encryption passphrase")
	if err != nil {
		return nil, err
	}
	k := &Keys{pass: pass, fromPlaintext: enc.FromPlaintext}
	if enc.OldPassphrase != nil {
		if k.old, err = resolvePassphrase(ctx, root, *enc.OldPassphrase, "old encryption passphrase"); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// Key provider names. pbkdf2 finds its salt in a state's meta under the
// provider's name, so the name a state was written with must be offered when
// reading it. Normal runs write under "clan"; `state rekey` writes under
// "clan_rotated" with the new passphrase while reading "clan" with the old;
// the next normal run reads "clan_rotated" through the fallback and writes
// "clan" again.
const (
	keyName        = "clan"
	rotatedKeyName = "clan_rotated"
)

// Env returns the value of TF_ENCRYPTION for a run reading the given state
// files (the workspace's own and its upstreams', absolute paths). The second
// key provider costs a pbkdf2 derivation (about a second), so it is offered
// only when one of these states was written under it.
func (k *Keys) Env(readStates ...string) string {
	var b strings.Builder
	switch {
	case k.old != "":
		writeKey(&b, rotatedKeyName, k.pass)
		writeKey(&b, keyName, k.old)
		writeTargets(&b, rotatedKeyName, "method.aes_gcm."+keyName, true)
	case k.fromPlaintext:
		writeKey(&b, keyName, k.pass)
		b.WriteString("method \"unencrypted\" \"migrate\" {}\n")
		// Plaintext fallback and enforcement exclude each other in OpenTofu.
		writeTargets(&b, keyName, "method.unencrypted.migrate", false)
	case anyWrittenWith(rotatedKeyName, readStates):
		writeKey(&b, keyName, k.pass)
		writeKey(&b, rotatedKeyName, k.pass)
		writeTargets(&b, keyName, "method.aes_gcm."+rotatedKeyName, true)
	default:
		writeKey(&b, keyName, k.pass)
		writeTargets(&b, keyName, "", true)
	}
	return b.String()
}

func writeTargets(b *strings.Builder, method, fallback string, enforced bool) {
	for _, target := range []string{"state", "plan"} {
		writeTarget(b, target, method, fallback, enforced)
	}
	b.WriteString("remote_state_data_sources {\n")
	writeTarget(b, "default", method, fallback, false)
	b.WriteString("}\n")
}

func anyWrittenWith(name string, states []string) bool {
	needle := []byte(`"key_provider.pbkdf2.` + name + `"`)
	for _, path := range states {
		if data, err := os.ReadFile(path); err == nil && bytes.Contains(data, needle) {
			return true
		}
	}
	return false
}

func resolvePassphrase(ctx context.Context, root string, src SecretSource, what string) (string, error) {
	pass, err := src.Resolve(ctx, root, what)
	if err != nil {
		return "", err
	}
	if len(pass) < MinPassphraseLength {
		return "", fmt.Errorf("%s from %s is %d characters long; OpenTofu needs at least %d", what, src.describe(), len(pass), MinPassphraseLength)
	}
	return pass, nil
}

func writeKey(b *strings.Builder, name, passphrase string) {
	fmt.Fprintf(b, "key_provider \"pbkdf2\" %q {\n  passphrase = %s\n}\n", name, hclString(passphrase))
	fmt.Fprintf(b, "method \"aes_gcm\" %q {\n  keys = key_provider.pbkdf2.%s\n}\n", name, name)
}

func writeTarget(b *strings.Builder, target, method, fallback string, enforced bool) {
	fmt.Fprintf(b, "%s {\n  method = method.aes_gcm.%s\n", target, method)
	if enforced {
		b.WriteString("  enforced = true\n")
	}
	if fallback != "" {
		fmt.Fprintf(b, "  fallback {\n    method = %s\n  }\n", fallback)
	}
	b.WriteString("}\n")
}

// hclString quotes s as an HCL string literal with no interpolation.
func hclString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`, "${", "$${", "%{", "%%{")
	return `"` + r.Replace(s) + `"`
}

// ExplainDecryptError turns tofu's output after a failed command into one
// line when the cause is a passphrase that cannot decrypt the state.
func ExplainDecryptError(ws string, tofuOutput string, enc Encryption) (string, bool) {
	out := strings.Join(strings.Fields(strings.ToLower(tofuOutput)), " ")
	for _, sign := range []string{"decryption failed", "cipher: message authentication failed", "failed to decrypt", "unable to decrypt"} {
		if strings.Contains(out, sign) {
			return fmt.Sprintf("state of %s cannot be decrypted: wrong encryption passphrase (from %s)?", ws, enc.Passphrase.describe()), true
		}
	}
	if strings.Contains(out, "encountered unencrypted payload") || strings.Contains(out, "unencrypted data") {
		return fmt.Sprintf("state of %s is not encrypted yet: run `clan-terranix state encrypt %s` to migrate it", ws, ws), true
	}
	return "", false
}

// String keeps the passphrases out of any accidental %v.
func (k *Keys) String() string { return "state.Keys{<redacted>}" }

// GoString keeps the passphrases out of %#v.
func (k *Keys) GoString() string { return k.String() }

// RemovePlaintextBackup deletes the workspace's terraform.tfstate.backup when
// it holds plaintext state: after `state encrypt` tofu leaves the last
// plaintext state there (gitignored, but still on disk).
func RemovePlaintextBackup(p Paths) (removed bool, err error) {
	info, err := Validate(p.Abs(p.Backup), p.Backup)
	if err != nil || !info.Exists || info.Encrypted {
		return false, nil // an unreadable backup is no plaintext we can vouch for either way
	}
	if err := os.Remove(p.Abs(p.Backup)); err != nil {
		return false, fmt.Errorf("cannot remove plaintext backup %s: %v", p.Backup, err)
	}
	return true, nil
}
