package nixeval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// TestEvaluateCache: a second evaluation of unchanged inputs starts no Nix
// (nix-instantiate is then made unfindable); any input changed, a file
// inside the clan or one outside it that a module imports, and it runs.
// The only outside files a confined evaluation reads are those of the
// nixpkgs chosen (a mutable checkout here: a copy of the upstream lib).
func TestEvaluateCache(t *testing.T) {
	requireNix(t)
	nixpkgs := t.TempDir()
	if err := os.CopyFS(nixpkgs, os.DirFS(filepath.Join(testenv.Upstream(t), "nixpkgs-lib"))); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(nixpkgs, "extra.nix")
	write := func(path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(outside, "{ output.o.value = 1; }\n")
	root := writeClan(t, map[string]string{
		"machines/web/infrastructure.nix": "{ imports = [ <nixpkgs/extra.nix> ]; resource.x.y = { }; }\n",
		"inventory.json":                  `{ "machines": { "web": { "tags": [ "a" ] } } }`,
	})
	cache := filepath.Join(root, ".clan-terranix", "eval-cache.json")
	l, err := clan.Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	first, err := (&Evaluator{CacheFile: cache, Nixpkgs: nixpkgs}).Evaluate(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	noNix := &Evaluator{CacheFile: cache, Nixpkgs: nixpkgs, NixInstantiate: "/nonexistent/nix-instantiate"}
	cached := func() bool {
		t.Helper()
		res, err := noNix.Evaluate(context.Background(), l)
		if errors.Is(err, ErrNixMissing) {
			return false
		}
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(res)
		want, _ := json.Marshal(first)
		if !bytes.Equal(got, want) {
			t.Fatalf("cached result differs:\n%s\n%s", got, want)
		}
		return true
	}
	if !cached() {
		t.Fatal("unchanged inputs: Nix ran again")
	}
	// What an apply writes is no input.
	write(filepath.Join(root, "terraform-state/machines/web/terraform.tfstate"), "{}")
	write(filepath.Join(root, "machines/web/terraform-outputs.json"), `{"ip": "1"}`)
	write(filepath.Join(root, ".clan-terranix/logs/x"), "log")
	if !cached() {
		t.Error("state, outputs or logs written: the cache was not used")
	}
	// A gpg-agent's socket or a FIFO in the clan (a HOME inside it, an
	// editor's) is never opened: a socket cannot be, a FIFO would block.
	sock, err := net.Listen("unix", filepath.Join(root, "S.agent"))
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	if cached() {
		t.Error("a socket and a FIFO appeared: the cache was used")
	}
	if _, err := (&Evaluator{CacheFile: cache, Nixpkgs: nixpkgs}).Evaluate(context.Background(), l); err != nil {
		t.Fatalf("a socket and a FIFO in the clan: %v", err)
	}
	if !cached() {
		t.Error("unchanged socket and FIFO: Nix ran again")
	}
	if _, err := (&Evaluator{CacheFile: cache, Nixpkgs: nixpkgs, WithNulls: true, NixInstantiate: noNix.NixInstantiate}).Evaluate(context.Background(), l); !errors.Is(err, ErrNixMissing) {
		t.Error("--with-nulls: the cache of a run without it was used")
	}
	for name, change := range map[string]func(){
		"a file outside the clan that a module imports": func() { write(outside, "{ output.o.value = 2; }\n") },
		"inventory.json":    func() { write(filepath.Join(root, "inventory.json"), `{ "machines": { "web": { "tags": [ "b" ] } } }`) },
		"a new file beside": func() { write(filepath.Join(root, "machines/web/key.pub"), "ssh-ed25519 A") },
	} {
		change()
		if cached() {
			t.Errorf("%s changed: the cache was used", name)
		}
		if first, err = (&Evaluator{CacheFile: cache, Nixpkgs: nixpkgs}).Evaluate(context.Background(), l); err != nil {
			t.Fatal(err)
		}
	}
}
