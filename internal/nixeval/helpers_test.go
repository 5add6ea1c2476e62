package nixeval

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected .json and .err files of our own golden tests")

// requireNix skips without nix-instantiate, loudly, unless CI is set.
func requireNix(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("nix-instantiate not found and CI is set: %v", err)
		}
		t.Skip("SKIPPING: nix-instantiate not found (run scripts/bootstrap)")
	}
}

func indentJSON(t *testing.T, data []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := json.Indent(&out, data, "", "  "); err != nil {
		t.Fatalf("invalid JSON %q: %v", data, err)
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// compareGolden checks got against the file, or rewrites it under -update.
func compareGolden(t *testing.T, path string, got []byte, updatable bool) {
	t.Helper()
	if *update && updatable {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v (run go test -update to create it)", path, err)
	}
	if !bytes.Equal(bytes.TrimSpace(want), bytes.TrimSpace(got)) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
