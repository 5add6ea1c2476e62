package state

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestCredentialsEnv(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "secrets/token"), "file-secret-value\n")
	t.Setenv("CT_TEST_TOKEN", "env-secret-value")
	env, err := CredentialsEnv(context.Background(), root, map[string]SecretSource{
		"HCLOUD_TOKEN": {Command: "echo command-secret-value"},
		"AWS_KEY":      {Env: "CT_TEST_TOKEN"},
		"TF_VAR_x":     {File: "secrets/token"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "AWS_KEY=env-secret-value HCLOUD_TOKEN=command-secret-value TF_VAR_x=file-secret-value"
	if got := strings.Join(env, " "); got != want {
		t.Fatalf("env = %q, want %q", got, want)
	}
}

func TestCredentialBadInputs(t *testing.T) {
	root := t.TempDir()
	cases := []struct {
		name    string
		src     SecretSource
		wantErr string
	}{
		{"failing command", SecretSource{Command: "echo leaked-value; echo 'secret not found' >&2; exit 3"},
			"credential HCLOUD_TOKEN: command `echo leaked-value; echo 'secret not found' >&2; exit 3` failed (exit status 3): secret not found"},
		{"missing command", SecretSource{Command: "clan-terranix-no-such-command get x"}, "credential HCLOUD_TOKEN: command `clan-terranix-no-such-command get x` failed (exit status 127)"},
		{"empty output", SecretSource{Command: "true"}, "credential HCLOUD_TOKEN: command `true` gave an empty value"},
		{"unset env", SecretSource{Env: "CT_TEST_UNSET_VAR"}, "credential HCLOUD_TOKEN: environment variable CT_TEST_UNSET_VAR is not set"},
		{"missing file", SecretSource{File: "nope/token"}, "credential HCLOUD_TOKEN: cannot read file nope/token: no such file or directory"},
		{"two sources", SecretSource{Env: "A", File: "b"}, "credential HCLOUD_TOKEN: set exactly one of command, env or file (found 2)"},
		{"no source", SecretSource{}, "credential HCLOUD_TOKEN: set exactly one of command, env or file (found 0)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := CredentialsEnv(context.Background(), root, map[string]SecretSource{"HCLOUD_TOKEN": c.src})
			if err == nil || !strings.HasPrefix(err.Error(), c.wantErr) {
				t.Fatalf("err = %v\nwant prefix %q", err, c.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatal("error has more than one line")
			}
		})
	}
	_, err := CredentialsEnv(context.Background(), root, map[string]SecretSource{"BAD NAME": {Env: "HOME"}})
	if err == nil || !strings.Contains(err.Error(), `credential "BAD NAME": not a valid environment variable name`) {
		t.Fatalf("bad name: %v", err)
	}
}
