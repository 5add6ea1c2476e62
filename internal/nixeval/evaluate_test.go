package nixeval

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/clan"
)

// TestEvaluatePlanClan evaluates testdata/clans/plan: the plan's two examples
// (shared networking, the web-server machine with config.networking.hostName
// as machine.name), tags from configuration.nix and clan.nix, a tag file
// importing a provider file, a reusable module via lib.clanInfra.modules, the
// terranix service instance's settings and a machine turned off.
func TestEvaluatePlanClan(t *testing.T) {
	requireNix(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // the layout goes to Nix on stdin: a killed run leaves no file
	res := evaluateDir(t, "testdata/clans/plan")
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("evaluation left %d files in TMPDIR", len(left))
	}
	got, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "testdata/clans/plan.json", append(got, '\n'), true)

	web := res.Workspaces["web-server"]
	var cfg struct {
		Resource struct {
			SG map[string]struct {
				Name string `json:"name"`
			} `json:"aws_security_group"`
		} `json:"resource"`
	}
	if err := json.Unmarshal(web.Config, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Resource.SG["web"].Name != "web-server-sg" {
		t.Errorf("machine.name did not stand for config.networking.hostName: %s", web.Config)
	}
	if _, ok := res.Workspaces["off"]; ok || res.Machines["off"].Enabled {
		t.Errorf("clan.terranix.enable = mkDefault false did not turn machine off off")
	}
}

func evaluateDir(t *testing.T, dir string) *Result {
	t.Helper()
	l, err := clan.Discover(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&Evaluator{}).Evaluate(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// writeClan creates a clan from relative path -> content.
func writeClan(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestEvaluateErrors(t *testing.T) {
	requireNix(t)
	cases := []struct {
		name      string
		files     map[string]string
		want      string // exact Error() text
		workspace string
	}{
		{
			name: "attribute missing in a machine file",
			files: map[string]string{
				"machines/web-server/infrastructure.nix": "{ config, ... }: {\n  resource.x.y = config.foo.bar;\n}\n",
			},
			want:      "machines/web-server/infrastructure.nix:2:18: attribute 'foo' missing (workspace web-server)",
			workspace: "web-server",
		},
		{
			name: "syntax error in a shared file",
			files: map[string]string{
				"inventory/infrastructure/shared/net.nix": "{ resource.x = { a = 1 }\n",
			},
			want:      "inventory/infrastructure/shared/net.nix:1:24: syntax error, unexpected '}', expecting ';' (workspace shared)",
			workspace: "shared",
		},
		{
			name: "conflict between a tag file and a machine file",
			files: map[string]string{
				"inventory/tags/all.nix":             "{ provider.aws.region = \"us-east-1\"; }\n",
				"machines/a/infrastructure.nix":      "{ provider.aws.region = \"eu-central-1\"; }\n",
				"inventory/infrastructure/.keep.nix": "",
			},
			want:      `conflicting values for provider.aws.region: "us-east-1" in inventory/tags/all.nix and "eu-central-1" in machines/a/infrastructure.nix (workspace a)`,
			workspace: "a",
		},
		{
			name: "a key Terranix does not declare (assertions are NixOS', not Terranix's)",
			files: map[string]string{
				"machines/a/infrastructure.nix": "{ assertions = [ { assertion = false; message = \"no region\"; } ]; }\n",
			},
			want:      `machines/a/infrastructure.nix:1: the top-level key "assertions" is no Terranix option (Terranix refuses it too) (workspace a)`,
			workspace: "a",
		},
		{
			name: "dependsOn that is not a list",
			files: map[string]string{
				"machines/a/configuration.nix":  "{ clan.terranix.dependsOn = \"shared\"; }\n",
				"machines/a/infrastructure.nix": "{ }\n",
			},
			want: `clan.terranix.dependsOn of machine a must be a list of workspace names, like [ "shared" ]`,
		},
		{
			name: "configuration.nix that is not a module",
			files: map[string]string{
				"machines/a/configuration.nix":  "[ ]\n",
				"machines/a/infrastructure.nix": "{ }\n",
			},
			want: "",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := writeClan(t, tc.files)
			l, err := clan.Discover(root)
			if err != nil {
				t.Fatal(err)
			}
			_, err = (&Evaluator{}).Evaluate(context.Background(), l)
			var nixErr *Error
			if !errors.As(err, &nixErr) {
				t.Fatalf("got %v (%T), want *nixeval.Error", err, err)
			}
			if tc.want != "" && err.Error() != tc.want {
				t.Errorf("error:\n got %s\nwant %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), root) {
				t.Errorf("error is not one line relative to the clan: %q", err)
			}
			if nixErr.Workspace != tc.workspace {
				t.Errorf("workspace %q, want %q", nixErr.Workspace, tc.workspace)
			}
			if !strings.Contains(nixErr.Output, "error:") {
				t.Errorf("Output does not hold Nix's output: %q", nixErr.Output)
			}
		})
	}
}

func TestMissingNix(t *testing.T) {
	l := &clan.Layout{Root: t.TempDir()}
	_, err := (&Evaluator{NixInstantiate: "/nonexistent/nix-instantiate"}).Evaluate(context.Background(), l)
	if !errors.Is(err, ErrNixMissing) {
		t.Fatalf("got %v, want ErrNixMissing", err)
	}
	t.Setenv("PATH", t.TempDir())
	_, err = (&Evaluator{}).Render(context.Background(), "testdata/render/empty.nix")
	if !errors.Is(err, ErrNixMissing) || !strings.Contains(err.Error(), "apt-get install nix-bin") {
		t.Fatalf("got %v, want ErrNixMissing naming apt-get install nix-bin", err)
	}
}
