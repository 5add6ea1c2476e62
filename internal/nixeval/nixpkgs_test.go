package nixeval

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// A clan flake whose nixpkgs follows clan-core's, as `nix flake lock` writes it.
const followsLock = `{
  "nodes": {
    "clan-core": {
      "inputs": { "nixpkgs": "nixpkgs_2" },
      "locked": { "narHash": "sha256-A", "path": "/cc", "type": "path" }
    },
    "nixpkgs_2": {
      "locked": { "lastModified": 1, "narHash": "sha256-B", "path": "/np", "type": "path" }
    },
    "root": {
      "inputs": { "clan-core": "clan-core", "nixpkgs": [ "clan-core", "nixpkgs" ] }
    }
  },
  "root": "root",
  "version": 7
}`

func TestLockedNixpkgs(t *testing.T) {
	cases := []struct {
		name, lock, wantPath, wantErr string
	}{
		{name: "follows clan-core/nixpkgs", lock: followsLock, wantPath: "/np"},
		{name: "a node of its own", wantPath: "/own",
			lock: `{"nodes":{"np":{"locked":{"type":"path","path":"/own"}},"root":{"inputs":{"nixpkgs":"np"}}},"root":"root","version":7}`},
		{name: "no nixpkgs input",
			lock: `{"nodes":{"root":{"inputs":{"clan-core":"cc"}},"cc":{"locked":{"type":"path","path":"/cc"}}},"root":"root","version":7}`},
		{name: "follows nowhere", wantErr: "follows clan-core/nixpkgs, which does not exist",
			lock: `{"nodes":{"root":{"inputs":{"nixpkgs":["clan-core","nixpkgs"]}}},"root":"root","version":7}`},
		{name: "not JSON", lock: `{`, wantErr: "flake.lock: unexpected end of JSON input"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := writeClan(t, map[string]string{"flake.nix": "{ outputs = _: { }; }", "flake.lock": tc.lock})
			locked, err := lockedNixpkgs(root)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := locked["path"].(string)
			if got != tc.wantPath {
				t.Errorf("locked path %q, want %q (locked %v)", got, tc.wantPath, locked)
			}
		})
	}
}

func TestFindNixpkgsOrder(t *testing.T) {
	fakeNixpkgs := func() string {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "lib"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "lib", "default.nix"), []byte("{ }"), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	flag, onNixPath := fakeNixpkgs(), fakeNixpkgs()
	withLock := writeClan(t, map[string]string{"flake.nix": "{ outputs = _: { }; }", "flake.lock": followsLock})
	t.Setenv("NIX_PATH", "foo=/nowhere:nixpkgs="+onNixPath)

	for _, tc := range []struct {
		name, given, root, wantSource string
	}{
		{"the flag first", flag, withLock, SourceFlag},
		{"then flake.lock", "", withLock, SourceFlakeLock},
		{"then NIX_PATH", "", t.TempDir(), SourceNixPath},
	} {
		c, err := findNixpkgs(tc.given, tc.root)
		if err != nil || c == nil || c.Source != tc.wantSource {
			t.Errorf("%s: got %+v, %v; want source %s", tc.name, c, err, tc.wantSource)
		}
	}
	t.Setenv("NIX_PATH", "")
	if c, err := findNixpkgs("", t.TempDir()); c != nil || err != nil {
		t.Errorf("nothing anywhere: got %+v, %v; want the builtins-only evaluator", c, err)
	}
	if _, err := findNixpkgs(t.TempDir(), ""); err == nil || !strings.Contains(err.Error(), "no lib/default.nix there") {
		t.Errorf("--nixpkgs of a directory without lib/: %v", err)
	}
	// NIX_PATH's other form: a directory that holds nixpkgs/.
	parent := t.TempDir()
	if err := os.Symlink(onNixPath, filepath.Join(parent, "nixpkgs")); err != nil {
		t.Fatal(err)
	}
	if got := nixPathNixpkgs("https://example.invalid/x.tar.gz:" + parent); got != filepath.Join(parent, "nixpkgs") {
		t.Errorf("NIX_PATH dir form: got %q", got)
	}
}

