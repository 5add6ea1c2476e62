package nixeval

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// namesFile lists nixpkgs' lib names (top level and the namespaces the
// builtins-only lib fills), so that a function it lacks is refused, not
// "attribute missing".
const namesFile = "../../nix/lib/nixpkgs-lib-names.json"

// TestLibNames keeps nix/lib/nixpkgs-lib-names.json the names of the
// snapshot's nixpkgs lib (-update rewrites it) and checks that the
// builtins-only lib answers every one of them.
func TestLibNames(t *testing.T) {
	requireNix(t)
	upstream := testenv.Upstream(t)
	expr := `let l = import ` + filepath.Join(upstream, "nixpkgs-lib", "lib") + `; in { top = builtins.attrNames l; } // builtins.listToAttrs (map (ns: { name = ns; value = builtins.attrNames l.${ns}; }) [ "attrsets" "lists" "strings" "meta" ])`
	out, err := exec.Command("nix-instantiate", "--eval", "--strict", "--json", "-E", expr).Output()
	if err != nil {
		t.Fatal(err)
	}
	var names map[string][]string
	if err := json.Unmarshal(out, &names); err != nil {
		t.Fatal(err)
	}
	want, err := json.MarshalIndent(names, "", "")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if *update {
		if err := os.WriteFile(namesFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(namesFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not the snapshot's nixpkgs lib names: go test ./internal/nixeval -run TestLibNames -update", namesFile)
	}
	libNix, _ := filepath.Abs("../../nix/lib/lib.nix")
	check := `let o = import ` + libNix + ` { }; n = builtins.fromJSON (builtins.readFile ` + mustAbs(t, namesFile) + `); miss = set: builtins.filter (x: !(set ? ${x})); in
	  miss o n.top ++ builtins.concatMap (ns: map (x: ns + "." + x) (miss o.${ns} n.${ns})) [ "attrsets" "lists" "strings" "meta" ]`
	out, err = exec.Command("nix-instantiate", "--eval", "--strict", "--json", "-E", check).Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(bytes.TrimSpace(out)) != "[]" {
		t.Errorf("the builtins-only lib lacks nixpkgs lib names (neither offered nor refused): %s", out)
	}
}

func mustAbs(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
