package clan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDiscoverPlanLayout(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{
		"inventory/infrastructure/shared/networking.nix", "inventory/infrastructure/shared/dns.nix",
		"inventory/infrastructure/shared/README.md",
		"inventory/infrastructure/modules/ec2-with-sg.nix", "inventory/infrastructure/providers/aws.nix",
		"inventory/tags/aws-infra.nix", "inventory/services/terranix.nix",
		"machines/web-server/infrastructure.nix", "machines/web-server/configuration.nix",
		"machines/admin/configuration.nix", "inventory.json",
	} {
		write(t, root, f, "{ }")
	}
	l, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Shared) != 2 || !strings.HasSuffix(l.Shared[0], "dns.nix") {
		t.Errorf("shared = %v, want dns.nix and networking.nix in order", l.Shared)
	}
	if l.Modules["ec2-with-sg"] == "" || l.Providers["aws"] == "" || l.Tags["aws-infra"] == "" {
		t.Errorf("modules/providers/tags = %v %v %v", l.Modules, l.Providers, l.Tags)
	}
	if got := strings.Join(l.MachineNames(), ","); got != "admin,web-server" {
		t.Errorf("machines = %s", got)
	}
	if l.Machines["admin"].Infrastructure != "" || l.Machines["web-server"].Infrastructure == "" {
		t.Errorf("infrastructure files = %+v", l.Machines)
	}
	if l.Service == "" || l.InventoryJSON == "" || l.ClanNix != "" {
		t.Errorf("optional files: service=%q inventory=%q clan.nix=%q", l.Service, l.InventoryJSON, l.ClanNix)
	}
}

func TestFindWalksUp(t *testing.T) {
	root := t.TempDir()
	write(t, root, "flake.nix", "{}")
	write(t, root, "machines/web/x", "")
	got, err := Find(filepath.Join(root, "machines", "web"))
	if err != nil || got != root {
		t.Fatalf("Find = %q, %v; want %q", got, err, root)
	}
	if _, err := Find("/"); err == nil {
		t.Error("Find(/) found a clan")
	}
}

func TestParseSettings(t *testing.T) {
	s, err := ParseSettings(json.RawMessage(`{"engine":"tofu","lock":"git","lockTimeout":"2m",
		"credentials":{"HCLOUD_TOKEN":{"command":"clan secrets get hcloud-token"}},
		"encryption":{"passphraseEnv":"TF_PASSPHRASE"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Lock != "git" || s.Credentials["HCLOUD_TOKEN"].Command == "" || s.Encryption.PassphraseEnv != "TF_PASSPHRASE" {
		t.Errorf("settings = %+v", s)
	}
	for raw, want := range map[string]string{
		`{"engin":"tofu"}`:                                `unknown field "engin"`,
		`{"engine":"pulumi"}`:                             `engine = "pulumi": use "tofu" or "terraform"`,
		`{"lockTimeout":"soon"}`:                          `lockTimeout = "soon" is not a duration`,
		`{"credentials":{"X":{"command":"a","env":"B"}}}`: `credentials.X: set exactly one of command, env, file`,
		`{"encryption":{}}`:                               `encryption: set exactly one of`,
		`{"backend":{"type":"consul"}}`:                   `backend.type = "consul"`,
	} {
		_, err := ParseSettings(json.RawMessage(raw))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), ServiceFile) {
			t.Errorf("ParseSettings(%s) = %v, want an error naming %s and containing %q", raw, err, ServiceFile, want)
		}
	}
}
