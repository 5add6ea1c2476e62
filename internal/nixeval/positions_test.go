package nixeval

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPositionsFollowImportsMarkersAndLists(t *testing.T) {
	requireNix(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write("module.nix", `{ name }:
{
  resource.random_pet.${name}.prefx = name;
}
`)
	infra := write("infra.nix", `{ machine, lib, ... }:
{
  imports = [ (import ./module.nix { name = machine.name; }) ];
  resource.terraform_dta.x.input = 1;
  resource.random_pet.y = lib.mkIf true {
    lenght = 3;
    keepers = [ { a = 1; } ];
  };
}
`)
	paths := [][]string{
		{"resource", "terraform_dta"},
		{"resource", "random_pet", "web", "prefx"},             // in the imported module, named by an argument
		{"resource", "random_pet", "y", "lenght"},              // under mkIf
		{"resource", "random_pet", "y", "missing"},             // the enclosing block
		{"resource", "random_pet", "y", "keepers", "[0]", "a"}, // in a list
		{"output", "nowhere"},
	}
	got, err := (&Evaluator{}).Positions(t.Context(), dir, "web", []string{infra}, paths)
	if err != nil {
		t.Fatal(err)
	}
	want := []*Position{
		{File: infra, Line: 4, Depth: 2},
		{File: filepath.Join(dir, "module.nix"), Line: 3, Depth: 4},
		{File: infra, Line: 6, Depth: 4},
		{File: infra, Line: 5, Depth: 3},
		{File: infra, Line: 7, Depth: 6},
		nil,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d positions, want %d", len(got), len(want))
	}
	for i := range want {
		switch {
		case want[i] == nil && got[i] != nil:
			t.Errorf("%v: got %+v, want none", paths[i], *got[i])
		case want[i] != nil && (got[i] == nil || *got[i] != *want[i]):
			t.Errorf("%v: got %+v, want %+v", paths[i], got[i], *want[i])
		}
	}
}
