package clan

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// A committed symbolic link where the tool (or tofu) writes is refused by
// name before anything runs; the file it points to stays as it was.
func TestDiscoverRefusesLinksWhereTheToolWrites(t *testing.T) {
	for name, c := range map[string]struct{ link, target, want string }{
		"shared state":       {"terraform-state/shared/terraform.tfstate", "OUTSIDE/nowhere/terraform.tfstate", "terraform-state/shared/terraform.tfstate is a symbolic link (to OUTSIDE/nowhere/terraform.tfstate)"},
		"machine state dir":  {"terraform-state/machines/web", "OUTSIDE", "terraform-state/machines/web is a symbolic link (to OUTSIDE)"},
		"shared state dir":   {"terraform-state/shared", "OUTSIDE", "terraform-state/shared is a symbolic link (to OUTSIDE)"},
		"state root":         {"terraform-state", "OUTSIDE", "terraform-state is a symbolic link (to OUTSIDE)"},
		"work dir root":      {".clan-terranix", "OUTSIDE", ".clan-terranix is a symbolic link (to OUTSIDE)"},
		"lock file":          {".clan-terranix/locks/web.lock", "OUTSIDE/bashrc", ".clan-terranix/locks/web.lock is a symbolic link (to OUTSIDE/bashrc)"},
		"lock holder":        {".clan-terranix/locks/web.holder.json", "OUTSIDE/bashrc", ".clan-terranix/locks/web.holder.json is a symbolic link"},
		"workspace work dir": {".clan-terranix/work/web", "OUTSIDE", ".clan-terranix/work/web is a symbolic link (to OUTSIDE)"},
		"inventory.json":     {"inventory.json", "OUTSIDE/bashrc", "inventory.json is a symbolic link (to OUTSIDE/bashrc)"},
		"machine folder":     {"machines/db", "OUTSIDE", "machines/db is a symbolic link (to OUTSIDE)"},
	} {
		t.Run(name, func(t *testing.T) {
			root, outside := t.TempDir(), t.TempDir()
			write(t, root, "machines/web/infrastructure.nix", "{ }")
			write(t, outside, "bashrc", "keep me\n")
			symlink(t, strings.Replace(c.target, "OUTSIDE", outside, 1), filepath.Join(root, c.link))
			_, err := Discover(root)
			want := strings.ReplaceAll(c.want, "OUTSIDE", outside)
			if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Discover = %v, want one line starting %q", err, want)
			}
			if !strings.Contains(err.Error(), "clan-terranix follows no links where it writes (terraform-state/, .clan-terranix/, inventory.json, machine folders)") {
				t.Errorf("message does not say why: %v", err)
			}
			if data, _ := os.ReadFile(filepath.Join(outside, "bashrc")); string(data) != "keep me\n" {
				t.Errorf("target changed: %q", data)
			}
		})
	}
}

// One rule for every file of the Nix configuration: a link staying inside
// the clan is followed, whatever kind of file it is.
func TestDiscoverFollowsLinksInsideTheClan(t *testing.T) {
	root := t.TempDir()
	write(t, root, "lib/net.nix", "{ }")
	write(t, root, "lib/web/infrastructure.nix", "{ }")
	for link, target := range map[string]string{
		"inventory/infrastructure/shared/net.nix":      "../../../lib/net.nix",
		"inventory/tags/web.nix":                       "../../lib/net.nix",
		"inventory/infrastructure/modules/net.nix":     "../../../lib/net.nix",
		"inventory/infrastructure/providers/null.nix":  "../../../lib/net.nix",
		"machines/web/infrastructure.nix":              "../../lib/web/infrastructure.nix",
		"inventory/infrastructure/shared/absolute.nix": filepath.Join(root, "lib/net.nix"),
	} {
		symlink(t, target, filepath.Join(root, link))
	}
	l, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Shared) != 2 || l.Tags["web"] == "" || l.Modules["net"] == "" || l.Providers["null"] == "" {
		t.Errorf("linked files skipped: shared=%v tags=%v modules=%v providers=%v", l.Shared, l.Tags, l.Modules, l.Providers)
	}
	if l.Machines["web"].Infrastructure == "" {
		t.Errorf("machines = %+v", l.Machines)
	}
}

