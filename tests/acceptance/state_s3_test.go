package acceptance

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// S3 credentials of the test server: they reach tofu through the
// environment, never through the backend block (which lands in the work dir).
const (
	s3AccessKey = "clan-terranix"
	s3SecretKey = "clan-terranix-test-secret"
	s3Bucket    = "tfstate"
)

// seaweed starts SeaweedFS's `weed mini` with a fresh data dir on free ports
// of 127.0.0.1, waits until it says it is ready (its buckets made), and stops
// it when the test ends, waiting for it to exit. It returns the S3 endpoint.
func seaweed(t *testing.T, tc testenv.Toolchain) string {
	t.Helper()
	weed := tc.Weed(t)
	dir := t.TempDir()
	config := fmt.Sprintf(`{"identities": [{"name": "test", "credentials": [{"accessKey": %q, "secretKey": %q}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}`, s3AccessKey, s3SecretKey)
	if err := os.WriteFile(filepath.Join(dir, "s3.json"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	ports := freePorts(t, 8)
	args := []string{"mini", "-dir=" + data, "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		"-s3.config=" + filepath.Join(dir, "s3.json"), "-bucket=" + s3Bucket,
		"-master.port=" + ports[0], "-master.port.grpc=" + ports[1],
		"-volume.port=" + ports[2], "-volume.port.grpc=" + ports[3],
		"-filer.port=" + ports[4], "-filer.port.grpc=" + ports[5],
		"-s3.port=" + ports[6], "-s3.port.grpc=" + ports[7],
		// Everything else off: fewer ports, and nothing that reaches out.
		"-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false", "-admin.ui=false", "-master.telemetry=false"}
	cmd := exec.Command(weed, args...)
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logFile, err := os.Create(filepath.Join(dir, "weed.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	ready := make(chan bool, 1)
	go func() {
		scanner := bufio.NewScanner(stdout)
		said := false
		for scanner.Scan() {
			fmt.Fprintln(logFile, scanner.Text())
			if !said && strings.Contains(scanner.Text(), "All enabled components are running and ready to use") {
				said = true
				ready <- true
			}
		}
		if !said {
			ready <- false
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		// A new server on the same dir must wait for this one to let go of
		// its leveldb lock: wait for the exit, not for a while.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-exited
		logFile.Close()
	})
	if !<-ready {
		t.Fatalf("weed mini exited before it was ready; its log:\n%s", readFile(t, filepath.Join(dir, "weed.log")))
	}
	return "http://127.0.0.1:" + ports[6]
}

// freePorts asks the kernel for n free ports of 127.0.0.1, all held open
// until every one is chosen so that none is returned twice.
func freePorts(t *testing.T, n int) []string {
	t.Helper()
	var ports []string
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		ports = append(ports, strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	}
	return ports
}

// s3BackendSettings is the backend setting for SeaweedFS at endpoint: path
// style, and none of the AWS account checks that only AWS can answer.
func s3BackendSettings(endpoint, prefix string) string {
	return `backend = { type = "s3"; config = { bucket = "` + s3Bucket + `"; key = "` + prefix + `"; region = "us-east-1";
  endpoints.s3 = "` + endpoint + `"; use_path_style = true; skip_credentials_validation = true;
  skip_region_validation = true; skip_requesting_account_id = true; skip_metadata_api_check = true; }; };`
}

// TestS3Backend runs the team backend round trip against a real S3 server
// (SeaweedFS), with OpenTofu's own S3 lock file.
func TestS3Backend(t *testing.T) {
	tc := testenv.Tools(t)
	endpoint := seaweed(t, tc)
	teamBackendRoundTrip(t, tc, teamBackend{
		typ:      "s3",
		settings: s3BackendSettings(endpoint, "team"),
		env:      []string{"AWS_ACCESS_KEY_ID=" + s3AccessKey, "AWS_SECRET_ACCESS_KEY=" + s3SecretKey},
		where: func(ws string) string {
			return fmt.Sprintf(`s3 (key "s3://%s/team/%s/terraform.tfstate")`, s3Bucket, ws)
		},
	})
}

// TestS3BackendTerraform is what differs with Terraform 1.5.7: the s3 block
// clan-terranix writes for an S3 server other than AWS (use_lockfile,
// endpoints, use_path_style) is OpenTofu's, and Terraform refuses it at init,
// in one line naming the setting.
func TestS3BackendTerraform(t *testing.T) {
	tc := testenv.Tools(t)
	endpoint := seaweed(t, tc)
	c := terraformClan(t, tc, map[string]string{
		".clan-flake":                           "",
		"inventory/services/terranix.nix":       settingsNix(`engine = "terraform"; ` + s3BackendSettings(endpoint, "tf")),
		"inventory/infrastructure/shared/a.nix": `{ resource.terraform_data.net.input = "10.0.0.0/16"; }` + "\n",
	})
	c.env = append(c.env, "AWS_ACCESS_KEY_ID="+s3AccessKey, "AWS_SECRET_ACCESS_KEY="+s3SecretKey)
	out, err := c.run(true, "clan-terranix", "apply", "shared", "--yes")
	if err == nil || !strings.Contains(out, "use_lockfile") {
		t.Errorf("terraform 1.5.7 with the s3 backend of OpenTofu: want a failure naming use_lockfile, got %v\n%s", err, out)
	}
}