// TestEvaluateOnNixpkgs: the plan clan renders the same JSON on nixpkgs'
// module system as on the builtins-only evaluator, and says which served.
func TestEvaluateOnNixpkgs(t *testing.T) {
	requireNix(t)
	upstream := testenv.Upstream(t)
	l, err := clan.Discover("testdata/clans/plan")
	if err != nil {
		t.Fatal(err)
	}
	builtinsOnly := evaluateDir(t, "testdata/clans/plan")
	res, err := (&Evaluator{Nixpkgs: filepath.Join(upstream, "nixpkgs-lib")}).Evaluate(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	want := EvaluatorInfo{Kind: "nixpkgs", Nixpkgs: filepath.Join(upstream, "nixpkgs-lib"), Source: SourceFlag, Version: res.Evaluator.Version}
	if res.Evaluator != want || want.Version == "" {
		t.Errorf("evaluator %+v, want %+v with a version", res.Evaluator, want)
	}
	if builtinsOnly.Evaluator.Kind != "builtins" {
		t.Errorf("without nixpkgs: evaluator %+v", builtinsOnly.Evaluator)
	}
	for name, ws := range builtinsOnly.Workspaces {
		if got := res.Workspaces[name].Config; !bytes.Equal(got, ws.Config) {
			t.Errorf("workspace %s:\n nixpkgs  %s\n builtins %s", name, got, ws.Config)
		}
	}
}

// TestEvaluateNixpkgsFromFlakeLock locks a clan flake with the real `nix
// flake lock` (nixpkgs following a clan-core stand-in's, a local path flake
// of nixpkgs.lib) and evaluates with the nixpkgs Nix fetched from the lock.
func TestEvaluateNixpkgsFromFlakeLock(t *testing.T) {
	requireNix(t)
	upstream := testenv.Upstream(t)
	nix, err := exec.LookPath("nix")
	if err != nil {
		t.Skip("SKIPPING: nix not found")
	}
	cc := writeClan(t, map[string]string{"flake.nix": `{ inputs.nixpkgs.url = "path:` + filepath.Join(upstream, "nixpkgs-lib") + `"; outputs = _: { }; }`})
	root := writeClan(t, map[string]string{
		"flake.nix": `{ inputs.clan-core.url = "path:` + cc + `"; inputs.nixpkgs.follows = "clan-core/nixpkgs"; outputs = _: { }; }`,
		// users is Terranix's option: the builtins-only evaluator would drop it.
		"machines/web/infrastructure.nix": "{ config, ... }: {\n  users.admins.me.publicKey = \"ssh-ed25519 A\";\n  output.key.value = config.users.admins.me.publicKey;\n}\n",
	})
	lock := exec.Command(nix, "flake", "lock")
	lock.Dir = root
	lock.Env = append(os.Environ(), "NIX_CONFIG="+testenv.NixConfig)
	if out, err := lock.CombinedOutput(); err != nil {
		t.Fatalf("nix flake lock: %v\n%s", err, out)
	}
	res := evaluateDir(t, root)
	if res.Evaluator.Kind != "nixpkgs" || res.Evaluator.Source != SourceFlakeLock || !strings.HasPrefix(res.Evaluator.Nixpkgs, "/nix/store/") {
		t.Errorf("evaluator %+v, want nixpkgs from flake.lock, fetched into the store", res.Evaluator)
	}
	if got := string(res.Workspaces["web"].Config); got != `{"output":{"key":{"value":"ssh-ed25519 A"}}}` {
		t.Errorf("config %s", got)
	}
}

// TestEvaluateErrorsOnNixpkgs: without --show-trace, a failure names the
// user's file:line (not nixpkgs' lib) and the workspace.
func TestEvaluateErrorsOnNixpkgs(t *testing.T) {
	requireNix(t)
	nixpkgs := filepath.Join(testenv.Upstream(t), "nixpkgs-lib")
	cases := []struct {
		name, file, want string
	}{
		{"attribute missing", "{ config, ... }: {\n  resource.x.y.a = config.nope;\n}\n",
			"machines/web/infrastructure.nix:2:20: attribute 'nope' missing (workspace web)"},
		{"throw names the workspace", "{ ... }: {\n  resource.x.y.a = throw \"no key\";\n}\n",
			"no key (workspace web)"},
		{"an option Terranix does not have", "{ ... }: {\n  resourse.x.y.a = 1;\n}\n",
			"machines/web/infrastructure.nix: The option `resourse' does not exist."},
		{"a module without ...", "{ lib }: {\n  resource.x.y.a = 1;\n}\n",
			"machines/web/infrastructure.nix:1:1: anonymous function called with unexpected argument"},
		{"conflicting definitions", "{ ... }: {\n  imports = [ { resource.x.y.a = \"1\"; } ];\n  resource.x.y.a = \"2\";\n}\n",
			"machines/web/infrastructure.nix: The option `resource.x.y.a' has conflicting definition values:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := writeClan(t, map[string]string{
				"machines/web/infrastructure.nix": tc.file,
				"machines/ok/infrastructure.nix":  "{ resource.x.ok = { }; }\n",
			})
			l, err := clan.Discover(root)
			if err != nil {
				t.Fatal(err)
			}
			_, err = (&Evaluator{Nixpkgs: nixpkgs}).Evaluate(context.Background(), l)
			var nixErr *Error
			if !errors.As(err, &nixErr) {
				t.Fatalf("got %v (%T), want *nixeval.Error", err, err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, tc.want) || strings.Contains(msg, "\n") || strings.Contains(msg, "nixpkgs-lib") {
				t.Errorf("error:\n got %s\nwant %s...", msg, tc.want)
			}
			if nixErr.Workspace != "web" {
				t.Errorf("workspace %q, want web", nixErr.Workspace)
			}
			if strings.Contains(nixErr.Output, "… while") {
				t.Errorf("Nix ran with --show-trace although not asked to")
			}
			// --show-trace: the same message, the trace of a second run added.
			_, err = (&Evaluator{Nixpkgs: nixpkgs, ShowTrace: true}).Evaluate(context.Background(), l)
			if first, _, _ := strings.Cut(err.Error(), "\n"); !strings.HasPrefix(first, tc.want) || !strings.Contains(err.Error(), "… while") {
				t.Errorf("with --show-trace: %s", err)
			}
		})
	}
}