func TestDiscoverRefusesConfigurationOutsideTheClan(t *testing.T) {
	for _, link := range []string{
		"inventory/infrastructure/shared/net.nix", "inventory/tags/web.nix", "inventory/infrastructure/modules/net.nix",
		"machines/web/infrastructure.nix", "machines/web/configuration.nix", "clan.nix", "inventory/services/terranix.nix",
		"inventory/infrastructure/shared",
	} {
		t.Run(link, func(t *testing.T) {
			root, outside := t.TempDir(), t.TempDir()
			write(t, root, "machines/web/README.md", "")
			write(t, outside, "net.nix", "{ }")
			target := filepath.Join(outside, "net.nix")
			if !strings.HasSuffix(link, ".nix") {
				target = outside
			}
			symlink(t, target, filepath.Join(root, link))
			_, err := Discover(root)
			want := link + " leads outside the clan (to " + target + ") through a symbolic link"
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("Discover = %v, want %q", err, want)
			}
		})
	}
	root := t.TempDir()
	symlink(t, "gone.nix", filepath.Join(root, "inventory/infrastructure/shared/net.nix"))
	if _, err := Discover(root); err == nil || err.Error() != "inventory/infrastructure/shared/net.nix is a symbolic link to gone.nix, which does not exist" {
		t.Errorf("dangling link: %v", err)
	}
}

func TestCheckMachineName(t *testing.T) {
	for _, ok := range []string{"web", "web-server", "A1", "m0", strings.Repeat("a", 63)} {
		if err := CheckMachineName(ok, "machines/"); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for name, want := range map[string]string{
		"shared":                 `machine name "shared" in the inventory is reserved for the workspace of inventory/infrastructure/shared/: rename the machine`,
		"Shared":                 `machine name "Shared" in the inventory is reserved`,
		"../../x":                `machine name "../../x" in the inventory: use letters, digits and - (not first or last), as Clan does for hostnames`,
		"web\x1b[31mred":         `machine name "web\x1b[31mred" in the inventory: use letters`,
		"a@{b":                   `machine name "a@{b" in the inventory: use letters`,
		"-rf":                    `machine name "-rf" in the inventory: use letters`,
		"x.lock":                 `machine name "x.lock" in the inventory: use letters`,
		"":                       `machine name "" in the inventory: use letters`,
		strings.Repeat("a", 250): `machine name "aaaaaaaaaaaaaaaa"… in the inventory is 250 characters long; Clan allows at most 63 (a hostname)`,
	} {
		err := CheckMachineName(name, "the inventory")
		if err == nil || !strings.HasPrefix(err.Error(), want) || strings.ContainsAny(err.Error(), "\x1b\n") {
			t.Errorf("CheckMachineName(%q) = %v, want %q", name, err, want)
		}
	}
}

func TestDiscoverRefusesControlCharactersInFileNames(t *testing.T) {
	root := t.TempDir()
	write(t, root, "inventory/infrastructure/shared/x\x1b[2J.nix", "{ }")
	_, err := Discover(root)
	if err == nil || err.Error() != `inventory/infrastructure/shared/"x\x1b[2J.nix": a file name with control characters; rename it` {
		t.Errorf("Discover = %v", err)
	}
}

func TestDiscoverRefusesBadMachineFolders(t *testing.T) {
	root := t.TempDir()
	write(t, root, "machines/shared/infrastructure.nix", "{ }")
	if _, err := Discover(root); err == nil || !strings.HasPrefix(err.Error(), `machine name "shared" in machines/ is reserved`) {
		t.Errorf("Discover = %v", err)
	}
}

// BenchmarkDiscover500 is Discover of a clan of 500 applied machines (state
// folder, work dir, lock per machine): what the link checks add to every run.
func BenchmarkDiscover500(b *testing.B) {
	root := b.TempDir()
	for i := range 500 {
		m := fmt.Sprintf("m%03d", i)
		for _, f := range []string{"machines/" + m + "/infrastructure.nix", "terraform-state/machines/" + m + "/terraform.tfstate",
			"terraform-state/machines/" + m + "/.terraform.lock.hcl", "terraform-state/machines/" + m + "/applied.json",
			".clan-terranix/work/" + m + "/config.tf.json", ".clan-terranix/work/" + m + "/.terraform/terraform.tfstate",
			".clan-terranix/locks/" + m + ".lock"} {
			p := filepath.Join(root, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("{ }"), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Discover(root); err != nil {
			b.Fatal(err)
		}
	}
}
