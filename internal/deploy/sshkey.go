package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
	"github.com/clan-terranix/clan-terranix/internal/clan"
)

// SSHKeyPath is where install keeps the key of settings.sshKeyOutput,
// relative to the clan root: below the work folder, which git ignores, so the
// key is never committed.
func SSHKeyPath(machine string) string {
	return filepath.FromSlash(clan.SSHKeyFile(machine))
}

// WriteSSHKey writes the private key that output name holds to SSHKeyPath
// (mode 0600) and returns its absolute path.
func WriteSSHKey(root, machine string, outputs map[string]Output, name string) (string, error) {
	out, ok := outputs[name]
	if !ok || out.Value == nil {
		return "", fmt.Errorf("workspace %s: has no output %s (settings.sshKeyOutput); declare it, e.g. output.%s = { value = \"\\${tls_private_key.deploy.private_key_openssh}\"; sensitive = true; }", machine, name, name)
	}
	key, ok := out.Value.(string)
	if !ok || !strings.HasPrefix(strings.TrimSpace(key), "-----BEGIN ") {
		return "", fmt.Errorf("workspace %s: output %s (settings.sshKeyOutput) is not a private key in PEM or OpenSSH form", machine, name)
	}
	if !out.Sensitive {
		return "", fmt.Errorf("workspace %s: output %s holds a private key but is not sensitive: set sensitive = true, or it is written to %s", machine, name, OutputsPath(machine))
	}
	rel := SSHKeyPath(machine)
	dir := filepath.Join(root, filepath.Dir(rel))
	if err := insideRoot(root, dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(root, rel)
	if !strings.HasSuffix(key, "\n") {
		key += "\n" // ssh refuses a key file without its last newline
	}
	if err := atomicfile.Write(path, []byte(key), 0o600); err != nil {
		return "", err
	}
	return path, nil
}

// insideRoot refuses a dir whose existing part resolves outside root: a
// symlink there must not make us write a private key, or make a folder,
// elsewhere. What does not exist yet is made by us, as plain folders.
func insideRoot(root, dir string) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	existing := dir
	for {
		if _, err := os.Lstat(existing); err == nil || existing == root {
			break
		}
		existing = filepath.Dir(existing)
	}
	realDir, err := filepath.EvalSymlinks(existing)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(realRoot, realDir); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s resolves to %s, outside the clan %s: refusing to write a key there", existing, realDir, root)
	}
	return nil
}

// SSHLogin is a key login that proves a machine is ready for the installer:
// an sshd may answer with its banner before the key is in place.
type SSHLogin struct {
	User, Host string
	Port       int
	KeyFile    string
}

// WaitLogin logs in with ssh and runs `true` until that succeeds or timeout
// passes. progress, when not nil, is called after every failed attempt.
func WaitLogin(ctx context.Context, l SSHLogin, timeout time.Duration, progress func(elapsed time.Duration)) error {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		err := l.try(ctx)
		if err == nil {
			return nil
		}
		var notFound *exec.Error
		if errors.As(err, &notFound) {
			return fmt.Errorf("ssh not found on PATH: install OpenSSH's client (it checks the login before the installer runs)")
		}
		if progress != nil {
			progress(time.Since(start))
		}
		select {
		case <-ctx.Done():
			if ctx.Err() == context.DeadlineExceeded {
				return fmt.Errorf("ssh login as %s on %s port %d with %s did not succeed within %s (last attempt: %v)", l.User, l.Host, l.Port, l.KeyFile, timeout, err)
			}
			return fmt.Errorf("waiting for an ssh login on %s: %w", l.Host, ctx.Err())
		case <-time.After(sshRetryInterval):
		}
	}
}

func (l SSHLogin) try(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "ssh", l.Args("true")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err != nil && stderr.Len() > 0 {
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		return fmt.Errorf("%v: %s", err, lines[len(lines)-1])
	}
	return err
}

// Args are ssh's arguments for running command on the machine. The host key
// is not checked here, nor recorded in the user's known_hosts: this is a
// readiness probe that sends nothing secret, and the installer checks the
// host key as settings.hostKeyCheck says.
func (l SSHLogin) Args(command ...string) []string {
	return append([]string{
		"-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-o", "IdentitiesOnly=yes",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
		"-i", l.KeyFile, "-p", strconv.Itoa(l.Port), l.User + "@" + strings.Trim(l.Host, "[]"),
	}, command...)
}
