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
	path := executable(filepath.Join(tc.Cache, "terraform", "terraform"))
	if path == "" {
		unavailable(t, "TERRAFORM MISSING: no %s/terraform/terraform: run scripts/bootstrap; the --engine terraform tests do NOT run", tc.Cache)
	}
	return path
}

// Weed returns SeaweedFS's weed from the bootstrap cache.
func (tc Toolchain) Weed(t testing.TB) string {
	t.Helper()
	path := executable(filepath.Join(tc.Cache, "bin", "weed"))
	if path == "" {
		unavailable(t, "SEAWEEDFS MISSING: no %s/bin/weed: run scripts/bootstrap; the s3 backend tests do NOT run", tc.Cache)
	}
	return path
}

// Docker makes sure a Docker daemon answers and has SSHDImage, importing it
// from the bootstrap's tarball when absent. scripts/test starts the daemon.
func (tc Toolchain) Docker(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := exec.LookPath("docker"); err != nil {
		unavailable(t, "DOCKER MISSING: no docker on PATH (scripts/test installs docker.io as root); the docker tests do NOT run")
	}
	if out, err := exec.CommandContext(ctx, "docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		unavailable(t, "DOCKER DAEMON DOES NOT ANSWER (%v: %s): scripts/test starts dockerd; the docker tests do NOT run", err, firstLine(out))
	}
	if exec.CommandContext(ctx, "docker", "image", "inspect", SSHDImage).Run() == nil {
		return
	}
	tarball := filepath.Join(tc.Cache, "images", "sshd-bookworm.tar")
	if _, err := os.Stat(tarball); err != nil {
		unavailable(t, "NO SSHD IMAGE: %s is missing (scripts/bootstrap builds it as root); the docker tests do NOT run", tarball)
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