// TestRenderOnNixpkgs: render --nixpkgs is Terranix on nixpkgs' module
// system (users is its option), and an error without a position names the
// file rendered.
func TestRenderOnNixpkgs(t *testing.T) {
	requireNix(t)
	nixpkgs := filepath.Join(testenv.Upstream(t), "nixpkgs-lib")
	dir := writeClan(t, map[string]string{
		"users.nix": "{ config, ... }: { users.admins.me.publicKey = \"k\"; output.k.value = config.users.admins.me.publicKey; }\n",
		"throw.nix": "{ ... }: { resource.x.y.a = throw \"no key\"; }\n",
	})
	r, err := (&Evaluator{Nixpkgs: nixpkgs}).RenderFile(context.Background(), filepath.Join(dir, "users.nix"))
	if err != nil {
		t.Fatal(err)
	}
	if string(r.JSON) != `{"output":{"k":{"value":"k"}}}` || r.Evaluator.Kind != "nixpkgs" {
		t.Errorf("got %s, evaluator %+v", r.JSON, r.Evaluator)
	}
	_, err = (&Evaluator{Nixpkgs: nixpkgs}).RenderFile(context.Background(), filepath.Join(dir, "throw.nix"))
	if err == nil || !strings.HasSuffix(err.Error(), "throw.nix: no key") {
		t.Errorf("error %v, want one naming throw.nix", err)
	}
}

// TestRenderWithNixpkgsPackages: a full nixpkgs (not nixpkgs.lib) gives
// the pkgs module argument, as Terranix has it. The stand-in for nixpkgs'
// top level is what `import nixpkgs { }` returns: an attribute set of
// packages; its lib is the real nixpkgs lib.
func TestRenderWithNixpkgsPackages(t *testing.T) {
	requireNix(t)
	upstream := testenv.Upstream(t)
	full := writeClan(t, map[string]string{
		"default.nix":          "{ ... }: { hello = \"/nix/store/hello\"; }\n",
		"pkgs/top-level/.keep": "",
		"module.nix":           "{ pkgs, ... }: { output.h.value = \"${pkgs.hello}/bin/hello\"; }\n",
	})
	if err := os.Symlink(filepath.Join(upstream, "nixpkgs-lib", "lib"), filepath.Join(full, "lib")); err != nil {
		t.Fatal(err)
	}
	r, err := (&Evaluator{Nixpkgs: full}).RenderFile(context.Background(), filepath.Join(full, "module.nix"))
	if err != nil || string(r.JSON) != `{"output":{"h":{"value":"/nix/store/hello/bin/hello"}}}` {
		t.Errorf("got %s, %v", r.JSON, err)
	}
	_, err = (&Evaluator{Nixpkgs: filepath.Join(upstream, "nixpkgs-lib")}).RenderFile(context.Background(), filepath.Join(full, "module.nix"))
	if err == nil || !strings.Contains(err.Error(), "pkgs.hello needs nixpkgs' packages: give a full nixpkgs") {
		t.Errorf("nixpkgs.lib has no packages: %v", err)
	}
}

// TestEvaluateNixpkgsFetchedByNix: a locked node whose source is not in the
// store yet (here: no narHash) is fetched by Nix's fetcher in the evaluation.
func TestEvaluateNixpkgsFetchedByNix(t *testing.T) {
	requireNix(t)
	lib := filepath.Join(testenv.Upstream(t), "nixpkgs-lib")
	root := writeClan(t, map[string]string{
		"flake.nix":                       "{ outputs = _: { }; }",
		"flake.lock":                      `{"nodes":{"np":{"locked":{"type":"path","path":"` + lib + `"}},"root":{"inputs":{"nixpkgs":"np"}}},"root":"root","version":7}`,
		"machines/web/infrastructure.nix": "{ users.a.b.publicKey = \"k\"; }\n",
	})
	res := evaluateDir(t, root)
	if res.Evaluator.Kind != "nixpkgs" || res.Evaluator.Source != SourceFlakeLock || !strings.HasPrefix(res.Evaluator.Nixpkgs, "/nix/store/") {
		t.Errorf("evaluator %+v, want nixpkgs fetched into the store from flake.lock", res.Evaluator)
	}
}
