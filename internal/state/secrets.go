package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// SecretSource says where one secret comes from: exactly one of a shell
// command run in the clan root (`clan secrets get hcloud-token`), an
// environment variable of this process, or a file (relative to the clan root).
// Values are only ever returned, never logged or written.
type SecretSource struct {
	Command string `json:"command,omitempty"`
	Env     string `json:"env,omitempty"`
	File    string `json:"file,omitempty"`
}

func (s SecretSource) describe() string {
	switch {
	case s.Command != "":
		return fmt.Sprintf("command `%s`", s.Command)
	case s.Env != "":
		return "environment variable " + s.Env
	default:
		return "file " + s.File
	}
}

// Resolve returns the secret. what names it in errors ("credential
// HCLOUD_TOKEN", "encryption passphrase"); errors never contain the value.
func (s SecretSource) Resolve(ctx context.Context, root, what string) (string, error) {
	set := 0
	for _, v := range []string{s.Command, s.Env, s.File} {
		if v != "" {
			set++
		}
	}
	if set != 1 {
		return "", fmt.Errorf("%s: set exactly one of command, env or file (found %d)", what, set)
	}
	var value string
	switch {
	case s.Command != "":
		cmd := exec.CommandContext(ctx, "sh", "-c", s.Command)
		cmd.Dir = root
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("%s: command `%s` failed (%v): %s", what, s.Command, err, lastStderrLine(stderr.String()))
		}
		value = stdout.String()
	case s.Env != "":
		v, ok := os.LookupEnv(s.Env)
		if !ok {
			return "", fmt.Errorf("%s: environment variable %s is not set", what, s.Env)
		}
		value = v
	default:
		file := s.File
		if !filepath.IsAbs(file) {
			file = filepath.Join(root, file)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s: cannot read file %s: %v", what, s.File, errors.Unwrap(err))
		}
		value = string(data)
	}
	value = strings.TrimRight(value, "\r\n")
	if value == "" {
		return "", fmt.Errorf("%s: %s gave an empty value", what, s.describe())
	}
	return value, nil
}

// CredentialsEnv resolves the credentials declared in the clan settings
// (NAME -> source) into "NAME=value" entries for tofu's environment only.
func CredentialsEnv(ctx context.Context, root string, creds map[string]SecretSource) ([]string, error) {
	names := make([]string, 0, len(creds))
	for name := range creds {
		names = append(names, name)
	}
	sort.Strings(names)
	env := make([]string, 0, len(names))
	for _, name := range names {
		if name == "" || strings.ContainsAny(name, "= \t\n") {
			return nil, fmt.Errorf("credential %q: not a valid environment variable name", name)
		}
		value, err := creds[name].Resolve(ctx, root, "credential "+name)
		if err != nil {
			return nil, err
		}
		env = append(env, name+"="+value)
	}
	return env, nil
}

func lastStderrLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if last == "" {
		return "it printed nothing on stderr"
	}
	if len(last) > 200 {
		last = last[:200] + "..."
	}
	return last
}
