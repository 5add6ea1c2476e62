package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// SSHDImage is the machine image of examples/docker: a minimal Debian with
// sshd, imported from the root file system tarball the bootstrap builds.
const SSHDImage = "clan-terranix-sshd:bookworm"

// unavailable skips the test with a loud message, or fails it under CI, where
// every real part must be there.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := "!!! " + fmt.Sprintf(format, args...) + " !!!"
	if InCI() {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Terraform returns Terraform v1.5.7 from the bootstrap cache (kept off PATH).
func (tc Toolchain) Terraform(t testing.TB) string {
	t.Helper()
	return tc.cached(t, "terraform/terraform", "TERRAFORM", "the --engine terraform tests")
}

// Weed returns SeaweedFS's weed from the bootstrap cache.
func (tc Toolchain) Weed(t testing.TB) string {
	t.Helper()
	return tc.cached(t, "bin/weed", "SEAWEEDFS", "the s3 backend tests")
}

// cached returns the executable rel of the bootstrap cache, or skips (fails
// under CI) saying which tests cannot run without it.
func (tc Toolchain) cached(t testing.TB, rel, name, tests string) string {
	t.Helper()
	path := executable(filepath.Join(tc.Cache, rel))
	if path == "" {
		unavailable(t, "%s MISSING: no %s/%s: run scripts/bootstrap --real; %s do NOT run", name, tc.Cache, rel, tests)
	}
	return path
}

// Docker makes sure a Docker daemon answers and has SSHDImage, importing it
// from the bootstrap's tarball when absent. scripts/test starts the daemon.
func (tc Toolchain) Docker(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := os.Stat(filepath.Join(tc.Cache, "providers", "registry.opentofu.org", "kreuzwerker", "docker")); err != nil {
		unavailable(t, "NO DOCKER PROVIDER in the mirror of %s: run scripts/bootstrap --real; the docker tests do NOT run", tc.Cache)
	}
	if _, err := exec.LookPath("docker"); err != nil {
		unavailable(t, "DOCKER MISSING: no docker on PATH (scripts/test installs docker.io as root); the docker tests do NOT run")
	}
	if out, err := exec.CommandContext(ctx, "docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		unavailable(t, "DOCKER DAEMON DOES NOT ANSWER (%v: %s): scripts/test starts dockerd; the docker tests do NOT run", err, firstLine(out))
	}
	// Containers must not reach beyond this host: without masquerading their
	// packets cannot come back from anywhere but the host.
	masq, err := exec.CommandContext(ctx, "docker", "network", "inspect", "bridge",
		"--format", `{{index .Options "com.docker.network.bridge.enable_ip_masquerade"}}`).Output()
	if err != nil || strings.TrimSpace(string(masq)) != "false" {
		unavailable(t, "THE DOCKER DAEMON MASQUERADES (bridge enable_ip_masquerade %q, %v): containers could reach out; start dockerd --ip-masq=false (scripts/test does); the docker tests do NOT run", strings.TrimSpace(string(masq)), err)
	}
	if exec.CommandContext(ctx, "docker", "image", "inspect", SSHDImage).Run() == nil {
		return
	}
	tarball := filepath.Join(tc.Cache, "images", "sshd-bookworm.tar")
	if _, err := os.Stat(tarball); err != nil {
		unavailable(t, "NO SSHD IMAGE: %s is missing (scripts/bootstrap --real builds it as root); the docker tests do NOT run", tarball)
	}
	out, err := exec.CommandContext(ctx, "docker", "import", "--change", `CMD ["/usr/sbin/sshd", "-D", "-e"]`, tarball, SSHDImage).CombinedOutput()
	if err != nil {
		t.Fatalf("docker import %s %s: %v\n%s", tarball, SSHDImage, err, out)
	}
}

func firstLine(b []byte) string {
	line, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return line
}
